package booking

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// Accounts are the web and app channels' rules: password accounts on the
// citizen record, login tokens, and bookings only their owner may touch.
// Every write goes through the service's store; codes are checked by Codes.
type Accounts struct {
	Svc    *Service
	Codes  CodeChecker
	Policy AccountPolicy
}

// checkPassword applies the password rules to a citizen's registration: long
// enough, short enough for bcrypt, neither the ID number nor the phone, and
// neither common nor weak (WeakPassword).
func (ac *Accounts) checkPassword(pw string, r Registration) error {
	switch {
	case utf8.RuneCountInString(pw) < ac.Policy.MinPassword:
		return Errorf(EInvalid, "password_too_short")
	case len(pw) > 72: // bcrypt reads no further
		return Errorf(EInvalid, "password_too_long")
	case strings.EqualFold(strings.TrimSpace(pw), r.IDNumber):
		return Errorf(EInvalid, "password_is_id_number")
	case strings.Contains(pw, strings.TrimPrefix(r.Phone, "+86")):
		return Errorf(EInvalid, "password_is_phone")
	}
	if why := WeakPassword(pw); why != "" {
		return Errorf(EInvalid, "%s", why)
	}
	return nil
}

func (ac *Accounts) hash(pw string) ([]byte, error) {
	return bcrypt.GenerateFromPassword([]byte(pw), ac.Policy.Cost)
}

// Register creates a password account. Nothing about the person is stored
// until the code sent to the phone is accepted. The code is used up in a
// committed step of its own, so that one code answers one registration
// attempt, accepted or refused: it cannot be replayed with other ID numbers
// to learn which are registered. Then, in one transaction, the citizen (new,
// or the one the IVR registered with the same name, ID number and phone)
// gets the password. A known ID with other details and a phone linked to
// another ID are refused alike (EConflict "registration_conflict").
func (ac *Accounts) Register(ctx context.Context, a Actor, r Registration, password, code string) (Citizen, error) {
	r, err := ac.Svc.normalize(r)
	if err != nil {
		return Citizen{}, err
	}
	if err := ac.checkPassword(password, r); err != nil {
		return Citizen{}, err
	}
	hash, err := ac.hash(password) // before the transaction: bcrypt is slow
	if err != nil {
		return Citizen{}, err
	}
	var result error
	err = ac.Svc.store.InTx(ctx, func(tx Tx) (err error) {
		result, err = ac.Codes.VerifyTx(tx, r.Phone, PurposeRegister, code)
		return err
	})
	if err = firstErr(err, result); err != nil {
		return Citizen{}, err
	}
	var c Citizen
	err = ac.Svc.store.InTx(ctx, func(tx Tx) error {
		if c, err = ac.citizenFor(tx, a, r); err != nil {
			return err
		}
		if _, err := tx.Account(c.ID); err == nil {
			return Errorf(EConflict, "already_registered")
		} else if ErrorCode(err) != ENotFound {
			return err
		}
		if err := tx.PutAccount(Account{CitizenID: c.ID, PasswordHash: hash, UpdatedAt: ac.Svc.Now()}); err != nil {
			return err
		}
		return ac.Svc.audit(tx, a, "account.register", c.ID, 0, "password account created")
	})
	if code := ErrorCode(err); code == EPhoneLinked || (code == EConflict && !isAlreadyRegistered(err)) {
		return Citizen{}, Errorf(EConflict, "registration_conflict")
	}
	return c, err
}

func isAlreadyRegistered(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Message == "already_registered"
}

// citizenFor returns the registered citizen matching r exactly, or inserts a
// new one. A known ID with other details is a change for the operator.
func (ac *Accounts) citizenFor(tx Tx, a Actor, r Registration) (Citizen, error) {
	old, err := tx.CitizenByIDNumber(r.IDNumber)
	switch {
	case err == nil && old.Phone == r.Phone && old.Name == r.Name:
		return old, nil
	case err == nil:
		return Citizen{}, Errorf(EConflict, "registration_conflict")
	case ErrorCode(err) != ENotFound:
		return Citizen{}, err
	}
	c := Citizen{Name: r.Name, IDNumber: r.IDNumber, IDMasked: MaskIDNumber(r.IDNumber), Phone: r.Phone,
		Active: true, CreatedAt: ac.Svc.Now()}
	if err := tx.InsertCitizen(&c); err != nil {
		return Citizen{}, err
	}
	return c, ac.Svc.audit(tx, a, "citizen.register", c.ID, 0, "registered %s", c.IDMasked)
}
