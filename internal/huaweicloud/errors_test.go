package huaweicloud

import (
	"cmp"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/response"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"

	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	hwemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/huaweicloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
)

func TestWrap(t *testing.T) {
	cases := []struct {
		name      string
		err       error
		wantClass retry.Class
		wantCode  string
		wantMsg   string
	}{
		{"gateway throttling", &sdkerr.ServiceResponseError{StatusCode: 429, ErrorCode: "APIGW.0308", ErrorMessage: "over ratelimit"}, retry.Throttled, "APIGW.0308", "over ratelimit"},
		{"dedicated gateway throttling", &sdkerr.ServiceResponseError{StatusCode: 429, ErrorCode: "APIG.0308", ErrorMessage: "over ratelimit"}, retry.Throttled, "APIG.0308", "over ratelimit"},
		{"429 without a code", &sdkerr.ServiceResponseError{StatusCode: 429, ErrorMessage: "Too Many Requests"}, retry.Throttled, "", "Too Many Requests"},
		{"request timeout", &sdkerr.ServiceResponseError{StatusCode: 408, ErrorMessage: "Request Timeout"}, retry.Transient, "", "Request Timeout"},
		{"service unavailable", &sdkerr.ServiceResponseError{StatusCode: 503, ErrorCode: "APIGW.0203", ErrorMessage: "backend unavailable"}, retry.Transient, "APIGW.0203", "backend unavailable"},
		{"vpc in use", &sdkerr.ServiceResponseError{StatusCode: 409, ErrorCode: "VPC.0602", ErrorMessage: "security group in use"}, retry.Conflict, "VPC.0602", "security group in use"},
		{"vpc invalid", &sdkerr.ServiceResponseError{StatusCode: 400, ErrorCode: "VPC.0002", ErrorMessage: "invalid parameter"}, retry.Invalid, "VPC.0002", "invalid parameter"},
		{"connection refused", &url.Error{Op: "Post", URL: "http://127.0.0.1:1/", Err: &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}}, retry.Transient, "", "no answer from http://127.0.0.1:1: dial tcp: connect: connection refused"},
		{"connection reset", &url.Error{Op: "Post", URL: "http://127.0.0.1:1/", Err: &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}}, retry.Transient, "", "no answer from http://127.0.0.1:1: read tcp: read: connection reset by peer"},
		{"answer cut short", &url.Error{Op: "Post", URL: "http://127.0.0.1:1/", Err: io.ErrUnexpectedEOF}, retry.Transient, "", "no answer from http://127.0.0.1:1: unexpected EOF"},
		{"read timeout", &url.Error{Op: "Post", URL: "http://127.0.0.1:1/", Err: context.DeadlineExceeded}, retry.Transient, "", "no answer from http://127.0.0.1:1: context deadline exceeded"},
		{"bad signature", &sdkerr.ServiceResponseError{StatusCode: 401, ErrorCode: "APIGW.0301", ErrorMessage: "verify aksk signature fail"}, retry.Auth, "APIGW.0301", "verify aksk signature fail"},
		{"forbidden", &sdkerr.ServiceResponseError{StatusCode: 403, ErrorCode: "Ecs.0319", ErrorMessage: "no permission"}, retry.Auth, "Ecs.0319", "no permission"},
		{"gateway 5xx", &sdkerr.ServiceResponseError{StatusCode: 502, ErrorCode: "APIGW.0201", ErrorMessage: "bad gateway"}, retry.Transient, "APIGW.0201", "bad gateway"},
		{"nova not found", &sdkerr.ServiceResponseError{StatusCode: 404, ErrorMessage: `{"itemNotFound":{"code":404,"message":"Instance x could not be found."}}`}, retry.NotFound, "itemNotFound", "Instance x could not be found."},
		{"nova bad request", &sdkerr.ServiceResponseError{StatusCode: 400, ErrorMessage: `{"badRequest":{"code":400,"message":"not associated"}}`}, retry.Invalid, "badRequest", "not associated"},
		{"nova conflict", &sdkerr.ServiceResponseError{StatusCode: 409, ErrorMessage: `{"conflictingRequest":{"code":409,"message":"Multiple security groups"}}`}, retry.Conflict, "conflictingRequest", "Multiple security groups"},
		{"unparsable body", &sdkerr.ServiceResponseError{StatusCode: 500, ErrorMessage: "<html>oops</html>"}, retry.Transient, "", "<html>oops</html>"},
		{"connection", sdkerr.NewConnectionError("connection refused"), retry.Transient, "", ""},
		{"timeout", sdkerr.NewRequestTimeoutError("timeout"), retry.Transient, "", ""},
		{"other", errors.New("bug"), retry.Unknown, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := wrap(c.err, "ecs", "removeSecurityGroup", "")
			var e *apierr.Error
			if !errors.As(err, &e) {
				t.Fatalf("wrap returned %T", err)
			}
			if e.Class != c.wantClass || e.Code != c.wantCode || e.Message != c.wantMsg {
				t.Fatalf("got class=%s code=%q msg=%q, want %s %q %q", e.Class, e.Code, e.Message, c.wantClass, c.wantCode, c.wantMsg)
			}
			if !errors.Is(err, c.err) {
				t.Fatal("the SDK error is not kept for errors.Is/As")
			}
		})
	}
	if wrap(nil, "ecs", "x", "") != nil {
		t.Fatal("wrap(nil) must be nil")
	}
}

