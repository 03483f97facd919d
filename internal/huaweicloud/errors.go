package huaweicloud

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
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
		e.Class = classify(action, e.Status, e.Code)
		switch {
		case isEndpointCode(action, e.Status, e.Code):
			e.Endpoint, e.Fix = endpoint, noSuchAPIFix(service, endpoint, e.Code)
		case e.Code == "conflictingRequest" && e.Status == 409:
			// Nova's only 409 on these actions: a name several groups share.
			e.Fix = "The security group name matches several groups in the project: set security_group to the ID of the one you mean."
		}
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

// noSuchAPIFix says what to change when the gateway knows no such API: the
// endpoint or the region, whose public endpoint lacks the service.
func noSuchAPIFix(service, endpoint, code string) string {
	where := endpoint
	if where == "" {
		where = "the region's public endpoint"
	}
	return fmt.Sprintf("Check huaweicloud.endpoints.%s and the region (huaweicloud.region, or the resource's region) in the provider block: "+
		"the API gateway at %s answered %s, that it publishes no such API there. This is not taken for \"not found\": "+
		"the object may still exist, so nothing was removed from the state.", service, where, code)
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

// Where the codes are documented.
const (
	srcAPIGW = "API Request Signing Guide, Error Codes (APIGW.*), issue 01 of 2021-07-27, read 2026-12-01"
	srcAPIG  = "API Gateway user guide, Error Codes (APIG.*), https://support.huaweicloud.com/intl/en-us/usermanual-apig/apig-ug-180530090.html, updated 2023-05-06, read 2026-12-01"
	srcNova  = "openstack/nova nova/network/security_group_api.py (add_to_instance, remove_from_instance) and nova/api/openstack/compute/security_groups.py; Huawei ECS API reference, Nova-compatible server actions, Returned Values for General Requests"
	srcVPC   = "Huawei VPC API reference, Error Codes, https://support.huaweicloud.com/intl/en-us/api-vpc/vpc_api_0003.html, updated 2024-03-05, read 2026-12-01"
	srcPeer  = "huaweicloud/terraform-provider-huaweicloud huaweicloud/utils/utils.go CheckForRetryableError (409, 500 and 503 are retried)"
)

// The VPC v3 port actions, as the provider names them in its errors.
var portWrites = []string{"AddSecurityGroups", "RemoveSecurityGroups"}

// Codes is every Huawei Cloud error code the provider acts on. classify
// decides from it and the HTTP-status fallbacks alone; a destroy calls only
// its action-bound NotFound entries "gone" (apierr.CodeTable.Gone).
var Codes = apierr.CodeTable{
	// The API gateways, shared (APIGW) and dedicated (APIG), in front of every service.
	{Code: "APIGW.0308", Class: retry.Throttled, Does: "retried with backoff (throttling threshold reached)", Source: srcAPIGW},
	{Code: "APIG.0308", Class: retry.Throttled, Does: "retried with backoff (throttling threshold reached)", Source: srcAPIG},
	{Code: "APIGW.0301", Class: retry.Auth, Does: "fails at once naming the access key and the secret key", Source: srcAPIGW},
	{Code: "APIG.0301", Class: retry.Auth, Does: "fails at once naming the access key and the secret key", Source: srcAPIG},
	{Code: "APIGW.0302", Class: retry.Auth, Does: "fails at once: the credentials may not act on this project", Source: srcAPIGW},
	// "The API does not exist or has not been published in the environment":
	// a wrong endpoint or region, never the object's absence.
	{Code: "APIGW.0101", Status: 404, Class: retry.Invalid, WrongEndpoint: true, Does: "fails at once naming huaweicloud.endpoints.<service> and the region; a refresh keeps the resource, a destroy fails", Source: srcAPIGW},
	{Code: "APIG.0101", Status: 404, Class: retry.Invalid, WrongEndpoint: true, Does: "fails at once naming huaweicloud.endpoints.<service> and the region; a refresh keeps the resource, a destroy fails", Source: srcAPIG},
	// APIGW.0201 is a backend failure (5xx); the dedicated gateway also uses
	// APIG.0201 for a bad request (400) and a body too large (413).
	{Code: "APIGW.0201", Class: retry.Transient, Does: "retried with backoff (the backend failed or its answer was lost)", Source: srcAPIGW},
	{Code: "APIG.0201", Status: 400, Class: retry.Invalid, Does: "fails at once (invalid request parameters)", Source: srcAPIG},
	{Code: "APIG.0201", Status: 413, Class: retry.Invalid, Does: "fails at once (request entity too large)", Source: srcAPIG},

	// ECS v1 (cloudservers): ListServersDetails refuses more than 100
	// server_id values, which the batch reads never send.
	{Code: "Ecs.0005", Status: 400, Class: retry.Invalid, Does: "fails at once (a parameter of ListServersDetails is invalid)", Source: "Huawei Cloud ECS API reference, Error Codes (Ecs.0005 \"Invalid parameter\"), read 2026-12-01"},

	// Nova (ECS server actions): the fault name is the code.
	// Reads go through ListServersDetails and ListPorts, which list a missing
	// server or port as absent (not found) rather than answer a code.
	{Code: "itemNotFound", Status: 404, Actions: []string{"addSecurityGroup", "removeSecurityGroup"},
		Class: retry.NotFound, Does: "server gone, or (removeSecurityGroup, upstream Nova) the group is not on the server: destroy succeeds", Source: srcNova},
	{Code: "badRequest", Status: 400, Class: retry.Invalid, Does: "fails at once; after a lost answer, or on destroy, the server's list decides (older Nova answers 400 for a group already on or not on the server)", Source: srcNova},
	{Code: "conflictingRequest", Status: 409, Actions: []string{"addSecurityGroup", "removeSecurityGroup"},
		Class: retry.Conflict, Does: "fails at once: the group name matches several groups, use its ID", Source: srcNova},

	// VPC v3: every 404 the VPC table lists is a missing object (VPC.0003,
	// VPC.0603, ...); it has no row for a missing port, whose code the
	// emulator guesses as VPC.2502, so any VPC 404 on the port calls is accepted.
	{Code: "VPC.*", Status: 404, Actions: []string{"AddSecurityGroups", "RemoveSecurityGroups"},
		Class: retry.NotFound, Does: "port (or group) gone: destroy succeeds", Source: srcVPC},
	{Code: "VPC.0601", Status: 400, Class: retry.Invalid, Does: "fails at once (invalid security group parameters)", Source: srcVPC},
	// A port being updated by another request: retried until the timeout.
	{Code: "VPC.*", Status: 409, Actions: portWrites, Class: retry.Busy, Does: "retried until the timeout (the port is being changed by another request)", Source: srcPeer},
}

// isEndpointCode reports an answer that says the gateway publishes no such
// API at the endpoint (the table's WrongEndpoint entries).
func isEndpointCode(action string, status int, code string) bool {
	d, ok := Codes.Lookup(action, status, code)
	return ok && d.WrongEndpoint
}

// classify maps an answer of action to a retry class: its entry in Codes,
// else its HTTP status.
func classify(action string, status int, code string) retry.Class {
	if d, ok := Codes.Lookup(action, status, code); ok {
		return d.Class
	}
	switch {
	case status == 429:
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

// gone reports whether err, on a destroy, means the object is absent.
func gone(err error) bool { return Codes.Gone(err) }
