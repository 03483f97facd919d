package huaweicloud

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	hwemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/huaweicloud"
)

// TestServerReads_missingServerIsItsOwn: concurrent reads of five servers go
// out as one ListServersDetails; ECS answers the one that does not exist
// with an entry holding only its id and a fault, which is not found for that
// read alone: the others get their groups.
func TestServerReads_missingServerIsItsOwn(t *testing.T) {
	srv, hw, c := startCacheCloud(t)
	servers := []string{cacheServer, "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222", "33333333-3333-4333-8333-333333333333"}
	hw.Mutate(func(s *hwemu.State) {
		for _, id := range servers[1:] {
			s.Servers = append(s.Servers, hwemu.Server{ID: id, Name: "s", ProjectID: cacheProject, Status: "ACTIVE", SecurityGroups: []string{cacheWeb}})
		}
	})
	const missing = "44444444-4444-4444-8444-444444444444"
	ids := append(servers, missing)
	if _, err := c.ECS(context.Background(), "cn-north-4"); err != nil { // the project lookup, before the batch
		t.Fatal(err)
	}
	c.serverReads.Window = time.Second // every read joins the first batch
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() { _, errs[i] = FindServerSecurityGroup(context.Background(), c, "", id, "web") })
	}
	wg.Wait()
	for i, id := range ids {
		switch {
		case id == missing && (!apierr.IsNotFound(errs[i]) || isGroupNotListed(errs[i])):
			t.Fatalf("the missing server: %v, want the server not found", errs[i])
		case id != missing && errs[i] != nil:
			t.Fatalf("%s: %v; a missing server must not fail the others", id, errs[i])
		}
	}
	var calls []string
	for _, r := range srv.Requests() {
		if r.Action == "ListServersDetails" {
			calls = append(calls, r.Params["server_id"])
		}
	}
	if len(calls) != 1 || len(strings.Split(calls[0], ",")) != len(ids) {
		t.Fatalf("ListServersDetails calls %q, want one naming all %d servers", calls, len(ids))
	}
}
