// Package lastcaller remembers the number of the latest `callsim --new`
// caller in the user's cache directory, so that `callsim --from last` and
// `smssim --from last` act as that same, now registered, citizen.
package lastcaller

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

func file() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory for --from last: %w", err)
	}
	return filepath.Join(dir, "yuyue-callsim", "last-number"), nil
}

// Remember records number as the latest new caller.
func Remember(number string) error {
	path, err := file()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("remember number: %w", err)
	}
	return os.WriteFile(path, []byte(number+"\n"), 0o600)
}

// Recall returns the latest new caller's number.
func Recall() (string, error) {
	path, err := file()
	if err != nil {
		return "", err
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return "", errors.New("--from last: no earlier `callsim --new` call to act as")
	} else if err != nil {
		return "", fmt.Errorf("--from last: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}
