package alicloud

import (
	"context"
	"maps"
	"slices"
	"testing"

	aliemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/alicloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/readcache"
)

// inFleet makes the group's memberships refresh from its listings, as in a
// fleet: it counts readcache.ListAfter members of each kind read one by one.
func inFleet(c *Client, group string) {
	for range readcache.ListAfter {
		c.groupInstances.Use(groupMembersKey{region: uRegion, group: group}, false)
		c.groupENIs.Use(groupMembersKey{region: uRegion, group: group}, false)
	}
}

// TestMemberReads_fewMembersReadThemselves: below readcache.ListAfter
// members of a group, a refresh reads the members (in batches, cached), not
// the group's listing: a few memberships of a large group do not pay for
// listing it.
func TestMemberReads_fewMembersReadThemselves(t *testing.T) {
	srv, _, c := startCloud(t, seedMembers)
	ctx := context.Background()
	for _, id := range []string{"i-two", "i-two", "i-one"} {
		call := &membershipCall{c: c, kind: InstanceMember, group: "sg-other", member: id, region: uRegion}
		if err := call.read(ctx); err != nil && !isGroupNotListed(err) {
			t.Fatal(err)
		}
	}
	for _, r := range srv.Requests() {
		if r.Params["SecurityGroupId"] != "" {
			t.Errorf("%s listed group %s for a refresh of two of its members", r.Action, r.Params["SecurityGroupId"])
		}
	}
}

// TestMemberReads_cachedAndFreshUnderLock: in a fleet, Read answers from
// the group's listing, kept for the process, so a change made meanwhile out of band is
// not seen by it; a member the listing does not show is confirmed by the
// member's own describe; the read under the lock that decides a write (find)
// is member-side and afresh, and sees the change; and a write drops the
// group's listings of both kinds (an instance's groups are its primary
// ENI's), the member's entry and every entry of the other kind.
func TestMemberReads_cachedAndFreshUnderLock(t *testing.T) {
	srv, cloud, c := startCloud(t, seedMembers)
	ctx := context.Background()
	inFleet(c, "sg-other")
	instance := &membershipCall{c: c, kind: InstanceMember, group: "sg-other", member: "i-two", region: uRegion}
	notMember := &membershipCall{c: c, kind: InstanceMember, group: "sg-other", member: "i-one", region: uRegion}
	eni := &membershipCall{c: c, kind: ENIMember, group: "sg-other", member: "eni-one", region: uRegion}
	// calls counts the action's calls by what they name: "sg:<group>" for a
	// listing, the IDs for a member-side describe.
	calls := func(action string) map[string]int {
		out := map[string]int{}
		for _, r := range srv.Requests() {
			switch {
			case r.Action != action:
			case r.Params["SecurityGroupId"] != "":
				out["sg:"+r.Params["SecurityGroupId"]]++
			case r.Params["InstanceIds"] != "":
				out[r.Params["InstanceIds"]]++
			default:
				out[r.Params["NetworkInterfaceId.1"]]++
			}
		}
		return out
	}
	want := func(step, action string, w map[string]int) {
		t.Helper()
		if got := calls(action); !maps.Equal(got, w) {
			t.Fatalf("%s: %s calls %v, want %v", step, action, got, w)
		}
	}

	for range 3 {
		if err := instance.read(ctx); err != nil {
			t.Fatal(err)
		}
	}
	want("3 reads of one group's member", "DescribeInstances", map[string]int{"sg:sg-other": 1})

	cloud.Mutate(func(s *aliemu.State) {
		i := slices.IndexFunc(s.Instances, func(in aliemu.Instance) bool { return in.ID == "i-two" })
		s.Instances[i].SecurityGroupIDs = []string{"sg-only"}
	})
	if err := instance.read(ctx); err != nil {
		t.Fatalf("a read in the same process: %v, want the kept listing's answer", err)
	}
	want("a read after an out-of-band change", "DescribeInstances", map[string]int{"sg:sg-other": 1})
	if err := instance.find(ctx); !isGroupNotListed(err) {
		t.Fatalf("the read under the lock: %v, want the group no longer listed", err)
	}
	want("the read under the lock", "DescribeInstances", map[string]int{"sg:sg-other": 1, `["i-two"]`: 1})
	if err := notMember.read(ctx); !isGroupNotListed(err) {
		t.Fatalf("a member the listing does not show: %v, want the group not listed", err)
	}
	want("a member the listing does not show", "DescribeInstances", map[string]int{"sg:sg-other": 1, `["i-two"]`: 1, `["i-one"]`: 1})

	if err := eni.read(ctx); !isGroupNotListed(err) {
		t.Fatalf("an ENI not in the group: %v", err)
	}
	want("the ENI's read", "DescribeNetworkInterfaces", map[string]int{"sg:sg-other": 1, "eni-one": 1})
	if err := instance.write(ctx, "JoinSecurityGroup", nil); err != nil {
		t.Fatal(err)
	}
	if err := instance.read(ctx); err != nil {
		t.Fatalf("after the instance's write: %v, want a fresh listing that shows it", err)
	}
	want("after the instance's write", "DescribeInstances", map[string]int{"sg:sg-other": 2, `["i-two"]`: 1, `["i-one"]`: 1})
	if err := eni.read(ctx); !isGroupNotListed(err) {
		t.Fatalf("the ENI after the instance's write: %v", err)
	}
	want("the ENI after an instance's write", "DescribeNetworkInterfaces", map[string]int{"sg:sg-other": 2, "eni-one": 2})
}

// TestMemberReads_laggingListing: a listing that does not show a member yet
// (it was made before the member joined) cannot drop the member's
// resource: the member's own describe shows the group, and Read keeps it.
func TestMemberReads_laggingListing(t *testing.T) {
	_, cloud, c := startCloud(t, seedMembers)
	ctx := context.Background()
	inFleet(c, "sg-other")
	listed := &membershipCall{c: c, kind: InstanceMember, group: "sg-other", member: "i-two", region: uRegion}
	joined := &membershipCall{c: c, kind: InstanceMember, group: "sg-other", member: "i-one", region: uRegion}
	if err := listed.read(ctx); err != nil {
		t.Fatal(err)
	}
	cloud.Mutate(func(s *aliemu.State) {
		i := slices.IndexFunc(s.Instances, func(in aliemu.Instance) bool { return in.ID == "i-one" })
		s.Instances[i].SecurityGroupIDs = append(s.Instances[i].SecurityGroupIDs, "sg-other")
	})
	members, err := FindGroupMembers(ctx, c, InstanceMember, uRegion, "sg-other")
	if err != nil || slices.ContainsFunc(members, func(m Member) bool { return m.ID == "i-one" }) {
		t.Fatalf("the kept listing: %v, %v; want it without i-one", members, err)
	}
	if err := joined.read(ctx); err != nil {
		t.Fatalf("a member the kept listing does not show yet: %v, want its own describe to find the group", err)
	}
}
