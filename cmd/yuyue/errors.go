package main

import (
	"fmt"

	"yuyue/config"
)

// errorf is a configuration error naming key and its YUYUE_* variable.
func errorf(key, format string, args ...any) error {
	return &config.Error{Key: key, Problem: fmt.Sprintf(format, args...)}
}
