package apierr

import (
	"errors"
	"fmt"
	"strings"
	"testing"

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
		retry.Unknown:   "request ID",
	} {
		d := Detail("Doing it", &Error{Cloud: "c", Service: "s", Action: "A", Class: class}, "HW_ACCESS_KEY / HW_SECRET_KEY")
		if !strings.HasPrefix(d, "Doing it: c S A") || !strings.Contains(d, want) {
			t.Errorf("%s: %q does not say %q", class, d, want)
		}
	}
}
