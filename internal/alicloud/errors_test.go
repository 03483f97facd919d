package alicloud

import (
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"

	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	"github.com/secgroup/terraform-provider-secgroup/internal/emulator"
	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
)

// serverError is the error the SDK builds from an error answer.
func serverError(status int, code string) error {
	body := fmt.Sprintf(`{"RequestId":"req-1","HostId":"ecs.aliyuncs.com","Code":%q,"Message":"message of %s"}`, code, code)
	return sdkerrors.NewServerError(status, body, "")
}

func TestClassifyServerErrors(t *testing.T) {
	const (
		leave  = "LeaveSecurityGroup"
		join   = "JoinSecurityGroup"
		revoke = "RevokeSecurityGroupEgress"
		read   = "DescribeSecurityGroupAttribute"
	)
	for _, tc := range []struct {
		action string
		status int
		code   string
		want   retry.Class
	}{
		{join, 400, "Throttling", retry.Throttled},
		{join, 400, "Throttling.User", retry.Throttled},
		{join, 400, "Throttling.Api", retry.Throttled},
		{join, 400, "Throttling.Resource", retry.Throttled},
		{join, 400, "Rejected.Throttling", retry.Throttled},
		{join, 429, "TooManyRequests", retry.Throttled},
		{join, 503, "ServiceUnavailable", retry.Throttled},

		{join, 500, "InternalError", retry.Transient},
		{join, 500, "UnknownError", retry.Transient},
		{join, 502, "BadGateway", retry.Transient},
		{leave, 504, "RequestTimeout", retry.Transient},
		{leave, 400, "RequestTimeout", retry.Transient},
		{revoke, 400, "ens.interface.error", retry.Transient},
		{revoke, 400, "CallInterface", retry.Transient},

		{leave, 404, "InvalidSecurityGroupId.NotFound", retry.NotFound},
		{leave, 404, "InvalidInstanceId.NotFound", retry.NotFound},
		{read, 400, "InvalidSecurityGroupId.NotFound", retry.NotFound}, // ENS answers 400
		{revoke, 400, "SecurityGroupRule.NotFound", retry.NotFound},
		{revoke, 400, "InvalidSecurityGroupRule.RuleNotExist", retry.NotFound},
		{leave, 403, "InstanceNotInSecurityGroup", retry.NotFound},
		{leave, 400, "InvalidSecurityGroupAssociation.NotFound", retry.NotFound},
		// Gone codes count only for the API that documents them.
		{join, 403, "InstanceNotInSecurityGroup", retry.Invalid},
		{leave, 400, "SecurityGroupRule.NotFound", retry.Invalid},
		// A 404 the table does not know is not "gone".
		{leave, 404, "SomethingElse", retry.Unknown},
		{leave, 400, "Something.NotFound", retry.Invalid},

		// The API is not served at the endpoint: never "not found".
		{leave, 404, "InvalidAction.NotFound", retry.Invalid},
		{read, 404, "InvalidAction.NotFound", retry.Invalid},
		{revoke, 403, "InvalidAction", retry.Invalid},
		{revoke, 404, "InvalidApi.NotFound", retry.Invalid},
		{revoke, 404, "InvalidProduct.NotFound", retry.Invalid},

		{leave, 403, "IncorrectInstanceStatus", retry.Busy},
		{leave, 403, "IncorrectInstanceStatus.Initializing", retry.Busy},
		{leave, 403, "OperationConflict", retry.Busy},
		{leave, 400, "InvalidOperation.InvalidEniState", retry.Busy},
		{join, 400, "InvalidOperation.InvalidEcsState", retry.Busy},
		{join, 400, "SystemBusy", retry.Busy},

		{leave, 404, "InvalidAccessKeyId.NotFound", retry.Auth}, // not NotFound
		{leave, 400, "InvalidAccessKeyId.Inactive", retry.Auth},
		{leave, 400, "SignatureDoesNotMatch", retry.Auth},
		{leave, 403, "Forbidden.RAM", retry.Auth},
		{leave, 400, "NoPermission", retry.Auth},
		{leave, 400, "InvalidSecurityToken.Expired", retry.Auth},

		{revoke, 400, "SecurityGroupRuleConflict.Duplicated", retry.Conflict},
		{revoke, 400, "InvalidPermission.Duplicate", retry.Conflict},
		{join, 403, "InvalidInstanceId.AlreadyExists", retry.Conflict},
		{leave, 403, "DependencyViolation", retry.Conflict},

		{leave, 403, "InvalidParam.EniIdAndInstanceId.Conflict", retry.Invalid},
		{leave, 400, "MissingParameter", retry.Invalid},
		{leave, 400, "InvalidParameter", retry.Invalid},
		{join, 400, "InvalidInstanceId.Mismatch", retry.Invalid},
		{leave, 403, "InstanceLastSecurityGroup", retry.Invalid},
		{leave, 403, "InvalidOperation.ResourceManagedByCloudProduct", retry.Invalid},
	} {
		t.Run(fmt.Sprintf("%s %d %s", tc.action, tc.status, tc.code), func(t *testing.T) {
			err := wrap(serverError(tc.status, tc.code), "ecs", tc.action, "")
			var e *apierr.Error
			if !errors.As(err, &e) {
				t.Fatalf("wrap returned %T", err)
			}
			if e.Class != tc.want {
				t.Errorf("class = %v, want %v", e.Class, tc.want)
			}
			if e.Status != tc.status || e.Code != tc.code || e.RequestID != "req-1" || e.Message != "message of "+tc.code {
				t.Errorf("error fields = %+v", e)
			}
		})
	}
}

