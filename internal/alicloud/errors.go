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
		e.Class = classify(action, e.Status, e.Code)
		if d, ok := Codes.Lookup(action, e.Status, e.Code); ok && d.WrongEndpoint {
			// The API is not served there: the endpoint setting is wrong.
			e.Endpoint, e.Fix = endpoint, apierr.EndpointFix(cloudName, service, endpoint)
		}
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

// classify maps an answer of action to a retry class: the documented code's
// entry in codes, else the HTTP status. A 404 whose code the table does not
// know is not "not found": only the documented gone codes of an API let a
// refresh drop a resource or a destroy call it done.
func classify(action string, status int, code string) retry.Class {
	if d, ok := Codes.Lookup(action, status, code); ok {
		return d.Class
	}
	switch {
	case status == 429:
		return retry.Throttled
	case status == 401:
		return retry.Auth
	case status >= 500:
		return retry.Transient
	case status == 404:
		return retry.Unknown
	case status >= 400:
		return retry.Invalid
	}
	return retry.Unknown
}

// Where the codes below are documented. Pages were read on 2026-12-01 unless
// a date says otherwise; "peer" is aliyun/terraform-provider-alicloud.
const (
	srcCommon      = "Alibaba Cloud OpenAPI common error codes, help.aliyun.com/document_detail/51132.html and /435312.html (client and server errors)"
	srcGateway     = "Alibaba Cloud API gateway error codes, help.aliyun.com/document_detail/48054.html (InvalidApi.NotFound, InvalidProduct.NotFound: 404 \"Specified api is not found, please check your url and method\")"
	srcPeerRetry   = "peer alicloud/errors.go NeedRetry (ServiceUnavailable, Rejected.Throttling, Throttling*)"
	srcPeerENI     = "peer alicloud/errors.go NetworkInterfaceInvalidOperations (InvalidOperation.InvalidEniState, InvalidOperation.InvalidEcsState, OperationConflict, ServiceUnavailable), retried by the ENI resources"
	srcJoin        = "ECS JoinSecurityGroup reference, alibabacloud.com/help/en/ecs/developer-reference/api-joinsecuritygroup (updated 2025-11-26), error table also at developer.aliyun.com/ask/209935"
	srcLeave       = "ECS LeaveSecurityGroup reference (updated 2024-03-19), api-docs/alicloud-ecs-leave-security-group.md"
	srcLeave2024   = "ECS LeaveSecurityGroup reference, help.aliyun.com/en/ecs/developer-reference/api-ecs-2014-05-26-leavesecuritygroup: since 2024-07-08 a member that is not in the group answers InvalidSecurityGroupAssociation.NotFound"
	srcECSRules    = "ECS AuthorizeSecurityGroupEgress / RevokeSecurityGroupEgress / ModifySecurityGroupEgressRule references (API 2014-05-26)"
	srcENSRules    = "ENS RevokeSecurityGroupEgress reference (updated 2024-07-26), api-docs/alicloud-ens-revoke-security-group-egress.md; ENS AuthorizeSecurityGroupEgress reference (updated 2024-11-18)"
	srcECSIdem     = "ECS ClientToken idempotence, error tables of ECS write APIs (403 LastTokenProcessing \"The last token request is processing\"); peer retries it (resource_alicloud_vpc_*.go)"
	srcMembers     = "ECS DescribeInstanceAttribute / DescribeNetworkInterfaceAttribute references; the same codes in the Join and Leave tables"
	srcPeerSlbBusy = "peer alicloud/errors.go SlbIsBusy and the VPC resources' retry lists (SystemBusy)"
)

// Actions whose answers the action-bound entries apply to.
var (
	revokeActions = []string{"RevokeSecurityGroupEgress"}
	ruleIDActions = []string{"RevokeSecurityGroupEgress", "ModifySecurityGroupEgressRule"}
	leaveActions  = []string{"LeaveSecurityGroup"}
)

