package huaweicloud

import (
	"context"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/emulator"
	hwemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/huaweicloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
)

const (
	cacheProject = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
	cacheServer  = "2b6d7a3c-4f3e-4a8e-9d6b-3a1c2e5f7a90"
	cachePort    = "99fd0c77-56b4-4bf6-8365-df352e45d5fc"
	cacheWeb     = "5d3f8a2b-1c4e-4f6a-8b9c-0d1e2f3a4b5c"
)

func startCacheCloud(t *testing.T) (*emulator.Server, *hwemu.Cloud, *Client) {
	t.Helper()
	hw := hwemu.New()
	srv := emulator.New(hw)
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	hw.Mutate(func(s *hwemu.State) {
		s.Credentials = []hwemu.Credential{{AccessKey: "cache-ak", SecretKey: "cache-sk"}}
		s.Projects = []hwemu.Project{{ID: cacheProject, Name: "cn-north-4"}}
		s.SecurityGroups = []hwemu.SecurityGroup{{ID: cacheWeb, Name: "web", ProjectID: cacheProject}}
		s.Servers = []hwemu.Server{{ID: cacheServer, Name: "s", ProjectID: cacheProject, Status: "ACTIVE", SecurityGroups: []string{cacheWeb}}}
		s.Ports = []hwemu.Port{{ID: cachePort, Name: "p", ProjectID: cacheProject, MACAddress: "fa:16:3e:00:00:09", FixedIP: "192.168.0.9", SecurityGroups: []string{cacheWeb}}}
	})
	u := srv.URL()
	c, err := NewClient(Config{Region: "cn-north-4", AccessKey: "cache-ak", SecretKey: "cache-sk",
		Endpoints: map[string]string{"ecs": u, "vpc": u, "iam": u}, Retry: retry.DefaultPolicy})
	if err != nil {
		t.Fatal(err)
	}
	return srv, hw, c
}

func countActions(srv *emulator.Server, action string) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Action == action {
			n++
		}
	}
	return n
}

// TestServerReads_cachedAndFreshUnderLock: Read's lists of a server's groups
// are kept for the process, so a change made meanwhile out of band is not
// seen by them; the read under the lock (find) is made afresh and sees it;
// and a server's write drops every port's entry, since the action changes
// the server's ports too.
func TestServerReads_cachedAndFreshUnderLock(t *testing.T) {
	srv, hw, c := startCacheCloud(t)
	ctx := context.Background()
	a := &serverAssociationCall{c: c, serverID: cacheServer, group: "web", ref: "web", region: "cn-north-4"}
	lists := func() int { return countActions(srv, "ListServersDetails") }
	for range 3 {
		if _, err := a.read(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if lists() != 1 {
		t.Fatalf("%d lists for 3 reads of one server, want 1", lists())
	}
	hw.Mutate(func(s *hwemu.State) { s.Servers[0].SecurityGroups = nil })
	if _, err := a.read(ctx); err != nil || lists() != 1 {
		t.Fatalf("a read in the same process: %v after %d lists, want the kept answer", err, lists())
	}
	if _, err := a.find(ctx); !isGroupNotListed(err) {
		t.Fatalf("the read under the lock: %v, want the group no longer listed", err)
	}
	if _, err := a.read(ctx); !isGroupNotListed(err) || lists() != 2 {
		t.Fatalf("after the fresh read: %v after %d lists, want its answer kept", err, lists())
	}

	p := &portAssociationCall{c: c, portID: cachePort, region: "cn-north-4"}
	shows := func() int { return countActions(srv, "ListPorts") }
	if _, err := p.read(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := p.read(ctx); err != nil || shows() != 1 {
		t.Fatalf("%d ListPorts calls for 2 reads of one port (%v), want 1", shows(), err)
	}
	a.invalidate() // what a server's write does, before and after
	if _, err := p.read(ctx); err != nil || shows() != 2 {
		t.Fatalf("after a server's write: %d ListPorts calls (%v), want a fresh one", shows(), err)
	}
	if _, err := a.read(ctx); !isGroupNotListed(err) || lists() != 3 {
		t.Fatalf("after the server's write: %v after %d lists, want a fresh one", err, lists())
	}
	p.invalidate() // a port's write: the servers list their ports' groups
	if _, err := a.read(ctx); !isGroupNotListed(err) || lists() != 4 {
		t.Fatalf("after a port's write: %v after %d lists, want a fresh one", err, lists())
	}
}
