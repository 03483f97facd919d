package provider_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/acctest"
	"github.com/secgroup/terraform-provider-secgroup/internal/emulator"
	"github.com/secgroup/terraform-provider-secgroup/internal/tfcli"
)

// TestAccInterrupt_applyResumes is Ctrl-C in the middle of an apply of 40
// resources across the three clouds, with the real terraform CLI and the
// provider as its plugin process. The reads that follow a write are slowed
// down (1.5 s), so when SIGINT comes some writes have landed and their
// follow-up is under way. Every write that may have landed must reach the
// state (tainted where its follow-up did not finish), so that a plain
// re-apply converges with no "already ... import it" about our own write and
// no duplicate, and destroy leaves every seeded object as it was.
func TestAccInterrupt_applyResumes(t *testing.T) {
	w := newWorkdir(t)
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	s := newSoak(t, env, 40)
	cfg := s.build(0)
	if err := w.WriteConfig(tfcli.ProviderBlock + env.AllCloudsProviderConfig(2) + cfg.hcl); err != nil {
		t.Fatal(err)
	}
	env.Emulator.SetFaults([]emulator.FaultRule{
		{Cloud: "huaweicloud", Actions: []string{"ListServersDetails", "ListPorts"}, LatencyMS: 1500},
		{Cloud: "alicloud", Actions: []string{"DescribeSecurityGroupAttribute", "DescribeSecurityGroups"}, LatencyMS: 1500},
		{Cloud: "tencentcloud", Actions: []string{"DescribeInstances", "DescribeSecurityGroups"}, LatencyMS: 1500},
	})

	run, err := w.Start(nil, "apply", "-auto-approve")
	if err != nil {
		t.Fatal(err)
	}
	// Interrupt once a few writes have been answered: their follow-ups, and
	// other writes, are then under way.
	deadline := time.Now().Add(2 * time.Minute)
	for writes(env) < 6 {
		if time.Now().After(deadline) {
			_ = run.Interrupt()
			t.Fatalf("no write within 2 minutes:\n%s", run.Wait().Stdout)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := run.Interrupt(); err != nil {
		t.Fatal(err)
	}
	first := run.Wait()
	t.Logf("interrupted after %d writes; the apply ended %s later", writes(env), first.Elapsed)
	if first.Err == nil {
		t.Fatalf("the interrupted apply succeeded; want it stopped half-way:\n%s", first.Stdout)
	}
	out := first.Stdout + first.Stderr
	if !strings.Contains(out, "Interrupt received") || !strings.Contains(out, "interrupted: terraform was asked to stop") {
		t.Fatalf("the interrupted apply does not say it was interrupted:\n%s", out)
	}
	for _, blame := range []string{"context canceled", "Check tencentcloud.endpoints", "Check alicloud.endpoints", "Check huaweicloud.endpoints"} {
		if strings.Contains(out, blame) {
			t.Errorf("the interrupted apply blames the wrong thing (%q):\n%s", blame, out)
		}
	}
	kept, tainted := stateCounts(t, w.Dir)
	t.Logf("after the interrupt: %d of %d resources in the state, %d of them tainted", kept, cfg.resources, tainted)

	env.Emulator.SetFaults(nil)
	if r := w.Run(context.Background(), nil, "apply", "-auto-approve"); r.Err != nil {
		t.Fatalf("the re-apply after the interrupt failed: %s", r.Err)
	}
	if err := s.compare(cfg); err != nil {
		t.Fatalf("after the re-apply: %s", err)
	}
	if r := w.Run(context.Background(), nil, "plan", "-detailed-exitcode"); r.Err != nil {
		t.Fatalf("the plan after the re-apply is not empty: %s", r.Err)
	}
	if r := w.Run(context.Background(), nil, "destroy", "-auto-approve"); r.Err != nil {
		t.Fatalf("destroy: %s", r.Err)
	}
	if err := s.checkSeeded(nil); err != nil {
		t.Fatalf("after destroy: %s", err)
	}
}

// stateCounts reads terraform.tfstate: how many resource instances it holds,
// and how many of them are tainted.
func stateCounts(t *testing.T, dir string) (instances, tainted int) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Resources []struct {
			Instances []struct {
				Status string `json:"status"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	for _, r := range st.Resources {
		for _, i := range r.Instances {
			instances++
			if i.Status == "tainted" {
				tainted++
			}
		}
	}
	return instances, tainted
}

// writes counts the write calls the clouds have answered so far.
func writes(env *acctest.Env) int {
	n := 0
	for _, r := range env.Emulator.Requests() {
		if isWrite(r.Action) {
			n++
		}
	}
	return n
}
