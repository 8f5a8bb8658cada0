package config

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// checkFile refuses keys of the YAML file that no setting has, naming the
// line: a misspelt key would otherwise be ignored and its default used.
func checkFile(path string, known map[string]field) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config file %s: %w", path, err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return fmt.Errorf("config file %s: %w", path, err)
	}
	if len(doc.Content) == 0 {
		return nil // an empty file sets nothing
	}
	var errs []error
	walkYAML(doc.Content[0], "", func(key string, line int) {
		if _, ok := lookupKey(known, key); ok || isSection(known, key) {
			return
		}
		errs = append(errs, fmt.Errorf("config file %s line %d: unknown key %s%s", path, line, key, suggest(known, key, same)))
	})
	return errors.Join(errs...)
}

// walkYAML calls fn with the dotted key and line of every leaf and of every
// mapping whose key is not a known section.
func walkYAML(n *yaml.Node, prefix string, fn func(key string, line int)) {
	if n.Kind != yaml.MappingNode {
		if prefix != "" {
			fn(strings.TrimSuffix(prefix, "."), n.Line)
		}
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := prefix + strings.ToLower(k.Value)
		if v.Kind == yaml.MappingNode && len(v.Content) > 0 {
			walkYAML(v, key+".", fn)
			continue
		}
		fn(key, k.Line)
	}
}

// checkEnv refuses YUYUE_* variables that no setting reads: a misspelt
// variable would otherwise be ignored without a word. YUYUE_TEST_* belong
// to the test suites (YUYUE_TEST_POSTGRES, which CI exports for the whole
// run), never to a setting, so a yuyue a test starts ignores them.
// testEnvPrefix marks the test suites' own variables.
const testEnvPrefix = "YUYUE_TEST_"

func checkEnv(environ []string, known map[string]field) error {
	byEnv := map[string]bool{}
	var open []string
	for k, f := range known {
		byEnv[EnvName(k)] = true
		if f.open {
			open = append(open, EnvName(k)+"_")
		}
	}
	var errs []error
	var names []string
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "YUYUE_") && !strings.HasPrefix(name, testEnvPrefix) && !byEnv[name] && !hasAnyPrefix(name, open) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		errs = append(errs, fmt.Errorf("config: unknown environment variable %s%s", name, suggestEnv(known, name)))
	}
	return errors.Join(errs...)
}

// suggestEnv is suggest for a variable name: the key it probably meant.
func suggestEnv(known map[string]field, name string) string {
	key := strings.ToLower(strings.TrimPrefix(name, "YUYUE_"))
	// Underscores are ambiguous (dots or part of a name): try the section
	// split at the first underscore, the usual shape.
	if sec, rest, ok := strings.Cut(key, "_"); ok && isSection(known, sec) {
		key = sec + "." + rest
	}
	return suggest(known, key, EnvName)
}

func same(s string) string { return s }

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
