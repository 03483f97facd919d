package alicloud

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ens"

	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
)

func callErr(t *testing.T, err error, code string) {
	t.Helper()
	var e *apierr.Error
	if !errors.As(err, &e) || e.Code != code {
		t.Fatalf("want %s, got %v", code, err)
	}
}

// TestEnsEgressRules drives the ENS actions through the real SDK and decodes
// Describe into the SDK's own response struct.
func TestEnsEgressRules(t *testing.T) {
	srv, cloud := startEmulator(t)
	cloud.Mutate(func(s *State) {
		s.EnsSecurityGroups = []SecurityGroup{{ID: "sg-ens1", RegionID: testRegion, Name: "edge", RuleLimit: 2}}
	})
	c := sdkClient(t, srv, testKey, testSecret, "")
	ctx := context.Background()
	call := func(action string, params map[string]string, out any) error {
		return c.Call(ctx, "ens", "", action, params, out)
	}
	rule := map[string]string{"SecurityGroupId": "sg-ens1", "IpProtocol": "tcp", "PortRange": "80/80", "DestCidrIp": "10.0.0.0/8", "Description": "web"}
	if err := call("AuthorizeSecurityGroupEgress", rule, nil); err != nil {
		t.Fatal(err)
	}
	callErr(t, call("AuthorizeSecurityGroupEgress", rule, nil), "SecurityGroupRuleConflict.Duplicated")

	for _, bad := range []map[string]string{
		{"SecurityGroupId": "sg-ens1", "IpProtocol": "TCP", "PortRange": "80/80"}, // case-sensitive
		{"SecurityGroupId": "sg-ens1", "IpProtocol": "tcp", "PortRange": "200/1"},
		{"SecurityGroupId": "sg-ens1", "IpProtocol": "tcp", "PortRange": "-1/-1"},
		{"SecurityGroupId": "sg-ens1", "IpProtocol": "icmp", "PortRange": "1/200"},
		{"SecurityGroupId": "sg-ens1", "IpProtocol": "all", "Priority": "101"},
		{"SecurityGroupId": "sg-ens1", "IpProtocol": "all", "Policy": "allow"},
		{"SecurityGroupId": "sg-ens1", "IpProtocol": "all", "DestCidrIp": "10.0.0.0/33"},
	} {
		callErr(t, call("AuthorizeSecurityGroupEgress", bad, nil), "InvalidParameter")
	}
	callErr(t, call("AuthorizeSecurityGroupEgress", map[string]string{"SecurityGroupId": "sg-ens1"}, nil), "MissingParameter")
	callErr(t, call("AuthorizeSecurityGroupEgress", map[string]string{"SecurityGroupId": "sg-nope", "IpProtocol": "all"}, nil), "InvalidSecurityGroupId.NotFound")

	if err := call("AuthorizeSecurityGroupEgress", map[string]string{"SecurityGroupId": "sg-ens1", "IpProtocol": "icmp", "Priority": "3", "Policy": "drop"}, nil); err != nil {
		t.Fatal(err)
	}
	callErr(t, call("AuthorizeSecurityGroupEgress", map[string]string{"SecurityGroupId": "sg-ens1", "IpProtocol": "gre"}, nil), "AuthorizationLimitExceed")

	var raw json.RawMessage
	if err := call("DescribeSecurityGroupAttribute", map[string]string{"SecurityGroupId": "sg-ens1"}, &raw); err != nil {
		t.Fatal(err)
	}
	resp := ens.CreateDescribeSecurityGroupAttributeResponse()
	if err := json.Unmarshal(raw, resp); err != nil {
		t.Fatalf("the SDK cannot decode the answer: %v\n%s", err, raw)
	}
	perms := resp.Permissions.Permission
	// ENS's authorize has no Description parameter: "web" was ignored.
	if len(perms) != 2 || perms[0].Direction != "egress" || perms[0].IpProtocol != "TCP" || perms[0].Policy != "Accept" ||
		perms[0].Priority != 1 || perms[0].Description != "" || perms[1].PortRange != "-1/-1" || perms[1].Priority != 3 || perms[1].Policy != "Drop" {
		t.Fatalf("permissions: %+v", perms)
	}

	revoke := map[string]string{"SecurityGroupId": "sg-ens1", "IpProtocol": "tcp", "PortRange": "80/80", "DestCidrIp": "10.0.0.0/8"}
	if err := call("RevokeSecurityGroupEgress", revoke, nil); err != nil {
		t.Fatal(err)
	}
	callErr(t, call("RevokeSecurityGroupEgress", revoke, nil), "SecurityGroupRule.NotFound")
	callErr(t, call("RevokeSecurityGroupEgress", map[string]string{"SecurityGroupId": "sg-nope", "IpProtocol": "all"}, nil), "InvalidSecurityGroupId.NotFound")
	if n := len(cloud.State().EnsSecurityGroups[0].Egress); n != 1 {
		t.Fatalf("%d rules left, want 1", n)
	}
	// ENS groups are not ECS groups.
	callErr(t, c.Call(ctx, "ecs", "", "DescribeSecurityGroupAttribute", map[string]string{"SecurityGroupId": "sg-ens1"}, nil), "InvalidSecurityGroupId.NotFound")
}

