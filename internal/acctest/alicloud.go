package acctest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"maps"
	"os"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/alicloud"
	aliemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/alicloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/ratelimit"
	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
)

// Emulated Alibaba Cloud account used by every emulator-mode test.
const (
	AliRegion    = "cn-hangzhou"
	AliAccessKey = "EMULATORALIACCESSKEY"
	AliSecretKey = "emulator-ali-secret-key-do-not-use"
)

// AliSeed adds objects to the emulated Alibaba Cloud, with the test
// account's credential, leaving the other clouds alone.
func (e *Env) AliSeed(t *testing.T, fn func(*aliemu.State)) {
	t.Helper()
	e.RequireEmulator(t)
	e.Ali.Mutate(func(s *aliemu.State) {
		s.Credentials = append(s.Credentials, aliemu.Credential{AccessKeyID: AliAccessKey, AccessKeySecret: AliSecretKey})
		fn(s)
	})
}

// AliCloudProviderConfig is the provider block for the test's cloud. Against
// the real cloud it is empty and the ALICLOUD_* environment variables
// configure it.
func (e *Env) AliCloudProviderConfig() string {
	if e.Emulator == nil {
		return `provider "secgroup" {
  alicloud {}
}
`
	}
	return e.AliCloudProviderConfigWith(ProviderOptions{})
}

// AliCloudProviderConfigWith is the emulator's provider block with options.
func (e *Env) AliCloudProviderConfigWith(o ProviderOptions) string {
	return providerBlock(o.maxRetries(), e.aliBlock(o.RateLimits))
}

// aliBlock is the alicloud block pointing at the emulator.
func (e *Env) aliBlock(rateLimits map[string]float64) string {
	if rateLimits == nil {
		rateLimits = unpaced(alicloud.EndpointKeys)
	}
	return fmt.Sprintf(`  alicloud {
    region     = %[1]q
    access_key = %[2]q
    secret_key = %[3]q
    endpoints = {
      ecs = %[4]q
      ens = %[4]q
    }
%[5]s  }
`, AliRegion, AliAccessKey, AliSecretKey, e.Emulator.URL(), rateLimitsLine(rateLimits))
}

// AliCloudClient is a client for test checks, configured like the provider.
// Against the emulator it is not paced.
func (e *Env) AliCloudClient(t *testing.T) *alicloud.Client {
	t.Helper()
	cfg := alicloud.Config{
		Region:        os.Getenv("ALICLOUD_REGION"),
		AccessKey:     os.Getenv("ALICLOUD_ACCESS_KEY"),
		SecretKey:     os.Getenv("ALICLOUD_SECRET_KEY"),
		SecurityToken: os.Getenv("ALICLOUD_SECURITY_TOKEN"),
		Retry:         retry.DefaultPolicy,
	}
	if e.Emulator != nil {
		u := e.Emulator.URL()
		cfg = alicloud.Config{
			Region: AliRegion, AccessKey: AliAccessKey, SecretKey: AliSecretKey,
			Endpoints: map[string]string{"ecs": u, "ens": u},
			Retry:     retry.DefaultPolicy,
			Limits:    map[string]ratelimit.Limit{}, // checks must not slow the tests or use up the provider's rate
		}
	}
	c, err := alicloud.NewClient(cfg)
	if err != nil {
		t.Fatalf("building the Alibaba Cloud test client: %s", err)
	}
	return c
}

// AliID returns a random ID in Alibaba Cloud's shape: a prefix such as "sg",
// "i" or "eni", a dash and 20 lower-case alphanumerics.
func AliID(prefix string) string {
	b := make([]byte, 10)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return prefix + "-" + hex.EncodeToString(b)
}

// rpcProtocolParams are the parameters the RPC protocol adds to every call.
var rpcProtocolParams = []string{
	"Action", "Version", "Format", "AccessKeyId", "Timestamp", "SecurityToken",
	"Signature", "SignatureMethod", "SignatureVersion", "SignatureNonce", "SignatureType",
}

// RPCOwnParams returns a logged Alibaba Cloud RPC call's parameters without
// those the protocol adds to every call, so a wire test compares only what the
// resource chose. RegionId stays: some APIs (an ENI's LeaveSecurityGroup) need it.
func RPCOwnParams(params map[string]string) map[string]string {
	out := maps.Clone(params)
	for _, k := range rpcProtocolParams {
		delete(out, k)
	}
	return out
}
