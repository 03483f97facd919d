package tencentcloud_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/secgroup/terraform-provider-secgroup/internal/acctest"
	tcemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/tencentcloud"
)

// queryCheckFunc is a query result check made of a function, for the
// request log.
type queryCheckFunc func() error

func (f queryCheckFunc) CheckQuery(_ context.Context, _ querycheck.CheckQueryRequest, resp *querycheck.CheckQueryResponse) {
	resp.Error = f()
}

func groupIdentity(id string) map[string]knownvalue.Check {
	return map[string]knownvalue.Check{"security_group_id": knownvalue.StringExact(id), "region": knownvalue.StringExact(acctest.TCRegion)}
}

// TestAccSecurityGroupList_basic: every group of the region with no
// argument; name (a substring) and tags (all must match) narrow it;
// security_group_ids picks groups; with include_resource the object is
// what Read stores after an import (force_delete false, tags as the cloud
// has them), and the display name shows the group's name.
func TestAccSecurityGroupList_basic(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	env.Tencent(t)
	webA, webB, db := acctest.TencentID("sg"), acctest.TencentID("sg"), acctest.TencentID("sg")
	env.TC.Mutate(func(s *tcemu.State) {
		s.SecurityGroups = append(s.SecurityGroups,
			tcemu.SecurityGroup{ID: webA, Name: "web-a", Description: "front", ProjectID: "0", Region: acctest.TCRegion, Tags: map[string]string{"team": "web", "env": "prod"}},
			tcemu.SecurityGroup{ID: webB, Name: "web-b", ProjectID: "0", Region: acctest.TCRegion, Tags: map[string]string{"team": "web"}},
			tcemu.SecurityGroup{ID: db, Name: "db", ProjectID: "0", Region: acctest.TCRegion, Tags: map[string]string{"team": "db"}},
		)
	})
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   acctest.QueryChecks(),
		Steps: []resource.TestStep{{
			Query: true,
			Config: env.TencentProviderConfig() + fmt.Sprintf(`
list "secgroup_tencentcloud_security_group" "all" {
  provider = secgroup
}

list "secgroup_tencentcloud_security_group" "web" {
  provider = secgroup
  config {
    name = "web"
    tags = { team = "web" }
  }
}

list "secgroup_tencentcloud_security_group" "prod" {
  provider         = secgroup
  include_resource = true
  config {
    tags = { team = "web", env = "prod" }
  }
}

list "secgroup_tencentcloud_security_group" "picked" {
  provider = secgroup
  config {
    security_group_ids = [%q, %q]
  }
}
`, db, webB),
			QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength("secgroup_tencentcloud_security_group.all", 5), // with the fixtures' default and acceptance groups
				querycheck.ExpectIdentity("secgroup_tencentcloud_security_group.all", groupIdentity(db)),
				querycheck.ExpectLength("secgroup_tencentcloud_security_group.web", 2),
				querycheck.ExpectIdentity("secgroup_tencentcloud_security_group.web", groupIdentity(webA)),
				querycheck.ExpectIdentity("secgroup_tencentcloud_security_group.web", groupIdentity(webB)),
				querycheck.ExpectLength("secgroup_tencentcloud_security_group.prod", 1),
				querycheck.ExpectResourceDisplayName("secgroup_tencentcloud_security_group.prod", queryfilter.ByResourceIdentity(groupIdentity(webA)),
					knownvalue.StringExact("web-a ("+webA+")")),
				querycheck.ExpectResourceKnownValues("secgroup_tencentcloud_security_group.prod", queryfilter.ByResourceIdentity(groupIdentity(webA)), []querycheck.KnownValueCheck{
					{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringExact(webA)},
					{Path: tfjsonpath.New("name"), KnownValue: knownvalue.StringExact("web-a")},
					{Path: tfjsonpath.New("description"), KnownValue: knownvalue.StringExact("front")},
					{Path: tfjsonpath.New("project_id"), KnownValue: knownvalue.Int64Exact(0)},
					{Path: tfjsonpath.New("tags"), KnownValue: knownvalue.MapExact(map[string]knownvalue.Check{
						"team": knownvalue.StringExact("web"), "env": knownvalue.StringExact("prod"),
					})},
					{Path: tfjsonpath.New("force_delete"), KnownValue: knownvalue.Bool(false)},
					{Path: tfjsonpath.New("timeouts"), KnownValue: knownvalue.Null()},
				}),
				querycheck.ExpectLength("secgroup_tencentcloud_security_group.picked", 2),
				querycheck.ExpectIdentity("secgroup_tencentcloud_security_group.picked", groupIdentity(db)),
				querycheck.ExpectIdentity("secgroup_tencentcloud_security_group.picked", groupIdentity(webB)),
			},
		}},
	})
}

