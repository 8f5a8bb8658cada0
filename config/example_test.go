package config

import (
	"os"
	"strings"
	"testing"
)

// deploy/yuyue.example.yaml names every key (a key added to Config must be
// documented there) and loads cleanly under the strict rules.
func TestExampleConfigHasEveryKey(t *testing.T) {
	const path = "../deploy/yuyue.example.yaml"
	if _, err := Load(path, env(nil)); err != nil {
		t.Fatalf("example config does not load: %v", err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var stack []string
	for _, line := range strings.Split(string(b), "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		indent := (len(line) - len(strings.TrimLeft(line, " "))) / 2
		key, _, ok := strings.Cut(trimmed, ":")
		if !ok {
			continue
		}
		stack = append(stack[:min(indent, len(stack))], key)
		seen[strings.Join(stack, ".")] = true
	}
	for k, f := range knownKeys() {
		if !seen[k] && !f.open {
			t.Errorf("deploy/yuyue.example.yaml lacks %s", k)
		}
	}
}
