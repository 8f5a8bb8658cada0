package config

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"reflect"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Setting is one configuration key; the table of them is settings.
type Setting struct {
	Key     string // dotted name, as in the YAML file
	Default any    // built-in value, written as YAML would (durations as "10m")
	Doc     string // what it does, for docs/configuration.md
	Check   Check  // nil: any value of the field's type
}

// Env is the environment variable that sets the key.
func (s Setting) Env() string { return EnvName(s.Key) }

// A Check says what is wrong with a key's value, nil when nothing is. It
// gets the decoded value (the Config field's: an int, a time.Duration, …)
// and the whole configuration, for rules that depend on other keys. Several
// problems are returned joined (errors.Join); each becomes one error naming
// the key.
type Check func(v any, c *Config) error

// defaultsOf maps each key to its default, as viper wants them.
func defaultsOf(ss []Setting) map[string]any {
	m := make(map[string]any, len(ss))
	for _, s := range ss {
		m[s.Key] = s.Default
	}
	return m
}

// valueAt is the value of key in c, through the struct's mapstructure tags
// (and the entries of a map field); false when no field holds it.
func (c *Config) valueAt(key string) (any, bool) {
	v := reflect.ValueOf(c).Elem()
	for _, part := range strings.Split(key, ".") {
		switch v.Kind() {
		case reflect.Map:
			v = v.MapIndex(reflect.ValueOf(part))
			if !v.IsValid() {
				return nil, false
			}
		case reflect.Struct:
			next, ok := fieldByTag(v, part)
			if !ok {
				return nil, false
			}
			v = next
		default:
			return nil, false
		}
	}
	return v.Interface(), true
}

