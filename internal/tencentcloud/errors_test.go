package tencentcloud

import (
	"errors"
	"slices"
	"strings"
	"testing"

	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"

	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	tcemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/tencentcloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
)

func TestClassifySDKErrors(t *testing.T) {
	for _, tc := range []struct {
		code string
		want retry.Class
	}{
		{"RequestLimitExceeded", retry.Throttled},
		{"RequestLimitExceeded.UinLimitExceeded", retry.Throttled},
		{"RequestLimitExceeded.IPLimitExceeded", retry.Throttled},
		{"RequestLimitExceeded.GlobalRegionUinLimitExceeded", retry.Throttled},
		{"LimitExceeded.ActionLimited", retry.Throttled},

		{"InternalError", retry.Transient},
		{"InternalError.DBError", retry.Transient},
		{"InternalServerError", retry.Transient},
		{"ServiceUnavailable", retry.Transient},
		{"InternalError.UnknownError", retry.Transient},
		{"ClientError.NetworkError", retry.Transient},

		{"ResourceNotFound", retry.NotFound},
		{"ResourceNotFound.SvcNotExist", retry.NotFound},
		{"InvalidInstanceId.NotFound", retry.NotFound},
		{"InvalidSecurityGroupID.NotFound", retry.NotFound},
		{"UnauthorizedOperation.AttachmentNotFound", retry.NotFound},
		{"InvalidParameterValue.ResourceNotFound", retry.NotFound},

		{"AuthFailure", retry.Auth},
		{"AuthFailure.SecretIdNotFound", retry.Auth}, // not NotFound
		{"AuthFailure.SignatureFailure", retry.Auth},
		{"UnauthorizedOperation", retry.Auth},
		{"UnauthorizedOperation.NoRealNameAuthentication", retry.Auth},

		{"OperationDenied.InstanceOperationInProgress", retry.Busy},
		{"UnsupportedOperation.MutexOperationTaskRunning", retry.Busy},

		{"ResourceInUse", retry.Conflict},
		{"ResourceInUse.Address", retry.Conflict},
		{"FailedOperation.SecurityGroupInUse", retry.Conflict},
		{"InvalidParameterValue.BandwidthPackageInUse", retry.Conflict},
		{"UnsupportedOperation.DuplicatePolicy", retry.Conflict},
		{"UnsupportedOperation.AttachmentAlreadyExists", retry.Conflict},

		{"InvalidParameter", retry.Invalid},
		{"InvalidParameterValue.Malformed", retry.Invalid},
		{"InvalidParameterValue.Duplicate", retry.Invalid},
		{"MissingParameter", retry.Invalid},
		{"UnknownParameter", retry.Invalid},
		{"LimitExceeded.SecurityGroupPolicySet", retry.Invalid},

		{"FailedOperation.SecurityGroupActionFailed", retry.Unknown},
		// "The API does not exist": a wrong endpoint, not a missing object (issue 16).
		{"UnsupportedOperation.ActionNotFound", retry.Invalid},
		{"InvalidAction", retry.Invalid},
		{"UnsupportedRegion", retry.Invalid},

		{"MutexOperation.TaskRunning", retry.Busy},
		{"ResourceUnavailable", retry.Busy},
		{"ResourceUnavailable.SnapshotCreating", retry.Busy},
		{"ResourceBusy", retry.Busy},
		{"ClientError.CredentialError", retry.Unknown},
	} {
		t.Run(tc.code, func(t *testing.T) {
			err := wrap(tcerr.NewTencentCloudSDKError(tc.code, "message of "+tc.code, "req-1"), "vpc", "DeleteSecurityGroup", "")
			var e *apierr.Error
			if !errors.As(err, &e) {
				t.Fatalf("wrap returned %T", err)
			}
			if e.Class != tc.want {
				t.Errorf("class = %v, want %v", e.Class, tc.want)
			}
			// A network error's message is rebuilt around the endpoint (TestWrapEndpointErrors).
			if e.Code != tc.code || e.Message != "message of "+tc.code && tc.code != codeNetworkError || e.RequestID != "req-1" || e.Status != 0 {
				t.Errorf("error fields = %+v", e)
			}
		})
	}
}