// TestEcsEgressRules: rule IDs, ClientToken, revoke by ID, modify, paging.
func TestEcsEgressRules(t *testing.T) {
	srv, cloud := startEmulator(t)
	cloud.Mutate(func(s *State) {
		s.SecurityGroups = []SecurityGroup{{ID: "sg-ecs1", RegionID: testRegion}, {ID: "sg-other", RegionID: "cn-beijing"}}
	})
	c := sdkClient(t, srv, testKey, testSecret, "")
	ctx := context.Background()
	call := func(action string, params map[string]string, out any) error {
		return c.Call(ctx, "ecs", "", action, params, out)
	}
	rule := map[string]string{"SecurityGroupId": "sg-ecs1", "IpProtocol": "TCP", "PortRange": "22/22", "DestCidrIp": "10.0.0.0/8", "ClientToken": "tok-1"}
	for range 2 { // the second is a retry with the same token: success
		if err := call("AuthorizeSecurityGroupEgress", rule, nil); err != nil {
			t.Fatal(err)
		}
	}
	// ECS's reference: authorizing a rule that exists succeeds and creates
	// nothing (the Describe below still lists 12 rules).
	rule["ClientToken"] = "tok-2"
	if err := call("AuthorizeSecurityGroupEgress", rule, nil); err != nil {
		t.Fatalf("authorizing an existing ECS rule: %v, want success", err)
	}
	callErr(t, call("AuthorizeSecurityGroupEgress", map[string]string{"SecurityGroupId": "sg-ecs1", "IpProtocol": "all", "DestCidrIp": "10.0.0.0/8", "Ipv6DestCidrIp": "::/0"}, nil), "InvalidParameter")
	callErr(t, call("AuthorizeSecurityGroupEgress", map[string]string{"SecurityGroupId": "sg-other", "IpProtocol": "all", "DestCidrIp": "10.0.0.0/8"}, nil), "InvalidSecurityGroupId.NotFound")
	for i := range 11 {
		p := map[string]string{"SecurityGroupId": "sg-ecs1", "IpProtocol": "udp", "PortRange": "1/1", "DestCidrIp": "10.0.0.0/8", "Priority": strconv.Itoa(i + 2)}
		if err := call("AuthorizeSecurityGroupEgress", p, nil); err != nil {
			t.Fatal(err)
		}
	}

	var raw json.RawMessage
	if err := call("DescribeSecurityGroupAttribute", map[string]string{"SecurityGroupId": "sg-ecs1", "Direction": "egress"}, &raw); err != nil {
		t.Fatal(err)
	}
	resp := ecs.CreateDescribeSecurityGroupAttributeResponse()
	if err := json.Unmarshal(raw, resp); err != nil {
		t.Fatalf("the SDK cannot decode the answer: %v\n%s", err, raw)
	}
	perms := resp.Permissions.Permission
	if len(perms) != 12 || perms[0].SecurityGroupRuleId == "" || perms[0].IpProtocol != "TCP" || perms[0].Priority != "1" || perms[0].NicType != "intranet" || perms[0].Direction != "egress" {
		t.Fatalf("permissions: %+v", perms[0])
	}
	id := perms[0].SecurityGroupRuleId

	// Paging, when asked for.
	var page struct {
		NextToken   string
		Permissions struct{ Permission []map[string]any }
	}
	if err := call("DescribeSecurityGroupAttribute", map[string]string{"SecurityGroupId": "sg-ecs1", "MaxResults": "10"}, &page); err != nil {
		t.Fatal(err)
	}
	if len(page.Permissions.Permission) != 10 || page.NextToken == "" {
		t.Fatalf("first page: %d rules, token %q", len(page.Permissions.Permission), page.NextToken)
	}
	token := page.NextToken
	page.NextToken, page.Permissions.Permission = "", nil
	if err := call("DescribeSecurityGroupAttribute", map[string]string{"SecurityGroupId": "sg-ecs1", "MaxResults": "10", "NextToken": token}, &page); err != nil {
		t.Fatal(err)
	}
	if len(page.Permissions.Permission) != 2 || page.NextToken != "" {
		t.Fatalf("last page: %d rules, token %q", len(page.Permissions.Permission), page.NextToken)
	}

	if err := call("ModifySecurityGroupEgressRule", map[string]string{"SecurityGroupId": "sg-ecs1", "SecurityGroupRuleId": id, "Description": "ssh out"}, nil); err != nil {
		t.Fatal(err)
	}
	if d := cloud.State().SecurityGroups[0].Egress[0].Description; d != "ssh out" {
		t.Fatalf("description %q", d)
	}
	callErr(t, call("ModifySecurityGroupEgressRule", map[string]string{"SecurityGroupId": "sg-ecs1", "SecurityGroupRuleId": "sgr-nope", "Description": "x"}, nil), "InvalidSecurityGroupRule.RuleNotExist")

	byID := map[string]string{"SecurityGroupId": "sg-ecs1", "SecurityGroupRuleId.1": id}
	if err := call("RevokeSecurityGroupEgress", byID, nil); err != nil {
		t.Fatal(err)
	}
	callErr(t, call("RevokeSecurityGroupEgress", byID, nil), "InvalidSecurityGroupRule.RuleNotExist")
	if n := len(cloud.State().SecurityGroups[0].Egress); n != 11 {
		t.Fatalf("%d rules left, want 11", n)
	}
}

