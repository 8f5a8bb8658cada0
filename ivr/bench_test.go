package ivr_test

import (
	"testing"

	"yuyue/store/storetest"
)

// BenchmarkGatherStep is one applied state-machine step through the Fiber
// app with a signed form: load the call, apply the key, save, render. The
// key toggles the language at the menu, so every iteration applies.
func BenchmarkGatherStep(b *testing.B) {
	h := newHarness(b, true)
	p := h.dial(storetest.Phone(1))
	b.ReportAllocs()
	for b.Loop() {
		p.press("9")
	}
	if p.step() != "menu" {
		b.Fatalf("left the menu: %s", p.step())
	}
}
