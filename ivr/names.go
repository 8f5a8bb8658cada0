package ivr

import "yuyue/booking"

// Over the SIP trunk a name is always confirmed in writing: a recogniser
// cannot tell 张 from 章 and a name cannot be keyed. With a recogniser
// (SIPNames) the caller says the name and the phone being verified gets it
// as heard by SMS; without one the caller skips the name step and that
// phone is asked to reply "XM 张三". Either way a reply sets or corrects
// the pending name (booking.Service.ReplyName) until the booking is
// confirmed, and a caller whose name never arrived is offered the
// operator. A registered citizen never meets any of it; Twilio calls keep
// Twilio's recogniser and the spoken confirmation.
func init() {
	promptsZH["name_by_sms"] = "您的姓名将通过短信核对：验证码发出后，请用接收验证码的手机回复短信，XM加您的姓名。"
	promptsEN["name_by_sms"] = "Your name is confirmed by text: once the code is sent, reply from that phone with XM and your name."
	promptsZH["name_sms_ask"] = "另一条短信请您回复姓名：XM加您的姓名，例如XM张三。"
	promptsEN["name_sms_ask"] = "Another text asks for your name: reply XM and your name."
	promptsZH["name_sms_heard"] = "我们已把听到的姓名用短信发给您，如有误，请在确认预约前回复XM加正确姓名。"
	promptsEN["name_sms_heard"] = "We texted you your name as we heard it; if it is wrong, reply XM and the right name before you confirm."
	promptsZH["name_reply"] = "尚未收到您的姓名短信。请用本次接收验证码的手机回复短信，XM加您的姓名，例如XM张三。回复后请按1，转人工服务请按0。"
	promptsEN["name_reply"] = "We have not received your name yet. Reply to our text with XM and your name, then press 1; press 0 for an operator."
	promptsZH["name_reply_wait"] = "还没有收到您的姓名短信。"
	promptsEN["name_reply_wait"] = "Your name has not arrived yet."
}

// hearsNames reports whether this call can take a name by speech.
func (c *call) hearsNames() bool {
	return !c.overSIP() || c.v.SIPNames
}

func (c *call) overSIP() bool { return channelOf(c.rec.SID) == booking.ChannelSIP }

// writesName: this call registers a new citizen over the SIP trunk, whose
// name is confirmed by SMS with the phone being verified.
func (c *call) writesName() bool {
	return c.overSIP() && c.s.SealedID != nil && c.s.Flow == FlowBook && c.s.CitizenID == 0 && c.s.Candidate == 0
}

// askName texts the phone the code went to: the name as heard, or the
// request to reply with it.
func (c *call) askName() error {
	if err := c.svc.AskName(c.ctx, c.s.Phone, c.s.Name); err != nil {
		return wrapf(err, "ask name")
	}
	if c.s.Name != "" {
		c.note("name_sms_heard")
	} else {
		c.note("name_sms_ask")
	}
	return nil
}

// writtenName takes the name a reply set, over the one heard: the phone
// has just proven itself, so its written word wins.
func (c *call) writtenName() error {
	name, err := c.svc.PendingName(c.ctx, c.s.Phone)
	if err != nil {
		return wrapf(err, "pending name")
	}
	if name != "" {
		c.s.Name = name
	}
	return nil
}

// onNameReply waits for the reply with the name: 1 (or silence) looks
// again, 0 reaches the operator; the third miss offers the operator.
func (c *call) onNameReply(in input) error {
	if in.digits == "0" {
		return c.transfer()
	}
	if err := c.writtenName(); err != nil {
		return err
	}
	if c.s.Name == "" {
		return c.fail("name_reply_wait")
	}
	return c.register()
}
