// Package alicloud emulates the Alibaba Cloud RPC APIs the provider calls
// (ECS 2014-05-26 and ENS 2017-11-10). Parameters come in the query string or
// a form body, signed with HMAC-SHA1 (signature version 1.0) by a credential
// in the state; answers are JSON with a RequestId, and errors carry
// {RequestId, HostId, Code, Message, Recommend} with the HTTP status of each
// API's error table.
package alicloud

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/emulator"
)

// API versions, which tell the two products apart on one endpoint.
const (
	versionECS = "2014-05-26"
	versionENS = "2017-11-10"
)

var serviceByVersion = map[string]string{versionECS: "ecs", versionENS: "ens"}

// Cloud is the emulated Alibaba Cloud. It implements emulator.Cloud and is
// safe for concurrent use.
type Cloud struct {
	mu     sync.Mutex
	state  State
	nonces map[string]time.Time // SignatureNonce → first use, to refuse replays
}

var (
	_ emulator.Cloud = (*Cloud)(nil)
)

// New returns an Alibaba Cloud with empty state.
func New() *Cloud {
	c := &Cloud{nonces: map[string]time.Time{}}
	c.state.normalize()
	return c
}

// Name implements emulator.Cloud.
func (c *Cloud) Name() string { return "alicloud" }

// Match claims RPC calls: an Action parameter in the query string or form
// body, and none of Tencent's API 3.0 headers.
func (c *Cloud) Match(r *http.Request) bool {
	if r.Header.Get("X-TC-Action") != "" {
		return false
	}
	return r.URL.Query().Get("Action") != "" || strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded")
}

// Identify implements emulator.Cloud: the service comes from the API version.
func (c *Cloud) Identify(r *http.Request, body []byte) (string, string) {
	params := rpcParams(r, body)
	return serviceByVersion[params.Get("Version")], params.Get("Action")
}

// rpcParams merges the query string and a form body; both are signed.
func rpcParams(r *http.Request, body []byte) url.Values {
	params := r.URL.Query()
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "application/x-www-form-urlencoded" && len(body) > 0 {
		if form, err := url.ParseQuery(string(body)); err == nil {
			for k, vs := range form {
				params[k] = append(params[k], vs...)
			}
		}
	}
	return params
}

// Request is one authenticated RPC call, as handlers see it.
type Request struct {
	Service string
	Action  string
	// Region is the RegionId parameter ("" when the caller sent none).
	Region string
	Params url.Values
}

// Get returns a parameter ("" when absent).
func (rq *Request) Get(name string) string { return rq.Params.Get(name) }

// Has reports whether a parameter was sent, even empty.
func (rq *Request) Has(name string) bool { return rq.Params.Has(name) }

// Error is an RPC error answer.
type Error struct {
	Status  int
	Code    string
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

// Errorf builds an error answer.
func Errorf(status int, code, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// handler serves one action on the state, which the caller has locked. It
// returns the answer's fields; Serve adds the RequestId.
type handler func(s *State, rq *Request) (map[string]any, *Error)

// Serve implements emulator.Cloud: authenticate, route, answer.
func (c *Cloud) Serve(w http.ResponseWriter, r *http.Request, body []byte) {
	params := rpcParams(r, body)
	service := serviceByVersion[params.Get("Version")]
	hostID := service + ".aliyuncs.com"
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		writeError(w, hostID, Errorf(http.StatusBadRequest, "UnsupportedHTTPMethod", "This http method is not supported."))
		return
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	if _, authErr := verify(r.Method, params, now, c.state.secret); authErr != nil {
		writeError(w, hostID, authErr)
		return
	}
	if c.replayed(params.Get("SignatureNonce"), now) {
		writeError(w, hostID, Errorf(http.StatusBadRequest, "SignatureNonceUsed", "Specified signature nonce was used already."))
		return
	}
	if service == "" {
		writeError(w, "aliyuncs.com", Errorf(http.StatusBadRequest, "InvalidVersion", "Specified parameter Version is not valid."))
		return
	}
	h := actions[service][params.Get("Action")]
	if h == nil {
		writeError(w, hostID, Errorf(http.StatusNotFound, "InvalidAction.NotFound", "Specified api is not found, please check your url and method."))
		return
	}
	out, apiErr := h(&c.state, &Request{Service: service, Action: params.Get("Action"), Region: params.Get("RegionId"), Params: params})
	if apiErr != nil {
		writeError(w, hostID, apiErr)
		return
	}
	if out == nil {
		out = map[string]any{}
	}
	out["RequestId"] = newRequestID()
	writeJSON(w, http.StatusOK, out)
}

// replayed records a nonce and reports whether it was seen within the
// timestamp window; older nonces are forgotten, as their requests would be
// refused as expired anyway.
func (c *Cloud) replayed(nonce string, now time.Time) bool {
	for n, t := range c.nonces {
		if now.Sub(t) > 2*maxClockSkew {
			delete(c.nonces, n)
		}
	}
	if _, seen := c.nonces[nonce]; seen {
		return true
	}
	c.nonces[nonce] = now
	return false
}

// WriteFault implements emulator.Cloud with the gateway's answers.
func (c *Cloud) WriteFault(w http.ResponseWriter, r *http.Request, kind emulator.FaultKind) {
	hostID := serviceByVersion[r.URL.Query().Get("Version")] + ".aliyuncs.com"
	switch kind {
	case emulator.FaultThrottle:
		writeError(w, hostID, Errorf(http.StatusBadRequest, "Throttling.User", "Request was denied due to user flow control."))
	case emulator.FaultDrop:
		writeError(w, hostID, Errorf(http.StatusGatewayTimeout, "RequestTimeout", "The request encounters an upstream server timeout."))
	default:
		writeError(w, hostID, Errorf(http.StatusInternalServerError, "InternalError", "The request processing has failed due to some unknown error, exception or failure."))
	}
}

var _ emulator.CodeWriter = (*Cloud)(nil)

// faultMessages are the documented messages of the codes tests inject.
var faultMessages = map[string]string{
	"InvalidAction.NotFound":     "Specified api is not found, please check your url and method.",
	"InstanceNotInSecurityGroup": "The instance not in the group.",
}

// WriteErrorCode implements emulator.CodeWriter: a fault rule's code in the
// RPC error format (status 0: 400, the usual status of a refused request).
func (c *Cloud) WriteErrorCode(w http.ResponseWriter, r *http.Request, status int, code string) {
	if status == 0 {
		status = http.StatusBadRequest
	}
	msg := faultMessages[code]
	if msg == "" {
		msg = "Error " + code + " (answered by a fault rule)."
	}
	writeError(w, serviceByVersion[r.URL.Query().Get("Version")]+".aliyuncs.com", Errorf(status, code, "%s", msg))
}

// LoadState implements emulator.Cloud; emulator.DecodeState rejects unknown fields.
func (c *Cloud) LoadState(raw json.RawMessage) error {
	var s State
	if err := emulator.DecodeState(c.Name(), raw, &s); err != nil {
		return err
	}
	s.normalize()
	if err := s.validate(); err != nil {
		return fmt.Errorf("alicloud state: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.state = s
	return nil
}

// DumpState implements emulator.Cloud.
func (c *Cloud) DumpState() (json.RawMessage, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return json.Marshal(c.state)
}

// State returns a deep copy of the current state.
func (c *Cloud) State() State {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state.Clone()
}

// Mutate changes the state out of band (as another user of the account
// would), under the cloud's lock. fn must not keep references into the state.
func (c *Cloud) Mutate(fn func(*State)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fn(&c.state)
	c.state.normalize()
}
