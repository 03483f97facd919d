package provider_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/acctest"
	aliemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/alicloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/tfcli"
)

// TestAccQuery_generateConfig is the bulk-adoption workflow of the README,
// through the real CLI (Terraform >= 1.14; OpenTofu has no query command):
// one list block per resource type with include_resource, `terraform query
// -generate-config-out` writes a resource and an import block (by identity)
// per result, the apply imports every one of them, and the next plan is
// empty.
func TestAccQuery_generateConfig(t *testing.T) {
	w := newWorkdir(t)
	if tofu, err := acctest.IsOpenTofu(); err != nil || tofu {
		t.Skip("OpenTofu has no terraform query")
	}
	if v := terraformVersion(t, w); v[0] == 1 && v[1] < 14 {
		t.Skipf("terraform %d.%d has no terraform query", v[0], v[1])
	}
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	hw := env.Huawei(t)
	ali := env.AliMembership(t)
	ens, ecs := env.AliEnsGroup(t), env.AliEcsGroup(t)
	tc := env.Tencent(t)
	env.Ali.Mutate(func(s *aliemu.State) {
		for i := range s.EnsSecurityGroups {
			if g := &s.EnsSecurityGroups[i]; g.ID == ens {
				g.Egress = append(g.Egress, aliemu.Permission{IPProtocol: "tcp", PortRange: "443/443", DestCidrIP: "10.0.0.0/8", Policy: "accept", Priority: 1})
			}
		}
		for i := range s.SecurityGroups {
			if g := &s.SecurityGroups[i]; g.ID == ecs {
				g.Egress = append(g.Egress, aliemu.Permission{RuleID: "sgr-queried01", IPProtocol: "all", PortRange: "-1/-1", DestCidrIP: "10.0.0.0/8", Policy: "accept", Priority: 1})
			}
		}
	})
	lists := map[string]string{
		"secgroup_huaweicloud_server_association":    fmt.Sprintf("server_ids = [%q]", hw.ServerID),
		"secgroup_huaweicloud_port_association":      fmt.Sprintf("port_ids = [%q]", hw.PortID),
		"secgroup_alicloud_instance_association":     fmt.Sprintf("instance_ids = [%q]", ali.InstanceID),
		"secgroup_alicloud_eni_association":          fmt.Sprintf("network_interface_ids = [%q]", ali.ENIID),
		"secgroup_alicloud_ens_egress_rule":          fmt.Sprintf("security_group_ids = [%q]", ens),
		"secgroup_alicloud_ecs_egress_rule":          fmt.Sprintf("security_group_ids = [%q]", ecs),
		"secgroup_tencentcloud_security_group":       fmt.Sprintf("security_group_ids = [%q]", tc.SecurityGroupID),
		"secgroup_tencentcloud_instance_association": fmt.Sprintf("instance_ids = [%q]", tc.InstanceID),
	}
	var query strings.Builder
	for kind, config := range lists {
		fmt.Fprintf(&query, "list %q \"found\" {\n  provider         = secgroup\n  include_resource = true\n  config {\n    %s\n  }\n}\n\n", kind, config)
	}
	if err := w.WriteConfig(tfcli.ProviderBlock + env.AllCloudsProviderConfig(2)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(w.Dir, "adopt.tfquery.hcl"), []byte(query.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if r := w.Run(ctx, nil, "query", "-generate-config-out=generated.tf"); r.Err != nil {
		t.Fatal(r.Err)
	}
	raw, err := os.ReadFile(filepath.Join(w.Dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	generated := string(raw)
	t.Logf("generated configuration:\n%s", generated)
	for kind := range lists {
		resources := regexp.MustCompile(fmt.Sprintf(`(?m)^resource %q "[^"]+" \{`, kind)).FindAllString(generated, -1)
		imports := regexp.MustCompile(fmt.Sprintf(`(?m)^\s*to\s*=\s*%s\.`, kind)).FindAllString(generated, -1)
		if len(resources) == 0 || len(imports) != len(resources) {
			t.Errorf("%s: %d resource blocks and %d import blocks in the generated configuration, want at least one of each, as many imports as resources",
				kind, len(resources), len(imports))
		}
	}
	if !strings.Contains(generated, "identity = {") {
		t.Errorf("the generated import blocks do not import by identity")
	}
	if t.Failed() {
		return
	}
	if r := w.Run(ctx, nil, "apply", "-auto-approve"); r.Err != nil {
		t.Fatal(r.Err)
	}
	if r := w.Run(ctx, nil, "plan", "-detailed-exitcode"); r.Err != nil {
		t.Fatalf("the plan after importing the queried objects with the generated configuration is not empty: %s", r.Err)
	}
}
