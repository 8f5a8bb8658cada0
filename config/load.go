package config

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/viper"
)

// defaults are the built-in values of every key; viper needs every key here
// for YUYUE_* variables to reach Unmarshal.
var defaults = map[string]any{
	"http.addr":                     "127.0.0.1:8080",
	"http.trusted_proxies":          []string{},
	"console.idle_timeout":          "30m",
	"public_url":                    "http://127.0.0.1:8080",
	"database":                      "data/yuyue.db",
	"twilio.account_sid":            "",
	"twilio.auth_token":             "",
	"twilio.sms_from":               "",
	"twilio.api_url":                "",
	"aliyun.access_key_id":          "",
	"aliyun.access_key_secret":      "",
	"aliyun.sign_name":              "",
	"aliyun.endpoint":               "https://dysmsapi.aliyuncs.com",
	"aliyun.push_token":             "",
	"aliyun.templates.code":         "",
	"aliyun.templates.confirmation": "",
	"aliyun.templates.reminder":     "",
	"aliyun.templates.cancellation": "",
	"aliyun.templates.noshow":       "",
	"aliyun.templates.blacklist":    "",
	"aliyun.templates.reply_help":   "",
	"sms.provider":                  "twilio",
	"sms.signature":                 "【深圳户政预约】",
	"catalog":                       "",
	"secret_key":                    "",
	"log.format":                    "text",
	"log.level":                     "info",
	"booking.window_days":           14,
	"booking.hold_ttl":              "10m",
	"booking.cancel_hour":           18,
	"booking.noshow_grace":          "30m",
	"booking.ban_strikes":           3,
	"booking.ban_months":            6,
	"booking.verified_for":          "15m",
	"booking.release_batch":         0,
	"voice.language":                "cmn-CN",
	"voice.voice":                   "Polly.Zhiyu",
	"voice.en_language":             "en-US",
	"voice.en_voice":                "Polly.Joanna",
	"voice.speech_language":         "cmn-Hans-CN",
	"voice.operator":                "",
	"voice.operator_byoc":           "",
	"voice.caller_id":               "",
	"voice.dial_timeout":            30,
	"voice.timeout":                 6,
	"sms.code_ttl":                  "5m",
	"sms.code_attempts":             5,
	"sms.resend_after":              "60s",
	"sms.per_hour":                  5,
	"sms.per_day":                   10,
	"sms.per_caller_day":            10,
	"sms.unverified_per_hour":       300,
	"sms.send_rate":                 10.0,
	"sms.concurrency":               4,
	"sms.max_attempts":              8,
	"sms.retry_base":                "2s",
	"sms.send_timeout":              "10s",
	"sms.poll_interval":             "500ms",
	"jobs.enabled":                  true,
	"jobs.release":                  "*/5 * * * *",
	"jobs.noshow":                   "*/15 * * * *",
	"jobs.remind":                   "0 10 * * *",
	"jobs.slots":                    "30 0 * * *",
	"jobs.purge":                    "0 3 * * *",
	"retention.bookings":            "4320h", // 180 days
	"retention.call_sessions":       "24h",
	"retention.messages":            "720h", // 30 days
	"retention.audit":               "8760h",
	"debug.pprof_addr":              "",
	"dev":                           false,
	"http.admin_addr":               "127.0.0.1:9090",
	"jobs.backup":                   "15 2 * * *",
	"backup.dir":                    "",
	"backup.keep":                   7,

	// the other answers to SMS commands, one registered template each
	"aliyun.templates.reply_unknown":     "",
	"aliyun.templates.reply_none":        "",
	"aliyun.templates.reply_stop":        "",
	"aliyun.templates.reply_busy":        "",
	"aliyun.templates.reply_no_such_ref": "",
	"aliyun.templates.reply_cancelled":   "",
	"aliyun.templates.reply_too_late":    "",
	"aliyun.templates.reply_confirmed":   "",
	"aliyun.templates.reply_which":       "",
	"aliyun.templates.reply_booking":     "",
	"aliyun.templates.name_ask":          "",
	"aliyun.templates.name_heard":        "",
	"aliyun.templates.reply_name_set":    "",
	"aliyun.templates.reply_name_none":   "",
	"sms.twilio_cn_per_day":              4,
}

// EnvName is the environment variable that sets key.
func EnvName(key string) string {
	return "YUYUE_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// LoadEnviron is Load for a process environment given as KEY=VALUE pairs
// (os.Environ()): it also refuses YUYUE_* variables that no key reads.
func LoadEnviron(path string, environ []string) (*Config, error) {
	if err := checkEnv(environ, knownKeys()); err != nil {
		return nil, err
	}
	vars := map[string]string{}
	for _, kv := range environ {
		if k, val, ok := strings.Cut(kv, "="); ok {
			vars[k] = val
		}
	}
	return Load(path, func(k string) string { return vars[k] })
}

// Load reads defaults, the YAML file at path (if any) and the environment
// through getenv (nil: the process's, checked for unknown YUYUE_* names),
// then validates. Unknown keys in the file are errors. Errors name the key
// and the variable.
func Load(path string, getenv func(string) string) (*Config, error) {
	known := knownKeys()
	if getenv == nil {
		if err := checkEnv(os.Environ(), known); err != nil {
			return nil, err
		}
	}
	if path != "" {
		if err := checkFile(path, known); err != nil {
			return nil, err
		}
	}
	v := viper.New()
	for k, val := range defaults {
		v.SetDefault(k, val)
	}
	if path != "" {
		v.SetConfigFile(path)
		v.SetConfigType("yaml")
		if err := v.ReadInConfig(); err != nil {
			return nil, fmt.Errorf("config file %s: %w", path, err)
		}
	}
	// Explicit Set from getenv (not AutomaticEnv) so tests inject the
	// environment without touching the process's.
	for k := range defaults {
		if val, ok := lookup(getenv, EnvName(k)); ok {
			v.Set(k, val)
		}
	}
	var c Config
	if err := v.Unmarshal(&c); err != nil {
		return nil, unmarshalError(err, known)
	}
	return &c, c.Validate()
}

func lookup(getenv func(string) string, name string) (string, bool) {
	if getenv == nil {
		return os.LookupEnv(name)
	}
	val := getenv(name)
	return val, val != ""
}

// unmarshalError names the first key whose value could not be decoded and
// says what a value of that key looks like.
func unmarshalError(err error, known map[string]field) error {
	msg := err.Error()
	var errs []error
	for k, f := range known {
		if strings.Contains(msg, "'"+k+"'") || strings.Contains(msg, "\""+k+"\"") {
			errs = append(errs, &Error{Key: k, Problem: "expected " + expected(f.typ)})
		}
	}
	if len(errs) == 0 {
		return errors.New("config: " + msg)
	}
	return errors.Join(errs...)
}
