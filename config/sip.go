package config

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// SIP configures the front end that answers the 114 centre's SIP trunk
// itself (package sipvoice). Empty Listen, the default, leaves it off.
type SIP struct {
	// Listen is where SIP is served: udp:HOST:PORT and/or tcp:HOST:PORT.
	Listen []string `mapstructure:"listen"`
	// Trunks are the CIDRs or hosts an INVITE is accepted from.
	Trunks   []string `mapstructure:"trunks"`
	Username string   `mapstructure:"username"` // digest auth of INVITEs, optional
	Password string   `mapstructure:"password"`
	// RTPPorts is the media port range, e.g. 10000-10999.
	RTPPorts string `mapstructure:"rtp_ports"`
	// PublicIP is the address SDP announces when yuyue sits behind NAT.
	PublicIP string `mapstructure:"public_ip"`
	// RTPTimeout ends a call whose RTP stopped without a BYE.
	RTPTimeout time.Duration `mapstructure:"rtp_timeout"`
}

// ASR configures speech in: the names SIP callers say.
type ASR struct {
	Provider string `mapstructure:"provider"` // "" (none: names by SMS reply) or aliyun
}

// NLS is the Alibaba Cloud Intelligent Speech Interaction account the
// aliyun TTS and ASR providers use.
type NLS struct {
	AccessKeyID     string `mapstructure:"access_key_id"`
	AccessKeySecret string `mapstructure:"access_key_secret"`
	AppKey          string `mapstructure:"app_key"`
	Region          string `mapstructure:"region"`
	MetaEndpoint    string `mapstructure:"meta_endpoint"`
	Gateway         string `mapstructure:"gateway"`
}

// TTS configures speech for the SIP front end.
type TTS struct {
	Provider string `mapstructure:"provider"`  // espeak or aliyun
	CacheDir string `mapstructure:"cache_dir"` // empty: tts-cache beside the database
	Voice    string `mapstructure:"voice"`     // Mandarin prompts
	ENVoice  string `mapstructure:"en_voice"`  // English prompts
}

var sipDefaults = map[string]any{
	"sip.listen":      []string{},
	"sip.trunks":      []string{},
	"sip.username":    "",
	"sip.password":    "",
	"sip.rtp_ports":   "10000-10999",
	"sip.public_ip":   "",
	"sip.rtp_timeout": "30s",
	"tts.provider":    "espeak",
	"tts.cache_dir":   "",
	"tts.voice":       "cmn",
	"tts.en_voice":    "en",
	"asr.provider":    "",

	"nls.access_key_id":     "",
	"nls.access_key_secret": "",
	"nls.app_key":           "",
	"nls.region":            "cn-shanghai",
	"nls.meta_endpoint":     "https://nls-meta.cn-shanghai.aliyuncs.com",
	"nls.gateway":           "https://nls-gateway-cn-shanghai.aliyuncs.com",
}

var sipDescriptions = map[string]string{
	"sip.listen":      "Where yuyue answers the 114 centre's SIP trunk itself: `udp:0.0.0.0:5060`, `tcp:0.0.0.0:5060` (a list). Empty: off, calls come through Twilio only.",
	"sip.trunks":      "CIDRs or host names an INVITE is accepted from (`YUYUE_SIP_TRUNKS` comma-separated); anything else gets 403. Required with `sip.listen`.",
	"sip.username":    "Digest user the trunk must authenticate INVITEs with; empty: the address check alone.",
	"sip.password":    "Digest password for `sip.username`.",
	"sip.rtp_ports":   "UDP port range for RTP, `FIRST-LAST`; open it in the firewall to the trunk's media addresses.",
	"sip.public_ip":   "Address put in SDP when yuyue is behind NAT; empty: the listening address.",
	"sip.rtp_timeout": "A call whose RTP stops this long without a BYE is over (its held place is freed).",
	"tts.provider":    "Speech for SIP calls: `espeak` (Debian espeak-ng, Mandarin voice `cmn`, no credentials) or `aliyun` (Alibaba Cloud Intelligent Speech Interaction REST TTS at 8 kHz; needs the `nls.*` keys).",
	"tts.cache_dir":   "Rendered prompts, keyed by provider, voice and text; empty: `tts-cache` beside the database.",
	"tts.voice":       "Voice of Mandarin prompts (espeak-ng: `cmn`; aliyun: e.g. `xiaoyun`, `aixia`).",
	"tts.en_voice":    "Voice of English prompts (espeak-ng: `en`; aliyun: e.g. `abby`).",
	"asr.provider":    "Recogniser of the names SIP callers say: empty (none: the phone being verified is asked to reply `XM 张三` by SMS) or `aliyun` (one-sentence recognition; needs the `nls.*` keys). Either way the name is confirmed by SMS.",

	"nls.access_key_id":     "AccessKey ID of the Alibaba Cloud account the speech service (`tts.provider`/`asr.provider` `aliyun`) gets its token with (CreateToken).",
	"nls.access_key_secret": "AccessKey secret for `nls.access_key_id`; signs CreateToken, never sent.",
	"nls.app_key":           "App key (项目Appkey) of the Intelligent Speech Interaction project.",
	"nls.region":            "Region of the speech service.",
	"nls.meta_endpoint":     "CreateToken endpoint; tests point it at the local fake in `tts/aliyuntest`.",
	"nls.gateway":           "TTS and one-sentence ASR REST endpoint (`/stream/v1/tts`, `/stream/v1/asr`).",
}

