package alicloud

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	"github.com/secgroup/terraform-provider-secgroup/internal/emulator"
)

// membershipFixture: an instance in sg-default, an ENI in sg-default, a
// second group, and one of each kind that refuses changes.
func membershipFixture(t *testing.T) (*emulator.Server, *Cloud, func(action string, params map[string]string) error) {
	t.Helper()
	srv, c := startEmulator(t)
	c.Mutate(func(s *State) {
		s.SecurityGroups = []SecurityGroup{
			{ID: "sg-default", RegionID: testRegion, VpcID: "vpc-a"},
			{ID: "sg-web", RegionID: testRegion, VpcID: "vpc-a"},
			{ID: "sg-other", RegionID: testRegion, VpcID: "vpc-b"},
			{ID: "sg-managed", RegionID: testRegion, ManagedByCloudProduct: true},
			{ID: "sg-x1", RegionID: testRegion}, {ID: "sg-x2", RegionID: testRegion},
			{ID: "sg-x3", RegionID: testRegion}, {ID: "sg-x4", RegionID: testRegion},
		}
		s.Instances = []Instance{
			{ID: "i-web", RegionID: testRegion, VpcID: "vpc-a", SecurityGroupIDs: []string{"sg-default"}},
			{ID: "i-locked", RegionID: testRegion, LockedForSecurity: true, SecurityGroupIDs: []string{"sg-default"}},
			{ID: "i-starting", RegionID: testRegion, Status: "Starting", NextStatus: "Running", NextStatusAfter: 1, SecurityGroupIDs: []string{"sg-default", "sg-web"}},
			{ID: "i-full", RegionID: testRegion, SecurityGroupIDs: []string{"sg-default", "sg-x1", "sg-x2", "sg-x3", "sg-x4"}},
		}
		s.NetworkInterfaces = []NetworkInterface{
			{ID: "eni-web", RegionID: testRegion, VpcID: "vpc-a", SecurityGroupIDs: []string{"sg-default"}},
			{ID: "eni-managed", RegionID: testRegion, ServiceManaged: true, SecurityGroupIDs: []string{"sg-default", "sg-web"}},
			{ID: "eni-trunk", RegionID: testRegion, Type: "Trunk", SecurityGroupIDs: []string{"sg-default", "sg-web"}},
			{ID: "eni-busy", RegionID: testRegion, Status: "Attaching", SecurityGroupIDs: []string{"sg-default", "sg-web"}},
		}
	})
	client := sdkClient(t, srv, testKey, testSecret, "")
	return srv, c, func(action string, params map[string]string) error {
		// The client retries busy answers until the deadline: a short one.
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		return client.Call(ctx, "ecs", "", action, params, nil)
	}
}

func wantCode(t *testing.T, err error, status int, code string) {
	t.Helper()
	var e *apierr.Error
	if !errors.As(err, &e) || e.Status != status || e.Code != code {
		t.Fatalf("want %d %s, got %v", status, code, err)
	}
}

func TestJoinAndLeaveSecurityGroup(t *testing.T) {
	_, c, call := membershipFixture(t)
	for _, p := range []map[string]string{{"InstanceId": "i-web"}, {"NetworkInterfaceId": "eni-web"}} {
		p["SecurityGroupId"] = "sg-web"
		if err := call("JoinSecurityGroup", p); err != nil {
			t.Fatal(err)
		}
		wantCode(t, call("JoinSecurityGroup", p), 403, "InvalidInstanceId.AlreadyExists")
	}
	s := c.State()
	if got := s.Instances[0].SecurityGroupIDs; !slices.Equal(got, []string{"sg-default", "sg-web"}) {
		t.Fatalf("instance groups %v", got)
	}
	if got := s.NetworkInterfaces[0].SecurityGroupIDs; !slices.Equal(got, []string{"sg-default", "sg-web"}) {
		t.Fatalf("ENI groups %v", got)
	}
	for _, p := range []map[string]string{{"InstanceId": "i-web"}, {"NetworkInterfaceId": "eni-web"}} {
		p["SecurityGroupId"] = "sg-default"
		if err := call("LeaveSecurityGroup", p); err != nil {
			t.Fatal(err)
		}
		wantCode(t, call("LeaveSecurityGroup", p), 400, "InvalidSecurityGroupAssociation.NotFound")
	}
	wantCode(t, call("LeaveSecurityGroup", map[string]string{"InstanceId": "i-web", "SecurityGroupId": "sg-web"}), 403, "InstanceLastSecurityGroup")
	wantCode(t, call("LeaveSecurityGroup", map[string]string{"NetworkInterfaceId": "eni-web", "SecurityGroupId": "sg-web"}), 403, "InvalidOperation.AtLeastInOneGroup")
}

