package nls

import "testing"

// The worked example of Aliyun's RPC signature documentation (ECS
// DescribeRegions, AccessKey secret "testsecret"): the fake checks
// requests with the same function, so it is pinned to Aliyun's answer.
func TestSignMatchesAliyunsExample(t *testing.T) {
	q := map[string]string{"AccessKeyId": "testid", "Action": "DescribeRegions", "Format": "XML",
		"SignatureMethod": "HMAC-SHA1", "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
		"SignatureVersion": "1.0", "Timestamp": "2016-02-23T12:46:24Z", "Version": "2014-05-26"}
	if got := Sign("GET", q, "testsecret"); got != "OLeaidS1JvxuMvnyHOwuJ+uX5qY=" {
		t.Fatalf("signature %s", got)
	}
}
