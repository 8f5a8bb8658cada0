package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"yuyue/booking"
	"yuyue/operator"
)

// operatorCmd groups the console-account commands. They work beside a
// running server: they write through SQLite's locking and start no worker.
func operatorCmd(g *globals, e env) *cobra.Command {
	cmd := &cobra.Command{Use: "operator", Short: "Manage console accounts (114 operators, clerks, administrators)", Args: cobra.NoArgs, RunE: showHelp}
	cmd.AddCommand(operatorAddCmd(g, e), operatorListCmd(g, e), operatorPasswdCmd(g, e),
		operatorActiveCmd(g, e, "disable", false), operatorActiveCmd(g, e, "enable", true))
	return cmd
}

func operatorAddCmd(g *globals, e env) *cobra.Command {
	var role, office string
	cmd := &cobra.Command{
		Use:   "add NAME --role operator|clerk|manager|admin [--office CODE]",
		Short: "Create a console account; the password is read from standard input",
		Long: "Create a console account. The password (12+ characters) is read from standard input:\n" +
			"typed twice without echo on a terminal, or one line from a pipe.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := booking.ValidateOperatorName(args[0]); err != nil {
				return err
			}
			password, err := readSecret(e, "password")
			if err != nil {
				return err
			}
			d, err := open(cmd.Context(), g, e)
			if err != nil {
				return err
			}
			defer d.Close()
			op, err := operator.AddOperator(d.svc, args[0], role, office, password)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "operator %s (%s) created\n", op.Name, op.Role)
			return nil
		},
	}
	cmd.Flags().StringVar(&role, "role", "", "operator, clerk, manager or admin (required)")
	cmd.Flags().StringVar(&office, "office", "", "a clerk's or office manager's office code from the catalog")
	_ = cmd.MarkFlagRequired("role")
	return cmd
}

func operatorListCmd(g *globals, e env) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List console accounts",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			d, err := open(cmd.Context(), g, e)
			if err != nil {
				return err
			}
			defer d.Close()
			ops, err := booking.Operators{Svc: d.svc}.List(cmd.Context())
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "NAME\tROLE\tOFFICE\tSTATE\tPASSWORD\tUPDATED (Asia/Shanghai)")
			for _, o := range ops {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", o.Name, o.Role, dash(o.Office), state(o.Active),
					map[bool]string{true: "must change", false: "set"}[o.MustChangePassword], o.UpdatedAt.In(shanghai).Format("2006-01-02 15:04"))
			}
			return w.Flush()
		},
	}
}

func state(active bool) string {
	if active {
		return "active"
	}
	return "disabled"
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// changeOperator loads the account called name, lets change edit it, and
// writes it back with its sessions ended, in one transaction.
func changeOperator(ctx context.Context, d *deps, name string, change func(*booking.Operator) error) error {
	return booking.Operators{Svc: d.svc}.ChangeByName(ctx, name, change)
}

// shanghai is the one time zone every listing uses, as the console does.
var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err) // time/tzdata is linked into the binary (main.go)
	}
	return loc
}()
