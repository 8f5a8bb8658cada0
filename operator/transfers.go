package operator

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
)

// transferView is a call handed over by the IVR, as the console shows it.
type transferView struct {
	SID, Phone, Context string
	At                  time.Time
	Verified            bool // the caller passed a code: only then may the page open
}

// recentTransfers are the calls handed over in the last 30 minutes.
func (c *Console) recentTransfers(ctx *fiber.Ctx) ([]transferView, error) {
	recs, err := c.ops().Transfers(ctx.UserContext(), c.Svc.Now().Add(-30*time.Minute))
	out := make([]transferView, len(recs))
	for i, r := range recs {
		out[i] = transferView{SID: r.SID, Phone: booking.MaskPhone(callerPhone(r.From)), Context: contextText(r.Context),
			At: r.TransferredAt, Verified: callVerified(r.Context)}
	}
	return out, err
}

// callerPhone is the mobile a call came from: From may be a SIP URI.
func callerPhone(from string) string {
	if p, err := booking.NormalizeMobile(from); err == nil {
		return p
	}
	return ""
}

func (c *Console) transfers(ctx *fiber.Ctx) error {
	recs, err := c.recentTransfers(ctx)
	if err != nil {
		return err
	}
	return c.render(ctx, "transfers", "转接来电", recs)
}

// openTransfer opens the page of the citizen registered with the calling
// number of a transferred call; the call is the audited reason. Only a
// caller who passed a code is opened: a calling number alone proves nothing
// (it can be spoofed, the phone lost).
func (c *Console) openTransfer(ctx *fiber.Ctx) error {
	rec, err := c.Svc.Call(ctx.UserContext(), ctx.FormValue("sid"))
	if err != nil || rec.TransferredAt.IsZero() {
		return back(ctx, "/console/citizens", "", booking.Errorf(booking.ENotFound, "no such transferred call"))
	}
	if !callVerified(rec.Context) {
		return fail(ctx, "/console/citizens", "来电未通过短信验证，不能直接打开市民页面；请核实身份后查找并填写原因")
	}
	phone := callerPhone(rec.From)
	cz, err := c.Svc.CitizenByPhone(ctx.UserContext(), phone)
	if phone == "" || booking.ErrorCode(err) == booking.ENotFound {
		return fail(ctx, "/console/citizens", "来电号码未登记，请向市民询问身份证号码或手机号后查找")
	}
	if err != nil {
		return err
	}
	why := "转接来电（" + rec.TransferredAt.In(shanghai).Format("15:04") + "，尾号" + phone[len(phone)-4:] + "）"
	return c.openCitizen(ctx, cz.ID, why, "")
}
