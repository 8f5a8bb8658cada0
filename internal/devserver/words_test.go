package devserver

import (
	"reflect"
	"testing"
)

func TestShellWords(t *testing.T) {
	got, err := ShellWords(` --new --script '1,id,say:张三,1' --body 'QX 123'   # a comment`)
	want := []string{"--new", "--script", "1,id,say:张三,1", "--body", "QX 123"}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("ShellWords = %q, %v; want %q", got, err, want)
	}
	for _, bad := range []string{`'open`, `"double"`, `a\ b`} {
		if _, err := ShellWords(bad); err == nil {
			t.Errorf("ShellWords(%q) accepted", bad)
		}
	}
}