// A gateway in front of the API answered instead of the API itself.
func TestWrapHTTPStatus(t *testing.T) {
	for _, tc := range []struct {
		msg    string
		status int
		want   retry.Class
	}{
		{"Request fail with http status code: 502 Bad Gateway, with body: {}", 502, retry.Transient},
		{"Request fail with http status code: 503 Service Unavailable, with body: {}", 503, retry.Transient},
		{"Request fail with http status code: 504 Gateway Timeout, with body: {}", 504, retry.Transient},
		{"Request fail with http status code: 429 Too Many Requests, with body: {}", 429, retry.Throttled},
		// The API answers its errors with 200: a 4xx is not the API's (TestWrapEndpointErrors).
		{"Request fail with http status code: 403 Forbidden, with body: {}", 403, retry.Invalid},
		{"unexpected", 0, retry.Unknown},
	} {
		err := wrap(tcerr.NewTencentCloudSDKError(codeHTTPStatusError, tc.msg, ""), "cvm", "AssociateSecurityGroups", "")
		var e *apierr.Error
		if !errors.As(err, &e) || e.Status != tc.status || e.Class != tc.want {
			t.Errorf("wrap(%q) = %+v, want status %d, class %v", tc.msg, err, tc.status, tc.want)
		}
	}
}

func TestWrapOtherErrors(t *testing.T) {
	if err := wrap(nil, "vpc", "DescribeSecurityGroups", ""); err != nil {
		t.Errorf("wrap(nil) = %v", err)
	}
	boom := errors.New("boom")
	err := wrap(boom, "vpc", "DescribeSecurityGroups", "")
	if apierr.ClassOf(err) != retry.Unknown || !errors.Is(err, boom) {
		t.Errorf("wrap(boom) = %v", err)
	}
}

func TestErrorMessage(t *testing.T) {
	msg := wrap(tcerr.NewTencentCloudSDKError("ResourceInUse", "The resource is in use.", "req-1"), "vpc", "DeleteSecurityGroup", "").Error()
	want := "tencentcloud VPC DeleteSecurityGroup ResourceInUse: The resource is in use. (request ID req-1)"
	if msg != want {
		t.Errorf("message = %q, want %q", msg, want)
	}
	if strings.Contains(msg, "HTTP") {
		t.Error("the message names an HTTP status; every API answer is 200")
	}
}

