package booking

import "testing"

func TestCallerNumber(t *testing.T) {
	cases := map[string]string{
		"sip:+8613800138000@trunk.test":           "+8613800138000",
		"sip:13900001111@pbx.114.test;user=phone": "+8613900001111",
		"SIPS:008613900001111@pbx.test:5061":      "+8613900001111",
		"tel:+8613800138000":                      "+8613800138000",
		"+86 138 0013 8000":                       "+8613800138000",
		"13800138000":                             "+8613800138000",
		"+8675583001234":                          "+8675583001234", // a landline stays what it was
		"sip:075583001234@trunk.test":             "075583001234",
		"sip:anonymous@anonymous.invalid":         "anonymous",
		"":                                        "",
	}
	for in, want := range cases {
		if got := CallerNumber(in); got != want {
			t.Errorf("CallerNumber(%q) = %q, want %q", in, got, want)
		}
	}
}
