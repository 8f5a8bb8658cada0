package operator

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"yuyue/booking"
)

// MinPasswordLen is the shortest console password accepted, for accounts
// created or changed from the CLI and the console alike.
const MinPasswordLen = 12

// ValidateName checks an account name: 2–32 letters (any script), digits,
// '.', '_' or '-', starting with a letter or digit, so that it can never be
// mistaken for a command-line flag or carry spaces and control characters.
func ValidateName(name string) error {
	n := utf8.RuneCountInString(name)
	if n < 2 || n > 32 {
		return booking.Errorf(booking.EInvalid, "an account name has 2 to 32 characters")
	}
	for i, r := range name {
		ok := unicode.IsLetter(r) || unicode.IsDigit(r) || (i > 0 && (r == '.' || r == '_' || r == '-'))
		if !ok {
			return booking.Errorf(booking.EInvalid, "an account name has letters, digits, '.', '_' or '-', and starts with a letter or digit")
		}
	}
	return nil
}

// ValidatePassword checks a new password's length (in characters) and that
// it is neither common nor simple, by the citizens' rule (booking.WeakPassword).
func ValidatePassword(password string) error {
	if utf8.RuneCountInString(password) < MinPasswordLen {
		return booking.Errorf(booking.EInvalid, "the password needs %d or more characters", MinPasswordLen)
	}
	if len(password) > 72 {
		return booking.Errorf(booking.EInvalid, "the password may have at most 72 bytes") // bcrypt's limit
	}
	if why := booking.WeakPassword(password); why != "" {
		return booking.Errorf(booking.EInvalid, "the password is too common or too simple (%s)", why)
	}
	return nil
}

// SetPassword validates password and stores its bcrypt hash on o. The
// caller decides MustChangePassword and writes o with UpdateOperator.
func SetPassword(o *booking.Operator, password string) error {
	if err := ValidatePassword(password); err != nil {
		return err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), PasswordCost)
	if err != nil {
		return err
	}
	o.PasswordHash = hash
	return nil
}
