package tencentcloud

import (
	"errors"
	"fmt"
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
	e.Class = classify(action, e.Code, e.Status)
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
	case isEndpointCode(action, e.Code):
		e.Endpoint = endpoint
		e.Fix = fmt.Sprintf("Check tencentcloud.endpoints.%s and tencentcloud.region in the provider block (the call went to %s): "+
			"the answer %s says the %s API, its version or the region is not served there. This is not taken for \"not found\": "+
			"the object may still exist, so nothing was removed from the state.", service, endpoint, e.Code, strings.ToUpper(service))
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

// Where the codes are documented.
const (
	srcCommon = "Tencent Cloud API 3.0 Error Codes, Common Error Codes (the same list in every product's reference, e.g. https://tencentcloud.com/document/api/1227/61822, updated 2025-10-30), read 2026-12-01"
	srcVPC    = "tencentcloud-sdk-go tencentcloud/vpc/v20170312 errors.go and the per-action error lists in client.go, commit 144f6c8 (2026-08-21)"
	srcCVM    = "tencentcloud-sdk-go tencentcloud/cvm/v20170312 errors.go and the per-action error lists in client.go (AssociateSecurityGroups, DisassociateSecurityGroups, DescribeInstances), commit 144f6c8 (2026-08-21)"
	srcSDK    = "tencentcloud-sdk-go tencentcloud/common/errors and http (the SDK's own codes for a failure that is not an API answer)"
	srcPeer   = "tencentcloudstack/terraform-provider-tencentcloud tencentcloud/common/common.go retryableErrorCode (ResourceUnavailable; ResourceBusy for CBS)"
)

// Actions whose "not found" answers mean, on a destroy, that the object is gone.
var (
	groupActions   = []string{"DescribeSecurityGroups", "DeleteSecurityGroup", "DescribeSecurityGroupReferences", "DescribeSecurityGroupAssociationStatistics", "ModifySecurityGroupAttribute"}
	bindingActions = []string{"AssociateSecurityGroups", "DisassociateSecurityGroups", "DescribeInstances"}
	bindingWrites  = []string{"AssociateSecurityGroups", "DisassociateSecurityGroups"}
)

// Codes is every Tencent Cloud error code the provider acts on. classify
// decides from it and the HTTP-status fallbacks alone; a destroy calls only
// its action-bound NotFound entries "gone" (apierr.CodeTable.Gone).
var Codes = apierr.CodeTable{
	{Code: "RequestLimitExceeded*", Class: retry.Throttled, Does: "retried with backoff", Source: srcCommon},
	// The per-action rate limit, not a quota (LimitExceeded* below).
	{Code: "LimitExceeded.ActionLimited", Class: retry.Throttled, Does: "retried with backoff", Source: srcVPC},

	{Code: "AuthFailure*", Class: retry.Auth, Does: "fails at once naming the credential settings", Source: srcCommon},
	{Code: "UnauthorizedOperation*", Class: retry.Auth, Does: "fails at once: the key may not call this API", Source: srcCommon},

	{Code: codeNetworkError, Class: retry.Transient, Does: "retried with backoff; names tencentcloud.endpoints.<service> when it persists", Source: srcSDK},
	// Its class comes from the status it carries (the fallbacks of classify).
	{Code: codeHTTPStatusError, Class: retry.Unknown, Does: "a gateway's status: 5xx retried with backoff, 429 throttled, another 4xx is not the API (names the endpoint setting)", Source: srcSDK},
	{Code: codeParseJSONError, Class: retry.Invalid, Does: "not the API: fails at once naming the endpoint setting", Source: srcSDK},
	{Code: "InternalError*", Class: retry.Transient, Does: "retried with backoff", Source: srcCommon},
	{Code: "InternalServerError", Class: retry.Transient, Does: "retried with backoff", Source: srcCVM},
	{Code: "ServiceUnavailable*", Class: retry.Transient, Does: "retried with backoff", Source: srcCommon},

	// Another operation holds the object: retried until the timeout.
	{Code: "MutexOperation.TaskRunning", Class: retry.Busy, Does: "retried until the timeout (the same task is running)", Source: srcCVM},
	{Code: "OperationDenied.InstanceOperationInProgress", Class: retry.Busy, Does: "retried until the timeout", Source: srcCVM},
	{Code: "OperationDenied.MutexTaskRunning", Class: retry.Busy, Does: "retried until the timeout", Source: srcVPC},
	{Code: "UnsupportedOperation.MutexOperationTaskRunning", Class: retry.Busy, Does: "retried until the timeout", Source: srcVPC},
	{Code: "UnsupportedOperation.IdempotentProcessing", Class: retry.Busy, Does: "retried until the timeout", Source: srcVPC},
	{Code: "ResourceUnavailable*", Class: retry.Busy, Does: "retried until the timeout", Source: srcCommon + "; " + srcPeer},
	{Code: "ResourceBusy", Class: retry.Busy, Does: "retried until the timeout", Source: srcPeer},

	// The API, the version or the region is not served at the endpoint:
	// the setting is wrong, the object is not gone.
	{Code: "InvalidAction*", Class: retry.Invalid, WrongEndpoint: true, Does: "fails at once naming tencentcloud.endpoints.<service>", Source: srcCommon},
	{Code: "UnsupportedOperation.ActionNotFound", Class: retry.Invalid, WrongEndpoint: true, Does: "fails at once naming tencentcloud.endpoints.<service>", Source: srcVPC},
	{Code: "ActionOffline", Class: retry.Invalid, WrongEndpoint: true, Does: "fails at once naming tencentcloud.endpoints.<service>", Source: srcCommon},
	{Code: "NoSuchVersion", Class: retry.Invalid, WrongEndpoint: true, Does: "fails at once naming tencentcloud.endpoints.<service>", Source: srcCommon},
	{Code: "UnsupportedProtocol", Class: retry.Invalid, WrongEndpoint: true, Does: "fails at once naming tencentcloud.endpoints.<service>", Source: srcCommon},
	{Code: "UnsupportedRegion", Class: retry.Invalid, WrongEndpoint: true, Does: "fails at once naming tencentcloud.region and tencentcloud.endpoints.<service>", Source: srcCommon},

	// Gone: on a destroy only these, from the actions named, are success.
	{Code: "ResourceNotFound", Actions: groupActions, Class: retry.NotFound, Does: "group gone: refresh drops it with a warning, destroy succeeds", Source: srcVPC},
	{Code: "InvalidSecurityGroupID.NotFound", Actions: groupActions, Class: retry.NotFound, Does: "group gone: destroy succeeds", Source: srcVPC},
	{Code: "InvalidSecurityGroupId.NotFound", Actions: bindingActions, Class: retry.NotFound, Does: "group gone, so is the binding: destroy succeeds", Source: srcCVM},
	{Code: "InvalidInstanceId.NotFound", Actions: bindingActions, Class: retry.NotFound, Does: "instance gone, so is the binding: destroy succeeds; a forced delete lists again", Source: srcCVM},
	// Not found, but not a destroy's "gone" outside the actions above.
	{Code: "InvalidInstanceId.NotFound", Class: retry.NotFound, Does: "refresh: the instance is gone", Source: srcVPC},
	{Code: "ResourceNotFound*", Class: retry.NotFound, Does: "refresh: the object is gone", Source: srcCommon},
	{Code: "UnauthorizedOperation.AttachmentNotFound", Class: retry.NotFound, Does: "refresh: the binding is gone", Source: srcVPC},
	{Code: "InvalidParameterValue.ResourceNotFound", Class: retry.NotFound, Does: "refresh: the object is gone", Source: srcVPC},

	{Code: "ResourceInUse*", Class: retry.Conflict, Does: "fails at once; DeleteSecurityGroup right after a forced unbinding waits for it to propagate, until the timeout", Source: srcCommon + "; " + srcVPC},
	{Code: "FailedOperation.SecurityGroupInUse", Class: retry.Conflict, Does: "fails at once: the group is in use", Source: srcVPC},
	{Code: "InvalidParameterValue.BandwidthPackageInUse", Class: retry.Conflict, Does: "fails at once: in use", Source: srcVPC},
	{Code: "UnsupportedOperation.DuplicatePolicy", Class: retry.Conflict, Does: "fails at once: the rule already exists", Source: srcVPC},
	{Code: "UnsupportedOperation.AttachmentAlreadyExists", Class: retry.Conflict, Does: "fails at once: the binding already exists", Source: srcVPC},

	// Documented for both binding actions without a meaning; the provider
	// reads the instance before reporting it after a lost answer.
	{Code: "FailedOperation.SecurityGroupActionFailed", Actions: bindingWrites, Class: retry.Unknown, Does: "after a lost answer the instance is re-read: already so is our own success; else fails at once", Source: srcCVM},
	{Code: "SecGroupActionFailure", Actions: bindingWrites, Class: retry.Unknown, Does: "after a lost answer the instance is re-read: already so is our own success; else fails at once", Source: srcCVM},

	{Code: "InvalidParameter*", Class: retry.Invalid, Does: "fails at once: check the arguments", Source: srcCommon},
	{Code: "MissingParameter*", Class: retry.Invalid, Does: "fails at once", Source: srcCommon},
	{Code: "UnknownParameter*", Class: retry.Invalid, Does: "fails at once", Source: srcCommon},
	{Code: "LimitExceeded*", Class: retry.Invalid, Does: "fails at once: a quota is reached", Source: srcCommon},
	{Code: "InvalidFilter", Class: retry.Invalid, Does: "fails at once", Source: srcCVM},
	{Code: "InvalidInstanceId.Malformed", Class: retry.Invalid, Does: "fails at once", Source: srcCVM},
	{Code: "InvalidSecurityGroupId.Malformed", Class: retry.Invalid, Does: "fails at once (CVM documents InvalidSgId.Malformed; the emulator answers this spelling)", Source: srcCVM},
	{Code: "UnsupportedOperation", Class: retry.Invalid, Does: "fails at once (e.g. deleting the default group)", Source: srcVPC},
}

// classify maps an answer of action to a retry class: its entry in Codes,
// else the HTTP status a gateway in front of the API answered. The SDK
// flattens network errors, the caller's cancellation included, into
// ClientError.NetworkError; the retry loop stops by itself once the context ends.
func classify(action, code string, status int) retry.Class {
	switch {
	case status == 429:
		return retry.Throttled
	case status >= 500:
		return retry.Transient
	}
	if d, ok := Codes.Lookup(action, status, code); ok {
		return d.Class
	}
	return retry.Unknown
}

// gone reports whether err, on a destroy, means the object is absent.
func gone(err error) bool { return Codes.Gone(err) }

// isEndpointCode reports a code that names the endpoint, the API version or
// the region as wrong (the table's WrongEndpoint entries).
func isEndpointCode(action, code string) bool {
	d, ok := Codes.Lookup(action, 0, code)
	return ok && d.WrongEndpoint
}
