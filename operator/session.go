package operator

import (
	"encoding/json"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
)

// sessionState is kept server-side with the session: the next page's
// message, and why the operator is looking at each citizen (the reason
// every view of that citizen is audited with).
type sessionState struct {
	Flash string            `json:"flash,omitempty"`
	Error string            `json:"error,omitempty"`
	Why   map[string]string `json:"why,omitempty"`

	dirty bool
}

func parseState(data string) *sessionState {
	st := &sessionState{}
	_ = json.Unmarshal([]byte(data), st) // a broken blob is an empty state
	return st
}

func (st *sessionState) encode() string {
	b, _ := json.Marshal(st)
	return string(b)
}

func (st *sessionState) takeFlash() (string, string) {
	f, e := st.Flash, st.Error
	if f != "" || e != "" {
		st.Flash, st.Error, st.dirty = "", "", true
	}
	return f, e
}

func (st *sessionState) setFlash(flash, err string) {
	st.Flash, st.Error, st.dirty = flash, err, true
}

func (st *sessionState) reason(citizenID int64) string {
	return st.Why[strconv.FormatInt(citizenID, 10)]
}

// setReason records why a citizen is looked at; only the last few are kept.
func (st *sessionState) setReason(citizenID int64, why string) {
	if st.Why == nil || len(st.Why) > 20 {
		st.Why = map[string]string{}
	}
	st.Why[strconv.FormatInt(citizenID, 10)] = why
	st.dirty = true
}

func (c *Console) state(ctx *fiber.Ctx) *sessionState {
	st, _ := ctx.Locals("state").(*sessionState)
	return st
}

// saveState writes the session's state and last use back.
func (c *Console) saveState(ctx *fiber.Ctx, s booking.ConsoleSession, st *sessionState) error {
	s.Data = st.encode()
	err := c.ops().SaveSession(ctx.UserContext(), hashToken(ctx.Cookies(sessionCookie)), s)
	if booking.ErrorCode(err) == booking.ENotFound {
		return nil // logged out or disabled meanwhile
	}
	return err
}
