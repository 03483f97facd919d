package huaweicloud

import (
	"encoding/json"
	"errors"
	"net"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"

	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
)

// wrap turns an SDK error into an *apierr.Error with its class.
func wrap(err error, service, action string) error {
	if err == nil {
		return nil
	}
	e := &apierr.Error{Cloud: cloudName, Service: service, Action: action, Err: err}
	var sre *sdkerr.ServiceResponseError
	var connErr *sdkerr.ConnectionError
	var timeoutErr *sdkerr.RequestTimeoutError
	var netErr net.Error
	switch {
	case errors.As(err, &sre):
		e.Status, e.Code, e.Message, e.RequestID = sre.StatusCode, sre.ErrorCode, sre.ErrorMessage, sre.RequestId
		if e.Code == "" {
			e.Code, e.Message = novaError(sre.ErrorMessage)
		}
		e.Class = classify(e.Status, e.Code)
	case errors.As(err, &connErr), errors.As(err, &timeoutErr), errors.As(err, &netErr):
		e.Class = retry.Transient
	default:
		// Includes context cancellation: the deadline is the caller's to enforce.
		e.Class = retry.Unknown
	}
	return e
}

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
	case code == "APIGW.0308" || status == 429:
		return retry.Throttled
	case status == 401 || status == 403:
		return retry.Auth
	case status == 404:
		return retry.NotFound
	case status == 409:
		return retry.Conflict
	case status >= 500:
		return retry.Transient
	case status >= 400:
		return retry.Invalid
	}
	return retry.Unknown
}
