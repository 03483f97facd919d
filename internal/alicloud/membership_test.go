package alicloud

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	"github.com/secgroup/terraform-provider-secgroup/internal/emulator"
	aliemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/alicloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
)

// These tests drive the resource's methods directly against the emulator,
// for what terraform cannot show a test: plan warnings, and Delete meeting
// states a refresh would have removed.

const (
	uRegion = "cn-hangzhou"
	uKey    = "UNITKEY"
	uSecret = "unit-secret"
)

type fixedProvider struct{ c *Client }

func (p fixedProvider) AliCloud() (*Client, error) { return p.c, nil }

func startCloud(t *testing.T, fn func(*aliemu.State)) (*emulator.Server, *aliemu.Cloud, *Client) {
	t.Helper()
	cloud := aliemu.New()
	cloud.Mutate(func(s *aliemu.State) {
		s.Credentials = []aliemu.Credential{{AccessKeyID: uKey, AccessKeySecret: uSecret}}
		fn(s)
	})
	srv := emulator.New(cloud)
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	c, err := NewClient(Config{
		Region: uRegion, AccessKey: uKey, SecretKey: uSecret,
		Endpoints: map[string]string{"ecs": srv.URL()},
		Retry:     retry.Policy{MaxRetries: 1, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	return srv, cloud, c
}

// stateOf builds the resource's state for an instance or ENI association.
func stateOf(t *testing.T, r resource.Resource, member, group string, keep bool) tfsdk.State {
	t.Helper()
	ctx := context.Background()
	var sr resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sr)
	st := tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(sr.Schema.Type().TerraformType(ctx), nil)}
	base := membershipModel{
		ID:              types.StringValue(group + "/" + member),
		SecurityGroupID: types.StringValue(group),
		Region:          types.StringValue(uRegion),
		KeepLastGroup:   types.BoolValue(keep),
		Timeouts:        timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{"create": types.StringType, "delete": types.StringType})},
	}
	var diags diag.Diagnostics
	if strings.HasPrefix(member, "eni-") {
		diags = st.Set(ctx, &eniAssociationModel{membershipModel: base, NetworkInterfaceID: types.StringValue(member)})
	} else {
		diags = st.Set(ctx, &instanceAssociationModel{membershipModel: base, InstanceID: types.StringValue(member)})
	}
	if diags.HasError() {
		t.Fatalf("building the state: %v", diags)
	}
	return st
}

type testResource interface {
	resource.ResourceWithConfigure
	resource.ResourceWithModifyPlan
}

func newResource(kind *MemberKind, c *Client) testResource {
	var r testResource = &instanceAssociationResource{kind: InstanceMember}
	if kind == ENIMember {
		r = &eniAssociationResource{kind: ENIMember}
	}
	r.Configure(context.Background(), resource.ConfigureRequest{ProviderData: fixedProvider{c}}, &resource.ConfigureResponse{})
	return r
}

func seedMembers(s *aliemu.State) {
	s.SecurityGroups = []aliemu.SecurityGroup{{ID: "sg-only", RegionID: uRegion}, {ID: "sg-other", RegionID: uRegion}}
	s.Instances = []aliemu.Instance{
		{ID: "i-one", RegionID: uRegion, SecurityGroupIDs: []string{"sg-only"}},
		{ID: "i-two", RegionID: uRegion, SecurityGroupIDs: []string{"sg-only", "sg-other"}},
	}
	s.NetworkInterfaces = []aliemu.NetworkInterface{{ID: "eni-one", RegionID: uRegion, SecurityGroupIDs: []string{"sg-only"}}}
}

