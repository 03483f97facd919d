package emulator

import (
	"cmp"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Record is one request in the log. Headers are never logged (the
// User-Agent, which carries no secret, aside), and parameters
// that carry signatures or tokens are redacted; the signature alone is kept,
// in Signature, so tests can prove it appears nowhere else.
type Record struct {
	Seq       int64             `json:"seq"`
	Time      time.Time         `json:"time"` // arrival
	Done      time.Time         `json:"done"` // answer written; with Time, shows which calls overlapped
	Cloud     string            `json:"cloud"`
	Service   string            `json:"service"`
	Action    string            `json:"action"`
	Method    string            `json:"method"`
	Path      string            `json:"path"`
	Params    map[string]string `json:"params,omitempty"`
	Body      string            `json:"body,omitempty"`
	Status    int               `json:"status"`
	ErrorCode string            `json:"error_code,omitempty"`
	Fault     FaultKind         `json:"fault,omitempty"`
	UserAgent string            `json:"user_agent,omitempty"`
	// Signature is the signature the request carried: the Signature of the
	// Authorization header (Huawei Cloud, Tencent Cloud) or the Signature
	// parameter (Alibaba Cloud). Unlike a token or a secret it is worthless
	// to a reader once the request's timestamp has passed, and tests search
	// terraform's and the provider's logs for it.
	Signature string `json:"signature,omitempty"`
}

// redacted replaces the value of a secret-bearing parameter in the log.
const redacted = "REDACTED"

// Requests returns a copy of the request log in arrival order.
func (s *Server) Requests() []Record {
	s.mu.Lock()
	out := make([]Record, len(s.log))
	copy(out, s.log)
	s.mu.Unlock()
	// Requests are logged when answered; concurrent ones may finish out of order.
	slices.SortFunc(out, func(a, b Record) int { return cmp.Compare(a.Seq, b.Seq) })
	return out
}

// ResetRequests empties the request log.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = nil
}

func (s *Server) record(rec Record) {
	rec.Done = time.Now().UTC()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = append(s.log, rec)
}

// isSecretParam reports whether a parameter carries a signature or a token:
// Alibaba's Signature and SecurityToken, Tencent's legacy Signature and Token.
func isSecretParam(name string) bool {
	n := strings.ToLower(name)
	return strings.Contains(n, "signature") || strings.Contains(n, "token") || strings.Contains(n, "secret")
}

// requestSignature is the signature a request carried, "" when none.
func requestSignature(r *http.Request, body []byte) string {
	if auth := r.Header.Get("Authorization"); auth != "" {
		for part := range strings.SplitSeq(auth, ",") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(part), "Signature="); ok {
				return v
			}
		}
	}
	if v := r.URL.Query().Get("Signature"); v != "" {
		return v
	}
	if form, ok := formBody(r, body); ok {
		return form.Get("Signature")
	}
	return ""
}

// loggedParams merges query and form parameters, redacting secrets. Repeated
// parameters are joined with commas.
func loggedParams(r *http.Request, body []byte) map[string]string {
	params := url.Values{}
	for k, v := range r.URL.Query() {
		params[k] = append(params[k], v...)
	}
	if form, ok := formBody(r, body); ok {
		for k, v := range form {
			params[k] = append(params[k], v...)
		}
	}
	if len(params) == 0 {
		return nil
	}
	out := make(map[string]string, len(params))
	for k, v := range params {
		if isSecretParam(k) {
			out[k] = redacted
			continue
		}
		out[k] = strings.Join(v, ",")
	}
	return out
}

// loggedBody is the raw body, except that form bodies are re-encoded with
// their secret parameters redacted.
func loggedBody(r *http.Request, body []byte) string {
	form, ok := formBody(r, body)
	if !ok {
		return string(body)
	}
	for k := range form {
		if isSecretParam(k) {
			form[k] = []string{redacted}
		}
	}
	return form.Encode()
}

func formBody(r *http.Request, body []byte) (url.Values, bool) {
	if len(body) == 0 {
		return nil, false
	}
	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mediaType != "application/x-www-form-urlencoded" {
		return nil, false
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, false
	}
	return form, true
}
