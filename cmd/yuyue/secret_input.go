package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/term"
)

// readSecret reads a password or key from standard input: on a terminal
// without echo and twice, to catch a typo; from a pipe, one line. It never
// comes from an argument, which ps and shell history would keep.
func readSecret(e env, what string) (string, error) {
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return readTerminal(f, e, what)
	}
	if e.stdin == nil {
		return "", errors.New(what + ": nothing on standard input")
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("%s: nothing on standard input", what)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func readTerminal(f *os.File, e env, what string) (string, error) {
	fmt.Fprintf(e.stderr, "%s: ", what)
	first, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(e.stderr)
	if err != nil {
		return "", err
	}
	fmt.Fprintf(e.stderr, "%s again: ", what)
	again, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(e.stderr)
	if err != nil {
		return "", err
	}
	if string(first) != string(again) {
		return "", errors.New(what + ": the two entries differ")
	}
	return string(first), nil
}