func TestMembershipErrors(t *testing.T) {
	_, _, call := membershipFixture(t)
	cases := []struct {
		name   string
		action string
		params map[string]string
		status int
		code   string
	}{
		{"both IDs", "LeaveSecurityGroup", map[string]string{"InstanceId": "i-web", "NetworkInterfaceId": "eni-web", "SecurityGroupId": "sg-default"}, 403, "InvalidParam.EniIdAndInstanceId.Conflict"},
		{"no member", "LeaveSecurityGroup", map[string]string{"SecurityGroupId": "sg-default"}, 400, "MissingParameter"},
		{"no group", "JoinSecurityGroup", map[string]string{"InstanceId": "i-web"}, 400, "MissingParameter"},
		{"malformed instance", "LeaveSecurityGroup", map[string]string{"InstanceId": "web", "SecurityGroupId": "sg-default"}, 400, "InvalidInstanceId.Malformed"},
		{"malformed ENI", "LeaveSecurityGroup", map[string]string{"NetworkInterfaceId": "web", "SecurityGroupId": "sg-default"}, 403, "InvalidParam.Malformed"},
		{"unknown instance", "LeaveSecurityGroup", map[string]string{"InstanceId": "i-gone", "SecurityGroupId": "sg-default"}, 404, "InvalidInstanceId.NotFound"},
		{"unknown ENI", "LeaveSecurityGroup", map[string]string{"NetworkInterfaceId": "eni-gone", "SecurityGroupId": "sg-default"}, 404, "InvalidEniId.NotFound"},
		{"unknown group", "LeaveSecurityGroup", map[string]string{"InstanceId": "i-web", "SecurityGroupId": "sg-gone"}, 404, "InvalidSecurityGroupId.NotFound"},
		{"managed group", "JoinSecurityGroup", map[string]string{"InstanceId": "i-web", "SecurityGroupId": "sg-managed"}, 403, "InvalidOperation.ResourceManagedByCloudProduct"},
		{"locked instance", "LeaveSecurityGroup", map[string]string{"InstanceId": "i-locked", "SecurityGroupId": "sg-default"}, 403, "InstanceLockedForSecurity"},
		{"service-managed ENI", "LeaveSecurityGroup", map[string]string{"NetworkInterfaceId": "eni-managed", "SecurityGroupId": "sg-web"}, 403, "InvalidOperation.EniServiceManaged"},
		{"trunk ENI", "LeaveSecurityGroup", map[string]string{"NetworkInterfaceId": "eni-trunk", "SecurityGroupId": "sg-web"}, 403, "InvalidOperation.InvalidEniType"},
		{"attaching ENI", "LeaveSecurityGroup", map[string]string{"NetworkInterfaceId": "eni-busy", "SecurityGroupId": "sg-web"}, 400, "InvalidOperation.InvalidEniState"},
		{"other VPC", "JoinSecurityGroup", map[string]string{"InstanceId": "i-web", "SecurityGroupId": "sg-other"}, 400, "InvalidInstanceId.Mismatch"},
		{"group quota", "JoinSecurityGroup", map[string]string{"InstanceId": "i-full", "SecurityGroupId": "sg-web"}, 400, "InstanceSecurityGroupLimitExceeded"},
		{"describe unknown instance", "DescribeInstanceAttribute", map[string]string{"InstanceId": "i-gone"}, 404, "InvalidInstanceId.NotFound"},
		{"describe unknown ENI", "DescribeNetworkInterfaceAttribute", map[string]string{"NetworkInterfaceId": "eni-gone"}, 404, "InvalidEniId.NotFound"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { wantCode(t, call(tc.action, tc.params), tc.status, tc.code) })
	}
}

