package sms_test

import (
	"os"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"yuyue/sms"
)

// documented reads docs/sms-templates.md: each "## kind" section's fenced
// block is the template text to register.
func documented(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile("../docs/sms-templates.md")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	re := regexp.MustCompile("(?m)^## ([a-z_]+)\\n(?:[^#]*?)```\\n(.*)\\n```")
	for _, m := range re.FindAllStringSubmatch(string(b), -1) {
		out[m[1]] = m[2]
	}
	return out
}

// Every kind's sent parameters are exactly the ${names} its documented
// template holds, and the documented text is the code's.
func TestDocumentedTemplatesMatchCode(t *testing.T) {
	doc := documented(t)
	if len(doc) != len(sms.Templates) {
		t.Fatalf("documented kinds %d, code kinds %d", len(doc), len(sms.Templates))
	}
	sample := map[string]string{"name": "张*", "ref": "1234567890", "date": "2026-12-03", "start": "09:00", "end": "10:00",
		"business": "新生儿入户", "bring": "户口簿", "office": "福田派出所户政室", "address": "福华路100号",
		"deadline": "2026-12-02 18:00", "expires": "2026-12-02 09:30", "until": "2027-06-30", "code": "123456", "count": "2",
		"business_code": "newborn", "office_code": "FT01", "months": "6", "strikes": "3",
		"reason": "台风天气", "closed_date": "2026-12-03", "heard": "张三"}
	for kind, tmpl := range sms.Templates {
		text, ok := doc[kind]
		if !ok {
			t.Errorf("%s is not documented", kind)
			continue
		}
		if text != tmpl.Text {
			t.Errorf("%s: documented %q, code %q", kind, text, tmpl.Text)
		}
		params, err := sms.Params(kind, sample)
		if err != nil {
			t.Fatal(err)
		}
		var sent []string
		for k, v := range params {
			sent = append(sent, k)
			if v == "" || strings.Contains(v, "${") {
				t.Errorf("%s: param %s sent empty", kind, k)
			}
		}
		sort.Strings(sent)
		if want := sms.Names(text); !reflect.DeepEqual(sent, want) {
			t.Errorf("%s: sends %v, documented template names %v", kind, sent, want)
		}
	}
}
