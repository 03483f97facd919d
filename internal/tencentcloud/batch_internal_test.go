package tencentcloud

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	tcemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/tencentcloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/ratelimit"
)

// TestBindings_oneBadMemberGetsItsOwnAnswer: ten concurrent bindings of one
// group go out as one AssociateSecurityGroups; CVM fails it as a whole for
// the one instance that does not exist (InvalidInstanceId.NotFound), so the
// batch is split: the nine others are bound, and only the missing one's
// caller gets the error.
func TestBindings_oneBadMemberGetsItsOwnAnswer(t *testing.T) {
	srv, cloud, c := newEmulated(t, 9, map[string]ratelimit.Limit{})
	cloud.Mutate(func(s *tcemu.State) {
		for i := range s.Instances {
			s.Instances[i].SecurityGroupIDs = []string{emuOther}
		}
	})
	c.bindings.Window = time.Second // every caller joins the first batch
	const missing = "ins-99999999"
	ids := []string{missing}
	for i := range 9 {
		ids = append(ids, fmt.Sprintf("ins-%08d", i))
	}
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() { errs[i] = c.bindInstance(context.Background(), "AssociateSecurityGroups", emuGroup, id) })
	}
	wg.Wait()

	for i, id := range ids {
		if id == missing {
			if !apierr.IsNotFound(errs[i]) || !apierr.HasCode(errs[i], "InvalidInstanceId.NotFound") {
				t.Fatalf("the missing instance: %v, want its own InvalidInstanceId.NotFound", errs[i])
			}
			continue
		}
		if errs[i] != nil {
			t.Fatalf("%s: %v; one bad member must not fail the others", id, errs[i])
		}
	}
	for _, in := range cloud.State().Instances {
		if !slices.Contains(in.SecurityGroupIDs, emuGroup) {
			t.Fatalf("%s was not bound: %v", in.ID, in.SecurityGroupIDs)
		}
	}
	var sizes []int
	for _, r := range srv.Requests() {
		if r.Action == "AssociateSecurityGroups" {
			var p struct{ InstanceIds []string }
			_ = json.Unmarshal([]byte(r.Body), &p)
			sizes = append(sizes, len(p.InstanceIds))
		}
	}
	// 10 → 5 + 5 → the bad half 2 + 3 → ... : fewer calls than one each.
	if len(sizes) == 0 || sizes[0] != 10 || len(sizes) >= len(ids) {
		t.Fatalf("AssociateSecurityGroups batch sizes %v, want one of 10, then halves", sizes)
	}
}
