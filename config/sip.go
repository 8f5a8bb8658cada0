package config

import (
	"fmt"
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
