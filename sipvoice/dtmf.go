package sipvoice

import (
	"github.com/emiago/diago"
	"github.com/emiago/diago/media"
)

// eventReader picks RFC 4733 telephone-events out of the RTP the caller
// sends. diago has its own reader, but it drops an event whose first
// packet carries duration 0, as some gateways (and SIPp's shipped pcaps)
// send it. Here a key counts at the first end packet after the event's
// other packets (the end packet is sent three times). An end packet alone
// counts when its timestamp is new: the start was lost. Timestamps alone
// cannot tell events apart: a phone sending no audio (diago's own writer)
// repeats one timestamp for every key.
type eventReader struct {
	pt       uint8
	haveEv   bool
	armed    bool // an event's non-end packets arrived
	lastDone uint32
	doneOnce bool
}

// telephoneEventPT is the payload type the caller sends events with, or
// false when none was negotiated (keys then come by SIP INFO only).
func telephoneEventPT(med *diago.DialogMedia) (uint8, bool) {
	ms := med.MediaSession()
	if ms == nil {
		return 0, false
	}
	for _, c := range ms.CommonCodecs() {
		if c.Matches(media.CodecTelephoneEvent8000) {
			return c.PayloadTypeRecv(), true
		}
	}
	return 0, false
}

// key inspects one packet: payload type and timestamp from its header,
// the payload as read. It returns the key when an event has just ended.
func (r *eventReader) key(pt uint8, ts uint32, payload []byte) (rune, bool) {
	if !r.haveEv || pt != r.pt {
		return 0, false
	}
	var ev media.DTMFEvent
	if media.DTMFDecode(payload, &ev) != nil || ev.Event > 15 {
		return 0, false
	}
	if !ev.EndOfEvent {
		r.armed = true
		return 0, false
	}
	if !r.armed && r.doneOnce && ts == r.lastDone {
		return 0, false // a retransmitted end packet
	}
	r.armed, r.lastDone, r.doneOnce = false, ts, true
	k := media.DTMFToRune(ev.Event)
	return k, k != 0
}
