package tencentcloud

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
)

// signWithSDK sends one call through the SDK's common client (its own TC3
// signer) to a server that only captures it, and returns the request as a
// server receives it.
func signWithSDK(t *testing.T, service, action, params, secretID, secretKey string) (*http.Request, []byte) {
	t.Helper()
	var got *http.Request
	var body []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ = io.ReadAll(r.Body)
		got = r.Clone(r.Context())
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"Response":{"RequestId":"r"}}`))
	}))
	defer srv.Close()
	cp := profile.NewClientProfile()
	cp.HttpProfile.Scheme, cp.HttpProfile.Endpoint = "HTTP", strings.TrimPrefix(srv.URL, "http://")
	client := common.NewCommonClient(common.NewCredential(secretID, secretKey), "ap-guangzhou", cp)
	req := tchttp.NewCommonRequest(service, "2017-03-12", action)
	if err := req.SetActionParameters([]byte(params)); err != nil {
		t.Fatal(err)
	}
	if err := client.Send(req, tchttp.NewCommonResponse()); err != nil {
		t.Fatal(err)
	}
	server := httptest.NewRequest(got.Method, got.URL.RequestURI(), bytes.NewReader(body))
	server.Host = got.Host
	server.Header = got.Header.Clone()
	return server, body
}

var lookup = func(id string) (string, bool) { return "the-secret", id == "AKIDthe" }

func TestVerifySignatureAcceptsSDKSignatures(t *testing.T) {
	for name, tc := range map[string]struct{ service, action, params string }{
		"vpc":              {"vpc", "DescribeSecurityGroups", `{"SecurityGroupIds":["sg-12345678"],"Offset":"0","Limit":"100"}`},
		"cvm":              {"cvm", "DisassociateSecurityGroups", `{"SecurityGroupIds":["sg-12345678"],"InstanceIds":["ins-12345678"]}`},
		"empty":            {"vpc", "DescribeSecurityGroups", `{}`},
		"unicode and html": {"vpc", "CreateSecurityGroup", `{"GroupName":"web <ü> & \"x\"","GroupDescription":"a/b+c=d"}`},
	} {
		t.Run(name, func(t *testing.T) {
			r, body := signWithSDK(t, tc.service, tc.action, tc.params, "AKIDthe", "the-secret")
			service, err := verifySignature(r, body, time.Now(), lookup)
			if err != nil {
				t.Fatalf("SDK-signed request rejected: %v", err)
			}
			if service != tc.service {
				t.Errorf("service = %q, want %q", service, tc.service)
			}
		})
	}
}

func TestVerifySignatureRejects(t *testing.T) {
	params := `{"SecurityGroupIds":["sg-12345678"],"InstanceIds":["ins-12345678"]}`
	cases := map[string]struct {
		id, secret string
		alter      func(r *http.Request, body []byte) []byte
		now        time.Time
		want       string
	}{
		"wrong secret": {secret: "guess", want: "AuthFailure.SignatureFailure"},
		"unknown id":   {id: "AKIDother", want: "AuthFailure.SecretIdNotFound"},
		"body": {alter: func(_ *http.Request, b []byte) []byte {
			return bytes.Replace(b, []byte("ins-12345678"), []byte("ins-87654321"), 1)
		}, want: "AuthFailure.SignatureFailure"},
		"service in scope": {alter: func(r *http.Request, b []byte) []byte {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/cvm/", "/vpc/", 1))
			return b
		}, want: "AuthFailure.SignatureFailure"},
		"host": {alter: func(r *http.Request, b []byte) []byte { r.Host = "other.example:80"; return b }, want: "AuthFailure.SignatureFailure"},
		"timestamp": {alter: func(r *http.Request, b []byte) []byte {
			ts, _ := strconv.ParseInt(r.Header.Get(headerTimestamp), 10, 64)
			r.Header.Set(headerTimestamp, strconv.FormatInt(ts+1, 10))
			return b
		}, want: "AuthFailure.SignatureFailure"},
		"expired":      {now: time.Now().Add(10 * time.Minute), want: "AuthFailure.SignatureExpire"},
		"no timestamp": {alter: func(r *http.Request, b []byte) []byte { r.Header.Del(headerTimestamp); return b }, want: "MissingParameter"},
		"no auth":      {alter: func(r *http.Request, b []byte) []byte { r.Header.Del("Authorization"); return b }, want: "AuthFailure.InvalidAuthorization"},
		"unsigned host": {alter: func(r *http.Request, b []byte) []byte {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "content-type;host", "content-type", 1))
			return b
		}, want: "AuthFailure.InvalidAuthorization"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			id, secret := "AKIDthe", "the-secret"
			if tc.id != "" {
				id = tc.id
			}
			if tc.secret != "" {
				secret = tc.secret
			}
			r, body := signWithSDK(t, "cvm", "DisassociateSecurityGroups", params, id, secret)
			if tc.alter != nil {
				body = tc.alter(r, body)
			}
			now := tc.now
			if now.IsZero() {
				now = time.Now()
			}
			_, err := verifySignature(r, body, now, lookup)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want+":") {
				t.Fatalf("err = %v, want code %s", err, tc.want)
			}
			if strings.Contains(err.Error(), "the-secret") {
				t.Fatalf("error leaks the secret: %v", err)
			}
		})
	}
}
