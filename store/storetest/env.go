package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/catalog"
)

// Clock is a settable clock for tests.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// Shanghai is the platform's time zone.
var Shanghai, _ = time.LoadLocation("Asia/Shanghai")

// At parses "2006-01-02 15:04" in Asia/Shanghai.
func At(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, Shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

// TestCatalog is a small catalog: two offices in two districts, two
// businesses, two periods of capacity 2, a holiday and a make-up Saturday.
const TestCatalog = `
businesses:
  - {code: newborn, name: 新生儿入户, notice: 请携带出生医学证明。, bring: 出生医学证明、户口簿}
  - {code: idcard, name: 居民身份证申领换领, notice: 须本人到场。, bring: 户口簿}
districts:
  - {code: futian, name: 福田区}
  - {code: nanshan, name: 南山区}
offices:
  - {code: FT01, name: 福田派出所户政室, district: futian, address: 福田区福华路100号}
  - {code: NS01, name: 南头派出所户政室, district: nanshan, address: 南山区南头街88号, businesses: [newborn]}
defaults:
  periods:
    - {start: "09:00", end: "10:00", capacity: 2}
    - {start: "14:00", end: "15:00", capacity: 2}
calendar:
  2026:
    holidays: {"2026-12-25": 测试假日}
    workdays: {"2026-12-26": 测试调休}
`

// Env is a service on a real database (SQLite, or PostgreSQL under
// TestPostgres) with a test clock.
type Env struct {
	Store DB
	Svc   *booking.Service
	Clock *Clock
	yaml  string // the catalog, for Node

	hook *hookStore
}

// Start is when test environments begin: Monday 2026-11-30 09:00.
var Start = At("2026-11-30 09:00")

// NewEnv opens a store, loads the test catalog (or yaml when given), sets
// the clock to Start and opens the window's places.
func NewEnv(t testing.TB, yaml ...string) *Env {
	t.Helper()
	return NewEnvOn(t, Open(t), yaml...)
}

// NewEnvOn is NewEnv on a store the caller opened (benchmarks choose
// their store by hand).
func NewEnvOn(t testing.TB, st DB, yaml ...string) *Env {
	t.Helper()
	src := TestCatalog
	if len(yaml) > 0 {
		src = yaml[0]
	}
	cat, err := catalog.Parse([]byte(src))
	if err != nil {
		t.Fatalf("test catalog: %v", err)
	}
	clock := &Clock{t: Start}
	hook := &hookStore{st: st}
	svc := booking.NewService(hook, cat, booking.DefaultRules())
	svc.Now = clock.Now
	if _, err := svc.OpenPlaces(context.Background()); err != nil {
		t.Fatalf("open places: %v", err)
	}
	return &Env{Store: st, Svc: svc, Clock: clock, yaml: src, hook: hook}
}

// ID returns a valid resident ID number made from a sequence number.
func ID(n int) string {
	birth := time.Date(1980, 1, 1+n/1000, 0, 0, 0, 0, time.UTC).Format("20060102")
	body := "440305" + birth + pad(n%1000, 3)
	return body + string(booking.IDCheckChar(body))
}

// Phone returns a valid mainland mobile number in E.164 for n.
func Phone(n int) string { return "+86138" + pad(n%100000000, 8) }

func pad(n, w int) string {
	s := make([]byte, w)
	for i := w - 1; i >= 0; i-- {
		s[i] = byte('0' + n%10)
		n /= 10
	}
	return string(s)
}

// Citizen registers citizen n (name 张n, ID(n), Phone(n)).
func (e *Env) Citizen(t testing.TB, n int) booking.Citizen {
	t.Helper()
	c, err := e.Svc.Register(context.Background(), Actor, booking.Registration{Name: "张三" + pad(n%100, 2), IDNumber: ID(n), Phone: Phone(n)})
	if err != nil {
		t.Fatalf("register citizen %d: %v", n, err)
	}
	return c
}

// Actor is the actor test changes are made by.
var Actor = booking.Actor{Name: "test", Channel: booking.ChannelSystem}

// Verify marks the citizen's phone as having passed a booking code.
func (e *Env) Verify(t testing.TB, c booking.Citizen) {
	t.Helper()
	err := e.Store.InTx(context.Background(), func(tx booking.Tx) error {
		return e.Svc.MarkPhoneVerified(context.Background(), tx, c.Phone, booking.PurposeBooking)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Place returns the place of office, business, date and start time.
func (e *Env) Place(t testing.TB, office, business, date, start string) booking.Place {
	t.Helper()
	d := booking.MustDate(date)
	ps, err := e.Svc.Availability(context.Background(), booking.PlaceFilter{Office: office, Business: business, From: d, To: d})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Start == start {
			return p
		}
	}
	t.Fatalf("no place %s %s %s %s", office, business, date, start)
	return booking.Place{}
}

// Book holds and confirms a place for a verified citizen.
func (e *Env) Book(t testing.TB, c booking.Citizen, p booking.Place) booking.Booking {
	t.Helper()
	e.Verify(t, c)
	h, err := e.Svc.Hold(context.Background(), Actor, c.ID, p.ID)
	if err != nil {
		t.Fatalf("hold: %v", err)
	}
	b, err := e.Svc.Confirm(context.Background(), Actor, h.ID)
	if err != nil {
		t.Fatalf("confirm: %v", err)
	}
	return b
}