func init() {
	for k, v := range sipDefaults {
		defaults[k] = v
	}
	for k, v := range sipDescriptions {
		descriptions[k] = v
	}
}

// Enabled reports whether the SIP front end is on.
func (s SIP) Enabled() bool { return len(s.Listen) > 0 }

// PortRange reads rtp_ports.
func (s SIP) PortRange() (first, last int, err error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s.RTPPorts), "-")
	if !ok {
		return 0, 0, fmt.Errorf("%q is not a range FIRST-LAST", s.RTPPorts)
	}
	first, err1 := strconv.Atoi(a)
	last, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || first < 1024 || last > 65535 || last <= first {
		return 0, 0, fmt.Errorf("%q: want FIRST-LAST with 1024 ≤ FIRST < LAST ≤ 65535", s.RTPPorts)
	}
	return first, last, nil
}

func (c *Config) validateSIP(bad func(string, string, ...any)) {
	s := c.SIP
	switch c.TTS.Provider {
	case "espeak":
	case "aliyun":
		if c.TTS.Voice == "cmn" {
			bad("tts.voice", "cmn is an espeak-ng voice; with tts.provider aliyun name an Aliyun voice such as xiaoyun")
		}
	default:
		bad("tts.provider", "%q: must be espeak or aliyun", c.TTS.Provider)
	}
	if p := c.ASR.Provider; p != "" && p != "aliyun" {
		bad("asr.provider", "%q: must be empty or aliyun", p)
	}
	if c.TTS.Provider == "aliyun" || c.ASR.Provider == "aliyun" {
		for key, v := range map[string]string{"nls.access_key_id": c.NLS.AccessKeyID,
			"nls.access_key_secret": c.NLS.AccessKeySecret, "nls.app_key": c.NLS.AppKey} {
			if strings.TrimSpace(v) == "" {
				bad(key, "required with tts.provider or asr.provider aliyun")
			}
		}
		for key, v := range map[string]string{"nls.meta_endpoint": c.NLS.MetaEndpoint, "nls.gateway": c.NLS.Gateway} {
			if u, err := url.Parse(v); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				bad(key, "%q is not an http(s) URL", v)
			}
		}
	}
	if !s.Enabled() {
		return
	}
	for _, l := range s.Listen {
		proto, hostport, _ := strings.Cut(l, ":")
		if _, _, err := net.SplitHostPort(hostport); (proto != "udp" && proto != "tcp") || err != nil {
			bad("sip.listen", "%q: want udp:HOST:PORT or tcp:HOST:PORT", l)
		}
	}
	if len(s.Trunks) == 0 {
		bad("sip.trunks", "required with sip.listen: the addresses of the 114 centre's trunk")
	}
	for _, t := range s.Trunks {
		t = strings.TrimSpace(t)
		if _, err := netip.ParsePrefix(t); err != nil && net.ParseIP(t) == nil && strings.ContainsAny(t, " /") {
			bad("sip.trunks", "%q is neither a CIDR, an address nor a host name", t)
		}
	}
	if (s.Username == "") != (s.Password == "") {
		bad("sip.password", "sip.username and sip.password go together")
	}
	if _, _, err := s.PortRange(); err != nil {
		bad("sip.rtp_ports", "%v", err)
	}
	if s.PublicIP != "" && net.ParseIP(s.PublicIP) == nil {
		bad("sip.public_ip", "%q is not an IP address", s.PublicIP)
	}
	if s.RTPTimeout < 5*time.Second {
		bad("sip.rtp_timeout", "must be at least 5s")
	}
	if op := c.Voice.Operator; op != "" && !strings.HasPrefix(op, "sip") {
		bad("voice.operator", "with sip.listen the operator must be a sip: URI: SIP calls are transferred by REFER")
	}
}
