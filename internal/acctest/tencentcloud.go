package acctest

import (
	"crypto/rand"
	"fmt"
	"os"
	"testing"

	tcemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/tencentcloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/ratelimit"
	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
	"github.com/secgroup/terraform-provider-secgroup/internal/tencentcloud"
)

// Emulated Tencent Cloud account used by every emulator-mode test.
const (
	TCRegion    = "ap-guangzhou"
	TCSecretID  = "AKIDEMULATORACCTEST0000000000001"
	TCSecretKey = "emulator-tc-secret-key-do-not-use"
)

// TencentFixtures are the objects a Tencent test works on.
type TencentFixtures struct {
	Region string
	// InstanceID is an instance that starts in DefaultGroupID only (emulator)
	// or at least not in SecurityGroupID (real cloud).
	InstanceID string
	// SecurityGroupID is a group the instance is not in.
	SecurityGroupID string
	// DefaultGroupID is the instance's existing group (emulator only).
	DefaultGroupID string
}

// Tencent seeds the emulated Tencent Cloud with one instance and two groups,
// or reads the real-cloud fixtures from SECGROUP_ACC_TC_INSTANCE_ID and
// SECGROUP_ACC_TC_SECURITY_GROUP_ID. Seeding loads the Tencent part only, so
// other clouds' fixtures stay.
func (e *Env) Tencent(t *testing.T) TencentFixtures {
	t.Helper()
	if e.Emulator == nil {
		return TencentFixtures{
			Region:          os.Getenv("TENCENTCLOUD_REGION"),
			InstanceID:      FixtureEnv(t, "SECGROUP_ACC_TC_INSTANCE_ID"),
			SecurityGroupID: FixtureEnv(t, "SECGROUP_ACC_TC_SECURITY_GROUP_ID"),
		}
	}
	f := TencentFixtures{
		Region:          TCRegion,
		InstanceID:      TencentID("ins"),
		SecurityGroupID: TencentID("sg"),
		DefaultGroupID:  TencentID("sg"),
	}
	state := tcemu.State{
		Credentials: []tcemu.Credential{{SecretID: TCSecretID, SecretKey: TCSecretKey}},
		Regions:     []string{TCRegion},
		SecurityGroups: []tcemu.SecurityGroup{
			{ID: f.DefaultGroupID, Name: "default", Description: "System created security group", Region: TCRegion, IsDefault: true},
			{ID: f.SecurityGroupID, Name: "sg-acc-web", Description: "acceptance tests", Region: TCRegion},
		},
		Instances: []tcemu.Instance{{
			ID: f.InstanceID, Name: "acc-instance", Region: TCRegion, SecurityGroupIDs: []string{f.DefaultGroupID},
		}},
	}
	if err := e.TC.LoadState(mustJSON(state)); err != nil {
		t.Fatalf("seeding the emulator: %s", err)
	}
	return f
}

// TencentProviderConfig is the provider block for the test's cloud. Against
// the real cloud it is empty and the TENCENTCLOUD_* environment variables
// configure it.
func (e *Env) TencentProviderConfig() string {
	if e.Emulator == nil {
		return `provider "secgroup" {
  tencentcloud {}
}
`
	}
	return e.TencentProviderConfigWith(ProviderOptions{})
}

// TencentProviderConfigWith is the emulator's provider block with options.
func (e *Env) TencentProviderConfigWith(o ProviderOptions) string {
	return providerBlock(o.maxRetries(), e.tencentBlock(o.RateLimits))
}

// tencentBlock is the tencentcloud block pointing at the emulator.
func (e *Env) tencentBlock(rateLimits map[string]float64) string {
	return fmt.Sprintf(`  tencentcloud {
    region     = %[1]q
    secret_id  = %[2]q
    secret_key = %[3]q
    endpoints = {
      vpc = %[4]q
      cvm = %[4]q
      tag = %[4]q
    }
%[5]s  }
`, TCRegion, TCSecretID, TCSecretKey, e.Emulator.URL(), rateLimitsLine(rateLimits))
}

// TencentClient is a client for test checks and out-of-band changes,
// configured like the provider. Against the emulator it is not paced: the
// checks must not slow the tests or use up the provider's rate.
func (e *Env) TencentClient(t *testing.T) *tencentcloud.Client {
	t.Helper()
	cfg := tencentcloud.Config{
		Region:    os.Getenv("TENCENTCLOUD_REGION"),
		SecretID:  os.Getenv("TENCENTCLOUD_SECRET_ID"),
		SecretKey: os.Getenv("TENCENTCLOUD_SECRET_KEY"),
		Retry:     retry.DefaultPolicy,
	}
	if e.Emulator != nil {
		u := e.Emulator.URL()
		cfg = tencentcloud.Config{
			Region: TCRegion, SecretID: TCSecretID, SecretKey: TCSecretKey,
			Endpoints: map[string]string{"vpc": u, "cvm": u, "tag": u},
			Retry:     retry.DefaultPolicy,
			Limits:    map[string]ratelimit.Limit{},
		}
	}
	c, err := tencentcloud.NewClient(cfg)
	if err != nil {
		t.Fatalf("building the Tencent Cloud test client: %s", err)
	}
	return c
}

// TencentID returns a random ID of the shape Tencent Cloud gives its objects:
// prefix, a dash and 8 lower-case letters or digits ("sg-1a2b3c4d").
func TencentID(prefix string) string {
	const alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return prefix + "-" + string(b[:])
}
