// Package tencentcloud emulates the Tencent Cloud API 3.0 calls the provider
// makes: VPC security groups (with their instance bindings and the rule
// references between groups), CVM instances and their security groups, and
// the tag service. Requests are POSTed JSON with X-TC-Action, X-TC-Version
// and X-TC-Region, signed with TC3-HMAC-SHA256 by a credential in the state;
// every answer is HTTP 200 with {"Response":{...,"RequestId":...}}, errors
// included, as the real API answers.
package tencentcloud

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/emulator"
)

// Cloud is the emulated Tencent Cloud. It implements emulator.Cloud and is
// safe for concurrent use.
type Cloud struct {
	mu    sync.RWMutex
	state State
	// unbinding holds, per group, the instances DisassociateSecurityGroups
	// unbound and until when the VPC still counts them (UnbindPropagationMS).
	unbinding map[string]map[string]time.Time
}

var _ emulator.Cloud = (*Cloud)(nil)

// New returns a Tencent Cloud with empty state.
func New() *Cloud {
	c := &Cloud{}
	c.state.normalize(time.Now())
	return c
}

// Name implements emulator.Cloud.
func (c *Cloud) Name() string { return "tencentcloud" }

// Match claims API 3.0 requests: they name their action in X-TC-Action or
// carry a TC3 signature, so unsigned calls still get the API's own error.
func (c *Cloud) Match(r *http.Request) bool {
	return r.Header.Get(headerAction) != "" || strings.HasPrefix(r.Header.Get("Authorization"), algorithm+" ")
}

// Identify implements emulator.Cloud: the service comes from the signature's
// credential scope, the action from X-TC-Action.
func (c *Cloud) Identify(r *http.Request, _ []byte) (string, string) {
	return serviceOf(r), r.Header.Get(headerAction)
}

// apiRequest is an authenticated request to one action.
type apiRequest struct {
	service, action, region string
	body                    []byte
}

// apiError is an error answer: the API's code and message.
type apiError struct {
	code, message string
}

func errorf(code, format string, args ...any) *apiError {
	return &apiError{code: code, message: fmt.Sprintf(format, args...)}
}

// handler serves one action; its answer's fields go into Response.
type handler func(c *Cloud, req *apiRequest) (map[string]any, *apiError)

type action struct {
	handle   handler
	regional bool // needs X-TC-Region
}

// services are the versions and actions the emulator serves.
var services = map[string]struct {
	version string
	actions map[string]action
}{
	"vpc": {"2017-03-12", map[string]action{
		"CreateSecurityGroup":                        {(*Cloud).createSecurityGroup, true},
		"DescribeSecurityGroups":                     {(*Cloud).describeSecurityGroups, true},
		"ModifySecurityGroupAttribute":               {(*Cloud).modifySecurityGroupAttribute, true},
		"DeleteSecurityGroup":                        {(*Cloud).deleteSecurityGroup, true},
		"DescribeSecurityGroupReferences":            {(*Cloud).describeSecurityGroupReferences, true},
		"DescribeSecurityGroupAssociationStatistics": {(*Cloud).describeSecurityGroupAssociationStatistics, true},
	}},
	"cvm": {"2017-03-12", map[string]action{
		"DescribeInstances":          {(*Cloud).describeInstances, true},
		"AssociateSecurityGroups":    {(*Cloud).associateSecurityGroups, true},
		"DisassociateSecurityGroups": {(*Cloud).disassociateSecurityGroups, true},
	}},
	"tag": {"2018-08-13", map[string]action{
		"ModifyResourceTags": {(*Cloud).modifyResourceTags, false},
	}},
}

