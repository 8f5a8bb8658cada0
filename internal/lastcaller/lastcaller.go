// Package lastcaller remembers the number of the latest `callsim --new`
// caller in the user's cache directory, one per server URL, so that
// `callsim --from last` and `smssim --from last` act as that same, now
// registered, citizen of that server (another server, e.g. a second
// development instance on another port, never saw that caller).
package lastcaller

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

func file(server string) (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory for --from last: %w", err)
	}
	sum := sha256.Sum256([]byte(strings.TrimRight(server, "/")))
	return filepath.Join(dir, "yuyue-callsim", "last-number-"+hex.EncodeToString(sum[:6])), nil
}

// Remember records number as the latest new caller of server (its URL).
func Remember(server, number string) error {
	path, err := file(server)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("remember number: %w", err)
	}
	return os.WriteFile(path, []byte(number+"\n"), 0o600)
}

// Recall returns the latest new caller's number on server.
func Recall(server string) (string, error) {
	path, err := file(server)
	if err != nil {
		return "", err
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("--from last: no earlier `callsim --new` call to %s to act as", server)
	} else if err != nil {
		return "", fmt.Errorf("--from last: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}
