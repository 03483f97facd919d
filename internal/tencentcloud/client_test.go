package tencentcloud

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	"github.com/secgroup/terraform-provider-secgroup/internal/ratelimit"
	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
)

// isolateEnv hides the SDK's credential sources of the machine running the tests.
func isolateEnv(t *testing.T) {
	t.Helper()
	for _, k := range []string{"TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY", "TENCENTCLOUD_CREDENTIALS_FILE"} {
		t.Setenv(k, "") // restores the old value after the test
		os.Unsetenv(k)
	}
	t.Setenv("HOME", t.TempDir())
}

// Short delays keep the retry tests quick.
var (
	fastRetry = retry.Policy{MaxRetries: 2, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}
	noRetry   = retry.Policy{MaxRetries: 0, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}
)

type request struct {
	method, path string
	header       http.Header
	body         string
}

// fakeAPI records every request and answers with reply(n), n counting from 1.
type fakeAPI struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []request
}

func newFakeAPI(t *testing.T, reply func(n int, w http.ResponseWriter, r *http.Request)) *fakeAPI {
	t.Helper()
	f := &fakeAPI{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		header := r.Header.Clone()
		header.Set("Host", r.Host)
		f.mu.Lock()
		f.reqs = append(f.reqs, request{method: r.Method, path: r.URL.Path, header: header, body: string(body)})
		n := len(f.reqs)
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		reply(n, w, r)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeAPI) requests() []request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]request(nil), f.reqs...)
}

// reply answers with HTTP 200, as the API always does.
func reply(body string) func(int, http.ResponseWriter, *http.Request) {
	return func(_ int, w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, body) }
}

const okBody = `{"Response":{"RequestId":"req-ok"}}`

