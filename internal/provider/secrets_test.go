package provider_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	aliemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/alicloud"
	hwemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/huaweicloud"
	tcemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/tencentcloud"

	"github.com/secgroup/terraform-provider-secgroup/internal/acctest"
	"github.com/secgroup/terraform-provider-secgroup/internal/tfcli"
)

// Credentials of the log test: values distinctive enough that finding one in
// a log can only be a leak. The Alibaba Cloud key is an STS key: the emulator
// refuses it without its token.
const (
	leakHWAccessKey  = "SECRETSTESTHWACCESSK"
	leakHWSecretKey  = "hwSK-canary-5b0f1e9a7c"
	leakAliAccessKey = "STS.SECRETSTESTALIKEY"
	leakAliSecretKey = "aliSecret-canary-8d2c4f6e1a"
	leakAliToken     = "aliStsToken-canary-3e7a9b1d5f"
	leakTCSecretID   = "AKIDSECRETSTEST00000000000000042"
	leakTCSecretKey  = "tcSK-canary-0f4b8d2a6c"
)

// secretsFixtures is one resource of every cloud and the accounts of the
// leak-test credentials.
type secretsFixtures struct {
	hw  acctest.HuaweiFixtures
	ali acctest.AliMembershipFixtures
	tc  acctest.TencentFixtures
}

func seedSecretsFixtures(t *testing.T, env *acctest.Env) secretsFixtures {
	t.Helper()
	// Huawei first: it loads the whole state; the others add to it.
	f := secretsFixtures{hw: env.Huawei(t), ali: env.AliMembership(t), tc: env.Tencent(t)}
	env.HW.Mutate(func(s *hwemu.State) {
		s.Credentials = append(s.Credentials, hwemu.Credential{AccessKey: leakHWAccessKey, SecretKey: leakHWSecretKey})
	})
	env.Ali.Mutate(func(s *aliemu.State) {
		s.Credentials = append(s.Credentials, aliemu.Credential{AccessKeyID: leakAliAccessKey, AccessKeySecret: leakAliSecretKey, SecurityToken: leakAliToken})
	})
	env.TC.Mutate(func(s *tcemu.State) {
		s.Credentials = append(s.Credentials, tcemu.Credential{SecretID: leakTCSecretID, SecretKey: leakTCSecretKey})
	})
	return f
}

func (f secretsFixtures) resources() string {
	return fmt.Sprintf(`
resource "secgroup_huaweicloud_server_association" "hw" {
  server_id      = %q
  security_group = %q
}

resource "secgroup_alicloud_instance_association" "ali" {
  instance_id       = %q
  security_group_id = %q
}

resource "secgroup_tencentcloud_instance_association" "tc" {
  security_group_id = %q
  instance_id       = %q
}
`, f.hw.ServerID, f.hw.SecurityGroupID, f.ali.InstanceID, f.ali.SecurityGroupID, f.tc.SecurityGroupID, f.tc.InstanceID)
}

// hcl is one provider block attribute list, written in order.
type hcl [][2]string

// cloudBlock writes a cloud block: attrs (values quoted) and endpoints.
func cloudBlock(name string, attrs hcl, endpoints map[string]string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "  %s {\n", name)
	for _, a := range attrs {
		fmt.Fprintf(&b, "    %s = %q\n", a[0], a[1])
	}
	keys := make([]string, 0, len(endpoints))
	for k := range endpoints {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b.WriteString("    endpoints = {\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "      %s = %q\n", k, endpoints[k])
	}
	b.WriteString("    }\n  }\n")
	return b.String()
}

func providerConfig(maxRetries int, blocks ...string) string {
	return tfcli.ProviderBlock + fmt.Sprintf("provider \"secgroup\" {\n  max_retries = %d\n%s}\n", maxRetries, strings.Join(blocks, ""))
}

// endpointsAt points every service of a cloud at url.
func endpointsAt(url string, services ...string) map[string]string {
	m := map[string]string{}
	for _, s := range services {
		m[s] = url
	}
	return m
}

// newWorkdir is a terraform working directory using the provider built as a
// plugin binary, so the provider runs as terraform's child process, as users
// run it, and its log lines go through terraform's log.
func newWorkdir(t *testing.T, extraEnv ...string) *tfcli.Workdir {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1: the test runs terraform")
	}
	if _, err := tfcli.Terraform(); err != nil {
		t.Skip("no terraform binary: ", err)
	}
	dir, err := tfcli.BuildProvider()
	if err != nil {
		t.Fatal(err)
	}
	w, err := tfcli.NewWorkdir(t.TempDir(), dir, extraEnv...)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// With TF_LOG=trace, apply, plan and destroy of resources of the three clouds
