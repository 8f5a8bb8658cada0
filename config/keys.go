package config

import (
	"reflect"
	"sort"
	"strings"
	"time"
)

// field is one configuration key as the Config struct declares it.
type field struct {
	typ reflect.Type
	// open: a map, whose sub-keys are data (any name is accepted).
	open bool
}

// knownKeys walks the Config struct's mapstructure tags, so a key another
// package adds to the struct (and to defaults) is known without a list to
// keep in step. Keys only in defaults count too.
func knownKeys() map[string]field {
	out := map[string]field{}
	var walk func(prefix string, t reflect.Type)
	walk = func(prefix string, t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag := strings.Split(f.Tag.Get("mapstructure"), ",")[0]
			if tag == "" || tag == "-" {
				continue
			}
			key := prefix + tag
			switch {
			case f.Type.Kind() == reflect.Struct && f.Type != reflect.TypeFor[time.Duration]():
				walk(key+".", f.Type)
			case f.Type.Kind() == reflect.Map:
				out[key] = field{typ: f.Type, open: true}
			default:
				out[key] = field{typ: f.Type}
			}
		}
	}
	walk("", reflect.TypeFor[Config]())
	for k, v := range defaults {
		if _, ok := out[k]; !ok {
			out[k] = field{typ: reflect.TypeOf(v)}
		}
	}
	return out
}

// lookupKey finds key among known, allowing sub-keys of open (map) keys.
func lookupKey(known map[string]field, key string) (field, bool) {
	if f, ok := known[key]; ok {
		return f, true
	}
	for k, f := range known {
		if f.open && strings.HasPrefix(key, k+".") {
			return f, true
		}
	}
	return field{}, false
}

// isSection reports whether key is a group of keys (e.g. "http").
func isSection(known map[string]field, key string) bool {
	for k := range known {
		if strings.HasPrefix(k, key+".") {
			return true
		}
	}
	return false
}

// expected says in words what a value of type t looks like.
func expected(t reflect.Type) string {
	if t == nil {
		return "a value"
	}
	if t == reflect.TypeFor[time.Duration]() {
		return "a duration such as 10m, 90s or 1h30m"
	}
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Uint, reflect.Uint64, reflect.Uint32:
		return "a whole number such as 14"
	case reflect.Float64, reflect.Float32:
		return "a number such as 2.5"
	case reflect.Slice:
		return "a list"
	case reflect.Map:
		return "a mapping of names to values"
	}
	return "text"
}

// suggest names the known key nearest to key when it is a near miss, or
// else the keys of the same section, so a typo is easy to fix.
func suggest(known map[string]field, key string, name func(string) string) string {
	best, bestD := "", 1<<30
	for k := range known {
		if d := distance(name(key), name(k)); d < bestD {
			best, bestD = k, d
		}
	}
	if best != "" && bestD <= max(2, len(key)/3) {
		return " (did you mean " + name(best) + "?)"
	}
	section, _, found := strings.Cut(key, ".")
	if !found {
		return ""
	}
	var sib []string
	for k := range known {
		if strings.HasPrefix(k, section+".") {
			sib = append(sib, name(k))
		}
	}
	if len(sib) == 0 {
		return ""
	}
	sort.Strings(sib)
	return " (known " + section + " keys: " + strings.Join(sib, ", ") + ")"
}

// distance is the Levenshtein edit distance between a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