// codes is every Alibaba Cloud (ECS and ENS) error code the provider acts
// on, and every code the emulator answers: classify decides from it alone,
// plus the HTTP-status fallbacks. A code that is not here is classified by
// its status only, so adding one means writing down where it is documented.
// Where the references disagree (LeaveSecurityGroup before and after
// 2024-07-08, ECS's two duplicate-rule codes), every documented answer is in.
var Codes = apierr.CodeTable{
	// Throttling: waited out, up to the operation's timeout.
	{Code: "Throttling*", Class: retry.Throttled, Does: "throttled: retried with backoff", Source: srcGateway + "; " + srcPeerRetry},
	{Code: "Rejected.Throttling", Class: retry.Throttled, Does: "throttled: retried with backoff", Source: srcPeerRetry},
	{Code: "ServiceUnavailable", Class: retry.Throttled, Does: "throttled (the service sheds load): retried with backoff", Source: srcCommon + " (503); " + srcPeerRetry},

	// Credentials: the error names the setting.
	{Code: "SignatureDoesNotMatch", Class: retry.Auth, Does: "error naming alicloud.secret_key", Source: srcCommon},
	{Code: "IncompleteSignature", Class: retry.Auth, Does: "error naming alicloud.secret_key", Source: srcCommon},
	{Code: "InvalidAccessKeyId*", Class: retry.Auth, Does: "error naming alicloud.access_key (InvalidAccessKeyId.NotFound is the key, not an object)", Source: srcCommon + "; " + srcGateway},
	{Code: "InvalidSecurityToken*", Class: retry.Auth, Does: "error naming alicloud.security_token", Source: "Alibaba Cloud STS: InvalidSecurityToken.Expired / .MismatchWithAccessKey / .Malformed, error center (error-center.aliyun.com, PopGw)"},
	{Code: "MissingSecurityToken", Class: retry.Auth, Does: "error naming alicloud.security_token", Source: "Alibaba Cloud STS common errors, error center (PopGw)"},
	{Code: "Forbidden.RAM", Class: retry.Auth, Does: "error: the RAM user lacks the permission", Source: srcCommon},
	{Code: "NoPermission", Class: retry.Auth, Does: "error: the RAM user lacks the permission", Source: srcENSRules},

	// The API is not served at the endpoint: a wrong alicloud.endpoints.<svc>,
	// never "not found" (a refresh would drop the resource, a destroy call it done).
	{Code: "InvalidAction*", Class: retry.Invalid, WrongEndpoint: true, Does: "error naming alicloud.endpoints.<svc>; never not found", Source: srcCommon + " (InvalidAction 403); 404 InvalidAction.NotFound \"Specified api is not found\" per the POP gateway (issue 16, and the Alibaba Cloud SDKs' error enums)"},
	{Code: "InvalidApi*", Class: retry.Invalid, WrongEndpoint: true, Does: "error naming alicloud.endpoints.<svc>; never not found", Source: srcGateway},
	{Code: "InvalidProduct.NotFound", Class: retry.Invalid, WrongEndpoint: true, Does: "error naming alicloud.endpoints.<svc>: no such product at that domain", Source: srcGateway},
	{Code: "InvalidVersion", Class: retry.Invalid, WrongEndpoint: true, Does: "error naming alicloud.endpoints.<svc>: the product there has no such API version", Source: "POP gateway \"Specified parameter Version is not valid.\" (error-center.aliyun.com/status/search?Keyword=InvalidVersion&source=PopGw); " + srcCommon + " (NoSuchVersion)"},

	// Busy: the object is in a state that does not allow the change yet;
	// retried until the operation's timeout.
	{Code: "IncorrectInstanceStatus*", Class: retry.Busy, Does: "busy: retried until the timeout", Source: srcLeave + " (403); " + srcJoin},
	{Code: "OperationConflict", Class: retry.Busy, Does: "busy (another operation on the object is running): retried until the timeout", Source: srcPeerENI},
	{Code: "LastTokenProcessing", Class: retry.Busy, Does: "busy (the first request with this ClientToken is still running): retried until the timeout", Source: srcECSIdem},
	{Code: "InvalidOperation.InvalidEniState", Class: retry.Busy, Does: "busy (the ENI is attaching or detaching): retried until the timeout, then an error with advice", Source: srcLeave + " (400); " + srcPeerENI},
	{Code: "InvalidOperation.InvalidEcsState", Class: retry.Busy, Does: "busy (the instance's state does not allow it yet): retried until the timeout", Source: "ECS ENI API error tables (400 InvalidOperation.InvalidEcsState); " + srcPeerENI},
	{Code: "SystemBusy", Class: retry.Busy, Does: "busy: retried until the timeout", Source: srcPeerSlbBusy},

	// Transient: the answer may have been lost after the write was carried
	// out; retried with backoff (a write's retry then meets "already so").
	{Code: "InternalError", Class: retry.Transient, Does: "transient: retried with backoff", Source: srcCommon + " (500)"},
	{Code: "RequestTimeout", Class: retry.Transient, Does: "transient (upstream timeout, the write may have landed): retried with backoff", Source: srcLeave + " (504)"},
	// ENS's two generic "calling the backend failed" answers say nothing of
	// the request: taken as a failure the call may have survived.
	{Code: "ens.interface.error", Class: retry.Transient, Does: "transient (ENS's backend call failed; the write may have landed): retried with backoff", Source: srcENSRules + " (400 \"An error occurred while calling the API\")"},
	{Code: "CallInterface", Class: retry.Transient, Does: "transient (ENS's backend call failed; the write may have landed): retried with backoff", Source: srcENSRules + " (400 \"Call Interface Happen Error\")"},

	// Gone: the object or relation does not exist. Read: warning and
	// removal from the state; destroy: success.
	{Code: "InvalidSecurityGroupId.NotFound", Class: retry.NotFound, Does: "the group is gone: read drops the resource, destroy succeeds (ECS answers 404, ENS 400)", Source: srcLeave + "; " + srcJoin + "; " + srcENSRules},
	{Code: "InvalidInstanceId.NotFound", Class: retry.NotFound, Does: "the instance is gone: read drops the association, destroy succeeds", Source: srcLeave + "; " + srcJoin + "; " + srcMembers},
	{Code: "InvalidEniId.NotFound", Class: retry.NotFound, Does: "the ENI is gone: read drops the association, destroy succeeds", Source: srcLeave + "; " + srcMembers},
	{Code: "InvalidSecurityGroupRule.RuleNotExist", Actions: ruleIDActions, Class: retry.NotFound, Does: "destroy: the rule is already gone, success (ECS since mid-2024)", Source: srcECSRules},
	{Code: "SecurityGroupRule.NotFound", Actions: revokeActions, Class: retry.NotFound, Does: "destroy: the rule is already gone, success", Source: srcENSRules},
	{Code: "InstanceNotInSecurityGroup", Status: 403, Actions: leaveActions, Class: retry.NotFound, Does: "destroy: the member is not in the group, success (the answer before 2024-07-08)", Source: srcLeave},
	{Code: "InvalidSecurityGroupAssociation.NotFound", Status: 400, Actions: leaveActions, Class: retry.NotFound, Does: "destroy: the member is not in the group, success (the answer since 2024-07-08)", Source: srcLeave2024},

	// Already so: refused with the import hint, or taken as our own write
	// after a lost answer.
	{Code: "SecurityGroupRuleConflict.Duplicated", Class: retry.Conflict, Does: "create: the rule exists, error with the import command; after a lost answer, our own rule", Source: srcENSRules},
	{Code: "InvalidPermission.Duplicate", Class: retry.Conflict, Does: "create: the rule exists (ECS's older answer), error with the import command", Source: srcECSRules + " (before the duplicate rule became a success)"},
	{Code: "InvalidInstanceId.AlreadyExists", Status: 403, Class: retry.Conflict, Does: "create: after a lost answer, our own Join (success); the association's create reads first, so otherwise never met", Source: srcJoin + "; peer alicloud/errors.go InvalidInstanceIdAlreadyExists"},
	{Code: "DependencyViolation", Class: retry.Conflict, Does: "error: the object is in use", Source: "peer alicloud/errors.go SgDependencyViolation"},

	// Refusals no retry can change: an error at once, with advice where the
	// resource has some.
	{Code: "InstanceLastSecurityGroup", Class: retry.Invalid, Does: "destroy: error with what to do, or with keep_last_group a warning", Source: srcLeave},
	{Code: "InvalidOperation.AtLeastInOneGroup", Class: retry.Invalid, Does: "destroy: error with what to do, or with keep_last_group a warning", Source: srcLeave},
	{Code: "InstanceLockedForSecurity", Class: retry.Invalid, Does: "error with advice (the instance's OperationLocks)", Source: srcLeave + "; " + srcJoin},
	{Code: "InvalidOperation.ResourceManagedByCloudProduct", Class: retry.Invalid, Does: "error with advice (change it through the managing product)", Source: srcLeave},
	{Code: "InvalidOperation.EniServiceManaged", Class: retry.Invalid, Does: "error with advice", Source: srcLeave},
	{Code: "InvalidOperation.InvalidEniType", Class: retry.Invalid, Does: "error with advice", Source: srcLeave},
	{Code: "InvalidInstanceId.Mismatch", Class: retry.Invalid, Does: "create: error, the instance and the group are in different VPCs", Source: srcJoin + " (400)"},
	{Code: "InstanceSecurityGroupLimitExceeded", Class: retry.Invalid, Does: "create: error, the member is in as many groups as its quota allows", Source: srcJoin + " (400)"},
	{Code: "SecurityGroupInstanceLimitExceeded", Class: retry.Invalid, Does: "create: error, the group holds as many instances as it may", Source: srcJoin + " (403)"},
	{Code: "AuthorizationLimitExceed", Class: retry.Invalid, Does: "create: error with the group's rule count and what to do", Source: srcENSRules + "; " + srcECSRules},
	{Code: "InvalidParam*", Class: retry.Invalid, Does: "error: a parameter was refused (InvalidParam.*.Conflict is the request's fault, not an object's); advice names the arguments", Source: srcLeave + " (403 InvalidParam.Malformed, InvalidParam.EniIdAndInstanceId.Conflict)"},
	{Code: "InvalidInstanceIds.*", Class: retry.Invalid, Does: "error: DescribeInstances refused the InstanceIds list (malformed, or over 100 IDs, which the batch reads never send)", Source: "ECS DescribeInstances error codes (400 InvalidInstanceIds.Malformed, InvalidInstanceIds.ValueNotSupported), read 2026-12-01"},
	{Code: "InvalidParameter", Class: retry.Invalid, Does: "error: the request is invalid (ENS's generic refusal of a value; retrying cannot help)", Source: srcENSRules + " (400 \"The errorMessage is %s\"); " + srcCommon},
	{Code: "MissingParameter*", Class: retry.Invalid, Does: "error: a parameter is missing (MissingParameter.RegionId: set the region)", Source: srcLeave + "; " + srcCommon},
	{Code: "InvalidInstanceId.Malformed", Class: retry.Invalid, Does: "error: not an instance ID", Source: srcLeave + " (400)"},
	{Code: "InvalidTimeStamp*", Class: retry.Invalid, Does: "error: the request's time is off (check the clock)", Source: srcGateway},
	{Code: "SignatureNonceUsed", Class: retry.Invalid, Does: "error: a replayed request (each call signs a new nonce)", Source: srcGateway},
	{Code: "UnsupportedHTTPMethod", Class: retry.Invalid, Does: "error: the SDK sent a method the API refuses", Source: srcCommon},
}
