package operator

import (
	"regexp"
	"strings"

	"yuyue/booking"
)

// detailRules turn the booking service's audit details (written for
// engineers) into Chinese; the original stays in the tooltip and the CSV.
var detailRules = []struct {
	re   *regexp.Regexp
	repl string
}{
	{regexp.MustCompile(`^place (\d+)$`), "号源编号 $1"},
	{regexp.MustCompile(`^reference issued$`), "已生成受理号"},
	{regexp.MustCompile(`^cancelled$`), "已取消"},
	{regexp.MustCompile(`^completed$`), "已办结"},
	{regexp.MustCompile(`^attendance confirmed$`), "已确认到场"},
	{regexp.MustCompile(`^queue number (\d+)$`), "取号 $1"},
	{regexp.MustCompile(`^registered (.*)$`), "登记 $1"},
	{regexp.MustCompile(`^reason: (.*)$`), "原因：$1"},
	{regexp.MustCompile(`^reminders on=true$`), "开启提醒"},
	{regexp.MustCompile(`^reminders on=false$`), "退订提醒"},
	{regexp.MustCompile(`^banned until (.*)$`), "暂停预约至 $1"},
	{regexp.MustCompile(`^not checked in by (.*)$`), "截至 $1 未取号"},
	{regexp.MustCompile(`^expired (\d+) holds, returned (\d+) places$`), "过期保留 $1 个，退回号源 $2 个"},
	{regexp.MustCompile(`^deregistered; (\d+) bookings cancelled; (.*)$`), "已注销，取消预约 $1 个；$2"},
	{regexp.MustCompile(`^changed ([a-z_,]+); (.*)$`), "更正 $1；$2"},
	{regexp.MustCompile(`^password account created$`), "已开通网站/App账户"},
	{regexp.MustCompile(`^password changed$`), "本人修改密码"},
	{regexp.MustCompile(`^password reset by SMS code$`), "凭短信验证码重设密码"},
	{regexp.MustCompile(`^failure (\d+)$`), "连续第 $1 次密码错误"},
}

var fieldNames = strings.NewReplacer("id_number", "身份证号码", "name", "姓名", "phone", "手机号", ",", "、")

var englishWord = regexp.MustCompile(`[A-Za-z]{2,}`)

// detailText is an audit detail in Chinese; what cannot be translated is
// left to the tooltip rather than shown in English.
func detailText(d string) string {
	d = booking.CleanText(d)
	for _, r := range detailRules {
		if r.re.MatchString(d) {
			out := r.re.ReplaceAllString(d, r.repl)
			if strings.HasPrefix(out, "更正 ") {
				head, tail, _ := strings.Cut(out, "；")
				out = fieldNames.Replace(head) + "；" + tail
			}
			return out
		}
	}
	if englishWord.MatchString(d) {
		return "（见提示）"
	}
	return d
}