// The SDK hands error answers to our hook, which keeps their Retry-After.
func TestWrap_RetryAfter(t *testing.T) {
	for _, tc := range []struct {
		header string
		want   time.Duration
	}{
		{"2", 2 * time.Second},
		{"", 0},
		{"later", 0},
	} {
		resp := &http.Response{StatusCode: 429, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(`{"error_code":"APIGW.0308","error_msg":"over ratelimit"}`))}
		if tc.header != "" {
			resp.Header.Set("Retry-After", tc.header)
		}
		err := wrap(retryAfterHandler{}.HandleError(nil, response.NewDefaultHttpResponse(resp)), "vpc", "ListPorts", "")
		var e *apierr.Error
		if !errors.As(err, &e) || e.Class != retry.Throttled || e.Code != "APIGW.0308" || e.Wait != tc.want || e.RetryAfter() != tc.want {
			t.Errorf("Retry-After %q: %#v, want a throttled APIGW.0308 waiting %v", tc.header, err, tc.want)
		}
	}
	ok := &http.Response{StatusCode: 200, Header: http.Header{"Retry-After": {"2"}}, Body: io.NopCloser(strings.NewReader(`{}`))}
	if err := (retryAfterHandler{}).HandleError(nil, response.NewDefaultHttpResponse(ok)); err != nil {
		t.Errorf("a 200 answer is an error: %v", err)
	}
}

func TestWrap_MessageNamesCloudActionCodeAndRequest(t *testing.T) {
	err := wrap(&sdkerr.ServiceResponseError{StatusCode: 401, ErrorCode: "APIGW.0301", ErrorMessage: "bad sig", RequestId: "req-1"}, "ecs", "addSecurityGroup", "")
	want := "huaweicloud ECS addSecurityGroup: HTTP 401 APIGW.0301: bad sig (request ID req-1)"
	if err.Error() != want {
		t.Fatalf("got %q\nwant %q", err, want)
	}
	if d := apierr.Detail("Adding", err, credentialHint); !strings.Contains(d, "HW_SECRET_KEY") {
		t.Fatalf("auth detail does not say what to fix: %q", d)
	}
}

func TestWrap_EndpointErrorsNameTheAttributeAndURL(t *testing.T) {
	refused := &url.Error{Op: "Get", URL: "http://127.0.0.1:9/v2.1/p/servers/s/os-security-groups",
		Err: &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}}
	notAPI := &sdkerr.ServiceResponseError{StatusCode: 404, ErrorMessage: "<html><h1>404 Not Found</h1></html>"}
	for _, tc := range []struct {
		name  string
		err   error
		class retry.Class
		want  []string
	}{
		{"connection refused", refused, retry.Transient, []string{"no answer from http://127.0.0.1:9", "connection refused", "huaweicloud.endpoints.ecs"}},
		{"a web page", notAPI, retry.Invalid, []string{"HTTP 404", "not the huaweicloud ECS API's", "huaweicloud.endpoints.ecs", "http://10.0.0.1:8080"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := wrap(tc.err, "ecs", "ListServersDetails", "http://10.0.0.1:8080")
			if apierr.ClassOf(err) != tc.class {
				t.Fatalf("class %v, want %v", apierr.ClassOf(err), tc.class)
			}
			msg := apierr.Detail("Reading", err, credentialHint)
			for _, want := range tc.want {
				if !strings.Contains(msg, want) {
					t.Errorf("the error does not say %q: %s", want, msg)
				}
			}
			if strings.Contains(msg, "<html>") {
				t.Errorf("the error shows the page: %s", msg)
			}
		})
	}
}

// APIGW.0301 (the shared gateway) and APIG.0301 (a dedicated one) both name
// the access key and the secret key, and their variables.
func TestWrap_BadCredentialsNameBothSettings(t *testing.T) {
	for _, code := range []string{"APIGW.0301", "APIG.0301"} {
		err := wrap(&sdkerr.ServiceResponseError{StatusCode: 401, ErrorCode: code, ErrorMessage: "Incorrect IAM authentication information"}, "iam", "KeystoneListProjects", "")
		hint := apierr.Hint(err, credentialHint)
		for _, want := range []string{"huaweicloud.access_key", "huaweicloud.secret_key", "HW_ACCESS_KEY", "HW_SECRET_KEY", code} {
			if !strings.Contains(hint, want) {
				t.Errorf("%s: hint %q does not say %q", code, hint, want)
			}
		}
	}
}

