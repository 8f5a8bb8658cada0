package devserver

import (
	"errors"
	"strings"
)

// ShellWords splits a command line as sh does for the README's commands:
// words separated by blanks, single quotes keep everything literally, a
// trailing "# comment" is dropped. Double quotes and escapes are not
// needed by the README and are refused rather than guessed.
func ShellWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord, quoted := false, false
	for _, r := range s {
		switch {
		case quoted && r == '\'':
			quoted = false
		case quoted:
			cur.WriteRune(r)
		case r == '\'':
			quoted, inWord = true, true
		case r == '"' || r == '\\' || r == '$' || r == '`':
			return nil, errors.New("only single quotes are supported")
		case r == '#' && !inWord:
			return words, nil
		case r == ' ' || r == '\t':
			if inWord {
				words, inWord = append(words, cur.String()), false
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quoted {
		return nil, errors.New("unterminated single quote")
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}
