package main

import (
	"context"
	"errors"
)

func jobsCmd(ctx context.Context, configPath string, args []string, e env) error {
	return errors.New("jobs: not available in this build")
}

func operatorCmd(ctx context.Context, configPath string, args []string, e env) error {
	return errors.New("operator: not available in this build")
}
