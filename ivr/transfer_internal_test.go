package ivr

import (
	"reflect"
	"strings"
	"testing"
)

func TestDialThroughBYOCTrunk(t *testing.T) {
	v := Voice{ZHLanguage: "cmn-CN", ZHVoice: "Polly.Zhiyu", Operator: Transfer{Kind: TransferNumber,
		Address: "+8675512345678", BYOC: "BY0123456789abcdef0123456789abcdef", CallerID: "+8675500000114", Timeout: 25}}
	xml, err := v.render(LangZH, "https://y.test", view{lines: []string{"正在转接。"}, end: "operator", seq: "7", agent: "step=menu"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<Number byoc="BY0123456789abcdef0123456789abcdef">+8675512345678</Number>`,
		`action="https://y.test/twilio/voice/dial?step=operator&amp;seq=7"`, `timeout="25"`, `callerId="+8675500000114"`} {
		if !strings.Contains(xml, want) {
			t.Errorf("missing %s in\n%s", want, xml)
		}
	}
}

func TestSIPContextStaysUnderTwiliosLimit(t *testing.T) {
	long := "step=office;office=" + strings.Repeat("福田派出所户政室", 20) + ";date=2026-12-01"
	uri := sipWithContext("sip:a@pbx.test", long)
	if _, h, _ := strings.Cut(uri, "?"); len(h) >= 1024 || !strings.HasPrefix(h, ContextHeader+"=step%3Doffice") {
		t.Fatalf("%d characters of headers: %s", len(h), uri)
	}
	if got := agentContext("step=code; flow=; name=张*; id=440305**********3X; business=新生儿入户"); got != "step=code;name=张*;business=新生儿入户" {
		t.Fatalf("agent context %q", got)
	}
}

func TestSegmentsOneLanguageEach(t *testing.T) {
	cases := []struct {
		lang, text string
		want       []segment
	}{
		{LangZH, "预约请按1，For English, press 9. 重听请按星号键。", []segment{{LangZH, "预约请按1，"}, {LangEN, "For English, press 9."}, {LangZH, "重听请按星号键。"}}},
		{LangZH, "字母X请按星号键。", []segment{{LangZH, "字母X请按星号键。"}}},
		{LangEN, "For 福田派出所户政室, press 1. For 南头派出所户政室, press 2.", []segment{{LangEN, "For"}, {LangZH, "福田派出所户政室,"}, {LangEN, "press 1. For"}, {LangZH, "南头派出所户政室,"}, {LangEN, "press 2."}}},
		{LangEN, "Newborn registration，Tuesday, December 1", []segment{{LangEN, "Newborn registration，Tuesday, December 1"}}},
		{LangEN, " 。 ", nil},
	}
	for _, c := range cases {
		if got := segments(c.lang, c.text); !reflect.DeepEqual(got, c.want) {
			t.Errorf("segments(%s, %q) = %q, want %q", c.lang, c.text, got, c.want)
		}
	}
}
