package huaweicloud

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	hwemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/huaweicloud"
)

// TestSecurityGroupMembers_listing: a group's listing is its ports (ListPorts
// filtered by security_groups, at the API's page size of 2,000, paged by
// marker to the end) and the servers of the compute NICs among them; it is
// kept for the process, and a server's or a port's write drops it.
func TestSecurityGroupMembers_listing(t *testing.T) {
	srv, hw, c := startCacheCloud(t)
	ctx := context.Background()
	const extra = maxPortsPage + 5 // more than one page
	var want []string
	hw.Mutate(func(s *hwemu.State) {
		// The NIC of the cache's server, holding the server's group.
		nic := fmt.Sprintf("00000000-0000-4000-8000-%012d", 0)
		s.Ports = append(s.Ports, hwemu.Port{ID: nic, ProjectID: cacheProject, DeviceID: cacheServer, DeviceOwner: "compute:cn-north-4a", SecurityGroups: []string{cacheWeb}})
		want = append(want, nic, cachePort)
		for i := 1; i <= extra; i++ {
			id := fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
			s.Ports = append(s.Ports, hwemu.Port{ID: id, ProjectID: cacheProject, SecurityGroups: []string{cacheWeb}})
			want = append(want, id)
		}
		s.Ports = append(s.Ports, hwemu.Port{ID: "00000000-0000-4000-9000-000000000000", ProjectID: cacheProject}) // not in the group
	})
	slices.Sort(want)

	m, err := FindSecurityGroupMembers(ctx, c, "", cacheWeb)
	if err != nil {
		t.Fatal(err)
	}
	if m.ID != cacheWeb || m.Name != "web" || !slices.Equal(m.PortIDs(), want) || !slices.Equal(m.Servers, []string{cacheServer}) || !m.HasServer(cacheServer) {
		t.Fatalf("listing: %s %q, %d ports, servers %v", m.ID, m.Name, len(m.Ports), m.Servers)
	}
	var pages []map[string]string
	for _, r := range srv.Requests() {
		if r.Action == "ListPorts" {
			pages = append(pages, r.Params)
		}
	}
	if len(pages) != 2 || pages[0]["security_groups"] != cacheWeb || pages[0]["limit"] != "2000" || pages[0]["marker"] != "" || pages[1]["marker"] == "" {
		t.Fatalf("ListPorts pages: %v, want two at limit 2000 filtered by the group, the second from a marker", pages)
	}
	if shows := countActions(srv, "ShowSecurityGroup"); shows != 1 {
		t.Fatalf("%d ShowSecurityGroup calls, want 1", shows)
	}

	lists := func() int { return countActions(srv, "ListPorts") }
	if _, err := FindSecurityGroupMembers(ctx, c, "cn-north-4", cacheWeb); err != nil || lists() != 2 {
		t.Fatalf("a second read: %v after %d ListPorts calls, want the kept listing", err, lists())
	}
	(&serverAssociationCall{c: c, serverID: cacheServer, region: "cn-north-4"}).invalidate() // a server's write
	if _, err := FindSecurityGroupMembers(ctx, c, "", cacheWeb); err != nil || lists() != 4 {
		t.Fatalf("after a server's write: %v after %d ListPorts calls, want a fresh listing", err, lists())
	}
	(&portAssociationCall{c: c, portID: cachePort, region: "cn-north-4"}).invalidate() // a port's write
	if _, err := FindSecurityGroupMembers(ctx, c, "", cacheWeb); err != nil || lists() != 6 {
		t.Fatalf("after a port's write: %v after %d ListPorts calls, want a fresh listing", err, lists())
	}

	// An unknown group is not found (and its ports are not listed).
	before := lists()
	if _, err := FindSecurityGroupMembers(ctx, c, "", "6e4f9b3c-2d5f-4a7b-9cad-1e2f3a4b5c6d"); !apierr.IsNotFound(err) || lists() != before {
		t.Fatalf("unknown group: %v after %d ListPorts calls, want not found and none", err, lists()-before)
	}
}
