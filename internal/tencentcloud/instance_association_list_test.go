package tencentcloud_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/secgroup/terraform-provider-secgroup/internal/acctest"
	tcemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/tencentcloud"
)

func bindingIdentity(groupID, instanceID string) map[string]knownvalue.Check {
	return map[string]knownvalue.Check{
		"security_group_id": knownvalue.StringExact(groupID),
		"instance_id":       knownvalue.StringExact(instanceID),
		"region":            knownvalue.StringExact(acctest.TCRegion),
	}
}

// TestAccInstanceAssociationList_basic: instance_ids lists one result per
// (instance, group) of each instance;
// security_group_id lists the group's instances. Display names carry the
// instance's and the group's names; with include_resource the object is
// what Read stores after an import.
func TestAccInstanceAssociationList_basic(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Tencent(t)
	web, other, unnamed := acctest.TencentID("ins"), acctest.TencentID("ins"), acctest.TencentID("ins")
	env.TC.Mutate(func(s *tcemu.State) {
		s.Instances = append(s.Instances,
			tcemu.Instance{ID: web, Name: "web-01", Region: acctest.TCRegion, SecurityGroupIDs: []string{f.DefaultGroupID, f.SecurityGroupID}},
			tcemu.Instance{ID: other, Name: "other", Region: acctest.TCRegion, SecurityGroupIDs: []string{f.DefaultGroupID}},
			tcemu.Instance{ID: unnamed, Region: acctest.TCRegion, SecurityGroupIDs: []string{f.SecurityGroupID}},
		)
	})
	const byInstance, byGroup = "secgroup_tencentcloud_instance_association.by_instance", "secgroup_tencentcloud_instance_association.by_group"
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   acctest.QueryChecks(),
		Steps: []resource.TestStep{{
			Query: true,
			Config: env.TencentProviderConfig() + fmt.Sprintf(`
list "secgroup_tencentcloud_instance_association" "by_instance" {
  provider         = secgroup
  include_resource = true
  config {
    instance_ids = [%[1]q, %[2]q]
  }
}

list "secgroup_tencentcloud_instance_association" "by_group" {
  provider = secgroup
  config {
    security_group_id = %[3]q
  }
}
`, web, other, f.SecurityGroupID),
			QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength(byInstance, 3),
				querycheck.ExpectIdentity(byInstance, bindingIdentity(f.DefaultGroupID, web)),
				querycheck.ExpectIdentity(byInstance, bindingIdentity(f.SecurityGroupID, web)),
				querycheck.ExpectIdentity(byInstance, bindingIdentity(f.DefaultGroupID, other)),
				querycheck.ExpectResourceDisplayName(byInstance, queryfilter.ByResourceIdentity(bindingIdentity(f.SecurityGroupID, web)),
					knownvalue.StringExact(fmt.Sprintf("web-01 (%s) in sg-acc-web (%s)", web, f.SecurityGroupID))),
				querycheck.ExpectResourceKnownValues(byInstance, queryfilter.ByResourceIdentity(bindingIdentity(f.SecurityGroupID, web)), []querycheck.KnownValueCheck{
					{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringExact(f.SecurityGroupID + "/" + web)},
					{Path: tfjsonpath.New("security_group_id"), KnownValue: knownvalue.StringExact(f.SecurityGroupID)},
					{Path: tfjsonpath.New("instance_id"), KnownValue: knownvalue.StringExact(web)},
					{Path: tfjsonpath.New("timeouts"), KnownValue: knownvalue.Null()},
				}),
				querycheck.ExpectLength(byGroup, 2),
				querycheck.ExpectIdentity(byGroup, bindingIdentity(f.SecurityGroupID, web)),
				querycheck.ExpectResourceDisplayName(byGroup, queryfilter.ByResourceIdentity(bindingIdentity(f.SecurityGroupID, unnamed)),
					knownvalue.StringExact(fmt.Sprintf("%s in sg-acc-web (%s)", unnamed, f.SecurityGroupID))),
			},
		}},
	})
}

// TestAccInstanceAssociationList_unknownInstance: an instance_ids entry
// that no instance has is an error on the attribute naming it, as on the
// other clouds, rather than a silently shorter list.
func TestAccInstanceAssociationList_unknownInstance(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Tencent(t)
	gone := acctest.TencentID("ins")
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   acctest.QueryChecks(),
		Steps: []resource.TestStep{{
			Query: true,
			Config: env.TencentProviderConfig() + fmt.Sprintf(`
list "secgroup_tencentcloud_instance_association" "gone" {
  provider = secgroup
  config {
    instance_ids = [%q, %q]
  }
}
`, f.InstanceID, gone),
			ExpectError: regexp.MustCompile(`(?s)Tencent Cloud Instance Not Found.*` + gone),
		}},
	})
}

