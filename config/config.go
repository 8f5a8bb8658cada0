// Package config is yuyue's configuration: one table of keys (settings.go:
// name, default, description, check) and one struct for typed access,
// loaded by viper from built-in defaults < YAML file < YUYUE_* environment,
// then checked by Validate. Viper only loads; the rules live in the table's
// checks.
package config

import (
	"time"
)

// Config is every setting of the service.
type Config struct {
	// DevMode asks for development mode (YUYUE_DEV=1 or --dev); see Dev.
	DevMode bool `mapstructure:"dev"`
	// DevClock starts the service's clock at this instant in development
	// mode (YUYUE_DEV_CLOCK or --clock); see StartClock.
	DevClock  string    `mapstructure:"dev_clock"`
	HTTP      HTTP      `mapstructure:"http"`
	PublicURL string    `mapstructure:"public_url"`
	Database  string    `mapstructure:"database"`
	Twilio    Twilio    `mapstructure:"twilio"`
	Aliyun    Aliyun    `mapstructure:"aliyun"`
	Catalog   string    `mapstructure:"catalog"`
	SecretKey string    `mapstructure:"secret_key"`
	Log       Log       `mapstructure:"log"`
	Booking   Booking   `mapstructure:"booking"`
	Voice     Voice     `mapstructure:"voice"`
	SMS       SMS       `mapstructure:"sms"`
	Jobs      Jobs      `mapstructure:"jobs"`
	Retention Retention `mapstructure:"retention"`
	Debug     Debug     `mapstructure:"debug"`
	Web       Web       `mapstructure:"web"`
	Backup    Backup    `mapstructure:"backup"`
	Console   Console   `mapstructure:"console"`
	SIP       SIP       `mapstructure:"sip"`
	TTS       TTS       `mapstructure:"tts"`
	ASR       ASR       `mapstructure:"asr"`
	NLS       NLS       `mapstructure:"nls"`
}

// Backup configures the daily online backup job (jobs.backup).
type Backup struct {
	// Dir holds the copies; empty means a backups directory beside the
	// database file.
	Dir string `mapstructure:"dir"`
	// Keep is how many copies the job keeps; older ones are deleted.
	Keep int `mapstructure:"keep"`
}

// Console configures the web console's sessions.
type Console struct {
	// IdleTimeout ends a session not used for this long, besides the
	// absolute lifetime: a counter PC left logged in is not left open.
	IdleTimeout time.Duration `mapstructure:"idle_timeout"`
}

// Debug holds diagnostics that are off by default.
type Debug struct {
	// PprofAddr, when set, serves net/http/pprof on that address, which must
	// be a loopback address: profiles expose memory contents. It is a
	// listener of its own, apart from http.admin_addr, because the admin
	// listener may face a metrics scraper on the network.
	PprofAddr string `mapstructure:"pprof_addr"`
}

// HTTP holds the listeners.
type HTTP struct {
	// Addr is the public listener: webhooks, the console and health only.
	Addr string `mapstructure:"addr"`
	// AdminAddr serves /metrics (and health) apart from the public routes.
	AdminAddr string `mapstructure:"admin_addr"`
	// TrustedProxies are the CIDRs (or single addresses) of reverse proxies
	// whose X-Real-IP header names the client; from anyone else the header
	// is ignored, so a client cannot pick the address login throttling sees.
	TrustedProxies []string `mapstructure:"trusted_proxies"`
}

// Twilio holds the credentials; empty SID and token mean development mode.
type Twilio struct {
	AccountSID string `mapstructure:"account_sid"`
	AuthToken  string `mapstructure:"auth_token"`
	SMSFrom    string `mapstructure:"sms_from"`
	APIURL     string `mapstructure:"api_url"`
}

// Aliyun holds the Aliyun SMS (dysmsapi) account, used when sms.provider
// is aliyun.
type Aliyun struct {
	AccessKeyID     string          `mapstructure:"access_key_id"`
	AccessKeySecret string          `mapstructure:"access_key_secret"`
	SignName        string          `mapstructure:"sign_name"` // registered 签名, without 【】
	Endpoint        string          `mapstructure:"endpoint"`  // scheme://host[:port] of the dysmsapi API
	PushToken       string          `mapstructure:"push_token"`
	Templates       AliyunTemplates `mapstructure:"templates"`
}

