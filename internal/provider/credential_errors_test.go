package provider_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	aliemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/alicloud"

	"github.com/secgroup/terraform-provider-secgroup/internal/acctest"
)

// errorCase is one wrong setting and what its one error must say.
type errorCase struct {
	name  string
	block string   // the cloud's provider block
	want  []string // in the error, in any order (terraform re-wraps lines)
	// notWant must not appear anywhere in terraform's output.
	notWant []string
	// errorCode: the emulator answered it exactly once (auth errors are not retried).
	errorCode string
}

// wrongEndpoints are two endpoints that are not the API: a port where nothing
// listens and a web server that answers every path with a 404 page.
func wrongEndpoints(t *testing.T) (refused, notAPI string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused = "http://" + ln.Addr().String()
	_ = ln.Close()
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, "<html><body><h1>404 Not Found</h1></body></html>")
	}))
	t.Cleanup(web.Close)
	return refused, web.URL
}

// runErrorCases applies resource with each case's provider block and checks
// that terraform prints exactly one error, saying everything in want.
func runErrorCases(t *testing.T, env *acctest.Env, cloud, resource string, cases []errorCase) {
	t.Helper()
	w := newWorkdir(t)
	oneError := regexp.MustCompile(`(?m)^Error: `)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env.Emulator.ResetRequests()
			if err := w.WriteConfig(providerConfig(2, tc.block) + resource); err != nil {
				t.Fatal(err)
			}
			r := w.Run(context.Background(), nil, "apply", "-auto-approve")
			if r.Err == nil {
				t.Fatalf("apply succeeded; want one error\n%s", r.Stdout)
			}
			if n := len(oneError.FindAllString(r.Stderr, -1)); n != 1 {
				t.Fatalf("%d errors, want exactly 1:\n%s", n, r.Stderr)
			}
			for _, want := range tc.want {
				if !acctest.ErrorRegexp(regexp.QuoteMeta(want)).MatchString(r.Stderr) {
					t.Errorf("the error does not say %q:\n%s", want, r.Stderr)
				}
			}
			for _, bad := range tc.notWant {
				if strings.Contains(r.Stdout+r.Stderr, bad) {
					t.Errorf("terraform's output holds %q:\n%s", bad, r.Stderr)
				}
			}
			if tc.errorCode != "" {
				var answered int
				for _, rec := range env.Requests(t, cloud) {
					if rec.ErrorCode == tc.errorCode {
						answered++
					}
				}
				if answered != 1 {
					t.Errorf("the emulator answered %s %d times, want 1 (no retry)", tc.errorCode, answered)
				}
			}
			t.Logf("one error in %s:\n%s", r.Elapsed.Round(10_000_000), r.Stderr)
		})
	}
}

func TestAccCredentialErrors_huaweicloud(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Huawei(t)
	u := env.Emulator.URL()
	refused, notAPI := wrongEndpoints(t)
	block := func(ak, sk, ecs string) string {
		return cloudBlock("huaweicloud", hcl{{"region", acctest.HWRegion}, {"access_key", ak}, {"secret_key", sk}},
			map[string]string{"ecs": ecs, "vpc": u, "iam": u})
	}
	resource := fmt.Sprintf(`
resource "secgroup_huaweicloud_server_association" "x" {
  server_id      = %q
  security_group = %q
}
`, f.ServerID, f.SecurityGroupID)
	wrongSecret := "hw-wrong-secret-6e1d"
	runErrorCases(t, env, "huaweicloud", resource, []errorCase{{
		name:  "wrong secret key",
		block: block(acctest.HWAccessKey, wrongSecret, u),
		want: []string{"huaweicloud IAM KeystoneListProjects: HTTP 401 APIGW.0301",
			"huaweicloud.secret_key", "HW_SECRET_KEY"},
		notWant:   []string{wrongSecret},
		errorCode: "APIGW.0301",
	}, {
		name:      "unknown access key",
		block:     block("HWNOSUCHACCESSKEY000", acctest.HWSecretKey, u),
		want:      []string{"huaweicloud IAM KeystoneListProjects: HTTP 401 APIGW.0301", "huaweicloud.access_key", "HW_ACCESS_KEY"},
		errorCode: "APIGW.0301",
	}, {
		name:  "nothing listens at the endpoint",
		block: block(acctest.HWAccessKey, acctest.HWSecretKey, refused),
		want: []string{"huaweicloud ECS ListServersDetails: no answer from " + refused, "connection refused",
			"after 3 attempts, max_retries reached", "huaweicloud.endpoints.ecs"},
	}, {
		name:  "the endpoint is not the API",
		block: block(acctest.HWAccessKey, acctest.HWSecretKey, notAPI),
		want: []string{"huaweicloud ECS ListServersDetails: HTTP 404", "not the huaweicloud ECS API's",
			"huaweicloud.endpoints.ecs", notAPI},
		notWant: []string{"<html>"},
	}})
}

