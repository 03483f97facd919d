package tencentcloud

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

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
// the group's listing, kept for the process, so a change made meanwhile out of band is
// not seen by it; the read under the lock (find) is made afresh, member-side,
// and sees it; and a force delete's unbinding drops the group's listing, so
// the next Read lists again and confirms the missing member with its own
// read.
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
	if err := a.find(ctx); !isGroupNotListed(err) {
		t.Fatalf("the read under the lock: %v, want the group no longer listed", err)
	}
	want("the read under the lock", 1, 1)

	other := &associationCall{c: c, groupID: emuOther, instanceID: instance}
	if err := other.read(ctx); err != nil {
		t.Fatal(err)
	}
	// The instance's own read, just made and kept, answers for free.
	want("a read of the other group", 1, 1)
	if _, err := unbindAll(ctx, c, emuOther, []string{instance}); err != nil {
		t.Fatal(err)
	}
	if err := other.read(ctx); !isGroupNotListed(err) {
		t.Fatalf("after the unbinding: %v, want the group no longer listed", err)
	}
	want("after the unbinding", 2, 2)
}

// TestInstanceReads_checksBeforeWritesWaitForCompany: the fresh reads under
// the instances' locks that decide binding writes collect as long as the
// writes do, so creates that arrive 30 ms apart (a large apply, whose
// terraform hands out the creates one by one) share one DescribeInstances,
// where a read's 5 ms window would send each alone.
func TestInstanceReads_checksBeforeWritesWaitForCompany(t *testing.T) {
	const n = 4
	srv, _, c := newEmulated(t, n, map[string]ratelimit.Limit{})
	var wg sync.WaitGroup
	for i := range n {
		a := &associationCall{c: c, groupID: emuGroup, instanceID: fmt.Sprintf("ins-%08d", i)}
		wg.Go(func() {
			if err := a.find(context.Background()); err != nil {
				t.Error(err)
			}
		})
		time.Sleep(30 * time.Millisecond)
	}
	wg.Wait()
	if got := len(srv.Requests()); got != 1 {
		t.Errorf("%d DescribeInstances calls for %d checks 30 ms apart, want 1", got, n)
	}
}