// TestCodeTable walks the table: every entry is sourced and says what the
// provider does, and the classifier gives each entry's class for an answer
// that entry matches.
func TestCodeTable(t *testing.T) {
	if err := Codes.Check(); err != nil {
		t.Fatal(err)
	}
	for _, d := range Codes {
		code, _ := strings.CutSuffix(d.Code, "*")
		if code != d.Code {
			code += "Example"
		}
		status := cmp.Or(d.Status, 400)
		action := "JoinSecurityGroup"
		if len(d.Actions) > 0 {
			action = d.Actions[0]
		}
		if got := classify(action, status, code); got != d.Class {
			t.Errorf("%s (%d, %s): classify = %v, the table says %v", d.Code, status, action, got, d.Class)
		}
		if d.WrongEndpoint {
			err := wrap(serverError(status, code), "ens", action, "http://10.0.0.1:8080")
			if hint := apierr.Hint(err, credentialHint); apierr.IsNotFound(err) || !strings.Contains(hint, "alicloud.endpoints.ens") {
				t.Errorf("%s: not found %v, hint %q: want an error naming alicloud.endpoints.ens", d.Code, apierr.IsNotFound(err), hint)
			}
		}
	}
}

// TestEmulatorCodesAreDocumented: every error code the Alibaba Cloud
// emulator can answer is in the table, so an undocumented code cannot be
// added to it (and so to what the provider meets in tests) silently. The
// codes are read from the emulator's source (emulator.ErrorCodesIn, as for
// the other clouds): each Errorf call and Error literal names its code as a
// string constant; Errorf itself and the fault rules' WriteErrorCode pass
// one through.
func TestEmulatorCodesAreDocumented(t *testing.T) {
	codes, problems, err := emulator.ErrorCodesIn(filepath.Join("..", "emulator", "alicloud"),
		map[string]int{"Errorf": 1, "Error": 1}, "Errorf", "WriteErrorCode")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
	if len(codes) < 20 {
		t.Fatalf("found only %d codes in the emulator's source: %v", len(codes), codes)
	}
	for _, code := range codes {
		if !Codes.Covers(code) {
			t.Errorf("the emulator answers %s, which the provider's code table does not document", code)
		}
	}
}