func TestAccCredentialErrors_alicloud(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.AliMembership(t)
	env.Ali.Mutate(func(s *aliemu.State) {
		s.Credentials = append(s.Credentials, aliemu.Credential{AccessKeyID: leakAliAccessKey, AccessKeySecret: leakAliSecretKey, SecurityToken: leakAliToken})
	})
	u := env.Emulator.URL()
	refused, notAPI := wrongEndpoints(t)
	block := func(ak, sk, token, ecs string) string {
		attrs := hcl{{"region", acctest.AliRegion}, {"access_key", ak}, {"secret_key", sk}}
		if token != "" {
			attrs = append(attrs, [2]string{"security_token", token})
		}
		return cloudBlock("alicloud", attrs, map[string]string{"ecs": ecs, "ens": u})
	}
	resource := fmt.Sprintf(`
resource "secgroup_alicloud_instance_association" "x" {
  instance_id       = %q
  security_group_id = %q
}
`, f.InstanceID, f.SecurityGroupID)
	wrongSecret := "ali-wrong-secret-2b7c"
	runErrorCases(t, env, "alicloud", resource, []errorCase{{
		// An STS key: the API's message would hold the signed string, token included.
		name:      "wrong secret",
		block:     block(leakAliAccessKey, wrongSecret, leakAliToken, u),
		want:      []string{"alicloud ECS", "HTTP 400 SignatureDoesNotMatch", "alicloud.secret_key", "ALICLOUD_SECRET_KEY"},
		notWant:   []string{wrongSecret, leakAliToken, "string to sign is"},
		errorCode: "SignatureDoesNotMatch",
	}, {
		name:      "unknown AccessKey ID",
		block:     block("ALINOSUCHACCESSKEY00", acctest.AliSecretKey, "", u),
		want:      []string{"alicloud ECS", "HTTP 404 InvalidAccessKeyId.NotFound", "alicloud.access_key", "ALICLOUD_ACCESS_KEY"},
		errorCode: "InvalidAccessKeyId.NotFound",
	}, {
		name:      "wrong security token",
		block:     block(leakAliAccessKey, leakAliSecretKey, "not-the-token-4f2a", u),
		want:      []string{"alicloud ECS", "InvalidSecurityToken.MismatchWithAccessKey", "alicloud.security_token", "ALICLOUD_SECURITY_TOKEN"},
		notWant:   []string{"not-the-token-4f2a", leakAliToken},
		errorCode: "InvalidSecurityToken.MismatchWithAccessKey",
	}, {
		name:  "nothing listens at the endpoint",
		block: block(leakAliAccessKey, leakAliSecretKey, leakAliToken, refused),
		want: []string{"alicloud ECS", "no answer from " + refused, "connection refused",
			"after 3 attempts, max_retries reached", "alicloud.endpoints.ecs"},
		// The SDK's own error text is the signed URL.
		notWant: []string{leakAliToken, "Signature="},
	}, {
		name:    "the endpoint is not the API",
		block:   block(acctest.AliAccessKey, acctest.AliSecretKey, "", notAPI),
		want:    []string{"alicloud ECS", "HTTP 404", "not the alicloud ECS API's", "alicloud.endpoints.ecs", notAPI},
		notWant: []string{"<html>"},
	}})
}

func TestAccCredentialErrors_tencentcloud(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Tencent(t)
	u := env.Emulator.URL()
	refused, notAPI := wrongEndpoints(t)
	block := func(id, key, cvm string) string {
		return cloudBlock("tencentcloud", hcl{{"region", acctest.TCRegion}, {"secret_id", id}, {"secret_key", key}},
			map[string]string{"cvm": cvm, "vpc": u, "tag": u})
	}
	resource := fmt.Sprintf(`
resource "secgroup_tencentcloud_instance_association" "x" {
  security_group_id = %q
  instance_id       = %q
}
`, f.SecurityGroupID, f.InstanceID)
	wrongSecret := "tc-wrong-secret-9a3e"
	runErrorCases(t, env, "tencentcloud", resource, []errorCase{{
		name:      "wrong secret key",
		block:     block(acctest.TCSecretID, wrongSecret, u),
		want:      []string{"tencentcloud CVM", "AuthFailure.SignatureFailure", "tencentcloud.secret_key", "TENCENTCLOUD_SECRET_KEY"},
		notWant:   []string{wrongSecret},
		errorCode: "AuthFailure.SignatureFailure",
	}, {
		name:      "unknown SecretId",
		block:     block("AKIDNOSUCHSECRETID00000000000000", acctest.TCSecretKey, u),
		want:      []string{"tencentcloud CVM", "AuthFailure.SecretIdNotFound", "tencentcloud.secret_id", "TENCENTCLOUD_SECRET_ID"},
		errorCode: "AuthFailure.SecretIdNotFound",
	}, {
		name:  "nothing listens at the endpoint",
		block: block(acctest.TCSecretID, acctest.TCSecretKey, refused),
		want: []string{"tencentcloud CVM", "no answer from " + refused, "connection refused",
			"after 3 attempts, max_retries reached", "tencentcloud.endpoints.cvm"},
	}, {
		name:  "the endpoint is not the API",
		block: block(acctest.TCSecretID, acctest.TCSecretKey, notAPI),
		// The common client reads the body before the status: "not JSON".
		want:    []string{"tencentcloud CVM", "not the tencentcloud CVM API's: not JSON", "tencentcloud.endpoints.cvm", notAPI},
		notWant: []string{"<html>"},
	}})
}

