package ivr_test

import (
	"strings"
	"testing"

	"github.com/beevik/etree"
)

// The rule checker itself catches what it is for.
func TestTwiMLRulesCatchViolations(t *testing.T) {
	const zh, en = `voice="Polly.Zhiyu" language="cmn-CN"`, `voice="Polly.Joanna" language="en-US"`
	bad := map[string]string{
		"empty say":        `<Say ` + zh + `/>`,
		"chinese in en":    `<Say ` + en + `>For 福田派出所, press 1.</Say>`,
		"english in zh":    `<Say ` + zh + `>预约请按1，For English, press 9.</Say>`,
		"not a verb":       `<Enqueue>agents</Enqueue>`,
		"unknown attr":     `<Say ` + zh + ` rate="fast">你好</Say>`,
		"lone #":           `<Gather action="/g" numDigits="1"><Say ` + zh + `>返回主菜单请按井号键。</Say></Gather>`,
		"dial no callerId": `<Dial action="/d" timeout="30"><Sip>sip:a@b.test</Sip></Dial>`,
		"+86 without byoc": `<Dial action="/d" timeout="30" callerId="+8675500000114"><Number>+8675512345678</Number></Dial>`,
		"twilio header":    `<Dial action="/d" timeout="30" callerId="x"><Sip>sip:a@b.test?X-Twilio-Foo=1</Sip></Dial>`,
		"bare dial":        `<Dial action="/d" timeout="30" callerId="x">+8675512345678</Dial>`,
	}
	for name, body := range bad {
		doc := etree.NewDocument()
		if err := doc.ReadFromString("<Response>" + body + "</Response>"); err != nil {
			t.Fatal(err)
		}
		if v := twimlViolations(doc.Root()); len(v) == 0 {
			t.Errorf("%s: not caught: %s", name, body)
		}
	}
	good := `<Response><Gather action="/g" numDigits="6"><Say ` + zh + `>请输入验证码，重新发送请按星号键再按井号键。</Say><Say ` + en + `>Press star.</Say></Gather></Response>`
	doc := etree.NewDocument()
	doc.ReadFromString(good)
	if v := twimlViolations(doc.Root()); len(v) != 0 {
		t.Errorf("valid TwiML refused: %s", strings.Join(v, "; "))
	}
}