// Serve implements emulator.Cloud: authenticate, route by service and
// action, check version and region, then answer.
func (c *Cloud) Serve(w http.ResponseWriter, r *http.Request, body []byte) {
	rp := newReply(w)
	if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		rp.error(errorf("UnsupportedProtocol", "The emulator serves API 3.0 as POST with a JSON body only."))
		return
	}
	service, err := verifySignature(r, body, time.Now(), func(id string) (string, bool) {
		c.mu.RLock()
		defer c.mu.RUnlock()
		return c.state.secretKey(id)
	})
	if err != nil {
		var ae *authError
		if errors.As(err, &ae) {
			rp.error(&apiError{ae.code, ae.message})
		} else {
			rp.error(errorf("AuthFailure", "%s", err))
		}
		return
	}
	svc, ok := services[service]
	if !ok {
		rp.error(errorf("InvalidAction", "The service %q is not served here.", service))
		return
	}
	name := r.Header.Get(headerAction)
	act, ok := svc.actions[name]
	if !ok {
		rp.error(errorf("InvalidAction", "The requested action %q does not exist.", name))
		return
	}
	if v := r.Header.Get(headerVersion); v != svc.version {
		rp.error(errorf("NoSuchVersion", "The requested version %q of service %s does not exist.", v, service))
		return
	}
	region := r.Header.Get(headerRegion)
	if act.regional {
		if region == "" {
			rp.error(errorf("MissingParameter", "The request is missing the required parameter `Region`."))
			return
		}
		c.mu.RLock()
		known := c.state.hasRegion(region)
		c.mu.RUnlock()
		if !known {
			rp.error(errorf("UnsupportedRegion", "The %s service does not support region %s.", service, region))
			return
		}
	}
	if !json.Valid(body) || !bytes.HasPrefix(bytes.TrimSpace(body), []byte("{")) {
		rp.error(errorf("InvalidParameter", "The request body is not a JSON object."))
		return
	}
	out, apiErr := act.handle(c, &apiRequest{service: service, action: name, region: region, body: body})
	if apiErr != nil {
		rp.error(apiErr)
		return
	}
	rp.ok(out)
}

// WriteFault implements emulator.Cloud with the API's own answers: throttling
// is RequestLimitExceeded in an HTTP 200 body, a backend failure is
// InternalError; a lost answer is the gateway's 502.
func (c *Cloud) WriteFault(w http.ResponseWriter, _ *http.Request, kind emulator.FaultKind) {
	rp := newReply(w)
	switch kind {
	case emulator.FaultThrottle:
		rp.error(errorf("RequestLimitExceeded", "Your current request times equals to `10` in a second, which exceeds the frequency limit `10` for a second. Please reduce the frequency of calls."))
	case emulator.FaultDrop:
		// A JSON body without Error: the SDK then reports the status
		// (ClientError.HttpStatusCodeError), which the provider retries.
		emulator.ReportErrorCode(w, "BadGateway")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte(`{"message":"502 Bad Gateway: the backend's answer was lost"}` + "\n"))
	default:
		rp.error(errorf("InternalError", "An internal error has occurred. Retry your request, but if the problem persists, contact us."))
	}
}

var _ emulator.CodeWriter = (*Cloud)(nil)

// WriteErrorCode implements emulator.CodeWriter with the API's own error
// answer (HTTP 200 whatever status the rule names: the API has no other).
func (c *Cloud) WriteErrorCode(w http.ResponseWriter, _ *http.Request, _ int, code string) {
	newReply(w).error(errorf(code, "Error %s (answered by a fault rule).", code))
}

