package operator

import (
	"slices"
	"testing"

	"yuyue/booking"
	"yuyue/ivr"
)

func TestChineseTexts(t *testing.T) {
	for in, want := range map[string]string{
		"step=period; flow=book; name=张*; id=440305**********3X; business=新生儿入户": "离开步骤：选择时段；办理事项：预约；姓名：张*；身份证：440305**********3X；业务：新生儿入户",
		"step=warp; flow=x": "离开步骤：其他；办理事项：其他",
		"在选择日期时转人工":         "在选择日期时转人工",
		"":                  "",
	} {
		if got := contextText(in); got != want {
			t.Errorf("contextText(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"place 12": "号源编号 12",
		"changed name,phone; 登记材料已核对：x":          "更正 姓名、手机号；登记材料已核对：x",
		"deregistered; 2 bookings cancelled; 搬迁": "已注销，取消预约 2 个；搬迁",
		"call CA0123 did something":              "（见提示）",
		"原因：医院\u202e证明":                          "原因：医院证明",
	} {
		if got := detailText(in); got != want {
			t.Errorf("detailText(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestEveryStepHasAName: a step ivr gains must get a console name, or a
// caller transferred from it shows as 其他. Only goodbye is exempt: a call
// gets its context when handed over, never at goodbye (entered instead of
// a hand-over when no operator is configured).
func TestEveryStepHasAName(t *testing.T) {
	for _, s := range ivr.Steps() {
		if _, ok := stepNames[s]; !ok && s != ivr.StepGoodbye {
			t.Errorf("IVR step %q has no console name", s)
		}
	}
	for s := range stepNames {
		if !slices.Contains(ivr.Steps(), s) {
			t.Errorf("console names step %q, which ivr does not have", s)
		}
	}
}

// Every action the service audits (booking.AuditActions, which
// booking.TestAuditActionsListed holds to its audit calls) has a Chinese
// name, so the audit log never shows 其他操作 for one of ours; and the
// console names no action nothing writes.
func TestEveryAuditActionHasAName(t *testing.T) {
	for _, a := range booking.AuditActions {
		if _, ok := actionNames[a]; !ok {
			t.Errorf("audit action %q has no console name (shown as 其他操作)", a)
		}
	}
	for a := range actionNames {
		if !slices.Contains(booking.AuditActions, a) {
			t.Errorf("console names audit action %q, which booking.AuditActions does not list", a)
		}
	}
	for _, k := range []string{booking.MsgClosureWaitEnded, booking.MsgClosureOfferWithdrawn} {
		if kindName(k) == "其他短信" {
			t.Errorf("message kind %q has no console name", k)
		}
	}
}
