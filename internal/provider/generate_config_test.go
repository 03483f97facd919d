package provider_test

import (
	"context"
	"encoding/json"
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

// TestAccGenerateConfig_minimal imports one object of every resource type
// with import blocks and `plan -generate-config-out`, through the real CLI
// (run it with TF_ACC_TERRAFORM_PATH set to each terraform to check): the
// generated configuration holds only what a person would write (no region,
// which follows the provider; no default; no "= null" line), and after the
// import applies, a plan of it is empty.
func TestAccGenerateConfig_minimal(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	hw := env.Huawei(t)
	ali := env.AliMembership(t)
	ens, ecs := env.AliEnsGroup(t), env.AliEcsGroup(t)
	tc := env.Tencent(t)
	const ecsRule = "sgr-generated01"
	env.Ali.Mutate(func(s *aliemu.State) {
		for i := range s.EnsSecurityGroups {
			if g := &s.EnsSecurityGroups[i]; g.ID == ens {
				g.Egress = append(g.Egress, aliemu.Permission{IPProtocol: "tcp", PortRange: "443/443", DestCidrIP: "10.0.0.0/8", Policy: "accept", Priority: 1})
			}
		}
		for i := range s.SecurityGroups {
			if g := &s.SecurityGroups[i]; g.ID == ecs {
				g.Egress = append(g.Egress, aliemu.Permission{RuleID: ecsRule, IPProtocol: "all", PortRange: "-1/-1", DestCidrIP: "10.0.0.0/8", Policy: "accept", Priority: 1})
			}
		}
	})
	imports := map[string]string{
		"secgroup_huaweicloud_server_association.a":    hw.ServerID + "/" + hw.DefaultGroupID,
		"secgroup_huaweicloud_port_association.a":      hw.PortID,
		"secgroup_alicloud_instance_association.a":     ali.DefaultGroupID + "/" + ali.InstanceID,
		"secgroup_alicloud_eni_association.a":          ali.DefaultGroupID + "/" + ali.ENIID,
		"secgroup_alicloud_ens_egress_rule.a":          ens + ":tcp:443/443:10.0.0.0/8:accept:1",
		"secgroup_alicloud_ecs_egress_rule.a":          ecs + "/" + ecsRule,
		"secgroup_tencentcloud_security_group.a":       tc.SecurityGroupID,
		"secgroup_tencentcloud_instance_association.a": tc.DefaultGroupID + "/" + tc.InstanceID,
	}
	var cfg strings.Builder
	cfg.WriteString(tfcli.ProviderBlock + env.AllCloudsProviderConfig(2))
	for to, id := range imports {
		fmt.Fprintf(&cfg, "\nimport {\n  to = %s\n  id = %q\n}\n", to, id)
	}
	w := newWorkdir(t)
	if err := w.WriteConfig(cfg.String()); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if r := w.Run(ctx, nil, "plan", "-generate-config-out=generated.tf"); r.Err != nil {
		t.Fatal(r.Err)
	}
	raw, err := os.ReadFile(filepath.Join(w.Dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	generated := string(raw)
	t.Logf("generated configuration:\n%s", generated)
	for to := range imports {
		kind, name, _ := strings.Cut(to, ".")
		if !strings.Contains(generated, fmt.Sprintf("resource %q %q {", kind, name)) {
			t.Errorf("no resource block for %s in the generated configuration:\n%s", to, generated)
		}
	}
	// Terraform before 1.14 writes the configuration from the state itself
	// and asks the provider nothing: it writes region and defaults, and
	// "= null" for every unset argument. There only the round trip is
	// checked.
	v := terraformVersion(t, w)
	minimal := v[0] > 1 || v[0] == 1 && v[1] >= 14
	if !minimal {
		t.Logf("terraform %d.%d: no GenerateResourceConfig; checking the round trip only", v[0], v[1])
	}
	for _, bad := range []string{
		`region\s*=`, `=\s*null`,
		`enforce\s*=\s*false`, `keep_last_group\s*=\s*false`, `nic_type\s*=\s*"intranet"`,
		`policy\s*=\s*"accept"`, `priority\s*=\s*1\b`, `project_id\s*=\s*0\b`, `force_delete\s*=\s*false`,
		`description\s*=\s*""`,
	} {
		if m := regexp.MustCompile(`(?m)^\s*`+bad+`.*$`).FindAllString(generated, -1); minimal && len(m) > 0 {
			t.Errorf("the generated configuration writes %q, which a person would not:\n%s", m, generated)
		}
	}
	if t.Failed() {
		return
	}
	if r := w.Run(ctx, nil, "apply", "-auto-approve"); r.Err != nil {
		t.Fatal(r.Err)
	}
	if r := w.Run(ctx, nil, "plan", "-detailed-exitcode"); r.Err != nil {
		t.Fatalf("the plan after importing with the generated configuration is not empty: %s", r.Err)
	}
}

// terraformVersion is the major and minor version of the workdir's terraform.
func terraformVersion(t *testing.T, w *tfcli.Workdir) [2]int {
	t.Helper()
	r := w.Run(context.Background(), nil, "version", "-json")
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	var out struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &out); err != nil {
		t.Fatalf("terraform version -json: %v\n%s", err, r.Stdout)
	}
	var v [2]int
	if _, err := fmt.Sscanf(out.Version, "%d.%d", &v[0], &v[1]); err != nil {
		t.Fatalf("terraform version %q: %v", out.Version, err)
	}
	return v
}
