package store

import "yuyue/store/idcrypt"

// keys wrap the shared ID-number keys (package idcrypt), so that SQLite and
// PostgreSQL seal and look up ID numbers identically.
type keys struct{ k idcrypt.Keys }

func deriveKeys(secret string) keys { return keys{idcrypt.Derive(secret)} }

// lookupHash is the keyed hash used to find a citizen by ID number.
func (k keys) lookupHash(id string) []byte { return k.k.Lookup(id) }

func (k keys) seal(id string) []byte { return k.k.Seal(id) }

func (k keys) open(box []byte) (string, error) { return k.k.Open(box) }
