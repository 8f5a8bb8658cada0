package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"yuyue/internal/sipcall"
	"yuyue/sms/twiliotest"
)

// sipCatalog has a second business: the SIP callers, registered by a
// Twilio booking of newborn, book idcard (key 2) over SIP.
const sipCatalog = `
businesses:
  - {code: newborn, name: 新生儿入户, notice: 请携带出生医学证明。, bring: 出生医学证明}
  - {code: idcard, name: 居民身份证, notice: 请携带户口簿。, bring: 户口簿}
districts:
  - {code: futian, name: 福田区}
  - {code: luohu, name: 罗湖区}
  - {code: nanshan, name: 南山区}
  - {code: baoan, name: 宝安区}
offices:
  - {code: FT01, name: 福田派出所户政室, district: futian}
  - {code: LH01, name: 东门派出所户政室, district: luohu}
  - {code: NS01, name: 南头派出所户政室, district: nanshan}
  - {code: BA01, name: 新安派出所户政室, district: baoan}
defaults:
  periods:
    - {start: "09:00", end: "10:00", capacity: 100000}
    - {start: "10:00", end: "11:00", capacity: 100000}
    - {start: "14:00", end: "15:00", capacity: 100000}
    - {start: "15:00", end: "16:00", capacity: 100000}
`

// sipReport is what --sip measures.
type sipReport struct {
	Date          string         `json:"date"`
	CPUs          int            `json:"cpus"`
	Calls         int            `json:"calls"`
	PeakConcurent int            `json:"peak_concurrent"`
	Outcomes      map[string]int `json:"outcomes"`
	Seconds       float64        `json:"seconds"`
	RTPPackets    int            `json:"rtp_packets"`
	JitterP50MS   float64        `json:"jitter_p50_ms"`
	JitterP99MS   float64        `json:"jitter_p99_ms"`
	JitterMaxMS   float64        `json:"jitter_max_ms"`
}

// sipRun registers o.sipCalls citizens through the Twilio webhooks, then
// has all of them call the SIP trunk at once and book a second business by
// keys, measuring the prompts' RTP timing as the callers receive it.
func sipRun(ctx context.Context, o options) error {
	fake := twiliotest.New(accountSID, authToken)
	defer fake.Close()
	dir, err := os.MkdirTemp("", "loadcall-sip")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	sipAddr, err := freeAddr()
	if err != nil {
		return err
	}
	for k, v := range map[string]string{"YUYUE_SIP_LISTEN": "udp:" + sipAddr, "YUYUE_SIP_TRUNKS": "127.0.0.1",
		"YUYUE_SIP_RTP_PORTS": "20000-29999", "YUYUE_SIP_RTP_TIMEOUT": "60s", "YUYUE_SMS_RESEND_AFTER": "1s",
		"YUYUE_TTS_CACHE_DIR": filepath.Join(dir, "tts")} {
		os.Setenv(k, v)
	}
	srv, err := spawnYuyue(ctx, o.yuyue, dir, fake.URL, sipCatalog, "")
	if err != nil {
		return err
	}
	defer srv.stop()
	st, cl := newStats(), client(o.sipCalls)
	reg := crowd(ctx, o.sipCalls, st, "register by Twilio webhooks", func(i int) (outcome, error) {
		return newCaller(300000+i, srv.base, cl, st, fake, 0, 0).run(ctx)
	})
	if reg[outBooked] != o.sipCalls {
		return fmt.Errorf("registration calls: %v", reg)
	}
	return sipCrowd(ctx, o, fake, sipAddr)
}

func sipCrowd(ctx context.Context, o options, fake *twiliotest.Fake, sipAddr string) error {
	ph, err := sipcall.NewPhone("loadcall")
	if err != nil {
		return err
	}
	defer ph.Close()
	target, err := sipcall.Target(sipAddr)
	if err != nil {
		return err
	}
	jl := &jitterLog{}
	var active, peak atomic.Int32
	start := time.Now()
	outs := crowd(ctx, o.sipCalls, newStats(), "SIP calls", func(i int) (outcome, error) {
		time.Sleep(rand.N(o.sipSpread + 1)) // arrivals spread, all still up together
		n := active.Add(1)
		defer active.Add(-1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		c := &sipCaller{phone: fmt.Sprintf("+86139%08d", 300000+i), fake: fake, ph: ph, target: target, jitter: jl}
		return c.run(ctx)
	})
	rep := sipReport{Date: time.Now().Format(time.RFC3339), CPUs: runtime.NumCPU(), Calls: o.sipCalls,
		PeakConcurent: int(peak.Load()), Outcomes: map[string]int{}, Seconds: time.Since(start).Seconds()}
	for k, v := range outs {
		rep.Outcomes[string(k)] = v
	}
	slices.Sort(jl.devs)
	rep.RTPPackets = len(jl.devs)
	if n := len(jl.devs); n > 0 {
		q := func(p float64) float64 { return ms(jl.devs[min(n-1, int(p*float64(n)))]) }
		rep.JitterP50MS, rep.JitterP99MS, rep.JitterMaxMS = q(0.5), q(0.99), ms(jl.devs[n-1])
	}
	return rep.write(o.out)
}

func (r sipReport) write(dir string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "sip-report.json"), append(b, '\n'), 0o644); err != nil {
		return err
	}
	var m strings.Builder
	fmt.Fprintf(&m, "# loadcall --sip\n\n%s, %d CPUs. %d registered citizens call the SIP trunk (diago, RFC 4733 keys) and book a second business by keys.\n\n", r.Date, r.CPUs, r.Calls)
	fmt.Fprintf(&m, "| figure | value | target |\n| --- | --- | --- |\n")
	fmt.Fprintf(&m, "| calls booked | %d of %d (%v) | all |\n", r.Outcomes[string(outBooked)], r.Calls, r.Outcomes)
	fmt.Fprintf(&m, "| peak concurrent calls | %d | ≥ 200 |\n", r.PeakConcurent)
	fmt.Fprintf(&m, "| RTP packets timed | %d | |\n", r.RTPPackets)
	fmt.Fprintf(&m, "| RTP jitter p50 / p99 / max | %.2f / %.2f / %.2f ms | p99 < 20 ms |\n", r.JitterP50MS, r.JitterP99MS, r.JitterMaxMS)
	fmt.Fprintf(&m, "| run | %.0f s | |\n\n", r.Seconds)
	m.WriteString("Jitter is how far each prompt packet's arrival at the caller strays from the 20 ms after the previous one (consecutive packets of one talk spurt); it includes the callers' own scheduling on the same machine, so it bounds yuyue's send jitter from above.\n")
	fmt.Fprint(os.Stderr, m.String())
	return os.WriteFile(filepath.Join(dir, "sip-report.md"), []byte(m.String()), 0o644)
}
