package config

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/viper"
)

// defaults are the built-in values of every key, from the settings table;
// viper needs every key here for YUYUE_* variables to reach Unmarshal.
var defaults = defaultsOf(settings)

// EnvName is the environment variable that sets key.
func EnvName(key string) string {
	return "YUYUE_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// LoadEnviron is Load for a process environment given as KEY=VALUE pairs
// (os.Environ()): it also refuses YUYUE_* variables that no key reads.
func LoadEnviron(path string, environ []string) (*Config, error) {
	if err := checkEnv(environ, knownKeys()); err != nil {
		return nil, err
	}
	vars := map[string]string{}
	for _, kv := range environ {
		if k, val, ok := strings.Cut(kv, "="); ok {
			vars[k] = val
		}
	}
	return Load(path, func(k string) string { return vars[k] })
}

// Load reads defaults, the YAML file at path (if any) and the environment
// through getenv (nil: the process's, checked for unknown YUYUE_* names),
// then validates. Unknown keys in the file are errors. Errors name the key
// and the variable.
func Load(path string, getenv func(string) string) (*Config, error) {
	known := knownKeys()
	if getenv == nil {
		if err := checkEnv(os.Environ(), known); err != nil {
			return nil, err
		}
	}
	if path != "" {
		if err := checkFile(path, known); err != nil {
			return nil, err
		}
	}
	v := viper.New()
	for k, val := range defaults {
		v.SetDefault(k, val)
	}
	if path != "" {
		v.SetConfigFile(path)
		v.SetConfigType("yaml")
		if err := v.ReadInConfig(); err != nil {
			return nil, fmt.Errorf("config file %s: %w", path, err)
		}
	}
	// Explicit Set from getenv (not AutomaticEnv) so tests inject the
	// environment without touching the process's.
	for k := range defaults {
		if val, ok := lookup(getenv, EnvName(k)); ok {
			v.Set(k, val)
		}
	}
	var c Config
	if err := v.Unmarshal(&c); err != nil {
		return nil, unmarshalError(err, known)
	}
	return &c, c.Validate()
}

func lookup(getenv func(string) string, name string) (string, bool) {
	if getenv == nil {
		return os.LookupEnv(name)
	}
	val := getenv(name)
	return val, val != ""
}

// unmarshalError names the first key whose value could not be decoded and
// says what a value of that key looks like.
func unmarshalError(err error, known map[string]field) error {
	msg := err.Error()
	var errs []error
	for k, f := range known {
		if strings.Contains(msg, "'"+k+"'") || strings.Contains(msg, "\""+k+"\"") {
			errs = append(errs, &Error{Key: k, Problem: "expected " + expected(f.typ)})
		}
	}
	if len(errs) == 0 {
		return errors.New("config: " + msg)
	}
	return errors.Join(errs...)
}