// TestModifyPlan_warnsAboutLastGroup: a destroy plan says when it would take
// away the last group, and what keep_last_group will do instead.
func TestModifyPlan_warnsAboutLastGroup(t *testing.T) {
	_, _, c := startCloud(t, seedMembers)
	cases := []struct {
		kind   *MemberKind
		member string
		keep   bool
		want   string // "" = no warning
	}{
		{InstanceMember, "i-one", false, "Would Leave the Alibaba Cloud Instance in No Security Group"},
		{InstanceMember, "i-one", true, "Alibaba Cloud Instance Keeps Its Last Security Group"},
		{InstanceMember, "i-two", false, ""},
		{ENIMember, "eni-one", false, "Would Leave the Alibaba Cloud ENI in No Security Group"},
	}
	for _, tc := range cases {
		r := newResource(tc.kind, c)
		st := stateOf(t, r, tc.member, "sg-only", tc.keep)
		req := resource.ModifyPlanRequest{
			State: st,
			Plan:  tfsdk.Plan{Schema: st.Schema, Raw: tftypes.NewValue(st.Schema.Type().TerraformType(context.Background()), nil)},
		}
		resp := resource.ModifyPlanResponse{Plan: req.Plan}
		r.ModifyPlan(context.Background(), req, &resp)
		if resp.Diagnostics.HasError() {
			t.Fatalf("%s: %v", tc.member, resp.Diagnostics)
		}
		warnings := resp.Diagnostics.Warnings()
		switch {
		case tc.want == "" && len(warnings) != 0:
			t.Errorf("%s keep=%v: unexpected warnings %v", tc.member, tc.keep, warnings)
		case tc.want != "" && (len(warnings) != 1 || !strings.Contains(warnings[0].Summary(), tc.want)):
			t.Errorf("%s keep=%v: warnings %v, want %q", tc.member, tc.keep, warnings, tc.want)
		case tc.want != "" && !tc.keep && !strings.Contains(warnings[0].Detail(), "create_before_destroy"):
			t.Errorf("%s: the warning does not say what to do: %s", tc.member, warnings[0].Detail())
		}
	}
}

// TestModifyPlan_warnsAboutReplacement: a replacement that takes away the
// last group is in the plan too, worded for what create_before_destroy does;
// an in-place update says nothing.
func TestModifyPlan_warnsAboutReplacement(t *testing.T) {
	_, _, c := startCloud(t, seedMembers)
	ctx := context.Background()
	cases := []struct {
		name         string
		member, keep string // the state's member; keep = "keep" for keep_last_group
		planMember   string // "" = unknown
		planGroup    string
		planKeep     bool
		want         string // "" = no warning
		detail       string
	}{
		{"in-place update", "i-one", "", "i-one", "sg-only", true, "", ""},
		{"group changes", "i-one", "", "i-one", "sg-other", false, "May Leave the Alibaba Cloud Instance in No Security Group", "create_before_destroy the new group is joined first"},
		{"group changes, keep", "i-one", "keep", "i-one", "sg-other", true, "May Leave the Alibaba Cloud Instance in Two Security Groups", "no longer managed by Terraform"},
		{"member changes", "i-one", "", "i-two", "sg-only", false, "Replacing This Association Would Leave the Alibaba Cloud Instance in No Security Group", "create_before_destroy"},
		{"member unknown", "i-one", "", "", "sg-only", false, "Replacing This Association Would Leave", "keep_last_group = true"},
		{"not the last group", "i-two", "", "i-two", "sg-other", false, "", ""},
	}
	for _, tc := range cases {
		// With region unset, terraform plans it unknown and the region
		// default fills it in: the comparison must see the filled-in value.
		for _, regionUnset := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/region unset %v", tc.name, regionUnset), func(t *testing.T) {
				r := newResource(InstanceMember, c)
				st := stateOf(t, r, tc.member, "sg-only", tc.keep == "keep")
				planned := stateOf(t, r, tc.member, tc.planGroup, tc.planKeep)
				member := types.StringUnknown()
				if tc.planMember != "" {
					member = types.StringValue(tc.planMember)
				}
				if diags := planned.SetAttribute(ctx, path.Root("instance_id"), member); diags.HasError() {
					t.Fatal(diags)
				}
				config := tfsdk.Config{Schema: st.Schema, Raw: planned.Raw}
				if regionUnset {
					unset := tfsdk.State{Schema: st.Schema, Raw: planned.Raw.Copy()}
					if diags := unset.SetAttribute(ctx, path.Root("region"), types.StringNull()); diags.HasError() {
						t.Fatal(diags)
					}
					config.Raw = unset.Raw
					if diags := planned.SetAttribute(ctx, path.Root("region"), types.StringUnknown()); diags.HasError() {
						t.Fatal(diags)
					}
				}
				req := resource.ModifyPlanRequest{
					State:  st,
					Config: config,
					Plan:   tfsdk.Plan{Schema: st.Schema, Raw: planned.Raw},
				}
				resp := resource.ModifyPlanResponse{Plan: req.Plan}
				r.ModifyPlan(ctx, req, &resp)
				if resp.Diagnostics.HasError() {
					t.Fatal(resp.Diagnostics)
				}
				warnings := resp.Diagnostics.Warnings()
				switch {
				case tc.want == "" && len(warnings) != 0:
					t.Errorf("unexpected warnings %v", warnings)
				case tc.want != "" && (len(warnings) != 1 || !strings.Contains(warnings[0].Summary(), tc.want) || !strings.Contains(warnings[0].Detail(), tc.detail)):
					t.Errorf("warnings %v, want %q saying %q", warnings, tc.want, tc.detail)
				}
			})
		}
	}
}