// AliyunTemplates are the registered template codes, one per message kind.
type AliyunTemplates struct {
	Code          string `mapstructure:"code"`
	Confirmation  string `mapstructure:"confirmation"`
	Reminder      string `mapstructure:"reminder"`
	Cancellation  string `mapstructure:"cancellation"`
	NoShow        string `mapstructure:"noshow"`
	Blacklist     string `mapstructure:"blacklist"`
	ClosureCancel string `mapstructure:"closure_cancel"`
	ClosureMove   string `mapstructure:"closure_move"`
	// a closure's notices to waitlist citizens
	ClosureWaitEnded      string `mapstructure:"closure_wait_ended"`
	ClosureOfferWithdrawn string `mapstructure:"closure_offer_withdrawn"`
	ReplyHelp             string `mapstructure:"reply_help"`
	ReplyUnknown          string `mapstructure:"reply_unknown"`
	ReplyNone             string `mapstructure:"reply_none"`
	ReplyStop             string `mapstructure:"reply_stop"`
	ReplyBusy             string `mapstructure:"reply_busy"`
	ReplyNoSuchRef        string `mapstructure:"reply_no_such_ref"`
	ReplyCancelled        string `mapstructure:"reply_cancelled"`
	ReplyTooLate          string `mapstructure:"reply_too_late"`
	ReplyConfirmed        string `mapstructure:"reply_confirmed"`
	ReplyWhich            string `mapstructure:"reply_which"`
	ReplyBooking          string `mapstructure:"reply_booking"`
	// the reschedule (改约) and waitlist (候补) kinds
	Rescheduled         string `mapstructure:"rescheduled"`
	WaitlistOffer       string `mapstructure:"waitlist_offer"`
	ReplyReschedule     string `mapstructure:"reply_reschedule"`
	ReplyRescheduleLate string `mapstructure:"reply_reschedule_late"`
	ReplyOfferTaken     string `mapstructure:"reply_offer_taken"`
	ReplyWaitlistLeft   string `mapstructure:"reply_waitlist_left"`
	ReplyWaitlistNone   string `mapstructure:"reply_waitlist_none"`
	// the written name of a SIP call (required with sip.listen only)
	NameAsk       string `mapstructure:"name_ask"`
	NameHeard     string `mapstructure:"name_heard"`
	ReplyNameSet  string `mapstructure:"reply_name_set"`
	ReplyNameNone string `mapstructure:"reply_name_none"`
}

// ByKind maps message kinds to template codes.
func (t AliyunTemplates) ByKind() map[string]string {
	return map[string]string{"code": t.Code, "confirmation": t.Confirmation, "reminder": t.Reminder,
		"cancellation": t.Cancellation, "noshow": t.NoShow, "blacklist": t.Blacklist,
		"closure_cancel": t.ClosureCancel, "closure_move": t.ClosureMove,
		"closure_wait_ended": t.ClosureWaitEnded, "closure_offer_withdrawn": t.ClosureOfferWithdrawn,
		"reply_help": t.ReplyHelp, "reply_unknown": t.ReplyUnknown, "reply_none": t.ReplyNone, "reply_stop": t.ReplyStop,
		"reply_busy": t.ReplyBusy, "reply_no_such_ref": t.ReplyNoSuchRef, "reply_cancelled": t.ReplyCancelled,
		"reply_too_late": t.ReplyTooLate, "reply_confirmed": t.ReplyConfirmed, "reply_which": t.ReplyWhich,
		"reply_booking": t.ReplyBooking, "rescheduled": t.Rescheduled, "waitlist_offer": t.WaitlistOffer,
		"reply_reschedule": t.ReplyReschedule, "reply_reschedule_late": t.ReplyRescheduleLate,
		"reply_offer_taken": t.ReplyOfferTaken, "reply_waitlist_left": t.ReplyWaitlistLeft,
		"reply_waitlist_none": t.ReplyWaitlistNone,
		"name_ask":            t.NameAsk, "name_heard": t.NameHeard,
		"reply_name_set": t.ReplyNameSet, "reply_name_none": t.ReplyNameNone}
}

// Log selects the slog handler.
type Log struct {
	Format string `mapstructure:"format"` // text or json
	Level  string `mapstructure:"level"`  // debug, info, warn, error
}

