package booking

import "context"

type workLabelKey struct{}

// WithWorkLabel names the write work ctx carries, for the store's count
// of units in transactions the database gave up (GivenUpStats): a call
// step is "ivr.<step>", the step the caller's input arrived at
// ("ivr.start" a call's first webhook); the outbox's work is "sms.claim",
// "sms.china_guard", "sms.record" and "sms.delivery". Labels must come
// from a fixed set (they become metric labels), never from
// what a caller sent.
func WithWorkLabel(ctx context.Context, label string) context.Context {
	return context.WithValue(ctx, workLabelKey{}, label)
}

// WorkLabel is the label WithWorkLabel gave ctx, or "other".
func WorkLabel(ctx context.Context) string {
	if l, ok := ctx.Value(workLabelKey{}).(string); ok && l != "" {
		return l
	}
	return "other"
}
