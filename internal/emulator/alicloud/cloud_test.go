package alicloud

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/alicloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	"github.com/secgroup/terraform-provider-secgroup/internal/emulator"
	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
)

const (
	testRegion = "cn-hangzhou"
	testKey    = "EMULATORALIKEY"
	testSecret = "emulator-ali-secret"
)

// echoAction is a handler registered only by these tests, so that the
// protocol is tested apart from any API's semantics.
const echoAction = "EmulatorEcho"

func init() {
	echo := func(_ *State, rq *Request) (map[string]any, *Error) {
		if rq.Get("Fail") != "" {
			return nil, Errorf(http.StatusForbidden, rq.Get("Fail"), "failing as asked")
		}
		return map[string]any{"Service": rq.Service, "Region": rq.Region, "Value": rq.Get("Value")}, nil
	}
	actions["ecs"][echoAction] = echo
	actions["ens"][echoAction] = echo
}

func startEmulator(t *testing.T, creds ...Credential) (*emulator.Server, *Cloud) {
	t.Helper()
	c := New()
	if len(creds) == 0 {
		creds = []Credential{{AccessKeyID: testKey, AccessKeySecret: testSecret}}
	}
	c.Mutate(func(s *State) { s.Credentials = creds })
	srv := emulator.New(c)
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv, c
}