// problems splits a check's error into its joined parts.
func problems(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// number is a numeric value as a float (durations in seconds).
func number(v any) float64 {
	switch n := v.(type) {
	case time.Duration:
		return n.Seconds()
	case int:
		return float64(n)
	case float64:
		return n
	}
	panic(fmt.Sprintf("config: %T is not a number", v))
}

// The generic checks.

func positive(v any, _ *Config) error {
	if number(v) <= 0 {
		return errors.New("must be positive")
	}
	return nil
}

func positiveDuration(v any, _ *Config) error {
	if number(v) <= 0 {
		return errors.New("must be a positive duration such as 30m")
	}
	return nil
}

func notNegative(msg string) Check {
	return func(v any, _ *Config) error {
		if number(v) < 0 {
			return errors.New(msg)
		}
		return nil
	}
}

func between(lo, hi int, msg string) Check {
	return func(v any, _ *Config) error {
		if n := v.(int); n < lo || n > hi {
			return errors.New(msg)
		}
		return nil
	}
}

func atLeast(d time.Duration, msg string) Check {
	return func(v any, _ *Config) error {
		if v.(time.Duration) < d {
			return errors.New(msg)
		}
		return nil
	}
}

func oneOf(msg string, values ...string) Check {
	return func(v any, _ *Config) error {
		for _, ok := range values {
			if v.(string) == ok {
				return nil
			}
		}
		return errors.New(msg)
	}
}

func address(v any, _ *Config) error { return checkAddr(v.(string)) }

func optionalHTTPURL(v any, _ *Config) error {
	if s := v.(string); s != "" && !isHTTPURL(s) {
		return errors.New("must be an http or https URL")
	}
	return nil
}

func cronSchedule(v any, _ *Config) error {
	if spec := v.(string); spec != "" {
		if _, err := cron.ParseStandard(spec); err != nil {
			return fmt.Errorf("not a cron schedule: %v", err)
		}
	}
	return nil
}

// withSIP applies check only when the SIP front end is on.
func withSIP(check Check) Check {
	return func(v any, c *Config) error {
		if !c.SIP.Enabled() {
			return nil
		}
		return check(v, c)
	}
}

// withAliyun applies check only when Aliyun sends the SMS.
func withAliyun(check Check) Check {
	return func(v any, c *Config) error {
		if c.SMS.Provider != "aliyun" {
			return nil
		}
		return check(v, c)
	}
}

// The checks of single keys.

func devMode(_ any, c *Config) error {
	if c.DevMode && !c.Dev() {
		return fmt.Errorf("development mode refused: %s", c.devRefusal())
	}
	return nil
}

func publicURL(v any, c *Config) error {
	u := v.(string)
	if !isHTTPURL(u) {
		return fmt.Errorf("must be an http or https URL, got %q", u)
	}
	if !c.Dev() && !strings.HasPrefix(u, "https://") {
		return fmt.Errorf("must be https:// outside development: Twilio calls webhooks over HTTPS only, got %q", u)
	}
	return nil
}

func database(v any, _ *Config) error {
	db := v.(string)
	if strings.TrimSpace(db) == "" {
		return errors.New("must name a SQLite file or a postgres:// URL")
	}
	if IsPostgres(db) {
		if u, err := url.Parse(db); err != nil || u.Host == "" {
			return errors.New("not a valid postgres:// URL (postgres://user:password@host:5432/dbname)")
		}
	}
	return nil
}

// secretKey: outside development a strong key (an empty one is also named
// by the credentials rule in Validate). Nodes sharing a PostgreSQL database
// must share the key that seals ID numbers, so development mode's
// per-machine throwaway key is not enough there.
func secretKey(v any, c *Config) error {
	key := v.(string)
	if !c.Dev() || IsPostgres(c.Database) {
		if c.Dev() && strings.TrimSpace(key) == "" {
			return fmt.Errorf("required with a PostgreSQL database (every node must use the same key): a random string of %d+ characters", MinSecretLen)
		}
		if why := weakSecret(key); why != "" {
			return errors.New(why)
		}
	}
	return nil
}

func accountSID(v any, _ *Config) error {
	if s := v.(string); s != "" && (!strings.HasPrefix(s, "AC") || !alnum(s)) {
		return errors.New("must be AC followed by letters and digits")
	}
	return nil
}

// authToken: twilio-go refuses other characters before sending anything.
func authToken(v any, _ *Config) error {
	if s := v.(string); s != "" && !alnum(s) {
		return errors.New("must contain only letters and digits")
	}
	return nil
}

func smsFrom(v any, _ *Config) error {
	if s := v.(string); s != "" && !e164.MatchString(s) && !mgSID.MatchString(s) {
		return fmt.Errorf("must be an E.164 number such as +14155550100 or a messaging service SID MG… (34 characters), got %q", s)
	}
	return nil
}

func smsProvider(v any, _ *Config) error {
	if p := v.(string); p != "twilio" && p != "aliyun" {
		return fmt.Errorf("must be twilio or aliyun, got %q", p)
	}
	return nil
}

func logLevel(v any, _ *Config) error {
	if _, ok := Levels[v.(string)]; !ok {
		return errors.New("must be debug, info, warn or error")
	}
	return nil
}

func pprofAddr(v any, _ *Config) error {
	addr := v.(string)
	if addr == "" {
		return nil
	}
	if err := checkAddr(addr); err != nil {
		return err
	}
	if host, _, _ := net.SplitHostPort(addr); !isLoopbackHost(host) {
		return errors.New("must be a loopback address such as 127.0.0.1:6060: profiles expose memory")
	}
	return nil
}

func trustedProxies(v any, _ *Config) error {
	var errs []error
	for _, p := range v.([]string) {
		p = strings.TrimSpace(p)
		if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
			errs = append(errs, fmt.Errorf("%q is not a CIDR such as 10.0.0.0/8 or an IP address", p))
		}
	}
	return errors.Join(errs...)
}

func signature(v any, _ *Config) error {
	sig := []rune(v.(string))
	if len(sig) < 4 || sig[0] != '【' || sig[len(sig)-1] != '】' {
		return fmt.Errorf("must be a registered signature in 【】, got %q", v)
	}
	return nil
}

func twilioCNPerDay(v any, _ *Config) error {
	if n := v.(int); n < 1 || n > 5 {
		return fmt.Errorf("must be 1-5: Twilio delays more than five different messages a day to one +86 number, got %d", n)
	}
	return nil
}

// signName, endpoint and pushToken check the form of the aliyun.* keys;
// which must be set is MissingCredentials'.
func signName(v any, _ *Config) error {
	if s := v.(string); strings.ContainsAny(s, "【】") {
		return fmt.Errorf("is the registered name without 【】, got %q", s)
	}
	return nil
}

func endpoint(v any, _ *Config) error {
	if s := v.(string); !isHTTPURL(s) {
		return fmt.Errorf("must be an http or https URL such as https://dysmsapi.aliyuncs.com, got %q", s)
	}
	return nil
}