// TestDelete_codes: each code LeaveSecurityGroup can answer is handled on
// purpose: gone is success, refusals are errors with their code and advice.
// The busy ENI (InvalidOperation.InvalidEniState) is waited for instead:
// TestAccEniAssociation_waitsForAttaching.
func TestDelete_codes(t *testing.T) {
	cases := []struct {
		name   string
		kind   *MemberKind
		member string
		group  string
		mutate func(*aliemu.State)
		want   string // "" = success
	}{
		{"instance gone", InstanceMember, "i-gone", "sg-only", nil, ""},
		{"ENI gone", ENIMember, "eni-gone", "sg-only", nil, ""},
		{"group gone", InstanceMember, "i-two", "sg-gone", nil, ""},
		{"not in group", InstanceMember, "i-one", "sg-other", nil, ""},
		{"locked", InstanceMember, "i-two", "sg-other", func(s *aliemu.State) { s.Instances[1].LockedForSecurity = true }, "InstanceLockedForSecurity"},
		{"managed group", InstanceMember, "i-two", "sg-other", func(s *aliemu.State) { s.SecurityGroups[1].ManagedByCloudProduct = true }, "ResourceManagedByCloudProduct"},
		{"service-managed ENI", ENIMember, "eni-one", "sg-only", func(s *aliemu.State) { s.NetworkInterfaces[0].ServiceManaged = true }, "InvalidOperation.EniServiceManaged"},
		{"last group", InstanceMember, "i-one", "sg-only", nil, "InstanceLastSecurityGroup"},
		{"ENI last group", ENIMember, "eni-one", "sg-only", nil, "InvalidOperation.AtLeastInOneGroup"},
		{"ENI type", ENIMember, "eni-one", "sg-only", func(s *aliemu.State) { s.NetworkInterfaces[0].Type = "Trunk" }, "InvalidOperation.InvalidEniType"},
		{"malformed instance ID", InstanceMember, "i-BAD", "sg-only", nil, "InvalidInstanceId.Malformed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, _, c := startCloud(t, func(s *aliemu.State) {
				seedMembers(s)
				if tc.mutate != nil {
					tc.mutate(s)
				}
			})
			r := newResource(tc.kind, c)
			st := stateOf(t, r, tc.member, tc.group, false)
			resp := resource.DeleteResponse{State: st}
			r.Delete(context.Background(), resource.DeleteRequest{State: st}, &resp)
			if tc.want == "" {
				if resp.Diagnostics.HasError() {
					t.Fatalf("want success, got %v", resp.Diagnostics)
				}
				return
			}
			errs := resp.Diagnostics.Errors()
			if len(errs) != 1 || !strings.Contains(errs[0].Detail(), tc.want) {
				t.Fatalf("want one error with %s, got %v", tc.want, resp.Diagnostics)
			}
			if n := len(srv.Requests()); n != 1 {
				t.Errorf("%d requests, want 1: a refusal is not retried", n)
			}
		})
	}
}

