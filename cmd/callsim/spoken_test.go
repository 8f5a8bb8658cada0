package main

import (
	"testing"

	"github.com/beevik/etree"
)

// An older caller's prompts come inside SSML <prosody>: callsim shows
// them, with the rate, instead of an empty line.
func TestSpokenReadsProsody(t *testing.T) {
	doc := etree.NewDocument()
	if err := doc.ReadFromString(`<Response><Say language="cmn-CN" voice="Polly.Zhiyu"><prosody rate="80%">按0直接转人工服务。</prosody></Say><Say>欢迎</Say></Response>`); err != nil {
		t.Fatal(err)
	}
	says := doc.Root().ChildElements()
	if got := spoken(says[0]); got != "(80%) 按0直接转人工服务。" {
		t.Fatalf("slow prompt shown as %q", got)
	}
	if got := spoken(says[1]); got != "欢迎" {
		t.Fatalf("normal prompt shown as %q", got)
	}
}
