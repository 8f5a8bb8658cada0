package booking

import (
	"unicode"
	"unicode/utf8"
)

// MinOperatorPassword is the shortest console password accepted, for accounts
// created or changed from the CLI and the console alike.
const MinOperatorPassword = 12

// ValidateOperatorName checks an account name: 2–32 letters (any script), digits,
// '.', '_' or '-', starting with a letter or digit, so that it can never be
// mistaken for a command-line flag or carry spaces and control characters.
func ValidateOperatorName(name string) error {
	n := utf8.RuneCountInString(name)
	if n < 2 || n > 32 {
		return Errorf(EInvalid, "an account name has 2 to 32 characters")
	}
	for i, r := range name {
		ok := unicode.IsLetter(r) || unicode.IsDigit(r) || (i > 0 && (r == '.' || r == '_' || r == '-'))
		if !ok {
			return Errorf(EInvalid, "an account name has letters, digits, '.', '_' or '-', and starts with a letter or digit")
		}
	}
	return nil
}

// ValidateOperatorPassword checks a new password's length (in characters) and that
// it is neither common nor simple, by the citizens' rule (WeakPassword).
func ValidateOperatorPassword(password string) error {
	if utf8.RuneCountInString(password) < MinOperatorPassword {
		return Errorf(EInvalid, "the password needs %d or more characters", MinOperatorPassword)
	}
	if len(password) > 72 {
		return Errorf(EInvalid, "the password may have at most 72 bytes") // bcrypt's limit
	}
	if why := WeakPassword(password); why != "" {
		return Errorf(EInvalid, "the password is too common or too simple (%s)", why)
	}
	return nil
}

// operatorRoles are the console roles an account may have.
var operatorRoles = map[string]bool{RoleOperator: true, RoleClerk: true, RoleAdmin: true, RoleManager: true}

// OfficeScoped reports whether a role works for one office: clerks and
// office managers.
func OfficeScoped(role string) bool { return role == RoleClerk || role == RoleManager }

// IsOperatorRole reports whether role is a console role.
func IsOperatorRole(role string) bool { return operatorRoles[role] }

// CheckNew applies the rules of a new account: a valid name, a
// known role, and an office of the catalog, which a clerk or a manager
// must have.
func (o Operators) CheckNew(op Operator) error {
	if err := ValidateOperatorName(op.Name); err != nil {
		return err
	}
	switch {
	case !IsOperatorRole(op.Role):
		return Errorf(EInvalid, "role must be operator, clerk, manager or admin")
	case OfficeScoped(op.Role) && op.Office == "":
		return Errorf(EInvalid, "a %s needs --office", op.Role)
	}
	if _, ok := o.Svc.Catalog.Office(op.Office); op.Office != "" && !ok {
		return Errorf(EInvalid, "no office %q in the catalog", op.Office)
	}
	return nil
}