func TestLeaveWaitsForStartingInstance(t *testing.T) {
	srv, c, call := membershipFixture(t)
	p := map[string]string{"InstanceId": "i-starting", "SecurityGroupId": "sg-web"}
	// NextStatusAfter 1: the first request still sees Starting, the second
	// Running. The client retries IncorrectInstanceStatus (busy) by itself.
	if err := call("LeaveSecurityGroup", p); err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, r := range srv.Requests() {
		codes = append(codes, r.ErrorCode)
	}
	if !slices.Equal(codes, []string{"IncorrectInstanceStatus", ""}) {
		t.Fatalf("answers %q, want IncorrectInstanceStatus then success", codes)
	}
	if in := c.State().Instances[2]; in.Status != "Running" || !slices.Equal(in.SecurityGroupIDs, []string{"sg-default"}) {
		t.Fatalf("instance after leave: %+v", in)
	}
}

// The SDK always sends the client's RegionId, so the ENI's required RegionId
// is tested with a hand-signed request.
func TestENIMembershipNeedsRegion(t *testing.T) {
	srv, c := startEmulator(t)
	c.Mutate(func(s *State) {
		s.SecurityGroups = []SecurityGroup{{ID: "sg-a", RegionID: testRegion}, {ID: "sg-b", RegionID: testRegion}}
		s.NetworkInterfaces = []NetworkInterface{{ID: "eni-a", RegionID: testRegion, SecurityGroupIDs: []string{"sg-a", "sg-b"}}}
		s.Instances = []Instance{{ID: "i-a", RegionID: testRegion, SecurityGroupIDs: []string{"sg-a", "sg-b"}}}
	})
	for _, tc := range []struct {
		params url.Values
		status int
		code   string
	}{
		{url.Values{"NetworkInterfaceId": {"eni-a"}}, 400, "MissingParameter.RegionId"},
		// An instance needs no RegionId.
		{url.Values{"InstanceId": {"i-a"}}, 200, ""},
	} {
		tc.params.Set("Action", "LeaveSecurityGroup")
		tc.params.Set("Version", versionECS)
		tc.params.Set("SecurityGroupId", "sg-b")
		resp, err := http.Get(signedURL(srv, http.MethodGet, tc.params))
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != tc.status {
			t.Fatalf("%v: status %d, want %d", tc.params, resp.StatusCode, tc.status)
		}
		if tc.code != "" {
			if code := decodeError(t, resp)["Code"]; code != tc.code {
				t.Fatalf("%v: code %s, want %s", tc.params, code, tc.code)
			}
		}
		resp.Body.Close()
	}
}

// The answers decode into the SDK's own response structs.
func TestDescribeMembershipShapes(t *testing.T) {
	srv, c := startEmulator(t)
	c.Mutate(func(s *State) {
		s.SecurityGroups = []SecurityGroup{{ID: "sg-a", RegionID: testRegion}}
		s.Instances = []Instance{{ID: "i-a", RegionID: testRegion, Status: "Stopped", SecurityGroupIDs: []string{"sg-a"}}}
		s.NetworkInterfaces = []NetworkInterface{{ID: "eni-a", RegionID: testRegion, InstanceID: "i-a", SecurityGroupIDs: []string{"sg-a"}}}
	})
	client := sdkClient(t, srv, testKey, testSecret, "")
	var in ecs.DescribeInstanceAttributeResponse
	if err := client.Call(context.Background(), "ecs", "", "DescribeInstanceAttribute", map[string]string{"InstanceId": "i-a"}, &in); err != nil {
		t.Fatal(err)
	}
	if in.InstanceId != "i-a" || in.Status != "Stopped" || in.RegionId != testRegion || !slices.Equal(in.SecurityGroupIds.SecurityGroupId, []string{"sg-a"}) {
		t.Errorf("DescribeInstanceAttribute: %+v", in)
	}
	var eni ecs.DescribeNetworkInterfaceAttributeResponse
	if err := client.Call(context.Background(), "ecs", "", "DescribeNetworkInterfaceAttribute", map[string]string{"NetworkInterfaceId": "eni-a"}, &eni); err != nil {
		t.Fatal(err)
	}
	if eni.NetworkInterfaceId != "eni-a" || eni.InstanceId != "i-a" || eni.Status != "InUse" || eni.Type != "Secondary" || !slices.Equal(eni.SecurityGroupIds.SecurityGroupId, []string{"sg-a"}) {
		t.Errorf("DescribeNetworkInterfaceAttribute: %+v", eni)
	}
}

