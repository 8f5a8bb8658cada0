// Package idcrypt seals ID numbers at rest and derives their lookup hash.
// Both stores (SQLite and PostgreSQL) use it, so one secret_key reads the
// same data whichever database holds it.
package idcrypt

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
)

// Keys are derived from the configured secret_key, one per use, so the
// lookup hash never reveals anything about the encryption key.
type Keys struct {
	aead cipher.AEAD
	mac  []byte
}

// Derive returns the keys for secret.
func Derive(secret string) Keys {
	enc, err := hkdf.Key(sha256.New, []byte(secret), nil, "yuyue id-number encryption v1", 32)
	if err != nil {
		panic(err) // only for an impossible length
	}
	mac, err := hkdf.Key(sha256.New, []byte(secret), nil, "yuyue id-number lookup v1", 32)
	if err != nil {
		panic(err)
	}
	block, err := aes.NewCipher(enc)
	if err != nil {
		panic(err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	return Keys{aead: aead, mac: mac}
}

// idAAD binds ciphertexts to their column so one cannot be moved elsewhere.
var idAAD = []byte("citizens.id_enc")

// Lookup is the keyed hash used to find a citizen by ID number.
func (k Keys) Lookup(id string) []byte {
	m := hmac.New(sha256.New, k.mac)
	m.Write([]byte(id))
	return m.Sum(nil)
}

// Seal encrypts an ID number with a fresh nonce.
func (k Keys) Seal(id string) []byte {
	nonce := make([]byte, k.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic(err)
	}
	return k.aead.Seal(nonce, nonce, []byte(id), idAAD)
}

// Open decrypts what Seal produced; a wrong secret_key is an error.
func (k Keys) Open(box []byte) (string, error) {
	n := k.aead.NonceSize()
	if len(box) < n {
		return "", errors.New("id ciphertext too short")
	}
	plain, err := k.aead.Open(nil, box[:n], box[n:], idAAD)
	if err != nil {
		return "", errors.New("id ciphertext does not open with this secret_key")
	}
	return string(plain), nil
}
