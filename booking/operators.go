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
	CreatedAt    time.Time
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
	InsertOperatorSession(s OperatorSession) error
	OperatorSession(tokenHash []byte, now time.Time) (OperatorSession, error)
	DeleteOperatorSession(tokenHash []byte) error
	LoginFailures(keys []string, since time.Time) (int, error)
	RecordLoginFailure(keys []string, at time.Time) error
}
