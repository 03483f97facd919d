package huaweicloud_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	ecsmodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/ecs/v2/model"
	vpcmodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/vpc/v3/model"
)

// TestListServersDetails: server_id names up to 100 servers; one that does
// not exist comes back as an entry holding only its id and a fault; more
// than 100 IDs are refused; limit and offset (a page number) page the list.
func TestListServersDetails(t *testing.T) {
	e := newEnv(t)
	const missing = "00000000-0000-4000-8000-000000000000"
	ids := server1 + "," + missing
	limit := int32(10)
	resp, err := e.ecs(t).ListServersDetails(&ecsmodel.ListServersDetailsRequest{ServerId: &ids, Limit: &limit})
	if err != nil {
		t.Fatal(err)
	}
	servers := *resp.Servers
	if len(servers) != 2 || servers[0].Id != server1 || servers[0].Fault != nil || len(servers[0].SecurityGroups) != 1 ||
		servers[0].SecurityGroups[0].Id != sgDefault || servers[1].Id != missing || servers[1].Fault == nil || servers[1].Name != "" {
		t.Fatalf("servers = %+v", servers)
	}

	tooMany := strings.Repeat(server1+",", 100) + server1
	_, err = e.ecs(t).ListServersDetails(&ecsmodel.ListServersDetailsRequest{ServerId: &tooMany})
	if se := serviceError(t, err, http.StatusBadRequest); se.ErrorCode != "Ecs.0005" {
		t.Fatalf("101 IDs: %+v", se)
	}

	one, page2 := int32(1), int32(2)
	resp, err = e.ecs(t).ListServersDetails(&ecsmodel.ListServersDetailsRequest{ServerId: &ids, Limit: &one, Offset: &page2})
	if err != nil {
		t.Fatal(err)
	}
	if got := *resp.Servers; len(got) != 1 || got[0].Id != missing || *resp.Count != 2 {
		t.Fatalf("page 2 of 1: %+v (count %v)", got, *resp.Count)
	}
}

// TestListPorts: one id filter per port; ports that do not exist are not
// listed.
func TestListPorts(t *testing.T) {
	e := newEnv(t)
	ids := []string{port1a, "00000000-0000-4000-8000-000000000000"}
	resp, err := e.vpc(t).ListPorts(&vpcmodel.ListPortsRequest{Id: &ids})
	if err != nil {
		t.Fatal(err)
	}
	if ports := *resp.Ports; len(ports) != 1 || ports[0].Id != port1a || len(ports[0].SecurityGroups) == 0 {
		t.Fatalf("ports = %+v", ports)
	}
}

// TestListPortsBySecurityGroup: the security_groups filter lists the ports
// holding the group (a NIC and a spare port alike), with device_id; a group
// on no port lists none.
func TestListPortsBySecurityGroup(t *testing.T) {
	e := newEnv(t)
	if _, err := insertGroups(t, e, portSpare, sgWeb); err != nil {
		t.Fatal(err)
	}
	if _, err := insertGroups(t, e, port2, sgWeb); err != nil {
		t.Fatal(err)
	}
	list := func(groups ...string) []string {
		resp, err := e.vpc(t).ListPorts(&vpcmodel.ListPortsRequest{SecurityGroups: &groups})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, p := range *resp.Ports {
			ids = append(ids, p.Id+"@"+p.DeviceId)
		}
		return ids
	}
	if got, want := list(sgWeb), []string{port2 + "@" + server2, portSpare + "@"}; !slices.Equal(got, want) {
		t.Fatalf("ports holding web: %v, want %v", got, want)
	}
	if got := list(sgDB); len(got) != 0 {
		t.Fatalf("ports holding db: %v, want none", got)
	}
}

// TestPortWriteChangesItsServer: ECS lists a server's groups as the union of
// its NICs', so a group added to one NIC through VPC shows on the server
// until no NIC holds it.
func TestPortWriteChangesItsServer(t *testing.T) {
	e := newEnv(t)
	serverGroups := func() []string {
		for _, s := range e.cloud.State().Servers {
			if s.ID == server1 {
				return s.SecurityGroups
			}
		}
		return nil
	}
	if _, err := insertGroups(t, e, port1a, sgWeb); err != nil {
		t.Fatal(err)
	}
	if got := serverGroups(); !slices.Equal(got, []string{sgDefault, sgWeb}) {
		t.Fatalf("after the insert on one NIC: %v", got)
	}
	if _, err := removeGroups(t, e, port1a, sgWeb); err != nil {
		t.Fatal(err)
	}
	if got := serverGroups(); !slices.Equal(got, []string{sgDefault}) {
		t.Fatalf("after the remove: %v", got)
	}
}
