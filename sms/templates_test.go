package sms_test

import (
	"strings"
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/catalog"
	"yuyue/sms"
	"yuyue/sms/twiliotest"
)

func twiliotestNew(t *testing.T) *twiliotest.Fake {
	f := twiliotest.New(accountSID, authToken)
	t.Cleanup(f.Close)
	return f
}

// Every template with the longest values of the demo catalog stays within
// three UCS-2 segments and never carries an ID number.
func TestTemplatesFitThreeSegments(t *testing.T) {
	cat, err := catalog.Demo()
	if err != nil {
		t.Fatal(err)
	}
	kinds := []string{booking.MsgCode, booking.MsgConfirmation, booking.MsgReminder, booking.MsgCancellation, booking.MsgNoShow, booking.MsgBlacklist}
	for _, o := range cat.Offices {
		for _, bc := range o.Businesses {
			biz, _ := cat.Business(bc)
			p := map[string]string{"name": booking.MaskName("欧阳娜娜"), "ref": "1234567890", "date": "2026-12-31",
				"start": "09:00", "end": "10:00", "business": biz.Name, "bring": biz.Bring, "office": o.Name,
				"address": o.Address, "deadline": "2026-12-30 18:00", "until": "2027-06-30", "code": "123456", "strikes": "3", "months": "12"}
			for _, k := range kinds {
				body, err := sms.Render(k, p)
				if err != nil {
					t.Fatal(err)
				}
				if n := sms.Segments(body); n > 3 {
					t.Errorf("%s for %s/%s is %d segments (%d chars): %s", k, o.Code, bc, n, len([]rune(body)), body)
				}
				if strings.Contains(body, "<no value>") || !strings.HasPrefix(body, sms.Signature) {
					t.Errorf("%s: %s", k, body)
				}
			}
		}
	}
	if sms.Segments(strings.Repeat("字", 70)) != 1 || sms.Segments(strings.Repeat("字", 71)) != 2 || sms.Segments(strings.Repeat("字", 201)) != 3 || sms.Segments(strings.Repeat("字", 202)) != 4 {
		t.Fatal("segment arithmetic")
	}
}

// The no-show and blacklist notices say the configured rule.
func TestBlacklistNoticesSayConfiguredNumbers(t *testing.T) {
	p := map[string]string{"date": "2026-12-31", "start": "09:00", "end": "10:00", "business": "新生儿入户",
		"until": "2027-12-31", "strikes": "4", "months": "12"}
	for _, k := range []string{booking.MsgNoShow, booking.MsgBlacklist} {
		body, err := sms.Render(k, p)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(body, "12个月内爽约4次") || strings.Contains(body, "6个月") {
			t.Errorf("%s: %s", k, body)
		}
	}
}

// The code's validity is sms.code_ttl, written into the text (Aliyun's
// 验证码 type allows one variable only).
func TestCodeTextSaysTheConfiguredValidity(t *testing.T) {
	r := sms.Renderer{Settings: sms.TextSettings{CodeTTL: 10 * time.Minute}}
	body, err := r.Text(booking.MsgCode, map[string]string{"code": "123456"}, "")
	if err != nil || !strings.Contains(body, "验证码123456，10分钟内有效") || strings.Contains(body, "5分钟") {
		t.Fatalf("%q %v", body, err)
	}
	if def, _ := sms.Render(booking.MsgCode, map[string]string{"code": "123456"}); !strings.Contains(def, "5分钟内有效") {
		t.Fatalf("default: %q", def)
	}
}
