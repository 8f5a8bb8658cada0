package booking

import (
	"context"
	"time"
)

// Operators are the console's rules: accounts and their sessions, login
// throttling, and the audited looks at citizens and bookings. The console
// renders; every decision and write is here.
type Operators struct{ Svc *Service }

// Console login throttling. Failures are counted per account from one
// address, per address, and per account from everywhere. Past a key's free
// attempts each further attempt waits an exponentially growing delay after
// the last failure. The account-wide limit only slows addresses that have
// already failed on that account, so a flood of guesses from one place (or
// an office NAT) never locks the right password out from another address.
const (
	consoleFailureWindow = time.Hour
	consoleBackoffBase   = 30 * time.Second
	consoleBackoffMax    = 15 * time.Minute
	freePerPair          = 5  // an account from one address
	freePerAddr          = 20 // one address, all accounts (an office NAT)
	freePerAcct          = 50 // an account from everywhere
)

// consoleThrottleKeys are the counters one attempt is recorded under.
func consoleThrottleKeys(name, ip string) (pair, addr, acct string) {
	return "pair:" + name + "@" + ip, "ip:" + ip, "name:" + name
}

// consoleBackoff is how long after its last failure a key is refused.
func consoleBackoff(n, free int) time.Duration {
	if n < free {
		return 0
	}
	return min(consoleBackoffBase<<min(n-free, 10), consoleBackoffMax)
}

// consoleWait is how long an attempt must wait given the counts, 0 if it may go.
func consoleWait(counts map[string]LoginCounts, pair, addr, acct string, now time.Time) time.Duration {
	var w time.Duration
	until := func(k string, free int) {
		if c := counts[k]; c.N > 0 {
			w = max(w, c.Last.Add(consoleBackoff(c.N, free)).Sub(now))
		}
	}
	until(pair, freePerPair)
	until(addr, freePerAddr)
	if counts[pair].N > 0 {
		until(acct, freePerAcct)
	}
	return w
}

// ConsoleLogin is a console login attempt after its throttle check.
type ConsoleLogin struct {
	// Delay > 0: the attempt was refused (and audited); try after it.
	Delay time.Duration
	// Operator is the account named, when Lookup is nil.
	Operator Operator
	Lookup   error
}

// BeginLogin reserves a console login attempt (id attempt) by name from ip
// under its throttling keys, in the same transaction that checks them, so
// parallel guesses are all counted; the caller then compares the password
// (against a dummy hash when Lookup is not nil) and calls LoginFailed or
// StartSession.
func (o Operators) BeginLogin(ctx context.Context, name, ip, attempt string) (ConsoleLogin, error) {
	pair, addr, acct := consoleThrottleKeys(name, ip)
	now := o.Svc.Now()
	var l ConsoleLogin
	err := o.Svc.store.InTx(ctx, func(tx Tx) error {
		counts, err := tx.LoginCounts([]string{pair, addr, acct}, now.Add(-consoleFailureWindow))
		if err != nil {
			return err
		}
		if l.Delay = consoleWait(counts, pair, addr, acct, now); l.Delay > 0 {
			return o.auditLogin(tx, name, "login.throttled", ip)
		}
		l.Operator, l.Lookup = tx.OperatorByName(name)
		return tx.ReserveLoginAttempt([]string{pair, addr, acct}, attempt, now)
	})
	return l, err
}

// LoginFailed audits a wrong password (or unknown or disabled account).
func (o Operators) LoginFailed(ctx context.Context, name, ip string) error {
	return o.Svc.store.InTx(ctx, func(tx Tx) error { return o.auditLogin(tx, name, "login.failed", ip) })
}

// StartSession forgets the successful attempt and opens the session s of
// the account name.
func (o Operators) StartSession(ctx context.Context, s OperatorSession, name, attempt, ip string) error {
	return o.Svc.store.InTx(ctx, func(tx Tx) error {
		if err := tx.ClearLoginAttempt(attempt); err != nil {
			return err
		}
		if err := tx.InsertOperatorSession(s); err != nil {
			return err
		}
		return o.auditLogin(tx, name, "login.ok", ip)
	})
}

// Logout ends the session with tokenHash of the account name.
func (o Operators) Logout(ctx context.Context, tokenHash []byte, name, ip string) error {
	return o.Svc.store.InTx(ctx, func(tx Tx) error {
		if err := tx.DeleteOperatorSession(tokenHash); err != nil {
			return err
		}
		return o.auditLogin(tx, name, "logout", ip)
	})
}

// auditLogin records a login event. An unknown name is not stored: it may
// be a password typed into the wrong field.
func (o Operators) auditLogin(tx Tx, name, action, ip string) error {
	if _, err := tx.OperatorByName(name); err != nil {
		name = "未知账户"
	}
	return tx.Audit(AuditEntry{At: o.Svc.Now(), Actor: CleanText(name), Channel: ChannelOperator,
		Action: action, Detail: "地址 " + ip})
}

