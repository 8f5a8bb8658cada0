package config

import (
	"regexp"
)

var (
	e164  = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
	mgSID = regexp.MustCompile(`^MG[0-9a-fA-F]{32}$`)
)

// DevPushToken is the last part of the Aliyun push URLs in development
// mode when aliyun.push_token is not set, so `smssim --provider aliyun`
// works against any development server. It guards nothing: development
// mode sends no SMS and belongs on a developer's machine.
const DevPushToken = "dev"

// MinPushTokenLen is the shortest aliyun.push_token accepted: the token is
// the only secret in the push URLs Aliyun calls.
const MinPushTokenLen = 32
