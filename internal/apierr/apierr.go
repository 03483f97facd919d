// Package apierr is the one error type every cloud client returns. Each cloud
// package turns its SDK's errors into an *Error with a retry.Class; the retry
// loop, the resources and the diagnostics then never look at SDK types.
package apierr

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
)

// Error is a failed cloud API call.
type Error struct {
	Cloud     string // "huaweicloud", "alicloud", "tencentcloud"
	Service   string // "ecs", "vpc", "iam", ...
	Action    string // the API operation, e.g. "removeSecurityGroup"
	Status    int    // HTTP status, 0 when no answer came back
	Code      string // the cloud's error code, e.g. "APIGW.0308", "itemNotFound"
	Message   string
	RequestID string
	Class     retry.Class
	// Endpoint is where the call went (scheme://host, never the query: the
	// Alibaba Cloud RPC query carries the signature and the STS token), set
	// when no answer came back or the answer was not the cloud API's.
	Endpoint string
	// Fix says what to change when the error itself tells (a wrong secret,
	// an unknown key, a wrong endpoint), naming the provider attribute and
	// its environment variable; empty: the class's general hint.
	Fix string
	// Wait is how long the cloud asked us to wait before trying again (its
	// Retry-After header); 0 when it named no time.
	Wait time.Duration
	Err  error // the SDK's error, kept for errors.As
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Call())
	if e.Status != 0 {
		fmt.Fprintf(&b, ": HTTP %d", e.Status)
	}
	if e.Code != "" {
		fmt.Fprintf(&b, " %s", e.Code)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	} else if e.Err != nil && e.Status == 0 {
		fmt.Fprintf(&b, ": %s", e.Err)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request ID %s)", e.RequestID)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Call names the call, e.g. "tencentcloud CVM AssociateSecurityGroups"
// (retry.Caller).
func (e *Error) Call() string {
	return fmt.Sprintf("%s %s %s", e.Cloud, strings.ToUpper(e.Service), e.Action)
}

// Answered reports whether the cloud answered the call, as opposed to no
// answer at all (retry.Caller): an answer carries a status or a request ID.
func (e *Error) Answered() bool { return e.Status != 0 || e.RequestID != "" }

// EndpointFix is the Fix of an error that says the endpoint is wrong: no
// answer from it, or an answer that is not the API's.
func EndpointFix(cloud, service, endpoint string) string {
	if endpoint == "" {
		endpoint = "the public endpoint"
	}
	return fmt.Sprintf("Check %s.endpoints.%s in the provider block (the call went to %s): it must be the URL of the %s %s API, reachable from here.",
		cloud, service, endpoint, cloud, strings.ToUpper(service))
}

// RetryAfter implements retry.RetryAfterer: the retry loop waits at least this long.
func (e *Error) RetryAfter() time.Duration { return e.Wait }

// WithWait sets the wait the cloud asked for on err's *Error, when err has
// one and wait is positive, and returns err.
func WithWait(err error, wait time.Duration) error {
	var e *Error
	if wait > 0 && errors.As(err, &e) {
		e.Wait = wait
	}
	return err
}

// ClassOf is the retry.Classifier for errors built by the cloud packages.
// Anything else (a bug, a context error) is Unknown and is not retried.
func ClassOf(err error) retry.Class {
	var e *Error
	if errors.As(err, &e) {
		return e.Class
	}
	return retry.Unknown
}

// IsNotFound reports whether err means the object does not exist.
func IsNotFound(err error) bool {
	var nf *NotFoundError
	return errors.As(err, &nf) || ClassOf(err) == retry.NotFound
}

// HasCode reports whether err is a cloud error with one of the codes.
func HasCode(err error, codes ...string) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	for _, c := range codes {
		if e.Code == c {
			return true
		}
	}
	return false
}

// Hint says what the user can do about an error of this class. credentialHint
// names the cloud's credential attributes and environment variables.
func Hint(err error, credentialHint string) string {
	// The timeout or an interrupt stopped it: the endpoint and the
	// credentials are not to blame, whatever the cut-off call's error says.
	if s := retry.StopOf(err); s != nil {
		return s.Hint()
	}
	var e *Error
	if errors.As(err, &e) && e.Fix != "" {
		return e.Fix
	}
	switch ClassOf(err) {
	case retry.Auth:
		return "Check the credentials: " + credentialHint + "."
	case retry.Throttled:
		return "The cloud kept throttling the request until the operation's timeout (its quota stayed spent); retry later, raise the resource's timeouts, or lower the provider's rate_limits for this service."
	case retry.Transient:
		return "The cloud or the network failed repeatedly; retry later, raise the operation's timeout, or check the endpoint settings."
	case retry.Busy:
		return "The object stayed in a state that does not allow this operation until the timeout; raise the timeout or retry later."
	case retry.Invalid:
		return "The cloud rejected the request as invalid; check the resource's arguments."
	case retry.Conflict:
		return "The object is in use or already in the requested state; check for other writers."
	case retry.NotFound:
		return "The object does not exist; check the IDs and the region."
	}
	if errors.As(err, &e) && e.RequestID != "" {
		return "Check the error above; if it persists, report it to the cloud's support with the request ID " + e.RequestID + "."
	}
	return "Check the error above; if it persists, report it."
}

// NotFoundError is what finders return when the object or the relation is
// absent, whether the cloud said 404 or the object was simply not listed.
type NotFoundError struct {
	Message string
	Err     error // the cloud's error, when there was one
}

func (e *NotFoundError) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *NotFoundError) Unwrap() error { return e.Err }

// Detail is the body of an error diagnostic: what was being done, the cloud's
// error (with its code and request ID), and what to do about it.
func Detail(what string, err error, credentialHint string) string {
	return what + ": " + err.Error() + "\n\n" + Hint(err, credentialHint)
}