func pushToken(v any, _ *Config) error {
	t := v.(string)
	if t == "" {
		return nil
	}
	if len(t) < MinPushTokenLen || !alnum(t) {
		return fmt.Errorf("must be %d+ random letters and digits", MinPushTokenLen)
	}
	if why := weakSecret(t); why != "" {
		return errors.New(why)
	}
	return nil
}

// operator: a target OperatorTarget understands; with the SIP front end a
// sip: URI, as SIP calls are transferred by REFER.
func operator(v any, c *Config) error {
	if _, _, err := c.Voice.OperatorTarget(); err != nil {
		return err
	}
	if op := v.(string); c.SIP.Enabled() && op != "" && !strings.HasPrefix(op, "sip") {
		return errors.New("with sip.listen the operator must be a sip: URI: SIP calls are transferred by REFER")
	}
	return nil
}

func byoc(v any, _ *Config) error {
	if s := v.(string); s != "" && !byocSID.MatchString(s) {
		return errors.New("must be a BYOC trunk SID: BY followed by 32 hex digits")
	}
	return nil
}

// callerID: the caller ID the operator target's kind allows.
func callerID(v any, c *Config) error {
	kind, _, _ := c.Voice.OperatorTarget()
	id := v.(string)
	switch {
	case kind == OperatorSIP && !sipCall.MatchString(id):
		return errors.New("required with a sip: operator: letters, digits, +, -, _ or . (e.g. the 114 trunk number)")
	case kind == OperatorNumber && !e164.MatchString(id):
		return errors.New("required with a number operator: an E.164 number Twilio or the BYOC trunk may present")
	}
	return nil
}

func sipListen(v any, _ *Config) error {
	var errs []error
	for _, l := range v.([]string) {
		proto, hostport, _ := strings.Cut(l, ":")
		if _, _, err := net.SplitHostPort(hostport); (proto != "udp" && proto != "tcp") || err != nil {
			errs = append(errs, fmt.Errorf("%q: want udp:HOST:PORT or tcp:HOST:PORT", l))
		}
	}
	return errors.Join(errs...)
}

func sipTrunks(v any, _ *Config) error {
	trunks := v.([]string)
	if len(trunks) == 0 {
		return errors.New("required with sip.listen: the addresses of the 114 centre's trunk")
	}
	var errs []error
	for _, t := range trunks {
		t = strings.TrimSpace(t)
		if _, err := netip.ParsePrefix(t); err != nil && net.ParseIP(t) == nil && strings.ContainsAny(t, " /") {
			errs = append(errs, fmt.Errorf("%q is neither a CIDR, an address nor a host name", t))
		}
	}
	return errors.Join(errs...)
}

func sipPassword(_ any, c *Config) error {
	if (c.SIP.Username == "") != (c.SIP.Password == "") {
		return errors.New("sip.username and sip.password go together")
	}
	return nil
}

func rtpPorts(_ any, c *Config) error {
	_, _, err := c.SIP.PortRange()
	return err
}

func publicIP(v any, _ *Config) error {
	if s := v.(string); s != "" && net.ParseIP(s) == nil {
		return fmt.Errorf("%q is not an IP address", s)
	}
	return nil
}

func elderAge(v any, _ *Config) error {
	if a := v.(int); a != 0 && (a < 50 || a > 120) {
		return errors.New("must be 0 (off) or an age 50-120")
	}
	return nil
}

// withNLS runs check only when a speech provider is Alibaba Cloud's.
func withNLS(check Check) Check {
	return func(v any, c *Config) error {
		if c.TTS.Provider != "aliyun" && c.ASR.Provider != "aliyun" {
			return nil
		}
		return check(v, c)
	}
}

func required(v any, _ *Config) error {
	if strings.TrimSpace(v.(string)) == "" {
		return errors.New("required with tts.provider or asr.provider aliyun")
	}
	return nil
}

func httpURL(v any, _ *Config) error {
	if u, err := url.Parse(v.(string)); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL", v)
	}
	return nil
}

// ttsVoice refuses espeak-ng's Mandarin voice for Alibaba Cloud's TTS.
func ttsVoice(v any, c *Config) error {
	if c.TTS.Provider == "aliyun" && v.(string) == "cmn" {
		return errors.New("cmn is an espeak-ng voice; with tts.provider aliyun name an Aliyun voice such as xiaoyun")
	}
	return nil
}
