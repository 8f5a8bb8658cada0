package booking

import "time"

// ConsoleSession is the server-side state of a console session: when it was
// last used (for the idle timeout) and its small JSON data (flash messages,
// the reasons citizens are being looked at). Nothing of it goes in a URL.
type ConsoleSession struct {
	SeenAt time.Time
	Data   string
}

// LoginCounts are the recent failed (or still pending) login attempts of one
// throttling key and when the latest was.
type LoginCounts struct {
	N    int
	Last time.Time
}

// ConsoleTx is what the console needs beyond accounts and sessions.
type ConsoleTx interface {
	// ConsoleSession returns the state of the session with tokenHash.
	ConsoleSession(tokenHash []byte) (ConsoleSession, error)
	// SaveConsoleSession writes it back (ENotFound when the session ended).
	SaveConsoleSession(tokenHash []byte, s ConsoleSession) error
	// CitizenHandle returns the citizen's opaque handle, storing fresh as
	// the handle when the citizen has none yet.
	CitizenHandle(citizenID int64, fresh string) (string, error)
	// CitizenByHandle returns the citizen id a handle stands for.
	CitizenByHandle(handle string) (int64, error)
	// CitizenHandles returns the handles of the citizens that have one.
	CitizenHandles(citizenIDs []int64) (map[int64]string, error)
	// LoginCounts counts the attempts of each key since a time.
	LoginCounts(keys []string, since time.Time) (map[string]LoginCounts, error)
	// ReserveLoginAttempt records an attempt under every key before its
	// password is checked, so parallel guesses are all counted.
	ReserveLoginAttempt(keys []string, attempt string, at time.Time) error
	// ClearLoginAttempt forgets an attempt whose password was right.
	ClearLoginAttempt(attempt string) error
	// PurgeConsole deletes sessions expired or idle before idleBefore and
	// login attempts older than failuresBefore.
	PurgeConsole(now, idleBefore, failuresBefore time.Time) (sessions, failures int, err error)
}
