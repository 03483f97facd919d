package alicloud

import (
	"context"
	"slices"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/emulator"
	aliemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/alicloud"
)

func countActions(srv *emulator.Server, action string) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Action == action {
			n++
		}
	}
	return n
}

// TestMemberReads_cachedAndFreshUnderLock: Read's describes of a member are
// kept for the process, so a change made meanwhile out of band is not seen
// by them; the read under the lock that decides a write (find) is made
// afresh and sees it; and a write drops the member's entry and every entry
// of the other kind (an instance's groups are its primary ENI's).
func TestMemberReads_cachedAndFreshUnderLock(t *testing.T) {
	srv, cloud, c := startCloud(t, seedMembers)
	ctx := context.Background()
	instance := &membershipCall{c: c, kind: InstanceMember, group: "sg-other", member: "i-two", region: uRegion}
	eni := &membershipCall{c: c, kind: ENIMember, group: "sg-only", member: "eni-one", region: uRegion}
	instanceDescribes := func() int { return countActions(srv, "DescribeInstances") }

	for range 3 {
		if err := instance.read(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n := instanceDescribes(); n != 1 {
		t.Fatalf("%d describes for 3 reads of one instance, want 1", n)
	}

	cloud.Mutate(func(s *aliemu.State) {
		i := slices.IndexFunc(s.Instances, func(in aliemu.Instance) bool { return in.ID == "i-two" })
		s.Instances[i].SecurityGroupIDs = []string{"sg-only"}
	})
	if err := instance.read(ctx); err != nil || instanceDescribes() != 1 {
		t.Fatalf("a read in the same process: %v after %d describes, want the kept answer", err, instanceDescribes())
	}
	if err := instance.find(ctx); !isGroupNotListed(err) {
		t.Fatalf("the read under the lock: %v, want the group no longer listed", err)
	}
	if err := instance.read(ctx); !isGroupNotListed(err) || instanceDescribes() != 2 {
		t.Fatalf("after the fresh read: %v after %d describes, want its answer kept", err, instanceDescribes())
	}

	if err := eni.read(ctx); err != nil {
		t.Fatal(err)
	}
	if err := instance.write(ctx, "JoinSecurityGroup", nil); err != nil {
		t.Fatal(err)
	}
	if err := instance.read(ctx); err != nil || instanceDescribes() != 3 {
		t.Fatalf("after the instance's write: %v after %d describes, want a fresh describe that lists the group", err, instanceDescribes())
	}
	if err := eni.read(ctx); err != nil || countActions(srv, "DescribeNetworkInterfaces") != 2 {
		t.Fatalf("the ENI after an instance's write: %v after %d describes, want a fresh describe", err, countActions(srv, "DescribeNetworkInterfaces"))
	}
}