// print no secret key, no security token and no request signature, whether
// the credentials come from the provider block or from the environment: not
// in terraform's log, not in the provider's log lines within it, not on
// terraform's stdout or stderr. DEBUG=sdk is set too: it would make the
// Alibaba Cloud SDK print every signed request URL.
func TestAccSecrets_neverLogged(t *testing.T) {
	for _, tc := range []struct {
		name    string
		inBlock bool
	}{
		{"provider block", true},
		{"environment", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := acctest.NewEnv(t)
			env.RequireEmulator(t)
			f := seedSecretsFixtures(t, env)
			u := env.Emulator.URL()

			hw := hcl{{"region", acctest.HWRegion}}
			ali := hcl{{"region", acctest.AliRegion}}
			tcb := hcl{{"region", acctest.TCRegion}}
			credentials := []string{
				"HW_ACCESS_KEY=" + leakHWAccessKey, "HW_SECRET_KEY=" + leakHWSecretKey,
				"ALICLOUD_ACCESS_KEY=" + leakAliAccessKey, "ALICLOUD_SECRET_KEY=" + leakAliSecretKey,
				"ALICLOUD_SECURITY_TOKEN=" + leakAliToken,
				"TENCENTCLOUD_SECRET_ID=" + leakTCSecretID, "TENCENTCLOUD_SECRET_KEY=" + leakTCSecretKey,
			}
			var extraEnv []string
			if tc.inBlock {
				hw = append(hw, [2]string{"access_key", leakHWAccessKey}, [2]string{"secret_key", leakHWSecretKey})
				ali = append(ali, [2]string{"access_key", leakAliAccessKey}, [2]string{"secret_key", leakAliSecretKey},
					[2]string{"security_token", leakAliToken})
				tcb = append(tcb, [2]string{"secret_id", leakTCSecretID}, [2]string{"secret_key", leakTCSecretKey})
			} else {
				extraEnv = credentials
			}
			w := newWorkdir(t, extraEnv...)
			cfg := providerConfig(2,
				cloudBlock("huaweicloud", hw, endpointsAt(u, "ecs", "vpc", "iam")),
				cloudBlock("alicloud", ali, endpointsAt(u, "ecs", "ens")),
				cloudBlock("tencentcloud", tcb, endpointsAt(u, "vpc", "cvm", "tag")),
			) + f.resources()
			if err := w.WriteConfig(cfg); err != nil {
				t.Fatal(err)
			}

			var outputs []string // every byte terraform and the provider printed
			logs := map[string]string{}
			for _, args := range [][]string{
				{"apply", "-auto-approve"},
				{"plan", "-detailed-exitcode"},
				{"destroy", "-auto-approve"},
			} {
				logPath := filepath.Join(w.Dir, args[0]+".log")
				r := w.Run(context.Background(), []string{
					"TF_LOG=trace", "TF_LOG_PROVIDER=trace", "TF_LOG_PATH=" + logPath, "DEBUG=sdk",
				}, args...)
				if r.Err != nil {
					t.Fatalf("%s", r.Err) // exit 2 of plan -detailed-exitcode: changes after apply
				}
				raw, err := os.ReadFile(logPath)
				if err != nil {
					t.Fatal(err)
				}
				logs[args[0]] = string(raw)
				outputs = append(outputs, r.Stdout, r.Stderr, string(raw))
			}

			// The logs are real trace logs with the provider's own lines in
			// them, so finding nothing below means something.
			for cmd, log := range logs {
				requireTraceLogOfProvider(t, cmd, log)
			}
			for _, cmd := range []string{"apply", "destroy"} {
				for _, want := range []string{
					"action=addSecurityGroup", "action=JoinSecurityGroup", "action=AssociateSecurityGroups",
				} {
					if cmd == "destroy" {
						want = map[string]string{
							"action=addSecurityGroup":        "action=removeSecurityGroup",
							"action=JoinSecurityGroup":       "action=LeaveSecurityGroup",
							"action=AssociateSecurityGroups": "action=DisassociateSecurityGroups",
						}[want]
					}
					if !regexp.MustCompile(`API call:.*` + regexp.QuoteMeta(want)).MatchString(logs[cmd]) {
						t.Errorf("the %s log has no request line with %s", cmd, want)
					}
				}
			}

			forbidden := map[string]string{
				leakHWSecretKey: "Huawei Cloud secret key", leakAliSecretKey: "Alibaba Cloud AccessKey secret",
				leakAliToken: "Alibaba Cloud security token", leakTCSecretKey: "Tencent Cloud secret key",
			}
			signatures := map[string]int{}
			for _, rec := range env.Emulator.Requests() {
				if rec.Signature == "" {
					t.Errorf("the emulator logged a %s %s request without its signature", rec.Cloud, rec.Action)
					continue
				}
				signatures[rec.Cloud]++
				forbidden[rec.Signature] = rec.Cloud + " " + rec.Action + " signature"
				forbidden[url.QueryEscape(rec.Signature)] = rec.Cloud + " " + rec.Action + " signature (URL-encoded)"
			}
			for _, cloud := range []string{"huaweicloud", "alicloud", "tencentcloud"} {
				if signatures[cloud] == 0 {
					t.Fatalf("no %s request reached the emulator", cloud)
				}
			}
			// The STS key works only with its token: it was sent.
			for _, rec := range env.Requests(t, "alicloud") {
				if rec.Params["SecurityToken"] == "" {
					t.Fatalf("alicloud %s went without the security token", rec.Action)
				}
			}
			all := strings.Join(outputs, "\n")
			for value, what := range forbidden {
				if i := strings.Index(all, value); i >= 0 {
					t.Errorf("the %s appears in terraform's output or log: ...%s...", what, excerpt(all, i, len(value)))
				}
			}
			t.Logf("searched %d bytes of logs and output for 4 secrets and the signatures of %v requests", len(all), signatures)
		})
	}
}

// requireTraceLogOfProvider fails unless log is a trace-level terraform log
// holding the provider process's own trace lines and its request lines.
func requireTraceLogOfProvider(t *testing.T, cmd, log string) {
	t.Helper()
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`\[TRACE\] `),                                      // terraform at trace
		regexp.MustCompile(`\[TRACE\] provider\.terraform-provider-secgroup`), // the provider process at trace
		regexp.MustCompile(`\[DEBUG\] provider\.terraform-provider-secgroup[^\n]*: API call: `),
	} {
		if !want.MatchString(log) {
			t.Errorf("the %s log (%d bytes) has no line matching %s", cmd, len(log), want)
		}
	}
}

func excerpt(s string, i, n int) string {
	from, to := max(0, i-80), min(len(s), i+n+80)
	return s[from:to]
}
