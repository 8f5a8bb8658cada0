package operator

import "testing"

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
