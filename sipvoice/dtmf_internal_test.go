package sipvoice

import "testing"

func TestEventReaderCountsEachKeyOnce(t *testing.T) {
	r := eventReader{pt: 101, haveEv: true}
	pkt := func(ev byte, end bool, dur uint16) []byte {
		b := []byte{ev, 10, byte(dur >> 8), byte(dur)}
		if end {
			b[1] |= 0x80
		}
		return b
	}
	var got []rune
	send := func(pt uint8, ts uint32, p []byte) {
		if k, ok := r.key(pt, ts, p); ok {
			got = append(got, k)
		}
	}
	// SIPp's pcap: the first packet has duration 0, the end is sent 3 times.
	send(101, 100, pkt(1, false, 0))
	send(101, 100, pkt(1, false, 320))
	for range 3 {
		send(101, 100, pkt(1, true, 1280))
	}
	// diago with no audio: the next key reuses the timestamp.
	send(101, 100, pkt(2, false, 160))
	send(101, 100, pkt(2, true, 800))
	send(101, 100, pkt(2, true, 800))
	// only the end packets of a key arrive, at a new timestamp
	send(101, 900, pkt(11, true, 800))
	send(101, 900, pkt(11, true, 800))
	// audio is not an event
	send(8, 1000, []byte{1, 0x80, 0, 1})
	if string(got) != "12#" {
		t.Fatalf("keys %q, want \"12#\"", string(got))
	}
}