func TestLoadStateChecksRules(t *testing.T) {
	c := New()
	for _, raw := range []string{
		`{"ens_security_groups":[{"id":"sg-1","egress":[{"ip_protocol":"tcp","port_range":"200/1","dest_cidr_ip":"10.0.0.0/8"}]}]}`,
		`{"ens_security_groups":[{"id":"sg-1","egress":[{"ip_protocol":"all"},{"ip_protocol":"all"}]}]}`,
		`{"security_groups":[{"id":"sg-1","region_id":"r","egress":[{"ip_protocol":"all"}]}]}`, // ECS needs a destination
	} {
		if err := c.LoadState(json.RawMessage(raw)); err == nil {
			t.Errorf("accepted %s", raw)
		}
	}
	good := `{"ens_security_groups":[{"id":"sg-1","egress":[{"ip_protocol":"icmp","dest_cidr_ip":"10.0.0.0/8"}]}]}`
	if err := c.LoadState(json.RawMessage(good)); err != nil {
		t.Fatal(err)
	}
	if p := c.State().EnsSecurityGroups[0].Egress[0]; p.PortRange != "-1/-1" || p.Policy != "accept" || p.Priority != 1 {
		t.Errorf("defaults: %+v", p)
	}
}

// TestEcsDescribeDefaultPage: without MaxResults, ECS answers pages of 500
// rules (its reference's default), and the rules of another account's group
// carry DestGroupOwnerAccount.
func TestEcsDescribeDefaultPage(t *testing.T) {
	srv, cloud := startEmulator(t)
	rules := make([]Permission, 501)
	for i := range rules {
		rules[i] = Permission{RuleID: fmt.Sprintf("sgr-%d", i), IPProtocol: "tcp", PortRange: fmt.Sprintf("%d/%d", i+1, i+1), DestCidrIP: "10.0.0.0/8", Policy: "accept", Priority: 1}
	}
	rules[0].DestCidrIP, rules[0].DestGroupID, rules[0].DestGroupOwnerAccount = "", "sg-theirs", "1234567890123456"
	cloud.Mutate(func(s *State) {
		s.SecurityGroups = []SecurityGroup{{ID: "sg-ecs1", RegionID: testRegion, Egress: rules}}
	})
	c := sdkClient(t, srv, testKey, testSecret, "")
	var page struct {
		NextToken   string
		Permissions struct {
			Permission []struct{ SecurityGroupRuleId, DestGroupOwnerAccount string }
		}
	}
	if err := c.Call(context.Background(), "ecs", "", "DescribeSecurityGroupAttribute", map[string]string{"SecurityGroupId": "sg-ecs1"}, &page); err != nil {
		t.Fatal(err)
	}
	if perms := page.Permissions.Permission; len(perms) != 500 || page.NextToken == "" || perms[0].DestGroupOwnerAccount != "1234567890123456" {
		t.Fatalf("first page without MaxResults: %d rules, token %q, first %+v; want 500, a token, the owner account", len(perms), page.NextToken, perms[0])
	}
}
