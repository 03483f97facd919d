package acctest

import (
	"crypto/rand"
	"fmt"
	"os"
	"testing"

	hwemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/huaweicloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/huaweicloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/ratelimit"
	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
)

// Emulated Huawei Cloud account used by every emulator-mode test.
const (
	HWRegion    = "cn-north-4"
	HWAccessKey = "EMULATORHWACCESSKEY0"
	HWSecretKey = "emulator-hw-secret-key-do-not-use"
	HWProjectID = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
)

// HuaweiFixtures are the objects a Huawei test works on.
type HuaweiFixtures struct {
	Region string
	// ServerID is a server that starts in DefaultGroupID only (emulator) or in
	// groups other than SecurityGroupID (real cloud).
	ServerID string
	// SecurityGroupID/Name: a group the server is not in.
	SecurityGroupID   string
	SecurityGroupName string
	// DefaultGroupID is the server's existing group (emulator only).
	DefaultGroupID string
	// PortID is a port (not the server's) that starts in DefaultGroupID only
	// (emulator) or in groups other than SecurityGroupID (real cloud,
	// SECGROUP_ACC_HW_PORT_ID; only port tests need it).
	PortID string
}

// Huawei seeds the emulator with one project, one server, one port and two
// groups, or reads the real-cloud fixtures from SECGROUP_ACC_HW_SERVER_ID,
// SECGROUP_ACC_HW_SECURITY_GROUP_ID, SECGROUP_ACC_HW_SECURITY_GROUP_NAME and
// SECGROUP_ACC_HW_PORT_ID.
func (e *Env) Huawei(t *testing.T) HuaweiFixtures {
	t.Helper()
	if e.Emulator == nil {
		return HuaweiFixtures{
			Region:            os.Getenv("HW_REGION_NAME"),
			ServerID:          FixtureEnv(t, "SECGROUP_ACC_HW_SERVER_ID"),
			SecurityGroupID:   FixtureEnv(t, "SECGROUP_ACC_HW_SECURITY_GROUP_ID"),
			SecurityGroupName: os.Getenv("SECGROUP_ACC_HW_SECURITY_GROUP_NAME"),
			PortID:            os.Getenv("SECGROUP_ACC_HW_PORT_ID"),
		}
	}
	f := HuaweiFixtures{
		Region:            HWRegion,
		ServerID:          UUID(),
		SecurityGroupID:   UUID(),
		SecurityGroupName: "sg-acc-web",
		DefaultGroupID:    UUID(),
		PortID:            UUID(),
	}
	state := hwemu.State{
		Credentials: []hwemu.Credential{{AccessKey: HWAccessKey, SecretKey: HWSecretKey}},
		Projects:    []hwemu.Project{{ID: HWProjectID, Name: HWRegion}},
		SecurityGroups: []hwemu.SecurityGroup{
			{ID: f.DefaultGroupID, Name: "default", ProjectID: HWProjectID},
			{ID: f.SecurityGroupID, Name: f.SecurityGroupName, ProjectID: HWProjectID},
		},
		Servers: []hwemu.Server{{
			ID: f.ServerID, Name: "acc-server", ProjectID: HWProjectID, Status: "ACTIVE",
			SecurityGroups: []string{f.DefaultGroupID},
		}},
		Ports: []hwemu.Port{{
			ID: f.PortID, Name: "acc-port", ProjectID: HWProjectID, MACAddress: "fa:16:3e:00:00:01", FixedIP: "192.168.0.20",
			SecurityGroups: []string{f.DefaultGroupID},
		}},
	}
	if err := e.Emulator.LoadState(mustJSON(map[string]any{"huaweicloud": state})); err != nil {
		t.Fatalf("seeding the emulator: %s", err)
	}
	return f
}

// HuaweiProviderConfig is the provider block for the test's cloud. Against the
// real cloud it is empty and the HW_* environment variables configure it.
func (e *Env) HuaweiProviderConfig() string {
	if e.Emulator == nil {
		return `provider "secgroup" {
  huaweicloud {}
}
`
	}
	return e.huaweiProviderConfig(HWAccessKey, HWSecretKey)
}

// HuaweiProviderConfigWithSecret points at the emulator with another secret key.
func (e *Env) HuaweiProviderConfigWithSecret(secret string) string {
	return e.huaweiProviderConfig(HWAccessKey, secret)
}

// HuaweiProviderConfigWith is the emulator's provider block with options.
func (e *Env) HuaweiProviderConfigWith(o ProviderOptions) string {
	return e.huaweiProviderConfigWith(HWAccessKey, HWSecretKey, o)
}

func (e *Env) huaweiProviderConfig(ak, sk string) string {
	return e.huaweiProviderConfigWith(ak, sk, ProviderOptions{})
}

func (e *Env) huaweiProviderConfigWith(ak, sk string, o ProviderOptions) string {
	return providerBlock(o.maxRetries(), e.huaweiBlock(ak, sk, o.RateLimits))
}

// huaweiBlock is the huaweicloud block pointing at the emulator.
func (e *Env) huaweiBlock(ak, sk string, rateLimits map[string]float64) string {
	if rateLimits == nil {
		rateLimits = unpaced(huaweicloud.EndpointKeys)
	}
	return fmt.Sprintf(`  huaweicloud {
    region     = %[1]q
    access_key = %[2]q
    secret_key = %[3]q
    endpoints = {
      ecs = %[4]q
      vpc = %[4]q
      iam = %[4]q
    }
%[5]s  }
`, HWRegion, ak, sk, e.Emulator.URL(), rateLimitsLine(rateLimits))
}

// HuaweiClient is a client for test checks, configured like the provider.
// Against the emulator it is not paced.
func (e *Env) HuaweiClient(t *testing.T) *huaweicloud.Client {
	t.Helper()
	cfg := huaweicloud.Config{
		Region:    os.Getenv("HW_REGION_NAME"),
		AccessKey: os.Getenv("HW_ACCESS_KEY"),
		SecretKey: os.Getenv("HW_SECRET_KEY"),
		ProjectID: os.Getenv("HW_PROJECT_ID"),
		Retry:     retry.DefaultPolicy,
	}
	if e.Emulator != nil {
		u := e.Emulator.URL()
		cfg = huaweicloud.Config{
			Region: HWRegion, AccessKey: HWAccessKey, SecretKey: HWSecretKey,
			Endpoints: map[string]string{"ecs": u, "vpc": u, "iam": u},
			Retry:     retry.DefaultPolicy,
			Limits:    map[string]ratelimit.Limit{}, // checks must not slow the tests or use up the provider's rate
		}
	}
	c, err := huaweicloud.NewClient(cfg)
	if err != nil {
		t.Fatalf("building the Huawei Cloud test client: %s", err)
	}
	return c
}

// UUID returns a random version-4 UUID, the shape of Huawei Cloud IDs.
func UUID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