// Errors that say the endpoint or the credentials are wrong name what to fix.
func TestWrapEndpointAndCredentialErrors(t *testing.T) {
	const endpoint = "http://127.0.0.1:9"
	for _, tc := range []struct {
		code, msg   string
		class       retry.Class
		wantMessage string
		wantFix     string
	}{
		{codeNetworkError, `Fail to get response because Post "http://127.0.0.1:9/": dial tcp 127.0.0.1:9: connect: connection refused`,
			retry.Transient, "no answer from http://127.0.0.1:9: dial tcp 127.0.0.1:9: connect: connection refused", "tencentcloud.endpoints.cvm"},
		{codeParseJSONError, "Fail to parse json content: <html>404</html>, because: invalid character",
			retry.Invalid, "the answer is not the tencentcloud CVM API's: not JSON", "tencentcloud.endpoints.cvm"},
		{codeHTTPStatusError, "Request fail with http status code: 404 Not Found, with body: <html>404</html>",
			retry.Invalid, "the answer (HTTP 404) is not the tencentcloud CVM API's: it has no API error code", "(the call went to http://127.0.0.1:9)"},
		{"AuthFailure.SignatureFailure", "The provided credentials could not be validated.",
			retry.Auth, "The provided credentials could not be validated.", "tencentcloud.secret_key in the provider block or TENCENTCLOUD_SECRET_KEY"},
		{"AuthFailure.SecretIdNotFound", "The SecretId is not found.",
			retry.Auth, "The SecretId is not found.", "tencentcloud.secret_id in the provider block or TENCENTCLOUD_SECRET_ID"},
	} {
		t.Run(tc.code, func(t *testing.T) {
			err := wrap(tcerr.NewTencentCloudSDKError(tc.code, tc.msg, ""), "cvm", "DescribeInstances", endpoint)
			var e *apierr.Error
			if !errors.As(err, &e) {
				t.Fatalf("wrap returned %T", err)
			}
			if e.Class != tc.class || e.Message != tc.wantMessage {
				t.Errorf("got %v %q, want %v %q", e.Class, e.Message, tc.class, tc.wantMessage)
			}
			if hint := apierr.Hint(err, credentialHint); !strings.Contains(hint, tc.wantFix) {
				t.Errorf("hint %q does not say %q", hint, tc.wantFix)
			}
		})
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
		code := strings.Replace(d.Code, "*", ".Any", 1)
		actions := d.Actions
		if len(actions) == 0 {
			actions = []string{"SomeAction"}
		}
		for _, action := range actions {
			err := wrap(tcerr.NewTencentCloudSDKError(code, "m", "req"), "vpc", action, "")
			if got := apierr.ClassOf(err); got != d.Class {
				t.Errorf("%s on %s: class %v, want %v (%s)", code, action, got, d.Class, d.Does)
			}
		}
	}
	for _, code := range append(slices.Clone(tcemu.ErrorCodes), faultRuleCodes...) {
		if !Codes.Covers(code) {
			t.Errorf("the emulator answers %s, which the table does not document", code)
		}
	}
}

// faultRuleCodes are the codes the tests have the emulator answer through
// fault rules.
var faultRuleCodes = []string{"MutexOperation.TaskRunning", "ResourceUnavailable", "ResourceBusy", "FailedOperation.SecurityGroupActionFailed", "UnsupportedOperation.ActionNotFound"}

// On destroy only the documented "gone" codes of the answering action count.
func TestGone(t *testing.T) {
	for _, tc := range []struct {
		action, code string
		want         bool
	}{
		{"DeleteSecurityGroup", "ResourceNotFound", true},
		{"DeleteSecurityGroup", "InvalidSecurityGroupID.NotFound", true},
		{"DescribeSecurityGroupReferences", "ResourceNotFound", true},
		{"DisassociateSecurityGroups", "InvalidInstanceId.NotFound", true},
		{"DisassociateSecurityGroups", "InvalidSecurityGroupId.NotFound", true},
		{"DeleteSecurityGroup", "ResourceNotFound.SvcNotExist", false},
		{"DisassociateSecurityGroups", "UnsupportedOperation.ActionNotFound", false},
		{"DisassociateSecurityGroups", "InvalidAction", false},
		{"DeleteSecurityGroup", "UnsupportedRegion", false},
	} {
		if got := gone(wrap(tcerr.NewTencentCloudSDKError(tc.code, "m", ""), "vpc", tc.action, "")); got != tc.want {
			t.Errorf("%s on %s: gone = %v, want %v", tc.code, tc.action, got, tc.want)
		}
	}
}

// "The API does not exist" and "the region is not supported" name the
// endpoint and the region settings.
func TestWrapNoSuchAPINamesEndpointAndRegion(t *testing.T) {
	for _, code := range []string{"InvalidAction", "UnsupportedOperation.ActionNotFound", "UnsupportedRegion"} {
		err := wrap(tcerr.NewTencentCloudSDKError(code, "m", ""), "cvm", "DisassociateSecurityGroups", "http://10.0.0.1:9")
		hint := apierr.Hint(err, credentialHint)
		for _, want := range []string{"tencentcloud.endpoints.cvm", "tencentcloud.region", "http://10.0.0.1:9", code} {
			if !strings.Contains(hint, want) {
				t.Errorf("%s: hint %q does not say %q", code, hint, want)
			}
		}
	}
}
