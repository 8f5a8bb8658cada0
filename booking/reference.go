package booking

import (
	"crypto/rand"
	"math/big"
)

// dammTable is the quasigroup of the Damm algorithm: a single check digit
// that catches every single-digit error and every adjacent transposition,
// the two mistakes people make reading a number aloud or keying it.
var dammTable = [10][10]byte{
	{0, 3, 1, 7, 5, 9, 8, 6, 4, 2},
	{7, 0, 9, 2, 1, 5, 4, 8, 6, 3},
	{4, 2, 0, 6, 8, 7, 1, 3, 5, 9},
	{1, 7, 5, 0, 9, 8, 3, 4, 2, 6},
	{6, 1, 2, 3, 0, 4, 5, 9, 7, 8},
	{3, 6, 7, 4, 2, 0, 9, 5, 8, 1},
	{5, 8, 6, 9, 7, 2, 0, 1, 3, 4},
	{8, 9, 4, 5, 3, 6, 2, 0, 1, 7},
	{9, 4, 3, 8, 6, 1, 7, 2, 0, 5},
	{2, 5, 8, 1, 4, 3, 6, 7, 9, 0},
}

// ReferenceLength is the number of digits in a booking reference.
const ReferenceLength = 10

func dammDigit(digits string) byte {
	var interim byte
	for i := 0; i < len(digits); i++ {
		interim = dammTable[interim][digits[i]-'0']
	}
	return interim
}

// NewReference returns a booking reference (预约受理号): ten digits, the first
// non-zero, eight more from crypto/rand (so neither sequential nor
// guessable), and a Damm check digit. Uniqueness is the database's job.
func NewReference() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(900_000_000))
	if err != nil {
		return "", err
	}
	body := big.NewInt(0).Add(n, big.NewInt(100_000_000)).String()
	return body + string('0'+dammDigit(body)), nil
}

// ValidReference reports whether s has the reference shape and check digit.
func ValidReference(s string) bool {
	if len(s) != ReferenceLength {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return dammDigit(s) == 0
}