// Booking are the numbers of SPEC §2.
type Booking struct {
	WindowDays   int           `mapstructure:"window_days"`
	HoldTTL      time.Duration `mapstructure:"hold_ttl"`
	CancelHour   int           `mapstructure:"cancel_hour"`
	NoShowGrace  time.Duration `mapstructure:"noshow_grace"`
	BanStrikes   int           `mapstructure:"ban_strikes"`
	BanMonths    int           `mapstructure:"ban_months"`
	VerifiedFor  time.Duration `mapstructure:"verified_for"`
	ReleaseBatch int           `mapstructure:"release_batch"`
	// WaitlistOfferTTL is how long a place offered from the waitlist is held.
	WaitlistOfferTTL time.Duration `mapstructure:"waitlist_offer_ttl"`
}

// Voice configures the IVR's speech.
type Voice struct {
	Language       string `mapstructure:"language"`        // <Say language> for Mandarin
	Voice          string `mapstructure:"voice"`           // <Say voice> for Mandarin
	EnLanguage     string `mapstructure:"en_language"`     // <Say language> for English
	EnVoice        string `mapstructure:"en_voice"`        // <Say voice> for English
	SpeechLanguage string `mapstructure:"speech_language"` // <Gather language>
	Timeout        int    `mapstructure:"timeout"`         // <Gather timeout> seconds
	// Operator is where 0 transfers to: sip:agents@pbx (the 114 centre's
	// exchange), tel:+… or +… (through OperatorBYOC for +86 numbers, as
	// Twilio places no calls to mainland numbers itself); empty = none.
	Operator     string `mapstructure:"operator"`
	OperatorBYOC string `mapstructure:"operator_byoc"` // BY… BYOC trunk SID for <Number byoc>
	CallerID     string `mapstructure:"caller_id"`     // <Dial callerId>, required with an operator
	DialTimeout  int    `mapstructure:"dial_timeout"`  // <Dial timeout> seconds the agents may ring
	ElderAge     int    `mapstructure:"elder_age"`     // callers this old hear the operator hint first, slower; 0 off
}

// SMS configures codes and the outbox worker.
type SMS struct {
	Provider     string        `mapstructure:"provider"`  // twilio or aliyun
	Signature    string        `mapstructure:"signature"` // 【…】 opening every text the provider does not sign itself
	CodeTTL      time.Duration `mapstructure:"code_ttl"`
	CodeAttempts int           `mapstructure:"code_attempts"`
	ResendAfter  time.Duration `mapstructure:"resend_after"`
	PerHour      int           `mapstructure:"per_hour"`
	PerDay       int           `mapstructure:"per_day"`
	PerCallerDay int           `mapstructure:"per_caller_day"` // codes one calling number may trigger per day
	// UnverifiedPerHour: codes per hour, all numbers together, to numbers
	// that never passed a code (a budget against SMS pumping).
	UnverifiedPerHour int           `mapstructure:"unverified_per_hour"`
	SendRate          float64       `mapstructure:"send_rate"` // messages per second the provider accepts
	Concurrency       int           `mapstructure:"concurrency"`
	MaxAttempts       int           `mapstructure:"max_attempts"`
	RetryBase         time.Duration `mapstructure:"retry_base"`
	SendTimeout       time.Duration `mapstructure:"send_timeout"`
	PollInterval      time.Duration `mapstructure:"poll_interval"`
	// TwilioCNPerDay caps messages per +86 number and day with Twilio,
	// within Twilio's China rules (more than five different: manual review).
	TwilioCNPerDay int `mapstructure:"twilio_cn_per_day"`
}

// Jobs are cron schedules (robfig/cron syntax, Asia/Shanghai); empty disables.
type Jobs struct {
	Enabled bool   `mapstructure:"enabled"`
	Release string `mapstructure:"release"`
	NoShow  string `mapstructure:"noshow"`
	Remind  string `mapstructure:"remind"`
	Slots   string `mapstructure:"slots"`
	Purge   string `mapstructure:"purge"`
	Backup  string `mapstructure:"backup"`
}

// Retention says how long personal data is kept.
type Retention struct {
	Bookings     time.Duration `mapstructure:"bookings"`      // finished bookings
	CallSessions time.Duration `mapstructure:"call_sessions"` // finished calls
	Calls        time.Duration `mapstructure:"calls"`         // call journeys (steps, keys masked)
	Messages     time.Duration `mapstructure:"messages"`      // sent SMS bodies and status
	Audit        time.Duration `mapstructure:"audit"`
}