// A member's GroupQuota replaces the default quota of 5 (an account whose
// quota was raised): the sixth group joins, the seventh is over the quota.
func TestJoinSecurityGroupRaisedQuota(t *testing.T) {
	_, c, call := membershipFixture(t)
	c.Mutate(func(s *State) {
		s.SecurityGroups = append(s.SecurityGroups, SecurityGroup{ID: "sg-x5", RegionID: testRegion})
		s.Instances = append(s.Instances, Instance{ID: "i-raised", RegionID: testRegion, Status: "Running", GroupQuota: 6,
			SecurityGroupIDs: []string{"sg-default", "sg-x1", "sg-x2", "sg-x3", "sg-x4"}})
		s.NetworkInterfaces = append(s.NetworkInterfaces, NetworkInterface{ID: "eni-raised", RegionID: testRegion, Type: "Secondary", Status: "Available", GroupQuota: 6,
			SecurityGroupIDs: []string{"sg-default", "sg-x1", "sg-x2", "sg-x3", "sg-x4"}})
	})
	for _, member := range []map[string]string{{"InstanceId": "i-raised"}, {"NetworkInterfaceId": "eni-raised"}} {
		join := func(group string) error {
			p := maps.Clone(member)
			p["SecurityGroupId"] = group
			return call("JoinSecurityGroup", p)
		}
		if err := join("sg-x5"); err != nil {
			t.Fatalf("%v: sixth group under a quota of 6: %s", member, err)
		}
		wantCode(t, join("sg-web"), 400, "InstanceSecurityGroupLimitExceeded")
	}
}

