package huaweicloud

import (
	"cmp"
	"encoding/json"
	"errors"
	"net"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/response"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"

	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	"github.com/secgroup/terraform-provider-secgroup/internal/cloudclient"
	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
)

// wrap turns an SDK error into an *apierr.Error with its class. endpoint is
// the service's endpoint override ("" for the public one), named when the
// error says the endpoint is wrong.
func wrap(err error, service, action, endpoint string) error {
	if err == nil {
		return nil
	}
	e := &apierr.Error{Cloud: cloudName, Service: service, Action: action, Err: err}
	var sre *sdkerr.ServiceResponseError
	var hinted *retryAfterError
	var connErr *sdkerr.ConnectionError
	var timeoutErr *sdkerr.RequestTimeoutError
	var netErr net.Error
	if to, reason, ok := cloudclient.NoAnswer(err); ok {
		endpoint, e.Message = cmp.Or(to, endpoint), "no answer from "+cmp.Or(to, endpoint)+": "+reason
	}
	switch {
	case errors.As(err, &sre):
		e.Status, e.Code, e.Message, e.RequestID = sre.StatusCode, sre.ErrorCode, sre.ErrorMessage, sre.RequestId
		if e.Code == "" {
			e.Code, e.Message = novaError(sre.ErrorMessage)
		}
		e.Class = classify(e.Status, e.Code)
		if e.Code == "" && e.Status >= 400 && e.Status < 500 && e.Status != 408 && e.Status != 429 {
			// Every API answer, the gateway's included, has a code: this
			// one came from something else at the endpoint (a web server's
			// 404 page). Not "not found": a destroy would call it done.
			e.Class, e.Message = retry.Invalid, cloudclient.NotTheAPI(cloudName, service, e.Status)
			e.Endpoint, e.Fix = endpoint, apierr.EndpointFix(cloudName, service, endpoint)
		}
		if errors.As(err, &hinted) {
			e.Wait = hinted.wait
		}
	case errors.As(err, &connErr), errors.As(err, &timeoutErr), errors.As(err, &netErr):
		e.Class = retry.Transient
		e.Endpoint, e.Fix = endpoint, apierr.EndpointFix(cloudName, service, endpoint)
	default:
		// Includes context cancellation: the deadline is the caller's to enforce.
		e.Class = retry.Unknown
	}
	if e.Class == retry.Auth && (e.Code == "APIGW.0301" || e.Code == "APIG.0301") {
		// The gateway's answer to an unknown access key and to a signature
		// that does not match alike: both settings are suspects.
		e.Fix = "Check the credentials: " + credentialHint + " (the gateway's " + e.Code +
			" means an access key it does not know, or a signature that the secret key does not match)."
	}
	return e
}

// retryAfterHandler is the SDK's error handler plus the answer's Retry-After,
// which the SDK's own error leaves out. The SDK hands the answer to this hook
// and nowhere else: its requests carry no context to note it in.
type retryAfterHandler struct{}

func (retryAfterHandler) HandleError(req *request.DefaultHttpRequest, resp *response.DefaultHttpResponse) error {
	err := sdkerr.DefaultErrorHandler{}.HandleError(req, resp)
	if err == nil {
		return nil
	}
	if wait, ok := cloudclient.ParseRetryAfter(resp.GetHeader("Retry-After"), time.Now()); ok {
		return &retryAfterError{err: err, wait: wait}
	}
	return err
}

// retryAfterError is an SDK error whose answer asked for a wait.
type retryAfterError struct {
	err  error
	wait time.Duration
}

func (e *retryAfterError) Error() string { return e.err.Error() }
func (e *retryAfterError) Unwrap() error { return e.err }

// novaError reads a Nova-style body, {"itemNotFound":{"code":404,"message":"..."}},
// whose numeric code the SDK cannot use; the wrapper key becomes the code.
func novaError(body string) (code, message string) {
	var m map[string]struct {
		Message string `json:"message"`
	}
	if json.Unmarshal([]byte(body), &m) != nil || len(m) != 1 {
		return "", body
	}
	for k, v := range m {
		return k, v.Message
	}
	return "", body
}

// classify maps Huawei's HTTP status and error code to a retry class.
// The API gateway's own codes come first: they mean the same on every service.
func classify(status int, code string) retry.Class {
	switch {
	// APIGW.0308 on the shared gateway of the cloud services, APIG.0308 on a
	// dedicated one: "the throttling threshold has been reached".
	case code == "APIGW.0308" || code == "APIG.0308" || status == 429:
		return retry.Throttled
	case status == 401 || status == 403:
		return retry.Auth
	case status == 404:
		return retry.NotFound
	case status == 409:
		return retry.Conflict
	// 408: the gateway timed out waiting for our request; nothing was done.
	case status >= 500 || status == 408:
		return retry.Transient
	case status >= 400:
		return retry.Invalid
	}
	return retry.Unknown
}
