package config

import (
	"math"
	"time"
)

//go:generate go run ./internal/gendoc -o ../docs/configuration.md

// settings is every configuration key, one entry each: its dotted name (the
// YAML path; the variable is YUYUE_ and the name upper-cased with dots as
// underscores), its built-in default (written as in YAML: durations as
// "10m"), what it does (docs/configuration.md) and its check (checks.go;
// nil: any value of the field's type). The defaults viper loads, the keys
// strict loading accepts, Validate and the reference all come from here.
// Adding a key is one entry here plus its field in the Config struct.
var settings = []Setting{
	// general
	{Key: "dev", Default: false, Doc: "Development mode when true (also `--dev`): SMS go to the development inbox, a throwaway secret key is kept beside the database, webhooks are checked against a well-known development token. Only possible with no credentials at all, a loopback `public_url` and an `http.addr` on loopback only (then implied), and never on a database a production server has run on.",
		Check: devMode},
	{Key: "dev_clock", Default: "", Doc: "Development mode only (also `--clock`): the service's clock starts at this instant and ticks on, e.g. `2026-12-04T09:30+08:00` (RFC 3339, seconds optional), so a booking can be checked in and the no-show job run without waiting for the day. Refused outside development mode.",
		Check: devClock},
	{Key: "public_url", Default: "http://127.0.0.1:8080", Doc: "The URL Twilio calls, as Twilio sees it. Webhook signatures are checked against it and every `<Gather>` action URL is built from it; never the Host header a proxy passes.",
		Check: publicURL},
	{Key: "database", Default: "data/yuyue.db", Doc: "SQLite database file (one server per file; the directory must be writable: WAL files live beside it), or a `postgres://user:password@host:5432/dbname` URL for PostgreSQL, which several nodes share.",
		Check: database},
	{Key: "catalog", Default: "", Doc: "Path of the YAML catalog (offices, businesses, schedules, holidays). Empty uses the built-in demo catalog of all ten Shenzhen districts."},
	{Key: "secret_key", Default: "", Doc: "Random string of 32+ characters with real entropy (e.g. `openssl rand -hex 32`): words, the project's name, alphabets, keyboard rows and repeats are refused. Keys for encrypting ID numbers, their lookup hashes, code hashes and sealed call sessions derive from it: losing it makes stored ID numbers unreadable. Required outside development.",
		Check: secretKey},

	// http
	{Key: "http.addr", Default: "127.0.0.1:8080", Doc: "Address the public listener binds: Twilio webhooks, the console, `/healthz` and `/readyz`.",
		Check: address},
	{Key: "http.admin_addr", Default: "127.0.0.1:9090", Doc: "Address of the admin listener: `/metrics`, `/healthz`, `/readyz`. Keep it off the internet.",
		Check: address},
	{Key: "http.trusted_proxies", Default: []string{}, Doc: "CIDRs or addresses of reverse proxies whose `X-Real-IP` header names the client (login throttling, audit). Empty: the header is ignored.",
		Check: trustedProxies},

	// twilio
	{Key: "twilio.account_sid", Default: "", Doc: "Twilio account SID (`AC…`). Empty together with `twilio.auth_token` means development mode.",
		Check: accountSID},
	{Key: "twilio.auth_token", Default: "", Doc: "Twilio auth token: signs and verifies webhooks and authenticates REST calls.",
		Check: authToken},
	{Key: "twilio.sms_from", Default: "", Doc: "Sender of outbound SMS: a number in E.164 or a messaging service SID (`MG…`). Required outside development.",
		Check: smsFrom},
	{Key: "twilio.api_url", Default: "", Doc: "Base URL of Twilio's REST API. Empty means Twilio itself; tests point it at a local fake.",
		Check: optionalHTTPURL},

	// aliyun
	{Key: "aliyun.access_key_id", Default: "", Doc: "Aliyun RAM AccessKey ID allowed `dysms:SendSms`; required with `sms.provider: aliyun`."},
	{Key: "aliyun.access_key_secret", Default: "", Doc: "Secret of `aliyun.access_key_id`; keep it in the environment."},
	{Key: "aliyun.sign_name", Default: "", Doc: "Registered SMS signature (签名) without 【】, e.g. 深圳公安.",
		Check: withAliyun(signName)},
	{Key: "aliyun.endpoint", Default: "https://dysmsapi.aliyuncs.com", Doc: "Aliyun SMS API endpoint; tests point it at the local fake in `sms/aliyuntest`.",
		Check: withAliyun(endpoint)},
	{Key: "aliyun.push_token", Default: "", Doc: "32+ random letters and digits (e.g. `openssl rand -hex 24`), checked like `secret_key`: the secret last part of the up-message and report push URLs.",
		Check: withAliyun(pushToken)},
	{Key: "aliyun.templates.code", Default: "", Doc: "Registered template code for verification codes (see docs/sms-templates.md)."},
	{Key: "aliyun.templates.confirmation", Default: "", Doc: "Registered template code for booking confirmations."},
	{Key: "aliyun.templates.reminder", Default: "", Doc: "Registered template code for reminders the day before."},
	{Key: "aliyun.templates.cancellation", Default: "", Doc: "Registered template code for cancellation notices."},
	{Key: "aliyun.templates.noshow", Default: "", Doc: "Registered template code for no-show notices."},
	{Key: "aliyun.templates.blacklist", Default: "", Doc: "Registered template code for blacklist notices."},
	{Key: "aliyun.templates.reply_help", Default: "", Doc: "Registered template code for the help answer (unknown command)."},
	{Key: "aliyun.templates.reply_unknown", Default: "", Doc: "Registered template code for the answer to a number no citizen registered."},
	{Key: "aliyun.templates.reply_none", Default: "", Doc: "Registered template code for the answer \"no active booking\"."},
	{Key: "aliyun.templates.reply_stop", Default: "", Doc: "Registered template code for the answer to TD (reminders stopped)."},
	{Key: "aliyun.templates.reply_busy", Default: "", Doc: "Registered template code for the apology when a command failed."},
	{Key: "aliyun.templates.reply_no_such_ref", Default: "", Doc: "Registered template code for the answer to QX with a reference that is not the sender's."},
	{Key: "aliyun.templates.reply_cancelled", Default: "", Doc: "Registered template code for the answer \"booking cancelled\"."},
	{Key: "aliyun.templates.reply_too_late", Default: "", Doc: "Registered template code for the answer to QX after the cancellation deadline."},
	{Key: "aliyun.templates.reply_confirmed", Default: "", Doc: "Registered template code for the answer to 1/QR (attendance confirmed)."},
	{Key: "aliyun.templates.reply_which", Default: "", Doc: "Registered template code for the answer to QX with several bookings, before their list."},
	{Key: "aliyun.templates.reply_booking", Default: "", Doc: "Registered template code for one listed booking (CX, and QX with several)."},
	{Key: "aliyun.templates.closure_cancel", Default: "", Doc: "Registered template code for the notice that a closed office's booking was cancelled."},
	{Key: "aliyun.templates.closure_move", Default: "", Doc: "Registered template code for the notice that a closed office's booking was moved."},
	{Key: "aliyun.templates.closure_wait_ended", Default: "", Doc: "Registered template code for the notice that a closure ended a waitlist (候补) entry."},
	{Key: "aliyun.templates.closure_offer_withdrawn", Default: "", Doc: "Registered template code for the notice that a closure withdrew a waitlist offer: the entry waits again."},
	{Key: "aliyun.templates.rescheduled", Default: "", Doc: "Registered template code for the notice that a booking was rescheduled (改约), reference unchanged."},
	{Key: "aliyun.templates.waitlist_offer", Default: "", Doc: "Registered template code for the offer of a freed place to a waitlist (候补) entry."},
	{Key: "aliyun.templates.reply_reschedule", Default: "", Doc: "Registered template code for the answer to GY: how to reschedule by phone or on the web."},
	{Key: "aliyun.templates.reply_reschedule_late", Default: "", Doc: "Registered template code for the answer to GY with a booking past the deadline."},
	{Key: "aliyun.templates.reply_offer_taken", Default: "", Doc: "Registered template code for the answer to QR that booked a waitlist offer."},
	{Key: "aliyun.templates.reply_waitlist_left", Default: "", Doc: "Registered template code for the answer to TC (退出候补): the sender's waitlist entries ended."},
	{Key: "aliyun.templates.reply_waitlist_none", Default: "", Doc: "Registered template code for the answer to TC when the sender has no waitlist entry."},
	{Key: "aliyun.templates.name_ask", Default: "", Doc: "Registered template code asking a SIP caller's phone to reply with the name (XM 张三) when no recogniser is configured; required with `sip.listen`."},
	{Key: "aliyun.templates.name_heard", Default: "", Doc: "Registered template code telling a SIP caller's phone the name as the recogniser heard it; required with `sip.listen`."},
	{Key: "aliyun.templates.reply_name_set", Default: "", Doc: "Registered template code for the answer to XM (name received); required with `sip.listen`."},
	{Key: "aliyun.templates.reply_name_none", Default: "", Doc: "Registered template code for the answer to XM when no name is pending; required with `sip.listen`."},

	// log
	{Key: "log.format", Default: "text", Doc: "`text` for people, `json` for a log pipeline.",
		Check: oneOf("must be text or json", "text", "json")},
	{Key: "log.level", Default: "info", Doc: "`debug`, `info`, `warn` or `error`.",
		Check: logLevel},

	// booking
	{Key: "booking.window_days", Default: 14, Doc: "How far ahead places can be booked: working days from tomorrow through today plus this many calendar days.",
		Check: positive},
	{Key: "booking.hold_ttl", Default: "10m", Doc: "How long a chosen place is held for a caller while they verify and confirm; a lapsed hold returns to the pool through the `release` job.",
		Check: positive},
	{Key: "booking.waitlist_offer_ttl", Default: "30m", Doc: "How long a place freed for the oldest matching waitlist (候补) entry is held for that citizen to confirm (SMS reply `QR`, the web or the API); an offer not confirmed in time passes to the next entry at the next `release` run.",
		Check: positive},
	{Key: "booking.cancel_hour", Default: 18, Doc: "Hour (0–23, Asia/Shanghai) on the day before the appointment after which a booking can no longer be cancelled.",
		Check: between(0, 23, "must be an hour 0-23")},
	{Key: "booking.noshow_grace", Default: "30m", Doc: "Time after a period ends before a booking not checked in counts as a no-show.",
		Check: notNegative("must not be negative")},
	{Key: "booking.ban_strikes", Default: 3, Doc: "No-shows within `booking.ban_months` that blacklist a citizen.",
		Check: positive},
	{Key: "booking.ban_months", Default: 6, Doc: "Window for counting no-shows, and the length of the ban from the last one.",
		Check: positive},
	{Key: "booking.verified_for", Default: "15m", Doc: "How long a passed code keeps a phone verified for its purpose, so a caller is not asked twice.",
		Check: positive},
	{Key: "booking.release_batch", Default: 0, Doc: "Places the `release` job returns per run; 0 returns all of them at once.",
		Check: notNegative("must not be negative (0 = all)")},

	// voice
	{Key: "voice.language", Default: "cmn-CN", Doc: "`<Say language>` for Mandarin prompts."},
	{Key: "voice.voice", Default: "Polly.Zhiyu", Doc: "`<Say voice>` for Mandarin prompts (an Amazon Polly or Google voice Twilio offers)."},
	{Key: "voice.en_language", Default: "en-US", Doc: "`<Say language>` for English prompts."},
	{Key: "voice.en_voice", Default: "Polly.Joanna", Doc: "`<Say voice>` for English prompts."},
	{Key: "voice.speech_language", Default: "cmn-Hans-CN", Doc: "Language Twilio's recogniser listens for when the caller says their name."},
	{Key: "voice.timeout", Default: 6, Doc: "Seconds `<Gather>` waits for the first key before Twilio posts empty input.",
		Check: positive},
	{Key: "voice.operator", Default: "", Doc: "Transfer target for key 0: `sip:agents@pbx.example`, or `tel:+…`/`+…` (a +86 number only through `voice.operator_byoc`). Empty: callers who need help hear goodbye.",
		Check: operator},
	{Key: "voice.operator_byoc", Default: "", Doc: "Twilio BYOC trunk SID (`BY…`) through which a number target is dialled; required for +86 numbers.",
		Check: byoc},
	{Key: "voice.caller_id", Default: "", Doc: "`<Dial callerId>` of transfers; required when `voice.operator` is set (E.164 for a number, a SIP-safe token for `sip:`).",
		Check: callerID},
	{Key: "voice.dial_timeout", Default: 30, Doc: "Seconds a transfer may ring before the caller is brought back to the menu (5–600).",
		Check: between(5, 600, "must be 5-600 seconds")},
	{Key: "voice.elder_age", Default: 65, Doc: "A verified caller this old or older (by the birth date in their ID number) first hears that 0 reaches an operator, and every prompt after at 80% speed (SSML `<prosody>` on Twilio, a slower espeak-ng rate over SIP); 0 turns this off (0 or 50–120).",
		Check: elderAge},

	// sms
	{Key: "sms.provider", Default: "twilio", Doc: "Which provider sends SMS: `twilio`, or `aliyun` for mainland delivery with replies.",
		Check: smsProvider},
	{Key: "sms.signature", Default: "【深圳户政预约】", Doc: "Signature in 【】 that opens every text Twilio and the development inbox get.",
		Check: signature},
	{Key: "sms.code_ttl", Default: "5m", Doc: "How long a verification code stays valid.",
		Check: positive},
	{Key: "sms.code_attempts", Default: 5, Doc: "Wrong entries one code accepts before it is locked.",
		Check: positive},
	{Key: "sms.resend_after", Default: "60s", Doc: "Shortest time between two codes to the same number."},
	{Key: "sms.per_hour", Default: 5, Doc: "Codes one number may receive per hour.",
		Check: positive},
	{Key: "sms.per_day", Default: 10, Doc: "Codes one number may receive per day.",
		Check: positive},
	{Key: "sms.per_caller_day", Default: 10, Doc: "Codes one calling number may trigger per day, to whatever numbers it keys (against SMS pumping).",
		Check: positive},
	{Key: "sms.unverified_per_hour", Default: 300, Doc: "Codes per hour, across all callers, to numbers that never passed a code before (against SMS pumping); when reached, callers hear to try later, a metric counts it and a warning is logged.",
		Check: positive},
	{Key: "sms.send_rate", Default: 10.0, Doc: "Messages per second the SMS provider accepts from this account (for Aliyun, the account's QPS quota). The outbox worker never sends faster, across all its concurrent sends (`sms.concurrency`), and claims verification codes before reminders and notices. Renamed from `sms.rate`.",
		Check: positive},
	{Key: "sms.concurrency", Default: 4, Doc: "Sends the outbox worker has in flight at once.",
		Check: positive},
	{Key: "sms.max_attempts", Default: 8, Doc: "Tries for a send that failed before the provider accepted it; then the message is marked failed.",
		Check: positive},
	{Key: "sms.retry_base", Default: "2s", Doc: "First retry delay; each further retry doubles it.",
		Check: positive},
	{Key: "sms.send_timeout", Default: "10s", Doc: "Timeout of one call to the SMS provider.",
		Check: positive},
	{Key: "sms.poll_interval", Default: "500ms", Doc: "How often the outbox worker looks for due messages when nothing woke it.",
		Check: positive},
	{Key: "sms.twilio_cn_per_day", Default: 4, Doc: "With `sms.provider: twilio`, messages one +86 number may receive per day (1–5): Twilio's China rules put more than five different ones a day under manual review. A byte-identical body is never sent twice in 24 hours.",
		Check: twilioCNPerDay},

	// jobs
	{Key: "jobs.enabled", Default: true, Doc: "Run the scheduled jobs inside `serve`. Turn off only where another instance runs them."},
	{Key: "jobs.release", Default: "*/5 * * * *", Doc: "Cron schedule of `release` (cancelled places and lapsed holds back to the pool). Empty disables it.",
		Check: cronSchedule},
	{Key: "jobs.noshow", Default: "*/15 * * * *", Doc: "Cron schedule of `noshow` (no-shows, blacklist, notices). Empty disables it.",
		Check: cronSchedule},
	{Key: "jobs.remind", Default: "0 10 * * *", Doc: "Cron schedule of `remind` (reminders for tomorrow, before the cancellation deadline). Empty disables it.",
		Check: cronSchedule},
	{Key: "jobs.slots", Default: "30 0 * * *", Doc: "Cron schedule of `slots` (opens the newly reachable day). Empty disables it.",
		Check: cronSchedule},
	{Key: "jobs.purge", Default: "0 3 * * *", Doc: "Cron schedule of `purge` (expired codes, finished calls, personal data past retention). Empty disables it.",
		Check: cronSchedule},
	{Key: "jobs.backup", Default: "15 2 * * *", Doc: "Cron schedule of the daily online SQLite backup into `backup.dir`. Empty disables it; skipped on PostgreSQL.",
		Check: cronSchedule},

	// retention
	{Key: "retention.bookings", Default: "4320h", Doc: "How long finished (completed, cancelled, no-show) bookings are kept."}, // 180 days
	{Key: "retention.call_sessions", Default: "24h", Doc: "How long finished call sessions are kept."},
	{Key: "retention.calls", Default: "720h", Doc: "How long call journeys (each call's steps with their times, keys masked at the ID, phone and code steps, SMS queued, transfer outcome) are kept for the console's 来电轨迹 and the dashboard.",
		Check: positive}, // 30 days
	{Key: "retention.messages", Default: "720h", Doc: "How long sent SMS bodies and their delivery status are kept."}, // 30 days
	{Key: "retention.audit", Default: "8760h", Doc: "How long audit entries are kept."},

	// debug
	{Key: "debug.pprof_addr", Default: "", Doc: "When set, Go's pprof on this address (keep it on loopback). Empty: off.",
		Check: pprofAddr},

	// web
	{Key: "web.ip_rate", Default: 5.0, Doc: "Requests per second the citizen site and the JSON API accept from one client address.",
		Check: positive},
	{Key: "web.ip_burst", Default: 30, Doc: "Requests one client address may send at once before `web.ip_rate` applies.",
		Check: positive},
	{Key: "web.account_rate", Default: 2.0, Doc: "Requests per second per logged-in citizen or login name.",
		Check: positive},
	{Key: "web.account_burst", Default: 20, Doc: "Requests one account may send at once before `web.account_rate` applies.",
		Check: positive},
	{Key: "web.password_min", Default: 8, Doc: "Shortest password a citizen may set on the site.",
		Check: between(6, 64, "must be between 6 and 64")},
	{Key: "web.login_failures", Default: 5, Doc: "Failed logins after which an account is locked for `web.login_backoff`.",
		Check: positive},
	{Key: "web.login_backoff", Default: "15m", Doc: "First lock after `web.login_failures` failures; doubles with each further failure, at most a day.",
		Check: atLeast(time.Minute, "must be at least 1m")},
	{Key: "web.session_ttl", Default: "2h", Doc: "Lifetime of a web (cookie) session.",
		Check: atLeast(time.Minute, "must be at least 1m")},
	{Key: "web.app_token_ttl", Default: "720h", Doc: "Lifetime of an app's bearer token.",
		Check: atLeast(time.Minute, "must be at least 1m")},
	{Key: "web.max_body", Default: 16384, Doc: "Largest request body the API reads, in bytes; larger is refused with 400.",
		Check: positive},

	// backup
	{Key: "backup.dir", Default: "", Doc: "Where the `backup` job writes copies; empty means `backups/` beside the database file."},
	{Key: "backup.keep", Default: 7, Doc: "How many backup copies the job keeps; older ones are deleted.",
		Check: between(1, math.MaxInt, "must be at least 1")},

	// console
	{Key: "console.idle_timeout", Default: "30m", Doc: "A console session unused this long ends, besides its absolute lifetime.",
		Check: positiveDuration},

	// sip
	{Key: "sip.listen", Default: []string{}, Doc: "Where yuyue answers the 114 centre's SIP trunk itself: `udp:0.0.0.0:5060`, `tcp:0.0.0.0:5060` (a list). Empty: off, calls come through Twilio only.",
		Check: withSIP(sipListen)},
	{Key: "sip.trunks", Default: []string{}, Doc: "CIDRs or host names an INVITE is accepted from (`YUYUE_SIP_TRUNKS` comma-separated); anything else gets 403. Required with `sip.listen`.",
		Check: withSIP(sipTrunks)},
	{Key: "sip.username", Default: "", Doc: "Digest user the trunk must authenticate INVITEs with; empty: the address check alone."},
	{Key: "sip.password", Default: "", Doc: "Digest password for `sip.username`.",
		Check: withSIP(sipPassword)},
	{Key: "sip.rtp_ports", Default: "10000-10999", Doc: "UDP port range for RTP, `FIRST-LAST`; open it in the firewall to the trunk's media addresses.",
		Check: withSIP(rtpPorts)},
	{Key: "sip.public_ip", Default: "", Doc: "Address put in SDP when yuyue is behind NAT; empty: the listening address.",
		Check: withSIP(publicIP)},
	{Key: "sip.rtp_timeout", Default: "30s", Doc: "A call whose RTP stops this long without a BYE is over (its held place is freed).",
		Check: withSIP(atLeast(5*time.Second, "must be at least 5s"))},

	// tts
	{Key: "tts.provider", Default: "espeak", Doc: "Speech for SIP calls: `espeak` (Debian espeak-ng, Mandarin voice `cmn`, no credentials) or `aliyun` (Alibaba Cloud Intelligent Speech Interaction REST TTS at 8 kHz; needs the `nls.*` keys).",
		Check: oneOf("must be espeak or aliyun", "espeak", "aliyun")},
	{Key: "tts.cache_dir", Default: "", Doc: "Rendered prompts, keyed by provider, voice, text and speed (slower for older callers); empty: `tts-cache` beside the database."},
	{Key: "tts.voice", Default: "cmn", Doc: "Voice of Mandarin prompts (espeak-ng: `cmn`; aliyun: e.g. `xiaoyun`, `aixia`).",
		Check: ttsVoice},
	{Key: "tts.en_voice", Default: "en", Doc: "Voice of English prompts (espeak-ng: `en`; aliyun: e.g. `abby`)."},

	// asr and the Alibaba Cloud speech account
	{Key: "asr.provider", Default: "", Doc: "Recogniser of the names SIP callers say: empty (none: the phone being verified is asked to reply `XM 张三` by SMS) or `aliyun` (one-sentence recognition; needs the `nls.*` keys). Either way the name is confirmed by SMS.",
		Check: oneOf("must be empty or aliyun", "", "aliyun")},
	{Key: "nls.access_key_id", Default: "", Doc: "AccessKey ID of the Alibaba Cloud account the speech service (`tts.provider`/`asr.provider` `aliyun`) gets its token with (CreateToken).",
		Check: withNLS(required)},
	{Key: "nls.access_key_secret", Default: "", Doc: "AccessKey secret for `nls.access_key_id`; signs CreateToken, never sent.",
		Check: withNLS(required)},
	{Key: "nls.app_key", Default: "", Doc: "App key (项目Appkey) of the Intelligent Speech Interaction project.",
		Check: withNLS(required)},
	{Key: "nls.region", Default: "cn-shanghai", Doc: "Region of the speech service."},
	{Key: "nls.meta_endpoint", Default: "https://nls-meta.cn-shanghai.aliyuncs.com", Doc: "CreateToken endpoint; tests point it at the local fake in `tts/aliyuntest`.",
		Check: withNLS(httpURL)},
	{Key: "nls.gateway", Default: "https://nls-gateway-cn-shanghai.aliyuncs.com", Doc: "TTS and one-sentence ASR REST endpoint (`/stream/v1/tts`, `/stream/v1/asr`).",
		Check: withNLS(httpURL)},
}
