package tencentcloud

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	"github.com/secgroup/terraform-provider-secgroup/internal/emulator"
	tcemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/tencentcloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/ratelimit"
	"github.com/secgroup/terraform-provider-secgroup/internal/readcache"
)

// inFleet makes the memberships of the groups refresh from their listings,
// as in a fleet: it counts readcache.ListAfter instances of each read one by
// one.
func inFleet(c *Client, groups ...string) {
	for _, g := range groups {
		for range readcache.ListAfter {
			c.listings.Use(c.groupKey(g), false)
		}
	}
}

// TestInstanceReads_fewMembersReadThemselves: below readcache.ListAfter
// instances of a group, a refresh reads the instances (batched, cached), not
// the group's listing: a few memberships of a large group do not pay for
// listing it.
func TestInstanceReads_fewMembersReadThemselves(t *testing.T) {
	srv, _, c := newEmulated(t, 1, map[string]ratelimit.Limit{})
	a := &associationCall{c: c, groupID: emuGroup, instanceID: "ins-00000000"}
	for range 3 {
		if err := a.read(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range srv.Requests() {
		if strings.Contains(r.Body, "security-group-id") {
			t.Errorf("%s listed the group for a refresh of one of its instances: %s", r.Action, r.Body)
		}
	}
}

// TestInstanceReads_cachedAndFreshUnderLock: in a fleet, Read answers from
// the group's listing, kept for the process, so a change made meanwhile out
// of band is not seen by it; the read under the lock that decides a create's
// write is made afresh, member-side, sees it and binds again; and a force
// delete's unbinding drops the group's listing, so the next Read lists again
// and confirms the missing member with its own read.
func TestInstanceReads_cachedAndFreshUnderLock(t *testing.T) {
	srv, cloud, c := newEmulated(t, 1, map[string]ratelimit.Limit{})
	ctx := context.Background()
	const instance = "ins-00000000"
	a := &associationCall{c: c, groupID: emuGroup, instanceID: instance}
	inFleet(c, emuGroup, emuOther)
	describes := func() (listings, reads int) {
		for _, r := range srv.Requests() {
			switch {
			case r.Action != "DescribeInstances":
			case strings.Contains(r.Body, "security-group-id"):
				listings++
			default:
				reads++
			}
		}
		return listings, reads
	}
	want := func(what string, listings, reads int) {
		t.Helper()
		if l, r := describes(); l != listings || r != reads {
			t.Fatalf("%s: %d listings and %d instance reads, want %d and %d", what, l, r, listings, reads)
		}
	}
	for range 3 {
		if err := a.read(ctx); err != nil {
			t.Fatal(err)
		}
	}
	want("3 reads of one membership", 1, 0)
	cloud.Mutate(func(s *tcemu.State) { s.Instances[0].SecurityGroupIDs = []string{emuOther} })
	if err := a.read(ctx); err != nil {
		t.Fatalf("a read in the same process: %v, want the kept listing's answer", err)
	}
	want("a read in the same process", 1, 0)
	if err := a.associate(ctx); err != nil {
		t.Fatalf("a create after the out-of-band unbinding: %v, want the fresh read to find it unbound and bind it", err)
	}
	want("the read under the lock", 1, 1)
	if got := cloud.State().Instances[0].SecurityGroupIDs; !slices.Equal(got, []string{emuOther, emuGroup}) {
		t.Fatalf("groups after the create %v, want the group bound again", got)
	}

	other := &associationCall{c: c, groupID: emuOther, instanceID: instance}
	if err := other.read(ctx); err != nil {
		t.Fatal(err)
	}
	want("a read of the other group", 2, 1)
	if _, err := unbindAll(ctx, c, emuOther, []string{instance}); err != nil {
		t.Fatal(err)
	}
	if err := other.read(ctx); !isGroupNotListed(err) {
		t.Fatalf("after the unbinding: %v, want the group no longer listed", err)
	}
	want("after the unbinding", 3, 2)
}

// TestAssociations_checkAndWriteInOneBatch: creates arriving 30 ms apart (a
// large apply, whose terraform hands them out one by one) share one batch:
// one fresh DescribeInstances of all of them, then, at once, one
// AssociateSecurityGroups of those not yet bound. The instance already in
// the group gets errAlreadyBound and the missing one its not-found error;
// neither is written, and neither fails the others. With the check and the
// write in batches of their own, the write waited a second window after the
// check, holding the creates' terraform slots twice as long.
func TestAssociations_checkAndWriteInOneBatch(t *testing.T) {
	const n = 5
	srv, cloud, c := newEmulated(t, n, map[string]ratelimit.Limit{})
	const bound, missing = "ins-00000000", "ins-99999999"
	cloud.Mutate(func(s *tcemu.State) {
		for i := range s.Instances {
			if s.Instances[i].ID != bound {
				s.Instances[i].SecurityGroupIDs = []string{emuOther}
			}
		}
	})
	ids := []string{missing}
	for i := range n {
		ids = append(ids, fmt.Sprintf("ins-%08d", i))
	}
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		a := &associationCall{c: c, groupID: emuGroup, instanceID: id}
		wg.Go(func() { errs[i] = a.associate(context.Background()) })
		time.Sleep(30 * time.Millisecond)
	}
	wg.Wait()

	for i, id := range ids {
		switch {
		case id == bound && !errors.Is(errs[i], errAlreadyBound):
			t.Errorf("%s, already in the group: %v, want errAlreadyBound", id, errs[i])
		case id == missing && !apierr.IsNotFound(errs[i]):
			t.Errorf("%s, missing: %v, want not found", id, errs[i])
		case id != bound && id != missing && errs[i] != nil:
			t.Errorf("%s: %v", id, errs[i])
		}
	}
	for _, in := range cloud.State().Instances {
		if !slices.Contains(in.SecurityGroupIDs, emuGroup) {
			t.Errorf("%s was not bound: %v", in.ID, in.SecurityGroupIDs)
		}
	}
	reqs := srv.Requests()
	if len(reqs) != 2 || reqs[0].Action != "DescribeInstances" || reqs[1].Action != "AssociateSecurityGroups" {
		t.Fatalf("calls %v, want one DescribeInstances, then one AssociateSecurityGroups", actions(reqs))
	}
	var check, write struct{ InstanceIds []string }
	_ = json.Unmarshal([]byte(reqs[0].Body), &check)
	_ = json.Unmarshal([]byte(reqs[1].Body), &write)
	if len(check.InstanceIds) != len(ids) || len(write.InstanceIds) != n-1 || slices.Contains(write.InstanceIds, bound) || slices.Contains(write.InstanceIds, missing) {
		t.Fatalf("checked %v and wrote %v, want all %d checked and the %d unbound written", check.InstanceIds, write.InstanceIds, len(ids), n-1)
	}
	if gap := reqs[1].Time.Sub(reqs[0].Done); gap >= bindWindow {
		t.Fatalf("the write went out %v after its check, want at once (a second window is %v)", gap, bindWindow)
	}
}

func actions(reqs []emulator.Record) []string {
	var out []string
	for _, r := range reqs {
		out = append(out, r.Action)
	}
	return out
}
