package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"yuyue/operator"
)

// operatorCmd: yuyue operator add NAME --role operator|clerk|admin [--office CODE].
// The password is read from standard input (one line), so it never appears
// in the process list or shell history.
func operatorCmd(ctx context.Context, configPath string, args []string, e env) error {
	if len(args) < 2 || args[0] != "add" {
		return errors.New("usage: yuyue operator add NAME --role operator|clerk|admin [--office CODE] (password on stdin)")
	}
	name := args[1]
	fs := flag.NewFlagSet("operator add", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	role := fs.String("role", "operator", "operator, clerk or admin")
	office := fs.String("office", "", "a clerk's office code")
	if err := fs.Parse(args[2:]); err != nil {
		return err
	}
	fmt.Fprint(e.stderr, "password: ")
	var password string
	if e.stdin != nil {
		line, _ := bufio.NewReader(e.stdin).ReadString('\n')
		password = strings.TrimRight(line, "\r\n")
	}
	d, err := open(ctx, configPath, e)
	if err != nil {
		return err
	}
	defer d.Close()
	op, err := operator.AddOperator(d.svc, name, *role, *office, password)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "operator %s (%s) created\n", op.Name, op.Role)
	return nil
}
