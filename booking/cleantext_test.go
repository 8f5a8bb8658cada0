package booking

import "testing"

func TestCleanText(t *testing.T) {
	for in, want := range map[string]string{
		"张三":                         "张三",
		" 王\u202e五 ":                 "王五",
		"李\u200b\u200c\u200d四":       "李四",
		"赵\u0000\u001f\u007f六":       "赵六",
		"\u2066周\u2069\ufeff七\u200e": "周七",
		"Anna Lee":                   "Anna Lee",
	} {
		if got := CleanText(in); got != want {
			t.Errorf("CleanText(%q) = %q, want %q", in, got, want)
		}
	}
}
