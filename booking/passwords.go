package booking

import "context"

// ChangePassword replaces a logged-in citizen's password after checking the
// old one (a wrong one counts towards the lock) and revokes every other
// token of the citizen.
func (ac *Accounts) ChangePassword(ctx context.Context, a Actor, c Citizen, keep []byte, old, pw string) error {
	if err := ac.checkPassword(pw, Registration{IDNumber: c.IDNumber, Phone: c.Phone}); err != nil {
		return err
	}
	var acct Account
	err := ac.Svc.store.InTx(ctx, func(tx Tx) (err error) {
		if acct, err = tx.Account(c.ID); err != nil {
			return err
		}
		_, err = ac.reserveAccount(tx, acct, ac.Svc.Now())
		return err
	})
	if err != nil {
		return err
	}
	if compareHash(acct.PasswordHash, []byte(old)) != nil {
		return firstErr(ac.auditFailure(ctx, c.ID, a.Channel), Errorf(EForbidden, "wrong_password"))
	}
	hash, err := ac.hash(pw)
	if err != nil {
		return err
	}
	return ac.Svc.store.InTx(ctx, func(tx Tx) error {
		return ac.setPassword(tx, a, c.ID, hash, keep, "password changed")
	})
}

func (ac *Accounts) setPassword(tx Tx, a Actor, citizenID int64, hash, keep []byte, what string) error {
	now := ac.Svc.Now()
	if err := tx.PutAccount(Account{CitizenID: citizenID, PasswordHash: hash, UpdatedAt: now}); err != nil {
		return err
	}
	if err := tx.RevokeCitizenTokens(citizenID, keep, now); err != nil {
		return err
	}
	return ac.Svc.audit(tx, a, "account.password", citizenID, 0, "%s", what)
}

// ResetPassword sets a new password for the citizen registered with idNumber
// and phone, once the code sent to that phone is accepted: the way a
// forgotten password is replaced, and the way a citizen the IVR registered
// gets a password. Every token of the citizen is revoked and the lock lifted.
// Until the code passes nothing is said about whether the two match.
func (ac *Accounts) ResetPassword(ctx context.Context, a Actor, idNumber, phone, code, pw string) error {
	r, err := ac.Svc.normalize(Registration{Name: "-", IDNumber: idNumber, Phone: phone})
	if err != nil {
		return err
	}
	if err := ac.checkPassword(pw, r); err != nil {
		return err
	}
	hash, err := ac.hash(pw)
	if err != nil {
		return err
	}
	var result error
	err = ac.Svc.store.InTx(ctx, func(tx Tx) error {
		if result, err = ac.Codes.VerifyTx(tx, r.Phone, PurposePassword, code); err != nil || result != nil {
			return err
		}
		c, err := tx.CitizenByPhone(r.Phone)
		if ErrorCode(err) == ENotFound || (err == nil && c.IDNumber != r.IDNumber) {
			return Errorf(ENotFound, "id_and_phone_do_not_match")
		} else if err != nil {
			return err
		}
		return ac.setPassword(tx, a, c.ID, hash, nil, "password reset by SMS code")
	})
	return firstErr(err, result)
}
