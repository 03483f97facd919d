package tencentcloud

import (
	"errors"
	"strconv"
	"strings"

	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"

	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	"github.com/secgroup/terraform-provider-secgroup/internal/cloudclient"
	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
)

// The SDK's own codes for failures that are not an API answer.
const (
	codeNetworkError    = "ClientError.NetworkError"
	codeHTTPStatusError = "ClientError.HttpStatusCodeError"
	codeParseJSONError  = "ClientError.ParseJsonError"
)

// wrap turns an SDK error into an *apierr.Error with its class. endpoint is
// the service's URL, named when the error says it is wrong.
func wrap(err error, service, action, endpoint string) error {
	if err == nil {
		return nil
	}
	e := &apierr.Error{Cloud: cloudName, Service: service, Action: action, Err: err}
	var sdkErr *tcerr.TencentCloudSDKError
	if !errors.As(err, &sdkErr) {
		e.Class = retry.Unknown
		return e
	}
	// API answers, errors included, are all HTTP 200, so Status stays 0 unless
	// something else (a gateway) answered; the SDK keeps that status only in its message.
	e.Code, e.Message, e.RequestID = sdkErr.Code, sdkErr.Message, sdkErr.RequestId
	if e.Code == codeHTTPStatusError {
		e.Status = statusOf(e.Message)
	}
	e.Class = classify(e.Code, e.Status)
	switch {
	case e.Code == codeNetworkError:
		e.Endpoint, e.Message = endpoint, "no answer from "+endpoint+": "+networkReason(e.Message)
		e.Fix = apierr.EndpointFix(cloudName, service, endpoint)
	case e.Code == codeHTTPStatusError && e.Status >= 400 && e.Status < 500 && e.Status != 429, e.Code == codeParseJSONError:
		// The API answers every error with HTTP 200 and JSON: this answer
		// came from something else at the endpoint (a web server's 404 page;
		// the common client reads the body whatever the status).
		e.Class, e.Message = retry.Invalid, cloudclient.NotTheAPI(cloudName, service, e.Status)
		e.Endpoint, e.Fix = endpoint, apierr.EndpointFix(cloudName, service, endpoint)
	case e.Code == "AuthFailure.SignatureFailure":
		e.Fix = "Check tencentcloud.secret_key in the provider block or TENCENTCLOUD_SECRET_KEY: the API computed another signature with the SecretKey of this SecretId."
	case e.Code == "AuthFailure.SecretIdNotFound":
		e.Fix = "Check tencentcloud.secret_id in the provider block or TENCENTCLOUD_SECRET_ID: the API does not know this SecretId, or it is disabled."
	}
	return e
}

// networkReason is the network's own words in the SDK's "Fail to get
// response because Post \"<url>\": dial tcp ...: connection refused".
func networkReason(msg string) string {
	if i := strings.LastIndex(msg, "\": "); i >= 0 {
		return msg[i+3:]
	}
	return msg
}

// statusOf reads the status from the SDK's "Request fail with http status
// code: 502 Bad Gateway, with body: ..." message; 0 when it is not there.
func statusOf(msg string) int {
	_, rest, ok := strings.Cut(msg, "status code: ")
	if !ok || len(rest) < 3 {
		return 0
	}
	status, err := strconv.Atoi(rest[:3])
	if err != nil {
		return 0
	}
	return status
}

// classify maps a Tencent Cloud error code to a retry class. The SDK flattens
// network errors, the caller's cancellation included, into
// ClientError.NetworkError; the retry loop stops by itself once the context ends.
func classify(code string, status int) retry.Class {
	switch {
	// LimitExceeded.ActionLimited is the per-action rate limit, not a quota.
	case strings.HasPrefix(code, "RequestLimitExceeded") || code == "LimitExceeded.ActionLimited" || status == 429:
		return retry.Throttled
	// Before NotFound: AuthFailure.SecretIdNotFound is about the key, not an object.
	case strings.HasPrefix(code, "AuthFailure"):
		return retry.Auth
	case code == codeNetworkError || strings.HasPrefix(code, "InternalError") || code == "InternalServerError" ||
		strings.HasPrefix(code, "ServiceUnavailable") || status >= 500:
		return retry.Transient
	// Before UnauthorizedOperation: UnauthorizedOperation.AttachmentNotFound
	// means the binding does not exist.
	case isNotFoundCode(code):
		return retry.NotFound
	case strings.HasPrefix(code, "UnauthorizedOperation"):
		return retry.Auth
	case isBusyCode(code):
		return retry.Busy
	// Before InvalidParameter: InvalidParameterValue.*InUse is about the object.
	case strings.Contains(code, "InUse"):
		return retry.Conflict
	case hasAnyPrefix(code, "InvalidParameter", "MissingParameter", "UnknownParameter", "LimitExceeded"):
		return retry.Invalid
	case code == "UnsupportedOperation.DuplicatePolicy" || strings.HasSuffix(code, "AlreadyExists"):
		return retry.Conflict
	}
	return retry.Unknown
}

func isNotFoundCode(code string) bool {
	// UnsupportedOperation.ActionNotFound names an API that does not exist.
	return strings.HasPrefix(code, "ResourceNotFound") ||
		strings.HasSuffix(code, "NotFound") && !strings.HasSuffix(code, "ActionNotFound")
}

// isBusyCode reports another operation still running on the object.
func isBusyCode(code string) bool {
	switch code {
	case "OperationDenied.InstanceOperationInProgress", "OperationDenied.MutexTaskRunning",
		"UnsupportedOperation.MutexOperationTaskRunning", "UnsupportedOperation.IdempotentProcessing":
		return true
	}
	return false
}

func hasAnyPrefix(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
