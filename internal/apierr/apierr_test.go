package apierr

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
)

func TestError_Message(t *testing.T) {
	cases := []struct {
		err  *Error
		want string
	}{
		{&Error{Cloud: "alicloud", Service: "ecs", Action: "LeaveSecurityGroup", Status: 403, Code: "InstanceLastSecurityGroup", Message: "last group", RequestID: "r-1"},
			"alicloud ECS LeaveSecurityGroup: HTTP 403 InstanceLastSecurityGroup: last group (request ID r-1)"},
		{&Error{Cloud: "tencentcloud", Service: "cvm", Action: "DescribeInstances", Code: "RequestLimitExceeded", Message: "slow down"},
			"tencentcloud CVM DescribeInstances RequestLimitExceeded: slow down"},
		// No answer came back: the transport's error is the message.
		{&Error{Cloud: "huaweicloud", Service: "iam", Action: "KeystoneListProjects", Err: errors.New("connection refused")},
			"huaweicloud IAM KeystoneListProjects: connection refused"},
	}
	for _, c := range cases {
		if got := c.err.Error(); got != c.want {
			t.Errorf("got  %q\nwant %q", got, c.want)
		}
	}
}

func TestClassOfAndHelpers(t *testing.T) {
	throttled := fmt.Errorf("wrapped: %w", &Error{Code: "Throttling", Class: retry.Throttled})
	if ClassOf(throttled) != retry.Throttled || ClassOf(errors.New("plain")) != retry.Unknown {
		t.Fatal("ClassOf must see through wrapping and call anything else Unknown")
	}
	if !HasCode(throttled, "Other", "Throttling") || HasCode(throttled, "Other") || HasCode(errors.New("x"), "x") {
		t.Fatal("HasCode")
	}
	if !IsNotFound(&Error{Class: retry.NotFound}) || !IsNotFound(fmt.Errorf("x: %w", &NotFoundError{Message: "gone"})) || IsNotFound(throttled) {
		t.Fatal("IsNotFound must accept a cloud 404 and a finder's NotFoundError, nothing else")
	}
}

func TestDetail_SaysWhatToDo(t *testing.T) {
	for class, want := range map[retry.Class]string{
		retry.Auth:      "HW_SECRET_KEY",
		retry.Throttled: "timeouts",
		retry.Busy:      "timeout",
		retry.Invalid:   "arguments",
		retry.NotFound:  "region",
		retry.Unknown:   "if it persists, report it.",
	} {
		d := Detail("Doing it", &Error{Cloud: "c", Service: "s", Action: "A", Class: class}, "HW_ACCESS_KEY / HW_SECRET_KEY")
		if !strings.HasPrefix(d, "Doing it: c S A") || !strings.Contains(d, want) {
			t.Errorf("%s: %q does not say %q", class, d, want)
		}
	}
}

// After Ctrl-C or the timeout, the cut-off call's "no answer" error must not
// send the user to the endpoint settings.
func TestDetail_StoppedBlamesTheStop(t *testing.T) {
	noAnswer := &Error{Cloud: "tencentcloud", Service: "cvm", Action: "AssociateSecurityGroups", Class: retry.Transient,
		Message: "no answer from https://cvm.example: context canceled", Endpoint: "https://cvm.example",
		Fix: EndpointFix("tencentcloud", "cvm", "https://cvm.example")}
	for _, tc := range []struct {
		cause      error
		msg, fix   string
		notInquiry string
	}{
		{retry.ErrInterrupted, "interrupted: terraform was asked to stop (Ctrl-C or a signal) during tencentcloud CVM AssociateSecurityGroups", "apply again", "endpoints"},
		{&retry.TimeoutError{Op: "create", Timeout: 2 * time.Second}, "the 2s create timeout expired during tencentcloud CVM AssociateSecurityGroups", `timeouts { create = "..." }`, "endpoints"},
	} {
		d := Detail("Binding", &retry.StoppedError{Cause: tc.cause, Last: noAnswer}, "creds")
		if !strings.Contains(d, "Binding: "+tc.msg+"\n\n") || !strings.Contains(d, tc.fix) {
			t.Errorf("%q: want %q and %q", d, tc.msg, tc.fix)
		}
		if strings.Contains(d, tc.notInquiry) || strings.Contains(d, "context canceled") || strings.Contains(d, "no answer") {
			t.Errorf("%q blames the endpoint", d)
		}
	}
}

// "Report it with the request ID" only when there is one.
func TestHint_RequestIDOnlyWhenThere(t *testing.T) {
	if h := Hint(&Error{Class: retry.Unknown, RequestID: "r-1"}, ""); !strings.Contains(h, "with the request ID r-1") {
		t.Errorf("with an ID: %q", h)
	}
	if h := Hint(&Error{Class: retry.Unknown}, ""); strings.Contains(h, "request ID") {
		t.Errorf("without an ID: %q", h)
	}
}