// sdkClient is the provider's own client (the real SDK underneath).
func sdkClient(t *testing.T, srv *emulator.Server, key, secret, token string) *alicloud.Client {
	t.Helper()
	c, err := alicloud.NewClient(alicloud.Config{
		Region: testRegion, AccessKey: key, SecretKey: secret, SecurityToken: token,
		Endpoints: map[string]string{"ecs": srv.URL(), "ens": srv.URL()},
		Retry:     retry.Policy{MaxRetries: 0, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSDKSignedCallsAreServed(t *testing.T) {
	srv, _ := startEmulator(t)
	c := sdkClient(t, srv, testKey, testSecret, "")
	for _, svc := range []string{"ecs", "ens"} {
		var out struct{ Service, Region, Value, RequestId string }
		// Characters the signature's encoding treats specially.
		value := "a b*c~d+e/f=g&h ü"
		if err := c.Call(context.Background(), svc, "", echoAction, map[string]string{"Value": value}, &out); err != nil {
			t.Fatalf("%s: %v", svc, err)
		}
		if out.Service != svc || out.Region != testRegion || out.Value != value || out.RequestId == "" {
			t.Errorf("%s: answer %+v", svc, out)
		}
	}
	recs := srv.Requests()
	if len(recs) != 2 || recs[0].Service != "ecs" || recs[1].Service != "ens" || recs[0].Action != echoAction {
		t.Fatalf("request log: %+v", recs)
	}
	if recs[0].Params["Signature"] != "REDACTED" || recs[0].Params["Value"] != "a b*c~d+e/f=g&h ü" {
		t.Errorf("logged params: %v", recs[0].Params)
	}
}

func TestAuthenticationErrors(t *testing.T) {
	srv, _ := startEmulator(t,
		Credential{AccessKeyID: testKey, AccessKeySecret: testSecret},
		Credential{AccessKeyID: "STSKEY", AccessKeySecret: "sts-secret", SecurityToken: "the-token"})
	cases := []struct {
		name, key, secret, token string
		status                   int
		code                     string
	}{
		{"wrong secret", testKey, "not-the-secret", "", 400, "SignatureDoesNotMatch"},
		{"unknown key", "NOSUCHKEY", testSecret, "", 404, "InvalidAccessKeyId.NotFound"},
		{"missing STS token", "STSKEY", "sts-secret", "", 400, "MissingSecurityToken"},
		{"wrong STS token", "STSKEY", "sts-secret", "other", 400, "InvalidSecurityToken.MismatchWithAccessKey"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := sdkClient(t, srv, tc.key, tc.secret, tc.token).Call(context.Background(), "ecs", "", echoAction, nil, nil)
			var e *apierr.Error
			if !errors.As(err, &e) || e.Code != tc.code || e.Status != tc.status || e.Class != retry.Auth {
				t.Fatalf("want %d %s (auth), got %#v", tc.status, tc.code, err)
			}
			if e.RequestID == "" {
				t.Error("error has no RequestId")
			}
		})
	}
	if err := sdkClient(t, srv, "STSKEY", "sts-secret", "the-token").Call(context.Background(), "ecs", "", echoAction, nil, nil); err != nil {
		t.Fatalf("STS credential with its token: %v", err)
	}
}

func TestErrorBodyAndRouting(t *testing.T) {
	srv, _ := startEmulator(t)
	c := sdkClient(t, srv, testKey, testSecret, "")
	err := c.Call(context.Background(), "ecs", "", "NoSuchAction", nil, nil)
	var e *apierr.Error
	if !errors.As(err, &e) || e.Status != 404 || e.Code != "InvalidAction.NotFound" {
		t.Fatalf("unknown action: %#v", err)
	}
	err = c.Call(context.Background(), "ecs", "", echoAction, map[string]string{"Fail": "InstanceLockedForSecurity"}, nil)
	if !errors.As(err, &e) || e.Status != 403 || e.Code != "InstanceLockedForSecurity" || e.Message != "failing as asked" {
		t.Fatalf("handler error: %#v", err)
	}
	if got := srv.Requests()[1].ErrorCode; got != "InstanceLockedForSecurity" {
		t.Errorf("logged error code %q", got)
	}
}

// A fault rule's answer comes back in the RPC error format, with the code and
// status asked for, for the matched calls only; nothing is served.
func TestFaultAnswer(t *testing.T) {
	srv, _ := startEmulator(t)
	srv.SetFaults([]emulator.FaultRule{{Cloud: "alicloud", Actions: []string{echoAction}, Times: 1,
		ErrorStatus: 404, ErrorCode: "InvalidAction.NotFound"}})
	c := sdkClient(t, srv, testKey, testSecret, "")
	err := c.Call(context.Background(), "ecs", "", echoAction, nil, nil)
	var e *apierr.Error
	if !errors.As(err, &e) || e.Status != 404 || e.Code != "InvalidAction.NotFound" || e.RequestID == "" || !strings.Contains(e.Message, "api is not found") {
		t.Fatalf("answered call: %#v", err)
	}
	if err := c.Call(context.Background(), "ecs", "", echoAction, nil, nil); err != nil {
		t.Fatalf("the call after the rule's one answer: %v", err)
	}
	recs := srv.Requests()
	if len(recs) != 2 || recs[0].Fault != emulator.FaultCode || recs[0].ErrorCode != "InvalidAction.NotFound" || recs[1].Fault != "" {
		t.Fatalf("log %+v", recs)
	}
}

// signedURL signs params the way the SDK does, for raw requests.
func signedURL(srv *emulator.Server, method string, params url.Values) string {
	params.Set("AccessKeyId", testKey)
	params.Set("SignatureMethod", "HMAC-SHA1")
	params.Set("SignatureVersion", "1.0")
	params.Set("Timestamp", time.Now().UTC().Format("2006-01-02T15:04:05Z"))
	if !params.Has("SignatureNonce") {
		params.Set("SignatureNonce", newRequestID())
	}
	params.Set("Signature", sign(method, params, testSecret))
	return srv.URL() + "/?" + params.Encode()
}

func decodeError(t *testing.T, resp *http.Response) map[string]string {
	t.Helper()
	defer resp.Body.Close()
	var body map[string]string
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"RequestId", "HostId", "Code", "Message"} {
		if body[k] == "" {
			t.Errorf("error body lacks %s: %v", k, body)
		}
	}
	return body
}

func TestReplayedNonceAndStaleTimestamp(t *testing.T) {
	srv, _ := startEmulator(t)
	params := url.Values{"Action": {echoAction}, "Version": {versionECS}, "SignatureNonce": {"fixed-nonce"}}
	u := signedURL(srv, http.MethodGet, params)
	for i, want := range []int{200, 400} {
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != want {
			t.Fatalf("request %d: status %d, want %d", i, resp.StatusCode, want)
		}
		if want == 400 {
			if code := decodeError(t, resp)["Code"]; code != "SignatureNonceUsed" {
				t.Fatalf("replay: %s", code)
			}
		}
		resp.Body.Close()
	}

	stale := url.Values{"Action": {echoAction}, "Version": {versionECS}}
	stale.Set("Timestamp", "2020-01-01T00:00:00Z")
	stale.Set("AccessKeyId", testKey)
	stale.Set("SignatureMethod", "HMAC-SHA1")
	stale.Set("SignatureVersion", "1.0")
	stale.Set("SignatureNonce", "n2")
	stale.Set("Signature", sign(http.MethodGet, stale, testSecret))
	resp, err := http.Get(srv.URL() + "/?" + stale.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if code := decodeError(t, resp)["Code"]; resp.StatusCode != 400 || code != "InvalidTimeStamp.Expired" {
		t.Fatalf("stale timestamp: %d %s", resp.StatusCode, code)
	}
}

func TestFormBodyParametersAreSigned(t *testing.T) {
	srv, _ := startEmulator(t)
	form := url.Values{"Value": {"from the body"}}
	all := url.Values{"Action": {echoAction}, "Version": {versionENS}, "Value": {"from the body"}}
	signed, _ := url.Parse(signedURL(srv, http.MethodPost, all))
	q := signed.Query()
	q.Del("Value") // sent in the body instead, still covered by the signature
	signed.RawQuery = q.Encode()
	resp, err := http.Post(signed.String(), "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]string
	_ = json.NewDecoder(resp.Body).Decode(&out)
	if resp.StatusCode != 200 || out["Value"] != "from the body" || out["Service"] != "ens" {
		t.Fatalf("form body: %d %v", resp.StatusCode, out)
	}
}

func TestFaultAnswers(t *testing.T) {
	srv, _ := startEmulator(t)
	c := sdkClient(t, srv, testKey, testSecret, "")
	cases := []struct {
		kind   string
		status int
		code   string
		class  retry.Class
	}{
		{"throttle", 400, "Throttling.User", retry.Throttled},
		{"server_error", 500, "InternalError", retry.Transient},
		{"drop", 504, "RequestTimeout", retry.Transient},
	}
	for _, tc := range cases {
		rule := emulator.FaultRule{Cloud: "alicloud"}
		switch tc.kind {
		case "throttle":
			rule.ThrottleRate = 1
		case "server_error":
			rule.ErrorRate = 1
		default:
			rule.DropRate = 1
		}
		srv.SetFaults([]emulator.FaultRule{rule})
		err := c.Call(context.Background(), "ecs", "", echoAction, nil, nil)
		var e *apierr.Error
		if !errors.As(err, &e) || e.Status != tc.status || e.Code != tc.code || e.Class != tc.class {
			t.Errorf("%s: got %#v", tc.kind, err)
		}
	}
}

func TestLoadStateRejectsInconsistentFixtures(t *testing.T) {
	c := New()
	bad := []string{
		`{"instances":[{"id":"i-1","region_id":"cn-hangzhou","security_group_ids":["sg-missing"]}]}`,
		`{"instances":[{"id":"i-1","region_id":"cn-hangzhou","status":"Exploding"}]}`,
		`{"security_groups":[{"id":"sg-1","region_id":"r"},{"id":"sg-1","region_id":"r"}]}`,
		`{"network_interfaces":[{"id":"eni-1","region_id":"r","instance_id":"i-nope"}]}`,
		`{"instancez":[]}`,
	}
	for _, raw := range bad {
		if err := c.LoadState(json.RawMessage(raw)); err == nil {
			t.Errorf("accepted %s", raw)
		}
	}
	good := `{"credentials":[{"access_key_id":"k","access_key_secret":"s"}],
	  "security_groups":[{"id":"sg-1","region_id":"r"}],
	  "instances":[{"id":"i-1","region_id":"r","security_group_ids":["sg-1"]}],
	  "network_interfaces":[{"id":"eni-1","region_id":"r","instance_id":"i-1","security_group_ids":["sg-1"]}]}`
	if err := c.LoadState(json.RawMessage(good)); err != nil {
		t.Fatal(err)
	}
	s := c.State()
	if s.Instances[0].Status != "Running" || s.NetworkInterfaces[0].Status != "InUse" || s.NetworkInterfaces[0].Type != "Secondary" {
		t.Errorf("defaults: %+v %+v", s.Instances[0], s.NetworkInterfaces[0])
	}
}

func TestInstanceStatusMovesOn(t *testing.T) {
	in := Instance{Status: "Starting", NextStatus: "Running", NextStatusAfter: 2}
	var seen []string
	for range 4 {
		in.observe()
		seen = append(seen, in.Status)
	}
	if strings.Join(seen, ",") != "Starting,Starting,Running,Running" {
		t.Fatalf("statuses: %v", seen)
	}
}
