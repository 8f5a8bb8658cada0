package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"yuyue/booking"
	"yuyue/operator"
)

// operatorPasswdCmd sets a password directly. An administrator on the box
// chose it, so no change is forced at the next login unless --must-change
// is given (for a password handed to someone else). Every session of the
// account ends.
func operatorPasswdCmd(g *globals, e env) *cobra.Command {
	var mustChange bool
	cmd := &cobra.Command{
		Use:   "passwd NAME",
		Short: "Set an account's password (read from standard input); ends its sessions",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := booking.ValidateOperatorName(args[0]); err != nil {
				return err
			}
			password, err := readSecret(e, "new password")
			if err != nil {
				return err
			}
			d, err := open(cmd.Context(), g, e)
			if err != nil {
				return err
			}
			defer d.Close()
			err = changeOperator(cmd.Context(), d, args[0], func(o *booking.Operator) error {
				o.MustChangePassword = mustChange
				return operator.SetPassword(o, password)
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "password of %s set; its sessions ended\n", args[0])
			return nil
		},
	}
	cmd.Flags().BoolVar(&mustChange, "must-change", false, "make the user choose a new password at the next login")
	return cmd
}

// operatorActiveCmd disables (ending every session at once) or enables an
// account.
func operatorActiveCmd(g *globals, e env, verb string, active bool) *cobra.Command {
	return &cobra.Command{
		Use:   verb + " NAME",
		Short: map[bool]string{false: "Disable an account and end its sessions at once", true: "Enable a disabled account"}[active],
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := booking.ValidateOperatorName(args[0]); err != nil {
				return err
			}
			d, err := open(cmd.Context(), g, e)
			if err != nil {
				return err
			}
			defer d.Close()
			err = changeOperator(cmd.Context(), d, args[0], func(o *booking.Operator) error { o.Active = active; return nil })
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "operator %s %sd\n", args[0], verb)
			return nil
		},
	}
}