// newTestClient returns a client whose VPC and CVM endpoints are the fake API.
func newTestClient(t *testing.T, api *fakeAPI, cfg Config) *Client {
	t.Helper()
	if cfg.Region == "" {
		cfg.Region = "ap-guangzhou"
	}
	if cfg.SecretID == "" && cfg.SecretKey == "" {
		cfg.SecretID, cfg.SecretKey = "AKIDtest", "test-key"
	}
	cfg.Endpoints = map[string]string{"vpc": api.URL, "cvm": api.URL, "tag": api.URL}
	if cfg.Limits == nil {
		cfg.Limits = map[string]ratelimit.Limit{} // pacing has tests of its own
	}
	if cfg.Retry.BaseDelay == 0 {
		cfg.Retry = fastRetry
	}
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

func TestNewClientMissing(t *testing.T) {
	isolateEnv(t)
	for _, tc := range []struct {
		cfg       Config
		attr, env string
	}{
		{Config{SecretID: "id", SecretKey: "key"}, "region", "TENCENTCLOUD_REGION"},
		{Config{Region: "ap-guangzhou"}, "secret_id", "TENCENTCLOUD_SECRET_ID"},
		{Config{Region: "ap-guangzhou", SecretKey: "key"}, "secret_id", "TENCENTCLOUD_SECRET_ID"},
		{Config{Region: "ap-guangzhou", SecretID: "id"}, "secret_key", "TENCENTCLOUD_SECRET_KEY"},
	} {
		t.Run(tc.attr, func(t *testing.T) {
			_, err := NewClient(tc.cfg)
			want := fmt.Sprintf("the tencentcloud provider block is missing %q: set tencentcloud { %s = ... } in the provider configuration or the %s environment variable", tc.attr, tc.attr, tc.env)
			if err == nil || err.Error() != want {
				t.Fatalf("NewClient(%+v) error = %v, want %q", tc.cfg, err, want)
			}
		})
	}
}

func TestNewClientEndpoints(t *testing.T) {
	isolateEnv(t)
	for _, bad := range []map[string]string{
		{"ecs": "https://ecs.example.com"},
		{"vpc": "vpc.example.com"},
		{"cvm": "ftp://cvm.example.com"},
	} {
		if _, err := NewClient(Config{Region: "ap-guangzhou", SecretID: "id", SecretKey: "key", Endpoints: bad}); err == nil {
			t.Errorf("NewClient accepted endpoints %v", bad)
		}
	}

	c, err := NewClient(Config{Region: "ap-guangzhou", SecretID: "id", SecretKey: "key",
		Endpoints: map[string]string{"cvm": "http://127.0.0.1:8080/"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ svc, scheme, endpoint string }{
		{"vpc", "HTTPS", "vpc.tencentcloudapi.com"},
		{"cvm", "HTTP", "127.0.0.1:8080"},
	} {
		if scheme, endpoint := c.endpoint(tc.svc); scheme != tc.scheme || endpoint != tc.endpoint {
			t.Errorf("endpoint(%s) = %s %s, want %s %s", tc.svc, scheme, endpoint, tc.scheme, tc.endpoint)
		}
	}
}

func TestRegion(t *testing.T) {
	isolateEnv(t)
	api := newFakeAPI(t, reply(okBody))
	c := newTestClient(t, api, Config{})
	if got := c.Region(""); got != "ap-guangzhou" {
		t.Errorf(`Region("") = %q`, got)
	}
	if got := c.Region("ap-shanghai"); got != "ap-shanghai" {
		t.Errorf(`Region("ap-shanghai") = %q`, got)
	}
	for _, region := range []string{"", "ap-shanghai"} {
		if err := c.Call(context.Background(), "vpc", region, "DescribeSecurityGroups", nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	reqs := api.requests()
	if got := reqs[0].header.Get("X-TC-Region"); got != "ap-guangzhou" {
		t.Errorf("X-TC-Region = %q, want the provider's region", got)
	}
	if got := reqs[1].header.Get("X-TC-Region"); got != "ap-shanghai" {
		t.Errorf("X-TC-Region = %q, want the resource's region", got)
	}
}

func TestCredentialFallback(t *testing.T) {
	for _, tc := range []struct {
		name   string
		setup  func(t *testing.T, home string)
		cfg    Config
		wantID string
	}{
		{
			name: "environment",
			setup: func(t *testing.T, _ string) {
				t.Setenv("TENCENTCLOUD_SECRET_ID", "AKIDenv")
				t.Setenv("TENCENTCLOUD_SECRET_KEY", "env-key")
			},
			wantID: "AKIDenv",
		},
		{
			name: "provider block wins",
			setup: func(t *testing.T, _ string) {
				t.Setenv("TENCENTCLOUD_SECRET_ID", "AKIDenv")
				t.Setenv("TENCENTCLOUD_SECRET_KEY", "env-key")
			},
			cfg:    Config{SecretID: "AKIDcfg", SecretKey: "cfg-key"},
			wantID: "AKIDcfg",
		},
		{
			name: "profile file",
			setup: func(t *testing.T, home string) {
				dir := filepath.Join(home, ".tencentcloud")
				if err := os.MkdirAll(dir, 0o700); err != nil {
					t.Fatal(err)
				}
				ini := "[default]\nsecret_id = AKIDfile\nsecret_key = file-key\n"
				if err := os.WriteFile(filepath.Join(dir, "credentials"), []byte(ini), 0o600); err != nil {
					t.Fatal(err)
				}
			},
			wantID: "AKIDfile",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			isolateEnv(t)
			tc.setup(t, os.Getenv("HOME"))
			api := newFakeAPI(t, reply(okBody))
			cfg := tc.cfg
			cfg.Region = "ap-guangzhou"
			cfg.Endpoints = map[string]string{"vpc": api.URL}
			c, err := NewClient(cfg)
			if err != nil {
				t.Fatalf("NewClient: %v", err)
			}
			if err := c.Call(context.Background(), "vpc", "", "DescribeSecurityGroups", nil, nil); err != nil {
				t.Fatal(err)
			}
			auth := api.requests()[0].header.Get("Authorization")
			if !strings.Contains(auth, "Credential="+tc.wantID+"/") {
				t.Errorf("Authorization = %q, want the secret ID %s", auth, tc.wantID)
			}
		})
	}
}

func TestCallRoundTrip(t *testing.T) {
	isolateEnv(t)
	api := newFakeAPI(t, reply(`{"Response":{"SecurityGroupSet":[{"SecurityGroupId":"sg-1"}],"TotalCount":1,"RequestId":"req-1"}}`))
	c := newTestClient(t, api, Config{})

	params := struct {
		SecurityGroupIds []string
		Limit            string `json:",omitempty"`
	}{SecurityGroupIds: []string{"sg-1"}}
	var out struct {
		SecurityGroupSet []struct{ SecurityGroupId string }
		TotalCount       int
		RequestId        string
	}
	if err := c.Call(context.Background(), "vpc", "", "DescribeSecurityGroups", params, &out); err != nil {
		t.Fatal(err)
	}
	if out.RequestId != "req-1" || out.TotalCount != 1 || len(out.SecurityGroupSet) != 1 || out.SecurityGroupSet[0].SecurityGroupId != "sg-1" {
		t.Errorf("decoded answer = %+v", out)
	}

	reqs := api.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if r.method != http.MethodPost || r.path != "/" {
		t.Errorf("request = %s %s, want POST /", r.method, r.path)
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(r.body), &body); err != nil || len(body) != 1 || fmt.Sprint(body["SecurityGroupIds"]) != "[sg-1]" {
		t.Errorf("body = %s (%v), want the parameters as JSON", r.body, err)
	}
	for k, want := range map[string]string{
		"Content-Type":  "application/json",
		"X-TC-Action":   "DescribeSecurityGroups",
		"X-TC-Version":  "2017-03-12",
		"X-TC-Region":   "ap-guangzhou",
		"X-TC-Language": "en-US",
		"Host":          strings.TrimPrefix(api.URL, "http://"),
	} {
		if got := r.header.Get(k); got != want {
			t.Errorf("header %s = %q, want %q", k, got, want)
		}
	}
	ts, err := strconv.ParseInt(r.header.Get("X-TC-Timestamp"), 10, 64)
	if err != nil {
		t.Fatalf("X-TC-Timestamp: %v", err)
	}
	date := time.Unix(ts, 0).UTC().Format("2006-01-02")
	wantAuth := "TC3-HMAC-SHA256 Credential=AKIDtest/" + date + "/vpc/tc3_request, SignedHeaders=content-type;host, Signature="
	if auth := r.header.Get("Authorization"); !strings.HasPrefix(auth, wantAuth) || len(auth) != len(wantAuth)+64 {
		t.Errorf("Authorization = %q, want %q and a SHA-256 signature", auth, wantAuth)
	}
}

func TestCallCVMScope(t *testing.T) {
	isolateEnv(t)
	api := newFakeAPI(t, reply(okBody))
	c := newTestClient(t, api, Config{})
	params := map[string]any{"InstanceIds": []string{"ins-1"}, "SecurityGroupIds": []string{"sg-1"}}
	if err := c.Call(context.Background(), "cvm", "", "AssociateSecurityGroups", params, nil); err != nil {
		t.Fatal(err)
	}
	r := api.requests()[0]
	if !strings.Contains(r.header.Get("Authorization"), "/cvm/tc3_request") || r.header.Get("X-TC-Action") != "AssociateSecurityGroups" {
		t.Errorf("CVM call went out with Authorization %q, action %q", r.header.Get("Authorization"), r.header.Get("X-TC-Action"))
	}
}

func TestCallUnknownService(t *testing.T) {
	isolateEnv(t)
	api := newFakeAPI(t, reply(okBody))
	c := newTestClient(t, api, Config{})
	if err := c.Call(context.Background(), "cbs", "", "DescribeDisks", nil, nil); err == nil {
		t.Fatal("Call to an unknown service succeeded")
	}
	if n := len(api.requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

func TestCallErrorAnswer(t *testing.T) {
	isolateEnv(t)
	api := newFakeAPI(t, reply(`{"Response":{"Error":{"Code":"ResourceNotFound","Message":"The resource does not exist."},"RequestId":"req-404"}}`))
	c := newTestClient(t, api, Config{})

	err := c.Call(context.Background(), "vpc", "", "DeleteSecurityGroup", map[string]string{"SecurityGroupId": "sg-x"}, nil)
	var e *apierr.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *apierr.Error", err, err)
	}
	want := apierr.Error{Cloud: "tencentcloud", Service: "vpc", Action: "DeleteSecurityGroup",
		Code: "ResourceNotFound", Message: "The resource does not exist.", RequestID: "req-404", Class: retry.NotFound}
	e.Err = nil
	if *e != want {
		t.Errorf("error = %+v\nwant    %+v", *e, want)
	}
	if n := len(api.requests()); n != 1 {
		t.Errorf("%d requests, want 1: NotFound is not retried", n)
	}
}

func TestCallRetriesThrottling(t *testing.T) {
	isolateEnv(t)
	api := newFakeAPI(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 1 {
			fmt.Fprint(w, `{"Response":{"Error":{"Code":"RequestLimitExceeded","Message":"Your current request times equals to 10 in a second."},"RequestId":"req-t"}}`)
			return
		}
		fmt.Fprint(w, okBody)
	})
	c := newTestClient(t, api, Config{})

	var out struct{ RequestId string }
	if err := c.Call(context.Background(), "cvm", "", "AssociateSecurityGroups", nil, &out); err != nil {
		t.Fatalf("Call: %v", err)
	}
	reqs := api.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2 (one throttled, one retry)", len(reqs))
	}
	if out.RequestId != "req-ok" {
		t.Errorf("answer = %+v, want the retry's", out)
	}
}

// TestNoSDKRetry checks that c.Do is the only retry loop for throttling.
func TestNoSDKRetry(t *testing.T) {
	isolateEnv(t)
	api := newFakeAPI(t, reply(`{"Response":{"Error":{"Code":"RequestLimitExceeded","Message":"slow down"},"RequestId":"req-t"}}`))
	c := newTestClient(t, api, Config{Retry: noRetry})

	err := c.Call(context.Background(), "vpc", "", "DescribeSecurityGroups", nil, nil)
	if class := apierr.ClassOf(err); class != retry.Throttled {
		t.Errorf("error %v has class %v, want throttled", err, class)
	}
	if n := len(api.requests()); n != 1 {
		t.Errorf("%d requests with max_retries 0, want 1", n)
	}
}

func TestCallConnectionRefused(t *testing.T) {
	isolateEnv(t)
	api := newFakeAPI(t, reply(okBody))
	c := newTestClient(t, api, Config{Retry: retry.Policy{MaxRetries: 1, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}})
	api.Close()

	err := c.Call(context.Background(), "vpc", "", "DescribeSecurityGroups", nil, nil)
	var gaveUp *retry.GaveUpError
	if !errors.As(err, &gaveUp) || gaveUp.Attempts != 2 {
		t.Fatalf("error = %v, want to give up after 2 attempts", err)
	}
	if class := apierr.ClassOf(err); class != retry.Transient {
		t.Errorf("class = %v, want transient", class)
	}
}

// A connection cut before the answer (reset, or closed mid-exchange) is
// transient: the call is retried and succeeds.
func TestCallRetriesCutConnection(t *testing.T) {
	isolateEnv(t)
	api := newFakeAPI(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 1 {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			if tcp, ok := conn.(*net.TCPConn); ok {
				_ = tcp.SetLinger(0) // close with a reset
			}
			_ = conn.Close()
			return
		}
		fmt.Fprint(w, okBody)
	})
	c := newTestClient(t, api, Config{})
	if err := c.Call(context.Background(), "vpc", "", "DescribeSecurityGroups", nil, nil); err != nil {
		t.Fatalf("Call after a cut connection: %v", err)
	}
	if n := len(api.requests()); n != 2 {
		t.Errorf("%d requests, want 2 (the cut one and its retry)", n)
	}
}

func TestCallHonoursContext(t *testing.T) {
	isolateEnv(t)
	api := newFakeAPI(t, func(_ int, _ http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // never answers; returns once the client hangs up
	})
	c := newTestClient(t, api, Config{Retry: noRetry})

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := c.Call(ctx, "vpc", "", "DescribeSecurityGroups", nil, nil); err == nil {
		t.Fatal("Call succeeded without an answer")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Call returned after %v: the context's deadline did not reach the request", d)
	}
}

// TestCallConcurrent fails under -race if the cached SDK clients are not safe to share.
func TestCallConcurrent(t *testing.T) {
	isolateEnv(t)
	api := newFakeAPI(t, reply(okBody))
	c := newTestClient(t, api, Config{})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			svc := EndpointKeys[i%len(EndpointKeys)]
			for range 4 {
				if err := c.Call(context.Background(), svc, "", "DescribeSecurityGroups", nil, nil); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if n := len(api.requests()); n != 32 {
		t.Errorf("%d requests, want 32", n)
	}
}

// TestLimits: by default CVM calls are paced at the documented 10 per second,
// tag calls at the documented 20 and VPC calls at our conservative 20; the
// configuration replaces them.
func TestLimits(t *testing.T) {
	isolateEnv(t)
	c, err := NewClient(Config{Region: "ap-guangzhou", SecretID: "id", SecretKey: "key"})
	if err != nil {
		t.Fatal(err)
	}
	for svc, rate := range map[string]float64{"cvm": 10, "vpc": 20, "tag": 20} {
		if l, ok := c.RateLimit(svc); !ok || l.Rate != rate || l.Burst != 1 {
			t.Errorf("%s limit = %+v, %v; want %v requests per second, burst 1", svc, l, ok, rate)
		}
	}
	c, err = NewClient(Config{Region: "ap-guangzhou", SecretID: "id", SecretKey: "key",
		Limits: ratelimit.WithOverrides(DefaultLimits, map[string]float64{"cvm": 0, "vpc": 5})})
	if err != nil {
		t.Fatal(err)
	}
	if l, ok := c.RateLimit("cvm"); ok {
		t.Errorf("cvm is limited to %+v with rate_limits.cvm = 0, want no limit", l)
	}
	if l, ok := c.RateLimit("vpc"); !ok || l.Rate != 5 {
		t.Errorf("vpc limit = %+v, %v; want 5", l, ok)
	}
	if l, ok := c.RateLimit("tag"); !ok || l.Rate != 20 {
		t.Errorf("tag limit = %+v, %v; want the default 20", l, ok)
	}
}

// TestSendTagVersion: the tag service speaks its own API version.
func TestSendTagVersion(t *testing.T) {
	isolateEnv(t)
	api := newFakeAPI(t, reply(okBody))
	c := newTestClient(t, api, Config{})
	if err := c.Send(context.Background(), "tag", "", "ModifyResourceTags", map[string]any{"Resource": "qcs::cvm:ap-guangzhou:uin/:sg/sg-1"}, nil); err != nil {
		t.Fatal(err)
	}
	r := api.requests()[0]
	if r.header.Get("X-TC-Version") != "2018-08-13" || !strings.Contains(r.header.Get("Authorization"), "/tag/tc3_request") {
		t.Errorf("tag call went out with version %q and authorization %q", r.header.Get("X-TC-Version"), r.header.Get("Authorization"))
	}
}
