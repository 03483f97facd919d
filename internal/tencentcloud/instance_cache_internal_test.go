package tencentcloud

import (
	"context"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	tcemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/tencentcloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/ratelimit"
)

// TestInstanceReads_cachedAndFreshUnderLock: Read's describes of an instance
// are kept for the process, so a change made meanwhile out of band is not
// seen by them; the read under the lock and the waiters' (find) are made
// afresh and see it; and a force delete's unbinding drops the entries of
// the instances it unbinds.
func TestInstanceReads_cachedAndFreshUnderLock(t *testing.T) {
	srv, cloud, c := newEmulated(t, 1, map[string]ratelimit.Limit{})
	ctx := context.Background()
	const instance = "ins-00000000"
	a := &associationCall{c: c, groupID: emuGroup, instanceID: instance}
	describes := func() int {
		n := 0
		for _, r := range srv.Requests() {
			if r.Action == "DescribeInstances" {
				n++
			}
		}
		return n
	}
	for range 3 {
		if err := a.read(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if describes() != 1 {
		t.Fatalf("%d describes for 3 reads of one instance, want 1", describes())
	}
	cloud.Mutate(func(s *tcemu.State) { s.Instances[0].SecurityGroupIDs = []string{emuOther} })
	if err := a.read(ctx); err != nil || describes() != 1 {
		t.Fatalf("a read in the same process: %v after %d describes, want the kept answer", err, describes())
	}
	if err := a.find(ctx); !isGroupNotListed(err) {
		t.Fatalf("the read under the lock: %v, want the group no longer listed", err)
	}
	if err := a.read(ctx); !isGroupNotListed(err) || describes() != 2 {
		t.Fatalf("after the fresh read: %v after %d describes, want its answer kept", err, describes())
	}

	other := &associationCall{c: c, groupID: emuOther, instanceID: instance}
	if err := other.read(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := unbindAll(ctx, c, emuOther, []string{instance}); err != nil {
		t.Fatal(err)
	}
	if err := other.read(ctx); !apierr.IsNotFound(err) || describes() != 3 {
		t.Fatalf("after the unbinding: %v after %d describes, want a fresh describe without the group", err, describes())
	}
}
