// Package emulator serves local stand-ins for cloud APIs. Each emulated cloud
// speaks its real wire protocol and verifies real request signatures, so the
// unmodified cloud SDKs (and the provider built on them) can be tested offline.
//
// The Server routes every request to the first Cloud whose Match accepts it,
// records it in a request log, and can inject latency, throttling, server
// errors and lost answers through fault rules. Paths under /_emulator/ form a
// small admin API for tests and scripts.
package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Cloud is one emulated cloud. Per-cloud packages implement it.
type Cloud interface {
	// Name is the cloud's key in the state document and the request log.
	Name() string
	// Match reports whether the request speaks this cloud's protocol.
	Match(r *http.Request) bool
	// Identify names the service and action a request calls, before it is
	// served, for the log and for per-action fault rules.
	Identify(r *http.Request, body []byte) (service, action string)
	// Serve verifies the request's signature, serves it and writes the
	// cloud's own error bodies. Error answers should call ReportErrorCode.
	Serve(w http.ResponseWriter, r *http.Request, body []byte)
	// WriteFault writes the cloud's own answer for an injected fault.
	WriteFault(w http.ResponseWriter, r *http.Request, kind FaultKind)
	// LoadState replaces the cloud's state; empty or null raw means empty state.
	LoadState(raw json.RawMessage) error
	// DumpState returns the cloud's state in the shape LoadState accepts.
	DumpState() (json.RawMessage, error)
}

// FaultKind is the kind of answer a fault rule injects.
type FaultKind string

const (
	// FaultThrottle answers with the cloud's throttling error; nothing changes.
	FaultThrottle FaultKind = "throttle"
	// FaultServerError answers with a 5xx; nothing changes.
	FaultServerError FaultKind = "server_error"
	// FaultDrop applies the request, then replaces its answer with a 5xx,
	// as when a gateway loses the backend's answer.
	FaultDrop FaultKind = "drop"
	// FaultCode answers with the error code a rule names (FaultRule.ErrorCode);
	// nothing changes. Only clouds that implement CodeWriter answer it.
	FaultCode FaultKind = "error_code"
)

// CodeWriter is implemented by clouds that can answer any of their error
// codes on a fault rule's demand.
type CodeWriter interface {
	// WriteErrorCode writes the cloud's error answer with this code; status
	// 0 means the cloud's usual status for errors.
	WriteErrorCode(w http.ResponseWriter, r *http.Request, status int, code string)
}

// maxBodyBytes bounds request bodies; cloud API calls are small.
const maxBodyBytes = 8 << 20

// Server routes requests to emulated clouds. It is safe for concurrent use.
type Server struct {
	clouds []Cloud
	seq    atomic.Int64

	mu     sync.Mutex
	log    []Record
	faults *faultSet

	lifecycle sync.Mutex
	ln        net.Listener
	srv       *http.Server
}

// New returns a server for the given clouds. Requests go to the first cloud,
// in argument order, whose Match accepts them.
func New(clouds ...Cloud) *Server {
	return &Server{clouds: clouds, faults: newFaultSet(nil)}
}

// Start listens on addr (for example "127.0.0.1:0" for a free port) and
// serves in the background until Close.
func (s *Server) Start(addr string) error {
	s.lifecycle.Lock()
	defer s.lifecycle.Unlock()
	if s.srv != nil {
		return errors.New("emulator: server already started")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("emulator: listen on %s: %w", addr, err)
	}
	s.ln = ln
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	s.srv = srv
	// Not s.srv: a Close right after Start sets it to nil.
	go func() { _ = srv.Serve(ln) }()
	return nil
}

// URL is the base URL of a started server, such as "http://127.0.0.1:8080".
// It is empty before Start.
func (s *Server) URL() string {
	s.lifecycle.Lock()
	defer s.lifecycle.Unlock()
	if s.ln == nil {
		return ""
	}
	return "http://" + s.ln.Addr().String()
}

// Handler serves the emulated clouds and the admin API, for use with
// httptest.NewServer or an http.Server of the caller's own.
func (s *Server) Handler() http.Handler { return s }

// Close stops a started server and drops its open connections.
func (s *Server) Close() error {
	s.lifecycle.Lock()
	defer s.lifecycle.Unlock()
	if s.srv == nil {
		return nil
	}
	err := s.srv.Close()
	s.srv, s.ln = nil, nil
	return err
}

// LoadState replaces the state of every cloud from a document of the form
// {"<cloud name>": <cloud state>, ...}. Clouds absent from the document are
// reset to empty. On error no cloud's state is changed.
func (s *Server) LoadState(raw []byte) error {
	doc := map[string]json.RawMessage{}
	if len(bytes.TrimSpace(raw)) > 0 {
		if err := json.Unmarshal(raw, &doc); err != nil {
			return fmt.Errorf("emulator: state is not a JSON object: %w", err)
		}
	}
	for name := range doc {
		if s.cloud(name) == nil {
			return fmt.Errorf("emulator: state names unknown cloud %q", name)
		}
	}

	// Keep the old states so that a cloud rejecting its part leaves every
	// cloud as it was, not half loaded.
	previous := make([]json.RawMessage, len(s.clouds))
	for i, c := range s.clouds {
		old, err := c.DumpState()
		if err != nil {
			return fmt.Errorf("emulator: dump %s state: %w", c.Name(), err)
		}
		previous[i] = old
	}
	for i, c := range s.clouds {
		if err := c.LoadState(doc[c.Name()]); err != nil {
			for j := range i {
				_ = s.clouds[j].LoadState(previous[j])
			}
			return fmt.Errorf("emulator: load %s state: %w", c.Name(), err)
		}
	}
	return nil
}

