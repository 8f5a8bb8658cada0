package booking

import "time"

// SMSLimitsTx is what the SMS channel keeps about provider limits inside
// one transaction: numbers a provider refused for the hour or the day,
// Aliyun up-messages left unanswered, and recent sends per number for
// Twilio's China rules.
type SMSLimitsTx interface {
	// BlockPhone records that the provider refuses phone until until
	// (level: "hour" or "day"); a later until wins.
	BlockPhone(phone, level string, until time.Time) error
	// PhoneBlock returns the level of a block on phone still running at
	// now, "" when there is none.
	PhoneBlock(phone string, now time.Time) (string, error)
	// PendingUps lists up-messages received after since, not handled and
	// not claimed after staleBefore: a command that failed, to run again.
	PendingUps(staleBefore, since time.Time, limit int) ([]string, error)
	// RecentSends returns the body hashes sent to to since since.
	RecentSends(to string, since time.Time) ([][]byte, error)
	// RecordSend keeps one send's body hash and returns the hashes sent
	// to to after since, before it; ForgetSend drops it again when the
	// send surely did not go, or may not go.
	RecordSend(to string, hash []byte, at, since time.Time) (id int64, sent [][]byte, err error)
	ForgetSend(id int64) error
}