// A web page at the endpoint is never taken for "the object is gone": a
// destroy (and its refresh) fails with one error per cloud, the state keeps
// the resources and the clouds keep the memberships. Were a page's 404 read
// as "not found", the refresh would drop the resources from the state with a
// warning and the destroy would report success having removed nothing.
func TestAccEndpointErrors_webPageIsNotGone(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := seedSecretsFixtures(t, env)
	u := env.Emulator.URL()
	_, notAPI := wrongEndpoints(t)
	config := func(hwECS, aliECS, tcCVM string) string {
		return providerConfig(2,
			cloudBlock("huaweicloud", hcl{{"region", acctest.HWRegion}, {"access_key", acctest.HWAccessKey}, {"secret_key", acctest.HWSecretKey}},
				map[string]string{"ecs": hwECS, "vpc": u, "iam": u}),
			cloudBlock("alicloud", hcl{{"region", acctest.AliRegion}, {"access_key", acctest.AliAccessKey}, {"secret_key", acctest.AliSecretKey}},
				map[string]string{"ecs": aliECS, "ens": u}),
			cloudBlock("tencentcloud", hcl{{"region", acctest.TCRegion}, {"secret_id", acctest.TCSecretID}, {"secret_key", acctest.TCSecretKey}},
				map[string]string{"cvm": tcCVM, "vpc": u, "tag": u}),
		) + f.resources()
	}
	w := newWorkdir(t)
	if err := w.WriteConfig(config(u, u, u)); err != nil {
		t.Fatal(err)
	}
	if r := w.Run(context.Background(), nil, "apply", "-auto-approve"); r.Err != nil {
		t.Fatal(r.Err)
	}
	if err := w.WriteConfig(config(notAPI, notAPI, notAPI)); err != nil {
		t.Fatal(err)
	}
	r := w.Run(context.Background(), nil, "destroy", "-auto-approve")
	if r.Err == nil {
		t.Fatalf("destroy succeeded against a web page:\n%s", r.Stdout)
	}
	if n := len(regexp.MustCompile(`(?m)^Error: `).FindAllString(r.Stderr, -1)); n != 3 {
		t.Errorf("%d errors, want one per cloud:\n%s", n, r.Stderr)
	}
	for _, want := range []string{"huaweicloud.endpoints.ecs", "alicloud.endpoints.ecs", "tencentcloud.endpoints.cvm"} {
		if !acctest.ErrorRegexp(regexp.QuoteMeta(want)).MatchString(r.Stderr) {
			t.Errorf("no error names %s:\n%s", want, r.Stderr)
		}
	}
	raw, err := os.ReadFile(filepath.Join(w.Dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	var state struct{ Resources []struct{ Type string } }
	if err := json.Unmarshal(raw, &state); err != nil || len(state.Resources) != 3 {
		t.Errorf("the state lost resources (%v): %s", err, raw)
	}
	hwServer := env.HW.State().Servers[0]
	aliInstance := env.Ali.State().Instances[0]
	tcInstance := env.TC.State().Instances[0]
	if !slices.Contains(hwServer.SecurityGroups, f.hw.SecurityGroupID) ||
		!slices.Contains(aliInstance.SecurityGroupIDs, f.ali.SecurityGroupID) ||
		!slices.Contains(tcInstance.SecurityGroupIDs, f.tc.SecurityGroupID) {
		t.Errorf("a membership is gone: %v %v %v", hwServer.SecurityGroups, aliInstance.SecurityGroupIDs, tcInstance.SecurityGroupIDs)
	}
}