func TestWrapServerErrorWithoutJSON(t *testing.T) {
	err := wrap(sdkerrors.NewServerError(502, "<html>502 Bad Gateway</html>", ""), "ens", "DescribeInstances", "")
	var e *apierr.Error
	if !errors.As(err, &e) || e.Class != retry.Transient || e.Status != 502 || e.Code != "" {
		t.Fatalf("wrap = %+v, want a transient HTTP 502 without a code", err)
	}
}

func TestWrapTransportErrors(t *testing.T) {
	refused := &url.Error{Op: "Post", URL: "http://127.0.0.1:1/", Err: &net.OpError{
		Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}}
	badCert := &url.Error{Op: "Post", URL: "https://ecs.cn-hangzhou.aliyuncs.com/", Err: &tls.CertificateVerificationError{
		Err: x509.UnknownAuthorityError{}}}
	for _, tc := range []struct {
		name string
		err  error
		want retry.Class
	}{
		{"connection refused", refused, retry.Transient},
		{"connection reset", &url.Error{Op: "Post", URL: "http://127.0.0.1:1/", Err: &net.OpError{
			Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}}, retry.Transient},
		{"answer cut short", &url.Error{Op: "Post", URL: "http://x/", Err: io.ErrUnexpectedEOF}, retry.Transient},
		{"deadline", &url.Error{Op: "Post", URL: "http://x/", Err: context.DeadlineExceeded}, retry.Transient},
		{"canceled", &url.Error{Op: "Post", URL: "http://x/", Err: context.Canceled}, retry.Unknown},
		{"certificate", badCert, retry.Unknown},
		{"SDK timeout", sdkerrors.NewClientError(sdkerrors.TimeoutErrorCode, "The request timed out 1 times(0 for retry)", refused), retry.Transient},
		{"SDK client error", sdkerrors.NewClientError(sdkerrors.InvalidParamErrorCode, "The access key id is empty", nil), retry.Unknown},
		{"other", errors.New("boom"), retry.Unknown},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := wrap(tc.err, "ecs", "DescribeRegions", "")
			if class := apierr.ClassOf(err); class != tc.want {
				t.Errorf("class = %v, want %v", class, tc.want)
			}
			if !errors.Is(err, tc.err) {
				t.Error("the SDK's error is not kept")
			}
		})
	}
}

// The SDK keeps the answer's headers on its error: a Retry-After there is the
// wait the retry loop honours.
func TestWrapRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		header http.Header
		want   time.Duration
	}{
		{http.Header{"Retry-After": {"3"}}, 3 * time.Second},
		{http.Header{"Retry-After": {"never"}}, 0},
		{http.Header{}, 0},
	} {
		se := sdkerrors.NewServerError(400, `{"RequestId":"r","Code":"Throttling.User","Message":"flow control"}`, "").(*sdkerrors.ServerError) //nolint:forcetypeassert,errorlint // the SDK's constructor
		se.RespHeaders = tc.header
		err := wrap(se, "ecs", "JoinSecurityGroup", "")
		var ra retry.RetryAfterer
		if !errors.As(err, &ra) || ra.RetryAfter() != tc.want || apierr.ClassOf(err) != retry.Throttled {
			t.Errorf("headers %v: %v waits %v, want a throttled error waiting %v", tc.header, err, ra.RetryAfter(), tc.want)
		}
	}
}

func TestWrapNil(t *testing.T) {
	if err := wrap(nil, "ecs", "DescribeRegions", ""); err != nil {
		t.Errorf("wrap(nil) = %v", err)
	}
}

