package alicloud

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"strings"
	"time"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"

	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	"github.com/secgroup/terraform-provider-secgroup/internal/cloudclient"
	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
)

// credentialHint is appended to authentication errors.
const credentialHint = "alicloud.access_key / alicloud.secret_key (and security_token for STS) in the provider block, or ALICLOUD_ACCESS_KEY / ALICLOUD_SECRET_KEY"

// wrap turns an SDK error into an *apierr.Error with its class. endpoint is
// the service's scheme://host, named when the error says it is wrong.
func wrap(err error, service, action, endpoint string) error {
	if err == nil {
		return nil
	}
	e := &apierr.Error{Cloud: cloudName, Service: service, Action: action, Err: err}
	var se *sdkerrors.ServerError
	var ce *sdkerrors.ClientError
	var certErr *tls.CertificateVerificationError
	var netErr net.Error
	switch {
	case errors.As(err, &se):
		e.Status, e.Code, e.Message, e.RequestID = se.HttpStatus(), se.ErrorCode(), withoutStringToSign(se.Message()), se.RequestId()
		e.Class = classify(e.Status, e.Code)
		if e.Code == "" && e.Status >= 400 && e.Status < 500 && e.Status != 408 && e.Status != 429 {
			// Every RPC error answer has a Code: this one came from something
			// else at the endpoint. Not "not found": a destroy would call it done.
			e.Class, e.Message = retry.Invalid, cloudclient.NotTheAPI(cloudName, service, e.Status)
			e.Endpoint, e.Fix = endpoint, apierr.EndpointFix(cloudName, service, endpoint)
		}
		e.Fix = cmp.Or(e.Fix, credentialFix(e.Code))
		// The SDK keeps the answer's headers on the error: a wait the cloud asked for.
		if wait, ok := cloudclient.ParseRetryAfter(http.Header(se.RespHeaders).Get("Retry-After"), time.Now()); ok {
			e.Wait = wait
		}
	case errors.As(err, &ce):
		// Only the SDK's own retry loop (turned off) wraps network errors in a
		// ClientError; the others are local configuration errors. ClientError
		// has no Unwrap, so its cause is checked by hand.
		e.Code, e.Message = ce.ErrorCode(), ce.Message()
		if ce.ErrorCode() == sdkerrors.TimeoutErrorCode || errors.As(ce.OriginError(), &netErr) {
			e.Class = retry.Transient
		}
	case errors.Is(err, context.Canceled), errors.As(err, &certErr):
		// A canceled call is the caller's decision; a certificate does not fix itself.
		e.Class = retry.Unknown
	case errors.As(err, &netErr):
		// Connection refused or reset, timeouts, and the caller's deadline: the
		// retry loop stops by itself once the deadline has passed.
		e.Class = retry.Transient
		e.Endpoint, e.Fix = endpoint, apierr.EndpointFix(cloudName, service, endpoint)
	default:
		e.Class = retry.Unknown
	}
	if to, reason, ok := cloudclient.NoAnswer(err); ok {
		// Never the SDK's text: its URL holds every parameter, the
		// signature and the STS token included.
		e.Endpoint = cmp.Or(to, endpoint)
		e.Message = "no answer from " + e.Endpoint + ": " + reason
		if e.Fix != "" {
			e.Fix = apierr.EndpointFix(cloudName, service, e.Endpoint)
		}
	}
	return e
}

// withoutStringToSign cuts the signed string off a SignatureDoesNotMatch
// message ("... server string to sign is:POST&%2F&AccessKeyId..."): it holds
// every parameter of the request, the STS token included.
func withoutStringToSign(msg string) string {
	if before, _, found := strings.Cut(msg, sdkerrors.MessageContain); found {
		return strings.TrimSpace(before) + " (the signed string the API sent back is not shown: it holds the security token)"
	}
	return msg
}

// credentialFix names the one setting an authentication error points at.
func credentialFix(code string) string {
	switch {
	case code == "SignatureDoesNotMatch" || code == "IncompleteSignature":
		return "Check alicloud.secret_key in the provider block or ALICLOUD_SECRET_KEY: the API computed another signature with the secret of this access key."
	case strings.HasPrefix(code, "InvalidAccessKeyId"):
		return "Check alicloud.access_key in the provider block or ALICLOUD_ACCESS_KEY: the API does not know this AccessKey ID, or it is disabled."
	case strings.HasPrefix(code, "InvalidSecurityToken") || code == "MissingSecurityToken":
		return "Check alicloud.security_token in the provider block or ALICLOUD_SECURITY_TOKEN: an STS AccessKey needs the security token issued with it, before it expires."
	}
	return ""
}

// classify maps Alibaba Cloud's HTTP status and error code to a retry class.
// Codes decide before statuses: ECS answers "instance busy" with 403, and ENS
// answers missing objects and permissions with 400.
func classify(status int, code string) retry.Class {
	switch {
	case strings.HasPrefix(code, "Throttling") || code == "ServiceUnavailable" || status == 429:
		return retry.Throttled
	// Before NotFound: InvalidAccessKeyId.NotFound is about the key, not an object.
	case isAuthCode(code) || status == 401:
		return retry.Auth
	case strings.HasPrefix(code, "IncorrectInstanceStatus") || code == "OperationConflict" || code == "LastTokenProcessing":
		// OperationConflict: another operation on the object is still running.
		return retry.Busy
	case isNotFoundCode(code) || status == 404:
		return retry.NotFound
	case status >= 500 || code == "RequestTimeout":
		return retry.Transient
	case isConflictCode(code):
		return retry.Conflict
	case status >= 400:
		return retry.Invalid
	}
	return retry.Unknown
}

func isAuthCode(code string) bool {
	switch code {
	case "SignatureDoesNotMatch", "IncompleteSignature", "Forbidden.RAM", "NoPermission", "MissingSecurityToken":
		return true
	}
	return strings.HasPrefix(code, "InvalidAccessKeyId") || strings.HasPrefix(code, "InvalidSecurityToken")
}

// isNotFoundCode covers missing objects and missing relations: a rule that is
// not there (RuleNotExist, since mid-2024) or an instance that is not in the group.
func isNotFoundCode(code string) bool {
	return strings.HasSuffix(code, ".NotFound") || strings.HasSuffix(code, "NotExist") ||
		code == "InstanceNotInSecurityGroup"
}

// isConflictCode covers objects in use and rules or memberships that already
// exist. A parameter error that mentions a conflict (InvalidParam.*.Conflict)
// is the request's fault, not the object's.
func isConflictCode(code string) bool {
	if strings.HasPrefix(code, "InvalidParam") || strings.HasPrefix(code, "MissingParam") {
		return false
	}
	for _, s := range []string{"Conflict", "Duplicate", "InUse", "DependencyViolation"} {
		if strings.Contains(code, s) {
			return true
		}
	}
	return false
}