// TestCreate_codes: JoinSecurityGroup's refusals surface at once with their
// code and nothing in the state; an instance that is Starting is waited for.
func TestCreate_codes(t *testing.T) {
	cases := []struct {
		name   string
		kind   *MemberKind
		member string
		mutate func(*aliemu.State)
		want   string // "" = success
		joins  int
	}{
		{"locked", InstanceMember, "i-one", func(s *aliemu.State) { s.Instances[0].LockedForSecurity = true }, "InstanceLockedForSecurity", 1},
		{"managed group", InstanceMember, "i-one", func(s *aliemu.State) { s.SecurityGroups[1].ManagedByCloudProduct = true }, "ResourceManagedByCloudProduct", 1},
		{"service-managed ENI", ENIMember, "eni-one", func(s *aliemu.State) { s.NetworkInterfaces[0].ServiceManaged = true }, "InvalidOperation.EniServiceManaged", 1},
		{"ENI type", ENIMember, "eni-one", func(s *aliemu.State) { s.NetworkInterfaces[0].Type = "Trunk" }, "InvalidOperation.InvalidEniType", 1},
		{"other VPC", InstanceMember, "i-one", func(s *aliemu.State) { s.Instances[0].VpcID, s.SecurityGroups[1].VpcID = "vpc-a", "vpc-b" }, "InvalidInstanceId.Mismatch", 1},
		{"instance gone", InstanceMember, "i-gone", nil, "instance i-gone was not found", 0},
		{"starting", InstanceMember, "i-one", func(s *aliemu.State) {
			s.Instances[0].Status, s.Instances[0].NextStatus, s.Instances[0].NextStatusAfter = "Starting", "Running", 3
		}, "", 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, cloud, c := startCloud(t, func(s *aliemu.State) {
				seedMembers(s)
				if tc.mutate != nil {
					tc.mutate(s)
				}
			})
			r := newResource(tc.kind, c)
			st := stateOf(t, r, tc.member, "sg-other", false)
			resp := resource.CreateResponse{State: tfsdk.State{Schema: st.Schema, Raw: tftypes.NewValue(st.Schema.Type().TerraformType(context.Background()), nil)}}
			r.Create(context.Background(), resource.CreateRequest{Plan: tfsdk.Plan(st)}, &resp)
			var joins []emulator.Record
			for _, rq := range srv.Requests() {
				if rq.Action == "JoinSecurityGroup" {
					joins = append(joins, rq)
				}
			}
			if len(joins) != tc.joins {
				t.Errorf("%d JoinSecurityGroup calls, want %d: %+v", len(joins), tc.joins, joins)
			}
			if tc.want == "" {
				if resp.Diagnostics.HasError() || resp.State.Raw.IsNull() {
					t.Fatalf("want success, got %v", resp.Diagnostics)
				}
				if s := cloud.State(); !slices.Contains(s.Instances[0].SecurityGroupIDs, "sg-other") {
					t.Errorf("instance groups %v, want sg-other among them", s.Instances[0].SecurityGroupIDs)
				}
				return
			}
			errs := resp.Diagnostics.Errors()
			if len(errs) != 1 || !strings.Contains(errs[0].Detail(), tc.want) || !strings.Contains(errs[0].Summary(), "Adding") {
				t.Fatalf("want one error with %s, got %v", tc.want, resp.Diagnostics)
			}
			if !resp.State.Raw.IsNull() {
				t.Error("a failed create left the association in the state")
			}
		})
	}
}

