package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/secgroup/terraform-provider-secgroup/internal/acctest"
	secgroup "github.com/secgroup/terraform-provider-secgroup/internal/provider"
)

func TestProvider_SchemaIsValid(t *testing.T) {
	p := secgroup.New("test")()
	resp := &provider.SchemaResponse{}
	p.Schema(context.Background(), provider.SchemaRequest{}, resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("schema: %v", resp.Diagnostics)
	}
	if diags := resp.Schema.ValidateImplementation(context.Background()); diags.HasError() {
		t.Fatalf("schema implementation: %v", diags)
	}
}

// Every huaweicloud setting can come from the HW_* environment variables.
func TestAccProvider_HuaweiEnvironmentFallback(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Huawei(t)
	t.Setenv("HW_REGION_NAME", acctest.HWRegion)
	t.Setenv("HW_ACCESS_KEY", acctest.HWAccessKey)
	t.Setenv("HW_SECRET_KEY", acctest.HWSecretKey)
	t.Setenv("HW_PROJECT_ID", acctest.HWProjectID)
	u := env.Emulator.URL()
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "secgroup" {
  huaweicloud {
    endpoints = { ecs = %[1]q, vpc = %[1]q, iam = %[1]q }
  }
}
resource "secgroup_huaweicloud_server_association" "test" {
  server_id      = %[2]q
  security_group = %[3]q
}
`, u, f.ServerID, f.SecurityGroupID),
		}},
	})
	// With HW_PROJECT_ID set, IAM is never asked.
	if n := len(env.Requests(t, "huaweicloud", "KeystoneListProjects")); n != 0 {
		t.Fatalf("%d IAM project lookups with HW_PROJECT_ID set, want 0", n)
	}
}

func TestAccProvider_EndpointValidation(t *testing.T) {
	cases := map[string]string{
		`endpoints = { s3 = "http://127.0.0.1:1" }`:  `value must be one of`,
		`endpoints = { ecs = "127.0.0.1:1" }`:        `must be a full URL`,
		`endpoints = { ecs = "ftp://127.0.0.1:1/" }`: `must be a full URL`,
		`region = ""`:               `string length must be at least 1`,
		`rate_limits = { cvm = 5 }`: `value must be one of`, // a Tencent service, not a Huawei one
		// Numbers as written, not "at least 0.000000".
		`rate_limits = { ecs = -1 }`:   `value must be at least 0 \(0 turns the limit off\), got -1\.`,
		`rate_limits = { ecs = -0.5 }`: `got -0\.5\.`,
		// What the regular expression lets through but the client cannot
		// use: caught at validate time, on the attribute, once.
		`endpoints = { ecs = "http://127.0.0.1:port" }`: `(?s)Invalid Endpoint.*huaweicloud.endpoints\["ecs"\].*invalid port`,
		`endpoints = { ecs = "http://[::1" }`:           `(?s)Invalid Endpoint.*missing ']' in host`,
	}
	for body, want := range cases {
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config: fmt.Sprintf(`
provider "secgroup" {
  huaweicloud {
    %s
  }
}
# Terraform validates a provider block only when a resource uses the provider.
resource "secgroup_huaweicloud_server_association" "x" {
  server_id      = "2b6d7a3c-4f3e-4a8e-9d6b-3a1c2e5f7a90"
  security_group = "web"
}
`, body),
				PlanOnly: true,
				// terraform wraps long lines
				ExpectError: regexp.MustCompile(strings.ReplaceAll(want, " ", `\s+`)),
			}},
		})
	}
}

// TestAccProvider_AlicloudEndpointPath: Alibaba Cloud's RPC endpoints take no
// path, and the provider's validation says so on the attribute, before any
// resource plans.
func TestAccProvider_AlicloudEndpointPath(t *testing.T) {
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
provider "secgroup" {
  alicloud {
    region    = "cn-hangzhou"
    endpoints = { ecs = "http://127.0.0.1:1/ecs" }
  }
}
resource "secgroup_alicloud_instance_association" "x" {
  instance_id       = "i-bp67acfmxazb4p0000"
  security_group_id = "sg-bp67acfmxazb4p0001"
}
`,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Invalid Endpoint.*alicloud.endpoints\["ecs"\].*has a path`),
		}},
	})
}
