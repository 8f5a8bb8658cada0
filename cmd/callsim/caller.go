package main

import (
	"crypto/rand"
	"errors"
	"math/big"
	"strings"
	"time"

	"yuyue/booking"
	"yuyue/internal/lastcaller"
)

// newMobile is a fresh mainland mobile number, +86139 and eight random
// digits, so a scripted "new caller" is new on every run.
func newMobile() string { return "+86139" + randDigits(8) }

// newIDNumber is a valid resident ID number nobody registered yet: Nanshan's
// region code, a birth date between 1950 and 2005, a random sequence and
// the GB 11643 check character.
func newIDNumber() string {
	start := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC)
	born := start.AddDate(0, 0, int(randInt(365*55)))
	first17 := "440305" + born.Format("20060102") + randDigits(3)
	return first17 + string(booking.IDCheckChar(first17))
}

func randDigits(n int) string {
	var b strings.Builder
	for range n {
		b.WriteByte(byte('0' + randInt(10)))
	}
	return b.String()
}

func randInt(n int64) int64 {
	v, err := rand.Int(rand.Reader, big.NewInt(n))
	if err != nil {
		panic(err) // crypto/rand never fails on Linux
	}
	return v.Int64()
}

// pickCaller resolves --new, --from and --id into the calling number and the
// ID number the `id` token keys.
func pickCaller(server string, isNew bool, from, id string) (string, string, error) {
	if id == "" {
		id = newIDNumber()
	}
	switch {
	case isNew && from != "":
		return "", "", errors.New("--new and --from exclude each other")
	case isNew:
		n := newMobile()
		return n, id, lastcaller.Remember(server, n)
	case from == "last":
		n, err := lastcaller.Recall(server)
		return n, id, err
	case from == "":
		return "+8613800138000", id, nil
	}
	n, err := booking.NormalizeMobile(from)
	if err != nil {
		// Landlines and SIP callers are real too: pass them as given.
		return from, id, nil
	}
	return n, id, nil
}
