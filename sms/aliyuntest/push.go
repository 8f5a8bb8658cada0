package aliyuntest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"time"
)

// Up is one up-message (上行短信) as Aliyun pushes it.
type Up struct {
	PhoneNumber string `json:"phone_number"`
	Content     string `json:"content"`
	SendTime    string `json:"send_time"`
	DestCode    string `json:"dest_code"`
	SequenceID  int64  `json:"sequence_id"`
}

// Report is one delivery report (回执) as Aliyun pushes it.
type Report struct {
	PhoneNumber string `json:"phone_number"`
	SendTime    string `json:"send_time"`
	ReportTime  string `json:"report_time"`
	Success     bool   `json:"success"`
	ErrCode     string `json:"err_code"`
	ErrMsg      string `json:"err_msg"`
	SMSSize     string `json:"sms_size"`
	BizID       string `json:"biz_id"`
	OutID       string `json:"out_id"`
}

// Attempt is one push and what our endpoint answered.
type Attempt struct {
	Status   int
	Body     string
	Accepted bool
}

// PushUp pushes a batch of up-messages to url until it is accepted or the
// re-pushes are spent, and returns every attempt.
func (f *Fake) PushUp(url string, ups ...Up) []Attempt { return f.push(url, ups) }

// PushReports pushes a batch of delivery reports the same way.
func (f *Fake) PushReports(url string, rs ...Report) []Attempt { return f.push(url, rs) }

// ReportFor builds the report Aliyun would push for an accepted send.
func ReportFor(s Send, success bool, errCode string) Report {
	now := time.Now().Format(time.DateTime)
	r := Report{PhoneNumber: s.Phone, SendTime: now, ReportTime: now, Success: success, ErrCode: errCode,
		ErrMsg: "用户接收成功", SMSSize: "1", BizID: s.BizID, OutID: s.OutID}
	if !success {
		r.ErrMsg = "失败"
	}
	return r
}

// push is Aliyun's HTTP batch push: a batch counts as received only when
// the endpoint answers 200 with {"code":0}; otherwise it is pushed again
// after each of RetryDelays.
func (f *Fake) push(url string, batch any) []Attempt {
	body, _ := json.Marshal(batch)
	var out []Attempt
	for i := 0; ; i++ {
		a := PushOnce(url, body)
		out = append(out, a)
		if a.Accepted || i >= len(f.RetryDelays) {
			return out
		}
		time.Sleep(f.RetryDelays[i])
	}
}

// PushOnce posts raw bytes to url once, as the push service would.
func PushOnce(url string, body []byte) Attempt {
	resp, err := http.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return Attempt{Body: err.Error()}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var ans struct {
		Code *int `json:"code"`
	}
	ok := resp.StatusCode == http.StatusOK && json.Unmarshal(b, &ans) == nil && ans.Code != nil && *ans.Code == 0
	return Attempt{Status: resp.StatusCode, Body: string(b), Accepted: ok}
}
