package sms_test

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// Every Aliyun error code the code handles is listed in docs/sms.md with
// what the service does.
func TestHandledErrorCodesDocumented(t *testing.T) {
	src, err := os.ReadFile("refusal.go")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("../docs/sms.md")
	if err != nil {
		t.Fatal(err)
	}
	codes := regexp.MustCompile(`"(is[vp]\.[A-Z_]+)"`).FindAllStringSubmatch(string(src), -1)
	if len(codes) < 5 {
		t.Fatalf("found only %d codes in refusal.go", len(codes))
	}
	for _, c := range codes {
		if !strings.Contains(string(doc), "| `"+c[1]+"`") {
			t.Errorf("%s is handled in sms/refusal.go but not in docs/sms.md's error table", c[1])
		}
	}
}
