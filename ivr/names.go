package ivr

import "yuyue/booking"

// Over the SIP trunk there is no speech recogniser yet, so a caller who
// is not registered cannot give a name the IVR could trust: they are
// offered the operator to register instead, before any code is sent. A
// registered citizen never meets the name step, so nothing changes for
// them. Twilio calls keep Twilio's recogniser.
func init() {
	promptsZH["name_by_operator"] = "电话自助登记需要核对姓名，请由人工服务为您办理实名登记。"
	promptsEN["name_by_operator"] = "Registering your name needs an operator; we will put you through."
}

// hearsNames reports whether this call can take a name by speech.
func (c *call) hearsNames() bool {
	return channelOf(c.rec.SID) != booking.ChannelSIP || c.v.SIPNames
}