// TestDescribeMembersInBatches: DescribeInstances takes InstanceIds (a JSON
// array of up to 100) and DescribeNetworkInterfaces NetworkInterfaceId.N;
// IDs that match nothing are not listed, and PageNumber/PageSize page the
// rest with the total.
func TestDescribeMembersInBatches(t *testing.T) {
	srv, _, _ := membershipFixture(t)
	client := sdkClient(t, srv, testKey, testSecret, "")
	type page struct {
		Instances struct {
			Instance []struct{ InstanceId string } //nolint:revive // the API's names
		}
		NetworkInterfaceSets struct {
			NetworkInterfaceSet []struct{ NetworkInterfaceId string } //nolint:revive // the API's names
		}
		TotalCount int
	}
	var out page
	err := client.Call(context.Background(), "ecs", "", "DescribeInstances",
		map[string]string{"InstanceIds": `["i-web","i-full","i-gone"]`, "PageSize": "1", "PageNumber": "2"}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if out.TotalCount != 2 || len(out.Instances.Instance) != 1 || out.Instances.Instance[0].InstanceId != "i-full" {
		t.Fatalf("page 2 of 1: %+v", out)
	}
	ids := make([]string, 101)
	for i := range ids {
		ids[i] = `"i-web"`
	}
	err = client.Call(context.Background(), "ecs", "", "DescribeInstances", map[string]string{"InstanceIds": "[" + strings.Join(ids, ",") + "]"}, &out)
	wantCode(t, err, 400, "InvalidInstanceIds.ValueNotSupported")

	out = page{}
	err = client.Call(context.Background(), "ecs", "", "DescribeNetworkInterfaces",
		map[string]string{"NetworkInterfaceId.1": "eni-web", "NetworkInterfaceId.2": "eni-gone", "PageSize": "100"}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if out.TotalCount != 1 || len(out.NetworkInterfaceSets.NetworkInterfaceSet) != 1 || out.NetworkInterfaceSets.NetworkInterfaceSet[0].NetworkInterfaceId != "eni-web" {
		t.Fatalf("ENIs: %+v", out)
	}
}

// TestDescribeMembersOfGroup: SecurityGroupId lists the group's members, and
// MaxResults/NextToken page them to the end within the APIs' limits (1 to
// 100 instances, 10 to 500 ENIs per page), without TotalCount.
func TestDescribeMembersOfGroup(t *testing.T) {
	srv, _, _ := membershipFixture(t)
	client := sdkClient(t, srv, testKey, testSecret, "")
	type page struct {
		Instances struct {
			Instance []struct{ InstanceId string } //nolint:revive // the API's names
		}
		NetworkInterfaceSets struct {
			NetworkInterfaceSet []struct{ NetworkInterfaceId string } //nolint:revive // the API's names
		}
		NextToken  string
		TotalCount *int
	}
	var got []string
	token := ""
	for calls := 1; ; calls++ {
		var out page
		params := map[string]string{"SecurityGroupId": "sg-default", "MaxResults": "1", "NextToken": token}
		if err := client.Call(context.Background(), "ecs", "", "DescribeInstances", params, &out); err != nil {
			t.Fatal(err)
		}
		if out.TotalCount != nil {
			t.Errorf("token paging answered TotalCount %d", *out.TotalCount)
		}
		for _, in := range out.Instances.Instance {
			got = append(got, in.InstanceId)
		}
		if token = out.NextToken; token == "" || calls > 10 {
			break
		}
	}
	if want := []string{"i-web", "i-locked", "i-starting", "i-full"}; !slices.Equal(got, want) {
		t.Fatalf("instances of sg-default: %v, want %v", got, want)
	}
	var out page
	err := client.Call(context.Background(), "ecs", "", "DescribeInstances", map[string]string{"SecurityGroupId": "sg-web", "MaxResults": "100"}, &out)
	if err != nil || len(out.Instances.Instance) != 1 || out.Instances.Instance[0].InstanceId != "i-starting" || out.NextToken != "" {
		t.Fatalf("instances of sg-web: %+v, %v", out, err)
	}
	err = client.Call(context.Background(), "ecs", "", "DescribeInstances", map[string]string{"SecurityGroupId": "sg-gone", "MaxResults": "100"}, &out)
	if err != nil || len(out.Instances.Instance) != 0 {
		t.Fatalf("instances of a group that does not exist: %+v, %v", out, err)
	}
	for _, bad := range []map[string]string{{"MaxResults": "101"}, {"MaxResults": "0"}} {
		wantCode(t, client.Call(context.Background(), "ecs", "", "DescribeInstances", bad, nil), 400, "InvalidParameter")
	}
	wantCode(t, client.Call(context.Background(), "ecs", "", "DescribeInstances", map[string]string{"NextToken": "bogus"}, nil), 400, "InvalidParameter")

	out = page{}
	err = client.Call(context.Background(), "ecs", "", "DescribeNetworkInterfaces", map[string]string{"SecurityGroupId": "sg-web", "MaxResults": "500"}, &out)
	got = nil
	for _, n := range out.NetworkInterfaceSets.NetworkInterfaceSet {
		got = append(got, n.NetworkInterfaceId)
	}
	if want := []string{"eni-managed", "eni-trunk", "eni-busy"}; err != nil || !slices.Equal(got, want) || out.NextToken != "" {
		t.Fatalf("ENIs of sg-web: %v (%v), want %v", got, err, want)
	}
	for _, bad := range []string{"9", "501"} {
		wantCode(t, client.Call(context.Background(), "ecs", "", "DescribeNetworkInterfaces", map[string]string{"MaxResults": bad}, nil), 400, "InvalidParameter")
	}
}

// TestDescribeSecurityGroups: SecurityGroupIds picks groups of the region
// (unknown IDs are not listed), with their names.
func TestDescribeSecurityGroups(t *testing.T) {
	srv, c, _ := membershipFixture(t)
	c.Mutate(func(s *State) { s.SecurityGroups[1].Name = "web" })
	client := sdkClient(t, srv, testKey, testSecret, "")
	var out struct {
		SecurityGroups struct {
			SecurityGroup []struct{ SecurityGroupId, SecurityGroupName string } //nolint:revive // the API's names
		}
		NextToken string
	}
	err := client.Call(context.Background(), "ecs", "", "DescribeSecurityGroups",
		map[string]string{"SecurityGroupIds": `["sg-web","sg-gone","sg-other"]`, "MaxResults": "100"}, &out)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, g := range out.SecurityGroups.SecurityGroup {
		got[g.SecurityGroupId] = g.SecurityGroupName
	}
	if want := map[string]string{"sg-web": "web", "sg-other": ""}; !maps.Equal(got, want) || out.NextToken != "" {
		t.Fatalf("groups: %v, want %v", got, want)
	}
	wantCode(t, client.Call(context.Background(), "ecs", "", "DescribeSecurityGroups", map[string]string{"PageSize": "51"}, nil), 400, "InvalidParameter")
}