// Every entry of the table is what the classifier makes of its code, and
// every code the emulator answers is in the table: a code cannot be acted
// on, or answered, without being written down with its source.
func TestCodes(t *testing.T) {
	if err := Codes.Check(); err != nil {
		t.Fatal(err)
	}
	for _, d := range Codes {
		code := strings.Replace(d.Code, "*", "0999", 1)
		status := cmp.Or(d.Status, 400)
		actions := d.Actions
		if len(actions) == 0 {
			actions = []string{"ListPorts"}
		}
		for _, action := range actions {
			err := wrap(&sdkerr.ServiceResponseError{StatusCode: status, ErrorCode: code, ErrorMessage: "m"}, "vpc", action, "")
			if got := apierr.ClassOf(err); got != d.Class {
				t.Errorf("%s %d on %s: class %v, want %v (%s)", code, status, action, got, d.Class, d.Does)
			}
		}
	}
	for _, code := range append(slices.Clone(hwemu.ErrorCodes), faultRuleCodes...) {
		if !Codes.Covers(code) {
			t.Errorf("the emulator answers %s, which the table does not document", code)
		}
	}
}

// faultRuleCodes are the codes the tests have the emulator answer through
// fault rules.
var faultRuleCodes = []string{"APIGW.0101", "VPC.0999", "badRequest"}

// On destroy only the documented "gone" codes of the answering action count:
// the gateway's "no such API" is never gone, nor is a 404 nobody documented.
func TestGone(t *testing.T) {
	for _, tc := range []struct {
		action, code string
		status       int
		want         bool
	}{
		{"removeSecurityGroup", "itemNotFound", 404, true},
		{"addSecurityGroup", "itemNotFound", 404, true},
		{"AddSecurityGroups", "VPC.2502", 404, true},
		{"RemoveSecurityGroups", "VPC.0603", 404, true},
		{"removeSecurityGroup", "APIGW.0101", 404, false},
		{"RemoveSecurityGroups", "APIG.0101", 404, false},
		{"removeSecurityGroup", "Ecs.0114", 404, false},
		{"removeSecurityGroup", "badRequest", 400, false},
	} {
		err := wrap(&sdkerr.ServiceResponseError{StatusCode: tc.status, ErrorCode: tc.code}, "ecs", tc.action, "")
		if got := gone(err); got != tc.want {
			t.Errorf("%s %d on %s: gone = %v, want %v", tc.code, tc.status, tc.action, got, tc.want)
		}
	}
	if !gone(&apierr.NotFoundError{Message: "not listed"}) {
		t.Error("a group the server does not list is gone")
	}
}

// APIGW.0101 names the endpoint setting and the region, never "not found".
func TestWrap_NoSuchAPINamesEndpointAndRegion(t *testing.T) {
	err := wrap(&sdkerr.ServiceResponseError{StatusCode: 404, ErrorCode: "APIGW.0101", ErrorMessage: "The API does not exist or has not been published in the environment"}, "ecs", "removeSecurityGroup", "http://10.0.0.1:8080")
	if apierr.IsNotFound(err) || apierr.ClassOf(err) != retry.Invalid {
		t.Fatalf("class %v, want invalid and not a not-found", apierr.ClassOf(err))
	}
	hint := apierr.Hint(err, credentialHint)
	for _, want := range []string{"huaweicloud.endpoints.ecs", "huaweicloud.region", "http://10.0.0.1:8080", "APIGW.0101"} {
		if !strings.Contains(hint, want) {
			t.Errorf("hint %q does not say %q", hint, want)
		}
	}
}

// Nova's 409 stays a conflict (not busy, unlike VPC's on a port write) and
// says the name matches several groups.
func TestWrap_NovaConflictIsAnAmbiguousName(t *testing.T) {
	err := wrap(&sdkerr.ServiceResponseError{StatusCode: 409, ErrorMessage: `{"conflictingRequest":{"code":409,"message":"Multiple security groups found matching 'web'. Use an ID to be more specific."}}`}, "ecs", "addSecurityGroup", "")
	if apierr.ClassOf(err) != retry.Conflict {
		t.Fatalf("class %v, want conflict", apierr.ClassOf(err))
	}
	if hint := apierr.Hint(err, credentialHint); !strings.Contains(hint, "matches several groups") || !strings.Contains(hint, "ID") {
		t.Errorf("hint %q does not say the name is ambiguous", hint)
	}
	busy := wrap(&sdkerr.ServiceResponseError{StatusCode: 409, ErrorCode: "VPC.0999", ErrorMessage: "port busy"}, "vpc", "AddSecurityGroups", "")
	if apierr.ClassOf(busy) != retry.Busy {
		t.Errorf("VPC 409 on a port write: class %v, want busy", apierr.ClassOf(busy))
	}
}
