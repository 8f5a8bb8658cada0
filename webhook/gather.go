package webhook

import "strings"

// GatherDigits is what Twilio posts as Digits when a caller presses keys
// into a <Gather numDigits=… finishOnKey=…>, and whether it first waited
// for the gather's timeout. It submits at once when numDigits keys are in
// or when the finish key follows at least one key (the finish key is not
// posted). A finish key with nothing before it is ignored, so a lone #
// never arrives: Twilio waits for the timeout and, with
// actionOnEmptyResult, posts empty Digits. Keys after the gather
// completed are not part of it. numDigits 0 means unlimited; finishOnKey
// "" means the default #.
func GatherDigits(keys string, numDigits int, finishOnKey string) (digits string, waited bool) {
	if finishOnKey == "" {
		finishOnKey = "#"
	}
	var b strings.Builder
	for _, k := range keys {
		if string(k) == finishOnKey {
			if b.Len() > 0 {
				return b.String(), false
			}
			continue
		}
		b.WriteRune(k)
		if numDigits > 0 && b.Len() == numDigits {
			return b.String(), false
		}
	}
	return b.String(), true
}