// Session returns the live session with tokenHash, its console state and
// its account (ENotFound when there is none).
func (o Operators) Session(ctx context.Context, tokenHash []byte) (s OperatorSession, cs ConsoleSession, op Operator, err error) {
	now := o.Svc.Now()
	err = o.Svc.store.View(ctx, func(tx Tx) (err error) {
		if s, err = tx.OperatorSession(tokenHash, now); err != nil {
			return err
		}
		if cs, err = tx.ConsoleSession(tokenHash); err != nil {
			return err
		}
		op, err = tx.OperatorByID(s.OperatorID)
		return err
	})
	return s, cs, op, err
}

// EndSession deletes what is left of a dead session.
func (o Operators) EndSession(ctx context.Context, tokenHash []byte) error {
	return o.Svc.store.InTx(ctx, func(tx Tx) error { return tx.DeleteOperatorSession(tokenHash) })
}

// SaveSession writes a session's console state back (ENotFound when the
// session ended meanwhile).
func (o Operators) SaveSession(ctx context.Context, tokenHash []byte, cs ConsoleSession) error {
	return o.Svc.store.InTx(ctx, func(tx Tx) error { return tx.SaveConsoleSession(tokenHash, cs) })
}

// Add creates a console account: a valid name, a known role, and an office
// of the catalog, which a clerk must have (EInvalid); a taken name is
// EConflict.
func (o Operators) Add(ctx context.Context, op *Operator) error {
	if err := o.CheckNew(*op); err != nil {
		return err
	}
	return o.Svc.store.InTx(ctx, func(tx Tx) error { return tx.InsertOperator(op) })
}

// List lists every account, active or not, by name.
func (o Operators) List(ctx context.Context) (ops []Operator, err error) {
	err = o.Svc.store.View(ctx, func(tx Tx) (err error) { ops, err = tx.Operators(); return err })
	return ops, err
}

// ChangePassword gives op (the account of the session with tokenHash) its
// own password hash and clears MustChangePassword; its other sessions end.
func (o Operators) ChangePassword(ctx context.Context, op Operator, hash, tokenHash []byte) error {
	return o.Svc.store.InTx(ctx, func(tx Tx) error {
		op.PasswordHash, op.MustChangePassword, op.UpdatedAt = hash, false, o.Svc.Now()
		if err := tx.UpdateOperator(op); err != nil {
			return err
		}
		s, err := tx.OperatorSession(tokenHash, o.Svc.Now())
		if err != nil {
			return err
		}
		if err := tx.DeleteOperatorSessions(op.ID); err != nil {
			return err
		}
		if err := tx.InsertOperatorSession(s); err != nil {
			return err
		}
		return tx.Audit(AuditEntry{At: op.UpdatedAt, Actor: op.Name, Channel: ChannelOperator, Action: "operator.password"})
	})
}

// Change applies change to the account id for an administrator (actor),
// ends its sessions unless the action adds or enables it, and audits the
// action with detail(the changed account).
func (o Operators) Change(ctx context.Context, actor string, id int64, action string,
	change func(*Operator), detail func(Operator) string) error {
	return o.Svc.store.InTx(ctx, func(tx Tx) error {
		op, err := tx.OperatorByID(id)
		if err != nil {
			return err
		}
		change(&op)
		op.UpdatedAt = o.Svc.Now()
		if err := tx.UpdateOperator(op); err != nil {
			return err
		}
		if action != "operator.add" && action != "operator.enable" {
			if err := tx.DeleteOperatorSessions(op.ID); err != nil {
				return err
			}
		}
		return tx.Audit(AuditEntry{At: op.UpdatedAt, Actor: actor, Channel: ChannelOperator, Action: action, Detail: detail(op)})
	})
}

// ChangeByName applies change to the account name (from the command
// line) and ends its sessions.
func (o Operators) ChangeByName(ctx context.Context, name string, change func(*Operator) error) error {
	return o.Svc.store.InTx(ctx, func(tx Tx) error {
		op, err := tx.OperatorByName(name)
		if err != nil {
			return &namedError{name: name, err: err}
		}
		if err := change(&op); err != nil {
			return err
		}
		op.UpdatedAt = o.Svc.Now()
		if err := tx.UpdateOperator(op); err != nil {
			return err
		}
		return tx.DeleteOperatorSessions(op.ID)
	})
}

// namedError says which account an error is about.
type namedError struct {
	name string
	err  error
}

func (e *namedError) Error() string { return "operator " + e.name + ": " + e.err.Error() }
func (e *namedError) Unwrap() error { return e.err }