func TestErrorMessage(t *testing.T) {
	msg := wrap(serverError(400, "Throttling.User"), "ecs", "JoinSecurityGroup", "").Error()
	for _, want := range []string{"alicloud ECS JoinSecurityGroup", "HTTP 400", "Throttling.User", "request ID req-1"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
}

// No answer: the message names the endpoint and the network's reason, never
// the SDK's text, whose URL holds the signature and the STS token.
func TestWrapNoAnswerHidesTheSignedURL(t *testing.T) {
	sdkErr := &url.Error{Op: "Post", URL: "http://127.0.0.1:9/?AccessKeyId=STS.K&SecurityToken=the-token&Signature=c2lnbmF0dXJl",
		Err: &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}}
	err := wrap(sdkErr, "ecs", "JoinSecurityGroup", "http://127.0.0.1:9")
	var e *apierr.Error
	if !errors.As(err, &e) || e.Class != retry.Transient || e.Endpoint != "http://127.0.0.1:9" {
		t.Fatalf("wrap = %#v", err)
	}
	msg := apierr.Detail("Joining", err, credentialHint)
	for _, secret := range []string{"the-token", "c2lnbmF0dXJl", "Signature", "AccessKeyId"} {
		if strings.Contains(msg, secret) {
			t.Errorf("the error shows %q: %s", secret, msg)
		}
	}
	for _, want := range []string{"no answer from http://127.0.0.1:9", "connection refused", "alicloud.endpoints.ecs"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the error does not say %q: %s", want, msg)
		}
	}
}

// SignatureDoesNotMatch sends back the signed string, which holds the STS token.
func TestWrapSignatureDoesNotMatchHidesTheStringToSign(t *testing.T) {
	body := `{"RequestId":"req-1","Code":"SignatureDoesNotMatch","Message":"Specified signature is not matched with our calculation. server string to sign is:POST&%2F&AccessKeyId%3DSTS.K%26SecurityToken%3Dthe-token"}`
	err := wrap(sdkerrors.NewServerError(400, body, ""), "ecs", "JoinSecurityGroup", "")
	msg := apierr.Detail("Joining", err, credentialHint)
	if strings.Contains(msg, "the-token") || strings.Contains(msg, "AccessKeyId") {
		t.Errorf("the error shows the signed string: %s", msg)
	}
	if !strings.Contains(msg, "SignatureDoesNotMatch") || !strings.Contains(msg, "alicloud.secret_key in the provider block or ALICLOUD_SECRET_KEY") {
		t.Errorf("the error does not name the code and the setting: %s", msg)
	}
}

// Each authentication error names the one setting to fix.
func TestWrapCredentialErrorsNameTheSetting(t *testing.T) {
	for code, want := range map[string]string{
		"SignatureDoesNotMatch":                      "ALICLOUD_SECRET_KEY",
		"InvalidAccessKeyId.NotFound":                "ALICLOUD_ACCESS_KEY",
		"InvalidAccessKeyId.Inactive":                "ALICLOUD_ACCESS_KEY",
		"InvalidSecurityToken.MismatchWithAccessKey": "ALICLOUD_SECURITY_TOKEN",
		"InvalidSecurityToken.Expired":               "ALICLOUD_SECURITY_TOKEN",
		"MissingSecurityToken":                       "ALICLOUD_SECURITY_TOKEN",
	} {
		err := wrap(serverError(400, code), "ecs", "JoinSecurityGroup", "")
		if apierr.ClassOf(err) != retry.Auth {
			t.Errorf("%s: class %v, want auth", code, apierr.ClassOf(err))
		}
		if hint := apierr.Hint(err, credentialHint); !strings.Contains(hint, want) {
			t.Errorf("%s: hint %q does not name %s", code, hint, want)
		}
	}
}

// A web page at the endpoint is not "not found": a destroy would take it for
// the object being gone.
func TestWrapAnswerThatIsNotTheAPI(t *testing.T) {
	err := wrap(sdkerrors.NewServerError(404, "<html><h1>404 Not Found</h1></html>", ""), "ecs", "LeaveSecurityGroup", "http://10.0.0.1:8080")
	if apierr.IsNotFound(err) || apierr.ClassOf(err) != retry.Invalid {
		t.Fatalf("class %v, want invalid", apierr.ClassOf(err))
	}
	msg := apierr.Detail("Leaving", err, credentialHint)
	for _, want := range []string{"HTTP 404", "not the alicloud ECS API's", "alicloud.endpoints.ecs", "http://10.0.0.1:8080"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the error does not say %q: %s", want, msg)
		}
	}
	if strings.Contains(msg, "<html>") {
		t.Errorf("the error shows the page: %s", msg)
	}
}
