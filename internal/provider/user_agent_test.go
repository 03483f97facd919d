package provider_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/secgroup/terraform-provider-secgroup/internal/acctest"
	"github.com/secgroup/terraform-provider-secgroup/internal/provider"
)

// Every request to every cloud says which provider build sent it, after the
// SDK's own product token: apply and destroy one resource per cloud with a
// provider built as version 1.2.3-ua and read the User-Agent of each request
// the emulator logged.
func TestAccProvider_UserAgentCarriesVersion(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	hw := env.Huawei(t)
	env.Tencent(t)
	config := env.AllCloudsProviderConfig(2) + fmt.Sprintf(`
resource "secgroup_huaweicloud_port_association" "p" {
  port_id            = %q
  security_group_ids = [%q]
}
resource "secgroup_alicloud_ecs_egress_rule" "r" {
  security_group_id = %q
  ip_protocol       = "tcp"
  port_range        = "443/443"
  dest_cidr_ip      = "10.0.0.0/8"
}
resource "secgroup_tencentcloud_security_group" "g" {
  name = "user-agent"
}
`, hw.PortID, hw.SecurityGroupID, env.AliEcsGroup(t))
	const want = "terraform-provider-secgroup/1.2.3-ua"
	sdkTokens := map[string]string{"huaweicloud": "huaweicloud-usdk-go/", "alicloud": "AlibabaCloud ", "tencentcloud": ""}
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			acctest.ProviderName: providerserver.NewProtocol6WithError(provider.New("1.2.3-ua")()),
		},
		Steps: []resource.TestStep{{Config: config}},
		CheckDestroy: func(*terraform.State) error {
			for cloud, sdk := range sdkTokens {
				records := env.Requests(t, cloud)
				if len(records) == 0 {
					return fmt.Errorf("%s: no requests logged", cloud)
				}
				for _, r := range records {
					if !strings.Contains(r.UserAgent, want) || !strings.Contains(r.UserAgent, sdk) {
						return fmt.Errorf("%s %s: User-Agent %q, want %q after the SDK's %q", cloud, r.Action, r.UserAgent, want, sdk)
					}
				}
				t.Logf("%s: %d requests, User-Agent %q", cloud, len(records), records[0].UserAgent)
			}
			return nil
		},
	})
}
