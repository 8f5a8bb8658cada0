package aliyuntest

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// authenticate checks an RPC-style request as Aliyun does: known
// AccessKeyId, HMAC-SHA1 signature version 1.0 over every parameter, a
// fresh Timestamp and a SignatureNonce never used before. It returns 0 when
// the request passes, else the HTTP status, code and message Aliyun answers.
func (f *Fake) authenticate(r *http.Request) (int, string, string) {
	p := r.Form
	switch {
	case p.Get("AccessKeyId") != f.KeyID:
		return http.StatusNotFound, "InvalidAccessKeyId.NotFound", "Specified access key is not found."
	case p.Get("SignatureMethod") != "HMAC-SHA1" || p.Get("SignatureVersion") != "1.0":
		return http.StatusBadRequest, "InvalidParameter", "unsupported signature method"
	}
	ts, err := time.Parse("2006-01-02T15:04:05Z", p.Get("Timestamp"))
	if err != nil || ts.Sub(f.Now()).Abs() > 15*time.Minute {
		return http.StatusBadRequest, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired."
	}
	want := Sign(r.Method, p, f.Secret)
	if !hmac.Equal([]byte(want), []byte(p.Get("Signature"))) {
		return http.StatusBadRequest, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation."
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	nonce := p.Get("SignatureNonce")
	if nonce == "" || f.nonces[nonce] {
		return http.StatusBadRequest, "SignatureNonceUsed", "Specified signature nonce was used already."
	}
	f.nonces[nonce] = true
	return 0, "", ""
}

// Sign computes the RPC signature of params (Signature itself excluded):
// the parameters sorted by name, each name and value percent-encoded per
// RFC 3986, joined with & and =; the string to sign is
// METHOD&%2F&encode(that); the key is the secret followed by &.
func Sign(method string, params url.Values, secret string) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		if k != "Signature" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	pairs := make([]string, 0, len(keys))
	for _, k := range keys {
		pairs = append(pairs, encode(k)+"="+encode(params.Get(k)))
	}
	toSign := method + "&" + encode("/") + "&" + encode(strings.Join(pairs, "&"))
	m := hmac.New(sha1.New, []byte(secret+"&"))
	m.Write([]byte(toSign))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// encode is RFC 3986 percent-encoding: letters, digits and -_.~ stay.
func encode(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("-_.~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteString("%" + strings.ToUpper(hexByte(c)))
	}
	return b.String()
}

func hexByte(c byte) string {
	const digits = "0123456789ABCDEF"
	return string([]byte{digits[c>>4], digits[c&15]})
}
