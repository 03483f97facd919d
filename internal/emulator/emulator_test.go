package emulator

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeCloud serves paths under /<name>/. Every request to /<name>/<action>
// increments a counter named after the action, once its X-Fake-Key header is
// "ok". Its state is the counter map.
type fakeCloud struct {
	name string

	mu       sync.Mutex
	counters map[string]int
}

func newFake(name string) *fakeCloud { return &fakeCloud{name: name, counters: map[string]int{}} }

func (f *fakeCloud) Name() string { return f.name }

func (f *fakeCloud) Match(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/"+f.name+"/") || r.Header.Get("X-Fake-Cloud") == f.name
}

func (f *fakeCloud) Identify(r *http.Request, _ []byte) (string, string) {
	return "svc", r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
}

func (f *fakeCloud) Serve(w http.ResponseWriter, r *http.Request, _ []byte) {
	if r.Header.Get("X-Fake-Key") != "ok" {
		ReportErrorCode(w, "Denied")
		writeJSON(w, http.StatusUnauthorized, map[string]string{"code": "Denied"})
		return
	}
	_, action := f.Identify(r, nil)
	f.mu.Lock()
	f.counters[action]++
	n := f.counters[action]
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"cloud": f.name, "count": n})
}

func (f *fakeCloud) WriteFault(w http.ResponseWriter, _ *http.Request, kind FaultKind) {
	status, code := map[FaultKind]int{
		FaultThrottle: http.StatusTooManyRequests, FaultServerError: http.StatusServiceUnavailable, FaultDrop: http.StatusBadGateway,
	}[kind], "Fault."+string(kind)
	ReportErrorCode(w, code)
	writeJSON(w, status, map[string]string{"code": code})
}

func (f *fakeCloud) WriteErrorCode(w http.ResponseWriter, _ *http.Request, status int, code string) {
	ReportErrorCode(w, code)
	writeJSON(w, cmp.Or(status, http.StatusBadRequest), map[string]string{"code": code})
}