// TestAccSecurityGroupList_paging: 130 groups named page-N are listed to
// the end, at VPC's Limit of 100: each listing is two DescribeSecurityGroups
// pages (Offset 0 and 100), with the tag filter sent to the API.
func TestAccSecurityGroupList_paging(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	env.Tencent(t)
	env.TC.Mutate(func(s *tcemu.State) {
		for i := range 130 {
			s.SecurityGroups = append(s.SecurityGroups, tcemu.SecurityGroup{
				ID: acctest.TencentID("sg"), Name: fmt.Sprintf("page-%d", i), ProjectID: "0", Region: acctest.TCRegion, Tags: map[string]string{"paged": "yes"},
			})
		}
	})
	wire := queryCheckFunc(func() error {
		calls := env.Requests(t, "tencentcloud", "DescribeSecurityGroups")
		var offsets []string
		for _, r := range calls {
			var p struct {
				Filters []struct {
					Name   string
					Values []string
				}
				Offset, Limit string
			}
			_ = json.Unmarshal([]byte(r.Body), &p)
			if p.Limit != "100" || len(p.Filters) != 1 || p.Filters[0].Name != "tag:paged" || !slices.Equal(p.Filters[0].Values, []string{"yes"}) {
				return fmt.Errorf("DescribeSecurityGroups with %s, want the tag:paged filter at Limit 100", r.Body)
			}
			offsets = append(offsets, p.Offset)
		}
		if len(offsets) == 0 || len(offsets)%2 != 0 {
			return fmt.Errorf("DescribeSecurityGroups offsets %v, want pairs 0, 100", offsets)
		}
		for i := 0; i < len(offsets); i += 2 {
			if offsets[i] != "0" || offsets[i+1] != "100" {
				return fmt.Errorf("DescribeSecurityGroups offsets %v, want pairs 0, 100", offsets)
			}
		}
		if n := len(env.Requests(t, "tencentcloud")); n != len(calls) {
			return fmt.Errorf("%d calls, want only the %d DescribeSecurityGroups", n, len(calls))
		}
		return nil
	})
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   acctest.QueryChecks(),
		Steps: []resource.TestStep{{
			PreConfig: env.Emulator.ResetRequests,
			Query:     true,
			Config: env.TencentProviderConfig() + `
list "secgroup_tencentcloud_security_group" "paged" {
  provider = secgroup
  limit    = 1000 # terraform query's default is 100
  config {
    name = "page-"
    tags = { paged = "yes" }
  }
}
`,
			QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength("secgroup_tencentcloud_security_group.paged", 130),
				wire,
			},
		}},
	})
}

// TestAccSecurityGroupList_manyIDs: 7 security_group_ids go 5 to a
// security-group-id filter (a filter's most values), so two calls list them.
func TestAccSecurityGroupList_manyIDs(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	env.Tencent(t)
	var ids []string
	env.TC.Mutate(func(s *tcemu.State) {
		for i := range 7 {
			ids = append(ids, acctest.TencentID("sg"))
			s.SecurityGroups = append(s.SecurityGroups, tcemu.SecurityGroup{ID: ids[i], Name: fmt.Sprintf("many-%d", i), ProjectID: "0", Region: acctest.TCRegion})
		}
	})
	quoted, _ := json.Marshal(ids)
	wire := queryCheckFunc(func() error {
		var sizes []int
		for _, r := range env.Requests(t, "tencentcloud", "DescribeSecurityGroups") {
			var p struct {
				Filters []struct {
					Name   string
					Values []string
				}
			}
			_ = json.Unmarshal([]byte(r.Body), &p)
			if len(p.Filters) != 1 || p.Filters[0].Name != "security-group-id" {
				return fmt.Errorf("DescribeSecurityGroups with %s, want one security-group-id filter", r.Body)
			}
			sizes = append(sizes, len(p.Filters[0].Values))
		}
		if len(sizes) == 0 || len(sizes)%2 != 0 || slices.Max(sizes) > 5 {
			return fmt.Errorf("DescribeSecurityGroups filters of %v values, want calls of 5 and 2", sizes)
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
list "secgroup_tencentcloud_security_group" "many" {
  provider = secgroup
  config {
    security_group_ids = %s
  }
}
`, quoted),
			QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength("secgroup_tencentcloud_security_group.many", 7),
				querycheck.ExpectIdentity("secgroup_tencentcloud_security_group.many", groupIdentity(ids[6])),
				wire,
			},
		}},
	})
}

// TestAccSecurityGroupList_otherRegion: a region other than the provider's
// is an attribute error before any call: the results would not import.
func TestAccSecurityGroupList_otherRegion(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	env.Tencent(t)
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   acctest.QueryChecks(),
		Steps: []resource.TestStep{{
			PreConfig: env.Emulator.ResetRequests,
			Query:     true,
			Config: env.TencentProviderConfig() + `
list "secgroup_tencentcloud_security_group" "elsewhere" {
  provider = secgroup
  config {
    region = "eu-frankfurt"
  }
}
`,
			ExpectError: regexp.MustCompile(`use the provider's region`),
		}},
	})
}