// DumpState returns the state of every cloud in the shape LoadState accepts.
func (s *Server) DumpState() ([]byte, error) {
	doc := make(map[string]json.RawMessage, len(s.clouds))
	for _, c := range s.clouds {
		raw, err := c.DumpState()
		if err != nil {
			return nil, fmt.Errorf("emulator: dump %s state: %w", c.Name(), err)
		}
		doc[c.Name()] = raw
	}
	return json.Marshal(doc)
}

func (s *Server) cloud(name string) Cloud {
	for _, c := range s.clouds {
		if c.Name() == name {
			return c
		}
	}
	return nil
}

func (s *Server) match(r *http.Request) Cloud {
	for _, c := range s.clouds {
		if c.Match(r) {
			return c
		}
	}
	return nil
}

// ServeHTTP routes one request: admin API, an emulated cloud, or 404.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == adminPrefix || strings.HasPrefix(r.URL.Path, adminPrefix+"/") {
		s.serveAdmin(w, r)
		return
	}

	rec := Record{Seq: s.seq.Add(1), Time: time.Now().UTC(), Method: r.Method, Path: r.URL.Path, UserAgent: r.UserAgent()}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": "request body unreadable or too large"})
		rec.Status = http.StatusRequestEntityTooLarge
		s.record(rec)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	rec.Params = loggedParams(r, body)
	rec.Body = loggedBody(r, body)
	rec.Signature = requestSignature(r, body)

	cloud := s.match(r)
	if cloud == nil {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no emulated cloud handles " + r.Method + " " + r.URL.Path})
		rec.Status = http.StatusNotFound
		s.record(rec)
		return
	}
	rec.Cloud = cloud.Name()
	rec.Service, rec.Action = cloud.Identify(r, body)

	d := s.faults.decide(rec.Cloud, rec.Service, rec.Action, time.Now())
	if !sleep(r.Context(), d.latency) {
		// The client gave up while we were delaying; nothing was served.
		rec.Status = 499
		s.record(rec)
		return
	}

	cw := newCapture()
	switch d.kind {
	case FaultThrottle, FaultServerError:
		if d.retryAfter > 0 {
			// Before WriteFault, which writes the status line; the rest of
			// the answer is the cloud's own throttle.
			cw.Header().Set("Retry-After", strconv.Itoa(int(d.retryAfter/time.Second)))
		}
		cloud.WriteFault(cw, r, d.kind)
		rec.Fault = d.kind
	case FaultCode:
		if w, ok := cloud.(CodeWriter); ok {
			w.WriteErrorCode(cw, r, d.status, d.code)
		} else {
			writeJSON(cw, http.StatusNotImplemented, map[string]string{"error": "the emulated " + cloud.Name() + " cannot answer fault rules' error codes"})
		}
		rec.Fault = FaultCode
	default:
		cloud.Serve(cw, r, body)
		if d.kind == FaultDrop {
			cw = newCapture()
			cloud.WriteFault(cw, r, FaultDrop)
			rec.Fault = FaultDrop
		}
	}
	cw.flushTo(w)
	rec.Status, rec.ErrorCode = cw.status, cw.errorCode
	s.record(rec)
}

// sleep waits for d unless ctx ends first; it reports whether d elapsed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// ReportErrorCode tells the server which cloud error code an answer carries,
// for the request log. Clouds call it from Serve and WriteFault; on any other
// ResponseWriter it does nothing.
func ReportErrorCode(w http.ResponseWriter, code string) {
	if c, ok := w.(*capture); ok {
		c.errorCode = code
	}
}

// capture buffers an answer so that a drop fault can replace it after the
// cloud has applied the change, and so the log sees status and error code.
type capture struct {
	header    http.Header
	status    int
	body      bytes.Buffer
	errorCode string
}

func newCapture() *capture { return &capture{header: http.Header{}} }

func (c *capture) Header() http.Header { return c.header }

func (c *capture) WriteHeader(status int) {
	if c.status == 0 {
		c.status = status
	}
}

func (c *capture) Write(p []byte) (int, error) {
	c.WriteHeader(http.StatusOK)
	return c.body.Write(p)
}

func (c *capture) flushTo(w http.ResponseWriter) {
	c.WriteHeader(http.StatusOK)
	for k, v := range c.header {
		w.Header()[k] = v
	}
	w.WriteHeader(c.status)
	_, _ = w.Write(c.body.Bytes())
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// DecodeState decodes one cloud's part of a state document into state, for
// Cloud.LoadState. Empty or null is the empty state. Unknown fields are
// errors, so that a misspelt fixture fails loudly instead of loading as empty.
func DecodeState(cloud string, raw json.RawMessage, state any) error {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 || bytes.Equal(trimmed, []byte("null")) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.DisallowUnknownFields()
	if err := dec.Decode(state); err != nil {
		return fmt.Errorf("%s state: %w", cloud, err)
	}
	return nil
}