func (f *fakeCloud) LoadState(raw json.RawMessage) error {
	counters := map[string]int{}
	if len(raw) > 0 && string(raw) != "null" {
		if err := json.Unmarshal(raw, &counters); err != nil {
			return err
		}
	}
	for k, v := range counters {
		if v < 0 {
			return errors.New("negative counter " + k)
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.counters = counters
	return nil
}

func (f *fakeCloud) DumpState() (json.RawMessage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return json.Marshal(f.counters)
}

func (f *fakeCloud) count(action string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.counters[action]
}

// call sends one request to h and returns status and body.
func call(t *testing.T, h http.Handler, method, target, body string, header map[string]string) (int, string) {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.Header.Set("X-Fake-Key", "ok")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rr := httptest.NewRecorder()
	h.ServeHTTP(rr, req)
	return rr.Code, rr.Body.String()
}

func TestRoutingFirstMatchWins(t *testing.T) {
	a, b := newFake("a"), newFake("b")
	s := New(a, b)

	// Both clouds match this request; a is listed first.
	status, body := call(t, s, http.MethodGet, "/b/inc", "", map[string]string{"X-Fake-Cloud": "a"})
	if status != http.StatusOK || !strings.Contains(body, `"cloud":"a"`) {
		t.Fatalf("got %d %s, want a to serve", status, body)
	}
	if status, body = call(t, s, http.MethodGet, "/b/inc", "", nil); !strings.Contains(body, `"cloud":"b"`) {
		t.Fatalf("got %d %s, want b to serve", status, body)
	}
	if a.count("inc") != 1 || b.count("inc") != 1 {
		t.Fatalf("counts a=%d b=%d, want 1 each", a.count("inc"), b.count("inc"))
	}

	recs := s.Requests()
	if len(recs) != 2 || recs[0].Cloud != "a" || recs[1].Cloud != "b" {
		t.Fatalf("log = %+v", recs)
	}
	if r := recs[0]; r.Service != "svc" || r.Action != "inc" || r.Method != http.MethodGet || r.Path != "/b/inc" || r.Status != 200 || r.Seq >= recs[1].Seq {
		t.Fatalf("record = %+v", r)
	}
}

func TestUnmatchedRequestIsLoggedWith404(t *testing.T) {
	s := New(newFake("a"))
	status, body := call(t, s, http.MethodPost, "/nowhere?x=1", "{}", nil)
	if status != http.StatusNotFound || !strings.Contains(body, "no emulated cloud") {
		t.Fatalf("got %d %s", status, body)
	}
	recs := s.Requests()
	if len(recs) != 1 || recs[0].Cloud != "" || recs[0].Status != 404 || recs[0].Params["x"] != "1" || recs[0].Body != "{}" {
		t.Fatalf("log = %+v", recs)
	}
}

func TestLogRedactsSecretsAndKeepsErrorCodes(t *testing.T) {
	s := New(newFake("a"))
	form := url.Values{"Signature": {"sig-in-body"}, "InstanceId": {"i-1"}}.Encode()
	call(t, s, http.MethodPost, "/a/inc?Action=Inc&Signature=sig-in-query&SecurityToken=tok&Id=1&Id=2", form,
		map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Authorization": "secret-header"})
	call(t, s, http.MethodGet, "/a/inc", "", map[string]string{"X-Fake-Key": "bad"})

	recs := s.Requests()
	if recs[0].Signature != "sig-in-query" {
		t.Errorf("signature = %q, want the query's", recs[0].Signature)
	}
	// The signature is kept on purpose, in its own field; nothing else holds it.
	withoutSignatures := slices.Clone(recs)
	for i := range withoutSignatures {
		withoutSignatures[i].Signature = ""
	}
	raw, _ := json.Marshal(withoutSignatures)
	for _, secret := range []string{"sig-in-body", "sig-in-query", "tok", "secret-header"} {
		if strings.Contains(string(raw), secret) {
			t.Errorf("log leaks %q: %s", secret, raw)
		}
	}
	p := recs[0].Params
	if p["Signature"] != redacted || p["SecurityToken"] != redacted || p["Action"] != "Inc" || p["Id"] != "1,2" || p["InstanceId"] != "i-1" {
		t.Errorf("params = %v", p)
	}
	if !strings.Contains(recs[0].Body, "InstanceId=i-1") {
		t.Errorf("body = %q", recs[0].Body)
	}
	if recs[1].Status != http.StatusUnauthorized || recs[1].ErrorCode != "Denied" {
		t.Errorf("error record = %+v", recs[1])
	}
}

func TestLogKeepsTheSignatureOfEveryScheme(t *testing.T) {
	s := New(newFake("a"))
	form := url.Values{"Signature": {"sig/in+body="}}.Encode()
	call(t, s, http.MethodPost, "/a/inc", form, map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	call(t, s, http.MethodPost, "/a/inc", "{}", map[string]string{
		"Authorization": "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=0a1b2c"})
	call(t, s, http.MethodPost, "/a/inc", "{}", map[string]string{
		"Authorization": "TC3-HMAC-SHA256 Credential=AKID/2026-01-01/cvm/tc3_request, SignedHeaders=content-type;host, Signature=3d4e5f"})
	call(t, s, http.MethodPost, "/a/inc", "{}", nil)
	var got []string
	for _, r := range s.Requests() {
		got = append(got, r.Signature)
	}
	if want := []string{"sig/in+body=", "0a1b2c", "3d4e5f", ""}; !slices.Equal(got, want) {
		t.Fatalf("signatures = %q, want %q", got, want)
	}
}

func TestThrottleAndServerErrorLeaveStateAlone(t *testing.T) {
	a := newFake("a")
	s := New(a)
	for _, tc := range []struct {
		rule   FaultRule
		status int
		kind   FaultKind
	}{
		{FaultRule{ThrottleRate: 1}, http.StatusTooManyRequests, FaultThrottle},
		{FaultRule{ErrorRate: 1}, http.StatusServiceUnavailable, FaultServerError},
		// A throttle wins over a server error.
		{FaultRule{ErrorRate: 1, ThrottleRate: 1}, http.StatusTooManyRequests, FaultThrottle},
	} {
		s.SetFaults([]FaultRule{tc.rule})
		s.ResetRequests()
		status, body := call(t, s, http.MethodPost, "/a/inc", "", nil)
		if status != tc.status || !strings.Contains(body, "Fault."+string(tc.kind)) {
			t.Errorf("%+v: got %d %s", tc.rule, status, body)
		}
		if r := s.Requests()[0]; r.Fault != tc.kind || r.Status != tc.status || r.ErrorCode != "Fault."+string(tc.kind) {
			t.Errorf("%+v: record %+v", tc.rule, r)
		}
	}
	if n := a.count("inc"); n != 0 {
		t.Fatalf("count = %d, want no change under throttle/server_error", n)
	}
}

// A rule's retry_after_s rides on its own throttling answers only: not on a
// server error, and not on another rule's throttle.
func TestRetryAfterOnThrottlesThatAskForIt(t *testing.T) {
	s := New(newFake("a"))
	for _, tc := range []struct {
		rules []FaultRule
		want  string
	}{
		{[]FaultRule{{ThrottleRate: 1, RetryAfterSeconds: 3}}, "3"},
		{[]FaultRule{{RateLimitQPS: 0.001, RetryAfterSeconds: 2}}, ""}, // the bucket's first token: served
		{[]FaultRule{{ThrottleRate: 1}}, ""},
		{[]FaultRule{{ErrorRate: 1, RetryAfterSeconds: 3}}, ""},
		{[]FaultRule{{ThrottleRate: 1}, {LatencyMS: 1, RetryAfterSeconds: 9}}, ""},
		{[]FaultRule{{ThrottleRate: 1, RetryAfterSeconds: 1}, {ThrottleRate: 1, RetryAfterSeconds: 4}}, "4"},
	} {
		s.SetFaults(tc.rules)
		req := httptest.NewRequest(http.MethodPost, "/a/inc", nil)
		req.Header.Set("X-Fake-Key", "ok")
		rr := httptest.NewRecorder()
		s.ServeHTTP(rr, req)
		if got := rr.Header().Get("Retry-After"); got != tc.want {
			t.Errorf("%+v: Retry-After %q (status %d), want %q", tc.rules, got, rr.Code, tc.want)
		}
	}
	s.SetFaults([]FaultRule{{RateLimitQPS: 0.001, RetryAfterSeconds: 2}})
	call(t, s, http.MethodPost, "/a/inc", "", nil)
	req := httptest.NewRequest(http.MethodPost, "/a/inc", nil)
	rr := httptest.NewRecorder()
	s.ServeHTTP(rr, req)
	if rr.Code != http.StatusTooManyRequests || rr.Header().Get("Retry-After") != "2" {
		t.Errorf("over the rate limit: %d, Retry-After %q; want 429 with 2", rr.Code, rr.Header().Get("Retry-After"))
	}
	if err := (FaultRule{RetryAfterSeconds: -1}).validate(); err == nil {
		t.Fatal("a negative retry_after_s must be rejected")
	}
}

func TestDropAppliesChangeThenLosesAnswer(t *testing.T) {
	a := newFake("a")
	s := New(a)
	s.SetFaults([]FaultRule{{DropRate: 1}})
	status, body := call(t, s, http.MethodPost, "/a/inc", "", nil)
	if status != http.StatusBadGateway || strings.Contains(body, "count") {
		t.Fatalf("got %d %s, want the drop answer only", status, body)
	}
	if n := a.count("inc"); n != 1 {
		t.Fatalf("count = %d, want the change applied", n)
	}
	if r := s.Requests()[0]; r.Fault != FaultDrop || r.Status != http.StatusBadGateway {
		t.Fatalf("record = %+v", r)
	}
}

func TestTimesEndsARule(t *testing.T) {
	a := newFake("a")
	s := New(a)
	s.SetFaults([]FaultRule{{Actions: []string{"inc"}, DropRate: 1, Times: 2}})
	var statuses []int
	for range 4 {
		status, _ := call(t, s, http.MethodPost, "/a/inc", "", nil)
		statuses = append(statuses, status)
	}
	if want := []int{502, 502, 200, 200}; !slices.Equal(statuses, want) {
		t.Fatalf("statuses %v, want %v", statuses, want)
	}
	// Requests the rule does not match do not use up its count.
	s.SetFaults([]FaultRule{{Actions: []string{"inc"}, ThrottleRate: 1, Times: 1}})
	call(t, s, http.MethodGet, "/a/read", "", nil)
	if status, _ := call(t, s, http.MethodPost, "/a/inc", "", nil); status != http.StatusTooManyRequests {
		t.Fatalf("first matching request got %d, want 429", status)
	}
	if err := (FaultRule{Times: -1}).validate(); err == nil {
		t.Fatal("a negative times must be rejected")
	}
}

// A rule's error code is answered in the cloud's format and changes
// nothing; After lets the first requests through, so a drop then a code is
// a lost answer whose retry is refused.
func TestErrorCodeAndAfter(t *testing.T) {
	a := newFake("a")
	s := New(a)
	s.SetFaults([]FaultRule{
		{Actions: []string{"inc"}, DropRate: 1, Times: 1},
		{Actions: []string{"inc"}, ErrorCode: "No.Such.API", ErrorStatus: 404, After: 1, Times: 1},
	})
	var got []string
	for range 3 {
		status, body := call(t, s, http.MethodPost, "/a/inc", "", nil)
		got = append(got, fmt.Sprint(status, " ", strings.TrimSpace(body)))
	}
	want := []string{`502 {"code":"Fault.drop"}`, `404 {"code":"No.Such.API"}`, `200 {"cloud":"a","count":2}`}
	if !slices.Equal(got, want) {
		t.Fatalf("answers %q, want %q", got, want)
	}
	if n := a.count("inc"); n != 2 {
		t.Fatalf("count = %d, want 2: the code answer changes nothing", n)
	}
	if r := s.Requests()[1]; r.Fault != FaultCode || r.ErrorCode != "No.Such.API" || r.Status != 404 {
		t.Fatalf("record = %+v", r)
	}
	// A throttle still wins over a code.
	s.SetFaults([]FaultRule{{ErrorCode: "X"}, {ThrottleRate: 1}})
	if status, _ := call(t, s, http.MethodPost, "/a/inc", "", nil); status != http.StatusTooManyRequests {
		t.Fatalf("got %d, want the throttle", status)
	}
	for _, bad := range []FaultRule{{After: -1}, {ErrorStatus: 404}, {ErrorCode: "X", ErrorStatus: 1000}} {
		if bad.validate() == nil {
			t.Errorf("%+v: accepted", bad)
		}
	}
}

func TestAfterLetsTheFirstThrough(t *testing.T) {
	a := newFake("a")
	s := New(a)
	s.SetFaults([]FaultRule{{Actions: []string{"inc"}, DropRate: 1, After: 1, Times: 2}})
	var statuses []int
	for range 5 {
		status, _ := call(t, s, http.MethodPost, "/a/inc", "", nil)
		statuses = append(statuses, status)
	}
	if want := []int{200, 502, 502, 200, 200}; !slices.Equal(statuses, want) {
		t.Fatalf("statuses %v, want %v", statuses, want)
	}
	if err := (FaultRule{After: -1}).validate(); err == nil {
		t.Fatal("a negative after must be rejected")
	}
}

func TestRuleFilters(t *testing.T) {
	s := New(newFake("a"), newFake("b"))
	s.SetFaults([]FaultRule{
		{Cloud: "a", Actions: []string{"hot"}, ThrottleRate: 1},
		{Service: "other", ErrorRate: 1},
	})
	cases := map[string]int{"/a/hot": 429, "/a/cold": 200, "/b/hot": 200}
	for target, want := range cases {
		if status, body := call(t, s, http.MethodGet, target, "", nil); status != want {
			t.Errorf("%s: got %d %s, want %d", target, status, body, want)
		}
	}
}

// A bucket smaller than a second's worth spreads the same rate evenly.
func TestRateLimitBurst(t *testing.T) {
	f := newFaultSet([]FaultRule{{RateLimitQPS: 10, RateLimitBurst: 2}})
	now := time.Unix(1000, 0)
	var got []FaultKind
	for range 3 {
		got = append(got, f.decide("a", "svc", "hot", now).kind)
	}
	if want := []FaultKind{"", "", FaultThrottle}; !slices.Equal(got, want) {
		t.Fatalf("burst of 2: got %q, want %q", got, want)
	}
	if k := f.decide("a", "svc", "hot", now.Add(100*time.Millisecond)).kind; k != "" {
		t.Fatalf("after 100 ms at 10 QPS: got %q, want a token", k)
	}
	if err := (FaultRule{RateLimitBurst: -1}).validate(); err == nil {
		t.Fatal("a negative burst passed validation")
	}
}

func TestRateLimitPerCloudAndAction(t *testing.T) {
	f := newFaultSet([]FaultRule{{RateLimitQPS: 2}})
	now := time.Unix(1000, 0)
	var got []FaultKind
	for range 3 {
		got = append(got, f.decide("a", "svc", "hot", now).kind)
	}
	if want := []FaultKind{"", "", FaultThrottle}; !slices.Equal(got, want) {
		t.Fatalf("burst: got %q, want %q", got, want)
	}
	if k := f.decide("a", "svc", "cold", now).kind; k != "" {
		t.Fatalf("other action throttled: %q", k)
	}
	if k := f.decide("b", "svc", "hot", now).kind; k != "" {
		t.Fatalf("other cloud throttled: %q", k)
	}
	if k := f.decide("a", "svc", "hot", now.Add(500*time.Millisecond)).kind; k != "" {
		t.Fatalf("after refill: got %q, want a token", k)
	}
	if k := f.decide("a", "svc", "hot", now.Add(500*time.Millisecond)).kind; k != FaultThrottle {
		t.Fatalf("refill gave more than qps allows: %q", k)
	}

	// The same through HTTP, where the second immediate call is over 1 QPS.
	a := newFake("a")
	s := New(a)
	s.SetFaults([]FaultRule{{RateLimitQPS: 1}})
	first, _ := call(t, s, http.MethodPost, "/a/inc", "", nil)
	second, _ := call(t, s, http.MethodPost, "/a/inc", "", nil)
	if first != 200 || second != 429 || a.count("inc") != 1 {
		t.Fatalf("statuses %d,%d count %d; want 200,429 and 1", first, second, a.count("inc"))
	}
	if r := s.Requests()[1]; r.Fault != FaultThrottle {
		t.Fatalf("record = %+v", r)
	}
}

func TestSeededRulesAreDeterministic(t *testing.T) {
	rules := []FaultRule{{Seed: 42, ThrottleRate: 0.3, ErrorRate: 0.3, DropRate: 0.3}}
	run := func() []FaultKind {
		f := newFaultSet(rules)
		var out []FaultKind
		for range 200 {
			out = append(out, f.decide("a", "svc", "x", time.Now()).kind)
		}
		return out
	}
	first, second := run(), run()
	if !slices.Equal(first, second) {
		t.Fatal("same seed gave different sequences")
	}
	for _, k := range []FaultKind{"", FaultThrottle, FaultServerError, FaultDrop} {
		if !slices.Contains(first, k) {
			t.Errorf("200 rolls at 0.3 never produced %q", k)
		}
	}
}

func TestLatencyAddsUp(t *testing.T) {
	s := New(newFake("a"))
	s.SetFaults([]FaultRule{{LatencyMS: 30}, {Cloud: "a", LatencyMS: 40}})
	start := time.Now()
	if status, _ := call(t, s, http.MethodGet, "/a/x", "", nil); status != 200 {
		t.Fatalf("status %d", status)
	}
	if elapsed := time.Since(start); elapsed < 70*time.Millisecond {
		t.Fatalf("elapsed %v, want at least 70ms", elapsed)
	}
}

func TestLoadStateResetsAbsentCloudsAndRollsBack(t *testing.T) {
	a, b := newFake("a"), newFake("b")
	s := New(a, b)
	if err := s.LoadState([]byte(`{"a":{"x":1},"b":{"y":2}}`)); err != nil {
		t.Fatal(err)
	}
	if err := s.LoadState([]byte(`{"b":{"y":3}}`)); err != nil {
		t.Fatal(err)
	}
	if a.count("x") != 0 || b.count("y") != 3 {
		t.Fatalf("a.x=%d b.y=%d, want a reset and b loaded", a.count("x"), b.count("y"))
	}

	// b rejects its part: a must keep its state.
	if err := s.LoadState([]byte(`{"a":{"x":9},"b":{"y":-1}}`)); err == nil {
		t.Fatal("want an error for b's bad state")
	}
	if a.count("x") != 0 || b.count("y") != 3 {
		t.Fatalf("after failed load a.x=%d b.y=%d, want unchanged", a.count("x"), b.count("y"))
	}
	if err := s.LoadState([]byte(`{"c":{}}`)); err == nil || !strings.Contains(err.Error(), `"c"`) {
		t.Fatalf("unknown cloud: err = %v", err)
	}

	raw, err := s.DumpState()
	if err != nil {
		t.Fatal(err)
	}
	if string(raw) != `{"a":{},"b":{"y":3}}` {
		t.Fatalf("dump = %s", raw)
	}
}

func TestAdminAPI(t *testing.T) {
	a := newFake("a")
	s := New(a)
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()

	do := func(method, path, body string) (int, string) {
		t.Helper()
		req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	expect := func(method, path, body string, wantStatus int, wantBody string) {
		t.Helper()
		status, got := do(method, path, body)
		if status != wantStatus || !strings.Contains(got, wantBody) {
			t.Errorf("%s %s: got %d %s, want %d containing %q", method, path, status, got, wantStatus, wantBody)
		}
	}

	expect("GET", "/_emulator/health", "", 200, `"ok"`)
	expect("PUT", "/_emulator/state", `{"a":{"inc":5}}`, 204, "")
	expect("GET", "/_emulator/state", "", 200, `{"a":{"inc":5}}`)
	expect("PUT", "/_emulator/state", `{"zz":{}}`, 400, "unknown cloud")
	expect("PUT", "/_emulator/state", `[`, 400, "error")

	req, _ := http.NewRequest("POST", srv.URL+"/a/inc", nil)
	req.Header.Set("X-Fake-Key", "ok")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if a.count("inc") != 6 {
		t.Fatalf("count = %d, want 6", a.count("inc"))
	}

	status, body := do("GET", "/_emulator/requests", "")
	var recs []Record
	if err := json.Unmarshal([]byte(body), &recs); status != 200 || err != nil {
		t.Fatalf("requests: %d %s %v", status, body, err)
	}
	// Admin calls are not logged.
	if len(recs) != 1 || recs[0].Path != "/a/inc" || recs[0].Action != "inc" {
		t.Fatalf("log = %+v", recs)
	}
	expect("DELETE", "/_emulator/requests", "", 204, "")
	expect("GET", "/_emulator/requests", "", 200, "[]")

	expect("GET", "/_emulator/faults", "", 200, "[]")
	expect("PUT", "/_emulator/faults", `[{"cloud":"a","actions":["inc"],"throttle_rate":1}]`, 204, "")
	expect("GET", "/_emulator/faults", "", 200, `"throttle_rate":1`)
	if rules := s.Faults(); len(rules) != 1 || rules[0].Actions[0] != "inc" {
		t.Fatalf("faults = %+v", rules)
	}
	expect("PUT", "/_emulator/faults", `[{"error_rate":2}]`, 400, "error_rate")
	expect("PUT", "/_emulator/faults", `[{"eror_rate":1}]`, 400, "unknown field")
	expect("DELETE", "/_emulator/faults", "", 204, "")
	if rules := s.Faults(); rules != nil {
		t.Fatalf("faults after DELETE = %+v", rules)
	}

	expect("POST", "/_emulator/state", "", 405, "not allowed")
	expect("GET", "/_emulator/nope", "", 404, "unknown admin path")
}

func TestFaultsReturnsACopy(t *testing.T) {
	s := New()
	s.SetFaults([]FaultRule{{Actions: []string{"x"}}})
	got := s.Faults()
	got[0].Actions[0] = "changed"
	if s.Faults()[0].Actions[0] != "x" {
		t.Fatal("Faults exposes internal state")
	}
}

func TestStartServesOnLoopback(t *testing.T) {
	s := New(newFake("a"))
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(s.URL(), "http://127.0.0.1:") {
		t.Fatalf("URL = %q", s.URL())
	}
	resp, err := http.Get(s.URL() + "/_emulator/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("health status %d", resp.StatusCode)
	}
	if err := s.Start("127.0.0.1:0"); err == nil {
		t.Fatal("second Start succeeded")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s.URL() != "" {
		t.Fatalf("URL after Close = %q", s.URL())
	}
}

func TestConcurrentRequests(t *testing.T) {
	a := newFake("a")
	s := New(a)
	s.SetFaults([]FaultRule{{Seed: 7, DropRate: 0.5}})
	const n = 64
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			req := httptest.NewRequest(http.MethodPost, "/a/inc", bytes.NewReader(nil))
			req.Header.Set("X-Fake-Key", "ok")
			s.ServeHTTP(httptest.NewRecorder(), req)
		})
	}
	wg.Go(func() { _, _ = s.DumpState() })
	wg.Go(func() { s.SetFaults([]FaultRule{{Seed: 7, DropRate: 0.5}}) })
	wg.Wait()

	recs := s.Requests()
	if len(recs) != n || a.count("inc") != n {
		t.Fatalf("%d records, count %d; want %d each", len(recs), a.count("inc"), n)
	}
	for i, r := range recs {
		if r.Seq != int64(i+1) {
			t.Fatalf("record %d has seq %d: log not in arrival order", i, r.Seq)
		}
	}
}

func TestErrorCodesIn(t *testing.T) {
	dir := t.TempDir()
	src := `package x
const codeGone = "Gone"
func fail(code, msg string) {}
type fault struct{ code, msg string }
func serve(c string) {
	fail("Bad", "m")
	fail(codeGone, "m")
	_ = fault{"Busy", "m"}
	fail(c, "a variable: refused")
}
func passThrough(c string) { fail(c, "skipped") }
`
	if err := os.WriteFile(filepath.Join(dir, "x.go"), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	codes, problems, err := ErrorCodesIn(dir, map[string]int{"fail": 0, "fault": 0, "never": 0}, "passThrough")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(codes, []string{"Bad", "Busy", "Gone"}) {
		t.Errorf("codes %v", codes)
	}
	if len(problems) != 2 || !strings.Contains(strings.Join(problems, "\n"), "neither a string literal nor a constant") ||
		!strings.Contains(strings.Join(problems, "\n"), "no call of never") {
		t.Errorf("problems %q, want the variable and the missing writer", problems)
	}
}

// TestThrottleWindow: a rule with ForMS throttles its whole cloud for that
// window after the rules were set, and nothing after it.
func TestThrottleWindow(t *testing.T) {
	f := newFaultSet([]FaultRule{{Cloud: "a", ThrottleRate: 1, ForMS: 60_000}})
	start := f.setAt
	for _, action := range []string{"hot", "cold"} {
		if k := f.decide("a", "svc", action, start.Add(59*time.Second)).kind; k != FaultThrottle {
			t.Fatalf("%s inside the window: %q, want throttled", action, k)
		}
	}
	if k := f.decide("b", "svc", "hot", start).kind; k != "" {
		t.Fatalf("another cloud inside the window: %q, want served", k)
	}
	if k := f.decide("a", "svc", "hot", start.Add(60*time.Second)).kind; k != "" {
		t.Fatalf("after the window: %q, want served", k)
	}
	if err := (FaultRule{ForMS: -1}).validate(); err == nil {
		t.Fatal("a negative for_ms passed validation")
	}
}
