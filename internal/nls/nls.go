// Package nls is what the Aliyun Intelligent Speech Interaction clients
// (tts.Aliyun, asr.Aliyun) share: the access token, obtained with the
// account's AccessKey by CreateToken on the meta endpoint, signed as every
// Aliyun RPC API is (HMAC-SHA1 over the sorted, percent-encoded query),
// and renewed before it expires.
package nls

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// Default endpoints (region cn-shanghai).
const (
	DefaultMeta    = "https://nls-meta.cn-shanghai.aliyuncs.com"
	DefaultGateway = "https://nls-gateway-cn-shanghai.aliyuncs.com"
)

// Account is an Aliyun AccessKey and the speech project's app key.
type Account struct {
	AccessKeyID     string
	AccessKeySecret string
	AppKey          string
	Region          string // cn-shanghai when empty
	Meta            string // CreateToken endpoint; DefaultMeta when empty
	Gateway         string // TTS and ASR REST endpoint; DefaultGateway when empty
	HTTP            *http.Client
	Now             func() time.Time

	mu      sync.Mutex
	token   string
	expires time.Time
}

func (a *Account) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// Client is the HTTP client the speech calls use.
func (a *Account) Client() *http.Client {
	if a.HTTP != nil {
		return a.HTTP
	}
	return &http.Client{Timeout: 15 * time.Second}
}

// GatewayURL is the REST endpoint path on the gateway.
func (a *Account) GatewayURL(path string) string {
	g := a.Gateway
	if g == "" {
		g = DefaultGateway
	}
	return strings.TrimRight(g, "/") + path
}

// Token returns a valid token, asking for a new one when the last has
// less than ten minutes left.
func (a *Account) Token(ctx context.Context) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.token != "" && a.now().Add(10*time.Minute).Before(a.expires) {
		return a.token, nil
	}
	tok, exp, err := a.createToken(ctx)
	if err != nil {
		return "", err
	}
	a.token, a.expires = tok, exp
	return tok, nil
}

// Forget drops the cached token (the service refused it).
func (a *Account) Forget() {
	a.mu.Lock()
	a.token = ""
	a.mu.Unlock()
}

func (a *Account) createToken(ctx context.Context) (string, time.Time, error) {
	region := a.Region
	if region == "" {
		region = "cn-shanghai"
	}
	nonce := make([]byte, 16)
	if _, err := rand.Read(nonce); err != nil {
		return "", time.Time{}, err
	}
	q := map[string]string{
		"AccessKeyId": a.AccessKeyID, "Action": "CreateToken", "Format": "JSON", "RegionId": region,
		"SignatureMethod": "HMAC-SHA1", "SignatureNonce": hex.EncodeToString(nonce), "SignatureVersion": "1.0",
		"Timestamp": a.now().UTC().Format("2006-01-02T15:04:05Z"), "Version": "2019-02-28",
	}
	q["Signature"] = Sign(http.MethodGet, q, a.AccessKeySecret)
	meta := a.Meta
	if meta == "" {
		meta = DefaultMeta
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(meta, "/")+"/?"+Canonical(q), nil)
	if err != nil {
		return "", time.Time{}, err
	}
	res, err := a.Client().Do(req)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("nls CreateToken: %w", err)
	}
	defer res.Body.Close()
	var body struct {
		Token struct {
			ID         string `json:"Id"`
			ExpireTime int64  `json:"ExpireTime"`
		} `json:"Token"`
		Code    string `json:"Code"`
		Message string `json:"Message"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		return "", time.Time{}, fmt.Errorf("nls CreateToken: HTTP %d: %w", res.StatusCode, err)
	}
	if res.StatusCode != http.StatusOK || body.Token.ID == "" {
		return "", time.Time{}, fmt.Errorf("nls CreateToken: HTTP %d %s: %s", res.StatusCode, body.Code, body.Message)
	}
	return body.Token.ID, time.Unix(body.Token.ExpireTime, 0), nil
}

// Sign is the Aliyun RPC signature of the query q (without Signature) for
// method: base64 HMAC-SHA1, keyed with secret + "&", over
// METHOD&%2F&percent(canonical query).
func Sign(method string, q map[string]string, secret string) string {
	s := method + "&" + Percent("/") + "&" + Percent(Canonical(q))
	m := hmac.New(sha1.New, []byte(secret+"&"))
	m.Write([]byte(s))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// Canonical is q sorted by key and percent-encoded as Aliyun encodes.
func Canonical(q map[string]string) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = Percent(k) + "=" + Percent(q[k])
	}
	return strings.Join(parts, "&")
}

// Percent is RFC 3986 encoding as Aliyun's signature wants it.
func Percent(s string) string {
	e := url.QueryEscape(s)
	return strings.NewReplacer("+", "%20", "*", "%2A", "%7E", "~").Replace(e)
}
