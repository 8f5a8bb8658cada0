package booking

import "time"

// Console roles.
const (
	RoleOperator = "operator" // 114 operator
	RoleClerk    = "clerk"    // office clerk
	RoleAdmin    = "admin"
)

// Operator is a console account.
type Operator struct {
	ID           int64
	Name         string
	Role         string
	Office       string
	PasswordHash []byte
	Active       bool
	// MustChangePassword is set when an administrator reset the password:
	// the console lets the account do nothing else until it picks its own.
	MustChangePassword bool
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// OperatorSession is a logged-in console session.
type OperatorSession struct {
	TokenHash  []byte
	OperatorID int64
	CSRF       string
	CreatedAt  time.Time
	ExpiresAt  time.Time
}

// OperatorTx is what the console does inside one transaction.
type OperatorTx interface {
	InsertOperator(o *Operator) error
	OperatorByName(name string) (Operator, error)
	OperatorByID(id int64) (Operator, error)
	// Operators lists every account, active or not, by name.
	Operators() ([]Operator, error)
	// UpdateOperator writes role, office, password hash, active and
	// must-change flags of the account with o.ID (ENotFound if none).
	UpdateOperator(o Operator) error
	// DeleteOperatorSessions ends every console session of an account, so
	// a disabled account or a reset password takes effect at once.
	DeleteOperatorSessions(operatorID int64) error
	InsertOperatorSession(s OperatorSession) error
	OperatorSession(tokenHash []byte, now time.Time) (OperatorSession, error)
	DeleteOperatorSession(tokenHash []byte) error
	LoginFailures(keys []string, since time.Time) (int, error)
	RecordLoginFailure(keys []string, at time.Time) error
}