func TestAdvice(t *testing.T) {
	for code, want := range map[string]string{
		"InvalidParam.EniIdAndInstanceId.Conflict": "rejected a parameter",
		"MissingParameter.RegionId":                "rejected a parameter",
		"InstanceLockedForSecurity":                "locked",
	} {
		a, ok := advice(wrapCode(code))
		if !ok || !strings.Contains(a, want) {
			t.Errorf("%s: advice %q", code, a)
		}
	}
	if _, ok := advice(wrapCode("SomethingElse")); ok {
		t.Error("an unknown code got specific advice; it must fall back to the generic hint")
	}
}

func wrapCode(code string) error {
	return &apierr.Error{Cloud: cloudName, Service: "ecs", Action: "LeaveSecurityGroup", Status: 403, Code: code, Class: classify("LeaveSecurityGroup", 403, code)}
}

// TestEcsEgressRuleModifyPlan_descriptionRemoved: removing the description,
// which ECS cannot clear, says in the plan that the rule keeps it; setting or
// keeping one says nothing.
func TestEcsEgressRuleModifyPlan_descriptionRemoved(t *testing.T) {
	_, _, c := startCloud(t, func(*aliemu.State) {})
	ctx := context.Background()
	r := &ecsEgressRuleResource{}
	r.Configure(ctx, resource.ConfigureRequest{ProviderData: fixedProvider{c}}, &resource.ConfigureResponse{})
	var sr resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sr)
	rule := func(description types.String) tfsdk.State {
		st := tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(sr.Schema.Type().TerraformType(ctx), nil)}
		m := ecsEgressRuleModel{
			ID: types.StringValue("sg-one/sgr-one"), RuleID: types.StringValue("sgr-one"), Region: types.StringValue(uRegion),
			SecurityGroupID: types.StringValue("sg-one"), IPProtocol: types.StringValue("all"), PortRange: types.StringValue("-1/-1"),
			DestCidrIP: types.StringValue("10.0.0.0/8"), Ipv6DestCidrIP: types.StringNull(), DestGroupID: types.StringNull(),
			DestPrefixListID: types.StringNull(), NicType: types.StringValue("intranet"), Policy: types.StringValue("accept"),
			Priority: types.Int64Value(1), SourcePortRange: types.StringNull(), Description: description,
			Timeouts: timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{"create": types.StringType, "update": types.StringType, "delete": types.StringType})},
		}
		if d := st.Set(ctx, &m); d.HasError() {
			t.Fatal(d)
		}
		return st
	}
	for _, tc := range []struct {
		name          string
		prior, config types.String
		warn          bool
	}{
		{"removed", types.StringValue("web"), types.StringNull(), true},
		{"changed", types.StringValue("web"), types.StringValue("db"), false},
		{"never set", types.StringNull(), types.StringNull(), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			config := rule(tc.config)
			req := resource.ModifyPlanRequest{
				State:  rule(tc.prior),
				Config: tfsdk.Config{Schema: sr.Schema, Raw: config.Raw},
				Plan:   tfsdk.Plan{Schema: sr.Schema, Raw: config.Raw},
			}
			resp := resource.ModifyPlanResponse{Plan: req.Plan}
			r.ModifyPlan(ctx, req, &resp)
			if resp.Diagnostics.HasError() {
				t.Fatal(resp.Diagnostics)
			}
			warnings := resp.Diagnostics.Warnings()
			switch {
			case tc.warn && (len(warnings) != 1 || !strings.Contains(warnings[0].Detail(), `keeps "web"`)):
				t.Errorf("warnings %v, want one saying the rule keeps its description", warnings)
			case !tc.warn && len(warnings) != 0:
				t.Errorf("unexpected warnings %v", warnings)
			}
		})
	}
}
