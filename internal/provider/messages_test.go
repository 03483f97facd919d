package provider_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/acctest"
	hwemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/huaweicloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/tfcli"
)

// TestAccMessages_notFoundSaysWhetherItComesBack: terraform prints Read's
// not-found warning. A group removed from the server out of band comes back
// on the next apply, and the warning says so; a deleted server does not (the
// create would fail), and the warning says what to do instead.
func TestAccMessages_notFoundSaysWhetherItComesBack(t *testing.T) {
	w := newWorkdir(t)
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Huawei(t)
	if err := w.WriteConfig(tfcli.ProviderBlock + env.HuaweiProviderConfig() + fmt.Sprintf(`
resource "secgroup_huaweicloud_server_association" "test" {
  server_id      = %q
  security_group = %q
}
`, f.ServerID, f.SecurityGroupID)); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if r := w.Run(ctx, nil, "apply", "-auto-approve"); r.Err != nil {
		t.Fatal(r.Err)
	}

	env.HW.Mutate(func(s *hwemu.State) {
		for i := range s.Servers {
			s.Servers[i].SecurityGroups = slices.DeleteFunc(s.Servers[i].SecurityGroups, func(g string) bool { return g == f.SecurityGroupID })
		}
	})
	r := w.Run(ctx, nil, "plan")
	if out := oneLine(r.Stdout + r.Stderr); r.Err != nil || !strings.Contains(out, "so the next apply can create it again") {
		t.Fatalf("group removed out of band: want the warning that the next apply re-creates it (err %v):\n%s", r.Err, out)
	}

	env.HW.Mutate(func(s *hwemu.State) { s.Servers = nil })
	r = w.Run(ctx, nil, "plan")
	out := oneLine(r.Stdout + r.Stderr)
	if !strings.Contains(out, "The next apply cannot create it again while that is gone") || strings.Contains(out, "so the next apply can create it again") {
		t.Fatalf("server deleted: want the warning that the next apply cannot re-create it:\n%s", out)
	}
}

// oneLine undoes terraform's wrapping of long diagnostic lines.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