// ErrorCodes is every error code the emulated Tencent Cloud answers of its
// own accord; the provider's table must document each one. (A lost answer
// is a 502 without a code, which the SDK reports as
// ClientError.HttpStatusCodeError.)
var ErrorCodes = []string{
	"AuthFailure", "AuthFailure.InvalidAuthorization", "AuthFailure.SecretIdNotFound", "AuthFailure.SignatureExpire", "AuthFailure.SignatureFailure",
	"UnsupportedProtocol", "InvalidAction", "NoSuchVersion", "MissingParameter", "UnsupportedRegion", "InvalidParameter", "UnknownParameter",
	"RequestLimitExceeded", "InternalError",
	"InvalidParameter.Coexist", "InvalidParameterValue", "InvalidParameterValue.Range", "InvalidParameterValue.Malformed",
	"InvalidParameterValue.FilterNotSupported", "InvalidParameterValue.LimitExceeded", "InvalidParameterValue.ResourceDescriptionError",
	"InvalidParameterValue.TagKeyEmpty", "InvalidParameterCoexistInstanceIdsFilters", "LimitExceeded", "LimitExceeded.AssociateUSGLimitExceeded",
	"ResourceNotFound", "ResourceInUse", "UnsupportedOperation", "InvalidFilter", "InvalidInstanceId.Malformed", "InvalidInstanceId.NotFound",
	"InvalidSecurityGroupId.Malformed", "InvalidSecurityGroupId.NotFound",
}

// LoadState implements emulator.Cloud; emulator.DecodeState rejects unknown fields.
func (c *Cloud) LoadState(raw json.RawMessage) error {
	var s State
	if err := emulator.DecodeState(c.Name(), raw, &s); err != nil {
		return err
	}
	s.normalize(time.Now())
	if err := s.validate(); err != nil {
		return fmt.Errorf("tencentcloud state: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.state = s
	c.unbinding = nil
	return nil
}

// DumpState implements emulator.Cloud.
func (c *Cloud) DumpState() (json.RawMessage, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return json.Marshal(c.state)
}

// State returns a deep copy of the current state.
func (c *Cloud) State() State {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.state.Clone()
}

// Mutate changes the state out of band (as another user of the account
// would), under the cloud's lock. fn must not keep references into the
// state; objects it adds get the defaults a fixture would.
func (c *Cloud) Mutate(fn func(*State)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fn(&c.state)
	c.state.normalize(time.Now())
}

// reply writes one answer, always HTTP 200 JSON with a RequestId.
type reply struct {
	w         http.ResponseWriter
	requestID string
}

func newReply(w http.ResponseWriter) reply {
	return reply{w: w, requestID: newUUID()}
}

func (rp reply) ok(fields map[string]any) {
	if fields == nil {
		fields = map[string]any{}
	}
	fields["RequestId"] = rp.requestID
	rp.write(fields)
}

func (rp reply) error(e *apiError) {
	emulator.ReportErrorCode(rp.w, e.code)
	rp.write(map[string]any{"Error": map[string]string{"Code": e.code, "Message": e.message}, "RequestId": rp.requestID})
}

func (rp reply) write(response map[string]any) {
	rp.w.Header().Set("Content-Type", "application/json")
	rp.w.WriteHeader(http.StatusOK)
	_ = json.NewEncoder(rp.w).Encode(map[string]any{"Response": response})
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// newID returns prefix-xxxxxxxx, the shape of Tencent Cloud object IDs.
func newID(prefix string) string {
	const alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
	var b [8]byte
	_, _ = rand.Read(b[:])
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return prefix + "-" + string(b[:])
}

// decode reads an action's parameters strictly, as the API does: an unknown
// parameter is UnknownParameter, a value of the wrong type InvalidParameter.
func decode(body []byte, v any) *apiError {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		return nil
	}
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &te):
		return errorf("InvalidParameter", "The type of parameter `%s` is wrong: got a JSON %s.", te.Field, te.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field"):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return errorf("UnknownParameter", "The parameter `%s` is not recognized.", field)
	}
	return errorf("InvalidParameter", "The request parameters are malformed: %s.", err)
}

// beijing is the time zone the API writes its timestamps in.
var beijing = time.FixedZone("CST", 8*3600)

// apiTime formats a time as the API does: "2006-01-02 15:04:05", Beijing time.
func apiTime(t time.Time) string { return t.In(beijing).Format(time.DateTime) }

func (s *State) hasRegion(region string) bool {
	for _, r := range s.Regions {
		if r == region {
			return true
		}
	}
	return false
}