// TestAccInstanceAssociationList_paging: a group of 130 instances is listed
// to the end: two DescribeInstances pages (Offset 0 and 100, Limit 100,
// the security-group-id filter) per listing, and one DescribeSecurityGroups
// for the group's name.
func TestAccInstanceAssociationList_paging(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Tencent(t)
	env.TC.Mutate(func(s *tcemu.State) {
		for i := range 130 {
			s.Instances = append(s.Instances, tcemu.Instance{
				ID: acctest.TencentID("ins"), Name: fmt.Sprintf("m-%d", i), Region: acctest.TCRegion, SecurityGroupIDs: []string{f.SecurityGroupID},
			})
		}
	})
	wire := queryCheckFunc(func() error {
		var offsets []int
		for _, r := range env.Requests(t, "tencentcloud", "DescribeInstances") {
			var p struct {
				Filters []struct {
					Name   string
					Values []string
				}
				Offset, Limit int
			}
			_ = json.Unmarshal([]byte(r.Body), &p)
			if p.Limit != 100 || len(p.Filters) != 1 || p.Filters[0].Name != "security-group-id" {
				return fmt.Errorf("DescribeInstances with %s, want the security-group-id filter at Limit 100", r.Body)
			}
			offsets = append(offsets, p.Offset)
		}
		lists := len(env.Requests(t, "tencentcloud", "DescribeSecurityGroups"))
		want := []int{}
		for range lists {
			want = append(want, 0, 100)
		}
		if fmt.Sprint(offsets) != fmt.Sprint(want) {
			return fmt.Errorf("DescribeInstances offsets %v for %d listings, want %v", offsets, lists, want)
		}
		if n := len(env.Requests(t, "tencentcloud")); lists == 0 || n != 3*lists {
			return fmt.Errorf("%d calls for %d listings, want 3 each", n, lists)
		}
		return nil
	})
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   acctest.QueryChecks(),
		Steps: []resource.TestStep{{
			PreConfig: env.Emulator.ResetRequests,
			Query:     true,
			Config: env.TencentProviderConfig() + fmt.Sprintf(`
list "secgroup_tencentcloud_instance_association" "paged" {
  provider = secgroup
  limit    = 1000 # terraform query's default is 100
  config {
    security_group_id = %q
  }
}
`, f.SecurityGroupID),
			QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength("secgroup_tencentcloud_instance_association.paged", 130),
				wire,
			},
		}},
	})
}

// TestAccInstanceAssociationList_needsOneAlternative: neither instance_ids
// nor security_group_id (or both) is an attribute error at validate time,
// before any API call.
func TestAccInstanceAssociationList_needsOneAlternative(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Tencent(t)
	noCalls := func() {
		if n := len(env.Requests(t, "tencentcloud")); n != 0 {
			t.Errorf("%d calls for an invalid list config, want none", n)
		}
	}
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   acctest.QueryChecks(),
		Steps: []resource.TestStep{
			{
				PreConfig: env.Emulator.ResetRequests,
				Query:     true,
				Config: env.TencentProviderConfig() + `
list "secgroup_tencentcloud_instance_association" "none" {
  provider = secgroup
  config {
  }
}
`,
				ExpectError: regexp.MustCompile(`(?s)Missing Attribute Configuration.*Exactly one of these attributes must be configured: \[instance_ids,security_group_id\]`),
			},
			{
				PreConfig: noCalls,
				Query:     true,
				Config: env.TencentProviderConfig() + fmt.Sprintf(`
list "secgroup_tencentcloud_instance_association" "both" {
  provider = secgroup
  config {
    instance_ids      = [%q]
    security_group_id = %q
  }
}
`, f.InstanceID, f.SecurityGroupID),
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Combination`),
			},
			{
				PreConfig: noCalls,
				Query:     true,
				Config: env.TencentProviderConfig() + `
list "secgroup_tencentcloud_instance_association" "none" {
  provider = secgroup
}
`,
				ExpectError: regexp.MustCompile(`(?s)instance_ids.*security_group_id`),
			},
		},
	})
}
