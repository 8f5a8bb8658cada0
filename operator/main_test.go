package operator_test

import (
	"os"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"yuyue/operator"
)

// TestMain lowers the bcrypt cost: the tests check the login logic, not
// bcrypt's work factor, and run under the race detector.
func TestMain(m *testing.M) {
	operator.PasswordCost = bcrypt.MinCost
	os.Exit(m.Run())
}
