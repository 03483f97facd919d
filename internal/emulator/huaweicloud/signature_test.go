package huaweicloud

import (
	"bytes"
	"cmp"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
)

type sdkRequest struct {
	method, path string
	query        map[string]any
	headers      map[string]string
	body         any
}

// signWithSDK signs req with the SDK's own signer and returns it as the
// server receives it.
func signWithSDK(t *testing.T, req sdkRequest, ak, sk string) (*http.Request, []byte) {
	t.Helper()
	b := request.NewHttpRequestBuilder().WithEndpoint("http://emulator.test:8080").WithMethod(req.method).WithPath(req.path)
	for k, v := range req.query {
		b.AddQueryParam(k, reflect.ValueOf(v))
	}
	for k, v := range req.headers {
		b.AddHeaderParam(k, v)
	}
	b.WithBody("body", req.body)
	built := b.Build()
	extra, err := signer.Sign(built, ak, sk)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range extra {
		built.AddHeaderParam(k, v)
	}

	client, err := built.ConvertRequest()
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(client.Body)
	if err != nil {
		t.Fatal(err)
	}
	server := httptest.NewRequest(client.Method, client.URL.RequestURI(), bytes.NewReader(body))
	server.Host = client.URL.Host
	server.Header = client.Header.Clone()
	return server, body
}

func TestVerifySignatureAcceptsSDKSignatures(t *testing.T) {
	lookup := func(ak string) (string, bool) { return "the-secret", ak == "the-ak" }
	cases := map[string]sdkRequest{
		"query": {method: "GET", path: "/v3/projects", query: map[string]any{"name": "cn-north-4"}},
		"repeated, empty and escaped params": {method: "GET", path: "/v3/p1/vpc/security-groups", query: map[string]any{
			"id": []string{"b", "a"}, "name": []string{"web tier/ü", "x+y=z&w"}, "marker": "", "limit": 2,
		}},
		"json body and project header": {method: "POST", path: "/v2.1/p1/servers/s1/action",
			headers: map[string]string{"Content-Type": "application/json;charset=UTF-8", "X-Project-Id": "p1", "User-Agent": "test"},
			body:    map[string]any{"addSecurityGroup": map[string]string{"name": "web"}}},
		"unsigned payload": {method: "PUT", path: "/v3/p1/ports/x", headers: map[string]string{"Content-Type": "application/octet-stream"}, body: "raw bytes"},
		"odd path":         {method: "GET", path: "/v3/p1/ports/a b:c~d"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			r, body := signWithSDK(t, tc, "the-ak", "the-secret")
			if err := verifySignature(r, body, time.Now(), lookup); err != nil {
				t.Fatalf("SDK-signed request rejected: %v", err)
			}
		})
	}
}

func TestVerifySignatureRejectsTampering(t *testing.T) {
	lookup := func(ak string) (string, bool) { return "the-secret", ak == "the-ak" }
	base := sdkRequest{
		method: "POST", path: "/v2.1/p1/servers/s1/action", query: map[string]any{"q": "1"},
		headers: map[string]string{"Content-Type": "application/json", "X-Project-Id": "p1"},
		body:    map[string]any{"removeSecurityGroup": map[string]string{"name": "web"}},
	}
	cases := map[string]struct {
		ak, sk string
		alter  func(r *http.Request, body []byte) []byte
		now    time.Time
		want   string
	}{
		"wrong secret":   {sk: "guess", want: "signature"},
		"unknown key":    {ak: "other-ak", want: "access key does not exist"},
		"path":           {alter: func(r *http.Request, b []byte) []byte { r.URL.Path = "/v2.1/p1/servers/s2/action"; return b }, want: "signature"},
		"query":          {alter: func(r *http.Request, b []byte) []byte { r.URL.RawQuery = "q=2"; return b }, want: "signature"},
		"body":           {alter: func(r *http.Request, b []byte) []byte { return bytes.Replace(b, []byte("web"), []byte("db"), 1) }, want: "signature"},
		"project header": {alter: func(r *http.Request, b []byte) []byte { r.Header.Set("X-Project-Id", "p2"); return b }, want: "signature"},
		"method":         {alter: func(r *http.Request, b []byte) []byte { r.Method = "PUT"; return b }, want: "signature"},
		"no date":        {alter: func(r *http.Request, b []byte) []byte { r.Header.Del(headerDate); return b }, want: "x-sdk-date"},
		"stale date":     {now: time.Now().Add(20 * time.Minute), want: "too far"},
		"no auth":        {alter: func(r *http.Request, b []byte) []byte { r.Header.Del("Authorization"); return b }, want: "authorization not found"},
		"other algorithm": {alter: func(r *http.Request, b []byte) []byte {
			r.Header.Set("Authorization", "V11-HMAC-SM3 Access=x")
			return b
		}, want: "algorithm"},
		"unsigned project header": {alter: func(r *http.Request, b []byte) []byte {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "x-project-id;", "", 1))
			return b
		}, want: "x-project-id is not signed"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ak, sk := cmp.Or(tc.ak, "the-ak"), cmp.Or(tc.sk, "the-secret")
			r, body := signWithSDK(t, base, ak, sk)
			if tc.alter != nil {
				body = tc.alter(r, body)
			}
			now := tc.now
			if now.IsZero() {
				now = time.Now()
			}
			err := verifySignature(r, body, now, lookup)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one containing %q", err, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), "the-secret") {
				t.Fatalf("error leaks the secret key: %v", err)
			}
		})
	}
}

func TestEscapeMatchesSignerRules(t *testing.T) {
	for in, want := range map[string]string{
		"AZaz09-_.~": "AZaz09-_.~",
		"a b":        "a%20b",
		"ü":          "%C3%BC",
		"a+b=c&d/e":  "a%2Bb%3Dc%26d%2Fe",
		"":           "",
	} {
		if got := escape(in); got != want {
			t.Errorf("escape(%q) = %q, want %q", in, got, want)
		}
	}
	if got := canonicalURI("/v3/projects"); got != "/v3/projects/" {
		t.Errorf("canonicalURI = %q", got)
	}
}
