// Package huaweicloud emulates the Huawei Cloud APIs the provider calls: the
// IAM project lookup, ECS's Nova-compatible server security group calls and
// VPC v3 ports and security groups. Requests must be signed with
// SDK-HMAC-SHA256 by a credential in the state; errors come back in the
// gateway's, Nova's or VPC's own format, as the real cloud answers.
package huaweicloud

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/emulator"
)

// Cloud is the emulated Huawei Cloud. It implements emulator.Cloud and is
// safe for concurrent use.
type Cloud struct {
	mu    sync.RWMutex
	state State
}

var _ emulator.Cloud = (*Cloud)(nil)

// New returns a Huawei Cloud with empty state.
func New() *Cloud {
	c := &Cloud{}
	c.state.normalize(time.Now())
	return c
}

// Name implements emulator.Cloud.
func (c *Cloud) Name() string { return "huaweicloud" }

// versionSegment matches the first path segment of every Huawei REST API:
// "v3", "v2.1", "v1.0".
var versionSegment = regexp.MustCompile(`^v\d+(\.\d+)?$`)

// Match claims AK/SK-signed requests and REST paths that start with an API
// version, so that unsigned calls still get the gateway's 401.
func (c *Cloud) Match(r *http.Request) bool {
	if strings.HasPrefix(r.Header.Get("Authorization"), algorithm+" ") || r.Header.Get(headerDate) != "" {
		return true
	}
	first, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	return versionSegment.MatchString(first)
}

// Identify implements emulator.Cloud. Unknown APIs have no service or action.
func (c *Cloud) Identify(r *http.Request, body []byte) (string, string) {
	rt, _ := lookup(r.Method, r.URL.Path)
	if rt == nil {
		return "", ""
	}
	if rt.action == "" {
		return rt.service, serverActionName(body)
	}
	return rt.service, rt.action
}

// Serve implements emulator.Cloud: route, authenticate, authorize the
// project, then answer.
func (c *Cloud) Serve(w http.ResponseWriter, r *http.Request, body []byte) {
	rp := newReply(w)
	rt, params := lookup(r.Method, r.URL.Path)
	if rt == nil {
		rp.apiError(http.StatusNotFound, codeNoSuchAPI, "The API does not exist or has not been published in the environment")
		return
	}

	err := verifySignature(r, body, time.Now(), func(ak string) (string, bool) {
		c.mu.RLock()
		defer c.mu.RUnlock()
		return c.state.secretKey(ak)
	})
	if errors.Is(err, errNoAuthorization) {
		rp.apiError(http.StatusUnauthorized, codeBadAuth, "Incorrect IAM authentication information: x-auth-token not found")
		return
	}
	if err != nil {
		rp.apiError(http.StatusUnauthorized, codeBadAuth, "Incorrect IAM authentication information: "+err.Error())
		return
	}

	if projectID, scoped := params["project_id"]; scoped {
		if msg := c.checkProject(projectID, r.Header.Get("X-Project-Id")); msg != "" {
			rp.apiError(http.StatusForbidden, codeForbidden, msg)
			return
		}
	}
	rt.handle(c, rp, &apiRequest{r: r, body: body, path: params})
}

// checkProject decides whether a signed request may act on the project in
// its path. The emulator has no account model, so it answers 403 APIGW.0302
// when the project does not exist, or when it differs from the signed
// X-Project-Id header (the project the SDK client is scoped to).
func (c *Cloud) checkProject(projectID, headerProjectID string) string {
	if headerProjectID != "" && headerProjectID != projectID {
		return fmt.Sprintf("The IAM user is not authorized to access the API: project %s in the URL does not match X-Project-Id %s", projectID, headerProjectID)
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.state.project(projectID) == nil {
		return fmt.Sprintf("The IAM user is not authorized to access the API: project %s does not exist", projectID)
	}
	return ""
}

// WriteFault implements emulator.Cloud with the API gateway's answers.
func (c *Cloud) WriteFault(w http.ResponseWriter, _ *http.Request, kind emulator.FaultKind) {
	rp := newReply(w)
	switch kind {
	case emulator.FaultThrottle:
		rp.apiError(http.StatusTooManyRequests, codeThrottled, "The throttling threshold has been reached: policy user over ratelimit")
	case emulator.FaultDrop:
		rp.apiError(http.StatusBadGateway, codeBackendError, "Bad gateway: the backend service returned no valid response")
	default:
		rp.apiError(http.StatusServiceUnavailable, codeBackendError, "Backend unavailable")
	}
}

var _ emulator.CodeWriter = (*Cloud)(nil)

// WriteErrorCode implements emulator.CodeWriter: a Nova fault name gets a
// Nova body, any other code the gateway's and VPC's format.
func (c *Cloud) WriteErrorCode(w http.ResponseWriter, _ *http.Request, status int, code string) {
	rp := newReply(w)
	if status == 0 {
		status = http.StatusBadRequest
	}
	msg := faultMessages[code]
	if msg == "" {
		msg = "Error " + code + " (answered by a fault rule)"
	}
	switch code {
	case novaBadRequest, novaNotFound, novaConflict:
		rp.novaError(status, code, msg)
	default:
		rp.apiError(status, code, msg)
	}
}

// faultMessages are the documented messages of codes fault rules answer.
var faultMessages = map[string]string{
	codeNoSuchAPI: "The API does not exist or has not been published in the environment",
	"APIG.0101":   "The API does not exist or has not been published in the environment",
}

// ErrorCodes is every error code the emulated Huawei Cloud answers of its
// own accord; the provider's table must document each one.
var ErrorCodes = []string{
	codeNoSuchAPI, codeBadAuth, codeForbidden, codeBackendError, codeThrottled,
	codePortNotFound, codeGroupNotFound, codeGroupBadArgument,
	novaBadRequest, novaNotFound, novaConflict, codeECSBadParameter,
}

// LoadState implements emulator.Cloud; emulator.DecodeState rejects unknown fields.
func (c *Cloud) LoadState(raw json.RawMessage) error {
	var s State
	if err := emulator.DecodeState(c.Name(), raw, &s); err != nil {
		return err
	}
	s.normalize(time.Now())
	if err := s.validate(); err != nil {
		return fmt.Errorf("huaweicloud state: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.state = s
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
// state. Objects it adds get the defaults a fixture would (lists, statuses,
// timestamps); their consistency is fn's responsibility.
func (c *Cloud) Mutate(fn func(*State)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fn(&c.state)
	c.state.normalize(time.Now())
}
