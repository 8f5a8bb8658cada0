package ivr

import "testing"

// BenchmarkRenderTwiML renders a full list prompt (a gather with a long say).
func BenchmarkRenderTwiML(b *testing.B) {
	v := &Voice{ZHLanguage: "cmn-CN", ZHVoice: "Polly.Zhiyu", ENLanguage: "en-US", ENVoice: "Polly.Joanna", SpeechLanguage: "cmn-Hans-CN", Timeout: 6}
	w := view{lines: []string{say(LangZH, "pick_district")}, gather: &gatherSpec{step: "district", seq: "7", numDigits: 1}}
	for i := 1; i <= 8; i++ {
		w.lines = append(w.lines, say(LangZH, "item", "福田区", i))
	}
	w.lines = append(w.lines, say(LangZH, "more"), say(LangZH, "list_tail"))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.render(LangZH, "https://yuyue.example.cn", w); err != nil {
			b.Fatal(err)
		}
	}
}
