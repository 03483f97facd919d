package alicloud_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/secgroup/terraform-provider-secgroup/internal/acctest"
	"github.com/secgroup/terraform-provider-secgroup/internal/emulator"
	aliemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/alicloud"
)

// listFixture is two named members and one without a name, in a named group
// and a group without a name.
type listFixture struct {
	web, bare       string // groups: "web", and one without a name
	named1, named2  string // members named "<prefix>-01", "<prefix>-02": in web and bare, in web
	unnamed, absent string // a member without a name, in bare; an ID nothing has
}

func seedListFixture(t *testing.T, env *acctest.Env, kind string) listFixture {
	prefix := map[string]string{"instance": "i", "eni": "eni"}[kind]
	f := listFixture{web: acctest.AliID("sg"), bare: acctest.AliID("sg"),
		named1: acctest.AliID(prefix), named2: acctest.AliID(prefix), unnamed: acctest.AliID(prefix), absent: acctest.AliID(prefix)}
	const vpc = "vpc-list0000000000000000"
	env.AliSeed(t, func(s *aliemu.State) {
		s.SecurityGroups = append(s.SecurityGroups,
			aliemu.SecurityGroup{ID: f.web, RegionID: acctest.AliRegion, Name: "web", VpcID: vpc},
			aliemu.SecurityGroup{ID: f.bare, RegionID: acctest.AliRegion, VpcID: vpc})
		members := []struct {
			id, name string
			groups   []string
		}{{f.named1, kind + "-01", []string{f.web, f.bare}}, {f.named2, kind + "-02", []string{f.web}}, {f.unnamed, "", []string{f.bare}}}
		for _, m := range members {
			if kind == "eni" {
				s.NetworkInterfaces = append(s.NetworkInterfaces, aliemu.NetworkInterface{ID: m.id, RegionID: acctest.AliRegion, Name: m.name, VpcID: vpc, SecurityGroupIDs: m.groups})
			} else {
				s.Instances = append(s.Instances, aliemu.Instance{ID: m.id, RegionID: acctest.AliRegion, Name: m.name, VpcID: vpc, SecurityGroupIDs: m.groups})
			}
		}
	})
	return f
}

// queryConfig is the provider block and one list block named "test", with
// a limit above terraform's default of 100 results.
func queryConfig(env *acctest.Env, resourceType, config string, includeResource bool) string {
	return env.AliCloudProviderConfig() + fmt.Sprintf(`
list %q "test" {
  provider         = secgroup
  include_resource = %t
  limit            = 1000

  config {
    %s
  }
}
`, resourceType, includeResource, config)
}

// expectDisplayNames checks that every result of the list block at addr has
// a display name matching pattern.
func expectDisplayNames(addr string, pattern *regexp.Regexp) querycheck.QueryResultCheck {
	return displayNames{addr: addr, pattern: pattern}
}

type displayNames struct {
	addr    string
	pattern *regexp.Regexp
}

func (d displayNames) CheckQuery(_ context.Context, req querycheck.CheckQueryRequest, resp *querycheck.CheckQueryResponse) {
	for _, r := range req.Query {
		if strings.TrimPrefix(r.Address, "list.") == d.addr && !d.pattern.MatchString(r.DisplayName) {
			resp.Error = fmt.Errorf("%s: display name %q does not match %s", d.addr, r.DisplayName, d.pattern)
			return
		}
	}
}

// associationIdentity is the identity of member's association with group.
func associationIdentity(memberAttr, member, group string) map[string]knownvalue.Check {
	return map[string]knownvalue.Check{
		"security_group_id": knownvalue.StringExact(group),
		memberAttr:          knownvalue.StringExact(member),
		"region":            knownvalue.StringExact(acctest.AliRegion),
	}
}

// queryCheckFunc is a query check that does not look at the results: the
// emulator's request log.
type queryCheckFunc func() error

func (f queryCheckFunc) CheckQuery(_ context.Context, _ querycheck.CheckQueryRequest, resp *querycheck.CheckQueryResponse) {
	resp.Error = f()
}

// expectCalls checks the cloud's calls since the log's last reset: how many
// of each action, keyed "<action> <what it names>" (callNames).
func expectCalls(t *testing.T, env *acctest.Env, want map[string]int) querycheck.QueryResultCheck {
	return queryCheckFunc(func() error {
		got := map[string]int{}
		for _, r := range env.Requests(t, "alicloud") {
			got[r.Action+" "+callNames(r)]++
		}
		if !maps.Equal(got, want) {
			return fmt.Errorf("calls %v, want %v", got, want)
		}
		return nil
	})
}

// expectMembersReadOnce checks the cloud's calls since the log's last reset:
// the member-side describes named each of ids once between them (however
// the batches fell), one DescribeSecurityGroups named the groups, and
// nothing else was called.
func expectMembersReadOnce(t *testing.T, env *acctest.Env, action string, ids, groups []string) querycheck.QueryResultCheck {
	return queryCheckFunc(func() error {
		got, want := map[string]int{}, map[string]int{"DescribeSecurityGroups " + sortedJoin(groups...): 1}
		for _, id := range ids {
			want[action+" "+id] = 1
		}
		for _, r := range env.Requests(t, "alicloud") {
			if r.Action != action {
				got[r.Action+" "+callNames(r)]++
				continue
			}
			for _, id := range strings.Split(callNames(r), ",") {
				got[action+" "+id]++
			}
		}
		if !maps.Equal(got, want) {
			return fmt.Errorf("calls %v, want %v", got, want)
		}
		return nil
	})
}

// callNames names what a describe call reads: the group it lists (and the
// page: "sg-... next" after the first), or the IDs it names, sorted.
func callNames(r emulator.Record) string {
	if g := r.Params["SecurityGroupId"]; g != "" {
		if r.Params["NextToken"] != "" {
			return g + " next"
		}
		return g + " max " + r.Params["MaxResults"]
	}
	var ids []string
	for _, p := range []string{"InstanceIds", "SecurityGroupIds"} {
		if raw := r.Params[p]; raw != "" {
			_ = json.Unmarshal([]byte(raw), &ids)
		}
	}
	for k, v := range r.Params {
		if strings.HasPrefix(k, "NetworkInterfaceId.") {
			ids = append(ids, v)
		}
	}
	slices.Sort(ids)
	return strings.Join(ids, ",")
}

func sortedJoin(ids ...string) string {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	return strings.Join(ids, ",")
}

// TestAccInstanceAssociationList_byIDs: instance_ids lists one result per
// (instance, group), named with the instance's and the group's names where
// they have them, each with its identity and, with include_resource, the
// object an import's Read stores; the instances are read in one batch
// (DescribeInstances with InstanceIds) and the group names in one
// DescribeSecurityGroups.
func TestAccInstanceAssociationList_byIDs(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := seedListFixture(t, env, "instance")
	const addr = instanceAssocType + ".test"
	byIdentity := func(member, group string) queryfilter.QueryFilter {
		return queryfilter.ByResourceIdentity(associationIdentity("instance_id", member, group))
	}
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   acctest.QueryChecks(),
		Steps: []resource.TestStep{{
			PreConfig: env.Emulator.ResetRequests,
			Query:     true,
			Config:    queryConfig(env, instanceAssocType, fmt.Sprintf("instance_ids = [%q, %q, %q]", f.named1, f.unnamed, f.named2), true),
			QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength(addr, 4),
				querycheck.ExpectIdentity(addr, associationIdentity("instance_id", f.named1, f.web)),
				querycheck.ExpectIdentity(addr, associationIdentity("instance_id", f.named1, f.bare)),
				querycheck.ExpectIdentity(addr, associationIdentity("instance_id", f.named2, f.web)),
				querycheck.ExpectIdentity(addr, associationIdentity("instance_id", f.unnamed, f.bare)),
				querycheck.ExpectResourceDisplayName(addr, byIdentity(f.named1, f.web), knownvalue.StringExact(fmt.Sprintf("instance-01 (%s) in web (%s)", f.named1, f.web))),
				querycheck.ExpectResourceDisplayName(addr, byIdentity(f.named1, f.bare), knownvalue.StringExact(fmt.Sprintf("instance-01 (%s) in %s", f.named1, f.bare))),
				querycheck.ExpectResourceDisplayName(addr, byIdentity(f.unnamed, f.bare), knownvalue.StringExact(fmt.Sprintf("%s in %s", f.unnamed, f.bare))),
				querycheck.ExpectResourceKnownValues(addr, byIdentity(f.named2, f.web), []querycheck.KnownValueCheck{
					{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringExact(f.web + "/" + f.named2)},
					{Path: tfjsonpath.New("instance_id"), KnownValue: knownvalue.StringExact(f.named2)},
					{Path: tfjsonpath.New("security_group_id"), KnownValue: knownvalue.StringExact(f.web)},
					{Path: tfjsonpath.New("region"), KnownValue: knownvalue.StringExact(acctest.AliRegion)},
					{Path: tfjsonpath.New("keep_last_group"), KnownValue: knownvalue.Bool(false)},
					{Path: tfjsonpath.New("timeouts"), KnownValue: knownvalue.Null()},
				}),
				expectMembersReadOnce(t, env, "DescribeInstances", []string{f.named1, f.named2, f.unnamed}, []string{f.web, f.bare}),
			},
		}},
	})
}

// TestAccInstanceAssociationList_byGroup: security_group_id lists every
// instance in the group, past one page (DescribeInstances with
// SecurityGroupId and MaxResults=100, then NextToken), after one
// DescribeSecurityGroups that finds the group and names it.
func TestAccInstanceAssociationList_byGroup(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	group, _, instances, _ := seedGroupMembers(t, env, 120, 0)
	const addr = instanceAssocType + ".test"
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   acctest.QueryChecks(),
		Steps: []resource.TestStep{{
			PreConfig: env.Emulator.ResetRequests,
			Query:     true,
			Config:    queryConfig(env, instanceAssocType, fmt.Sprintf("security_group_id = %q", group), false),
			QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength(addr, 120),
				querycheck.ExpectIdentity(addr, associationIdentity("instance_id", instances[0], group)),
				querycheck.ExpectIdentity(addr, associationIdentity("instance_id", instances[119], group)),
				expectDisplayNames(addr, regexp.MustCompile(`^web-\d{3} \(i-[a-z0-9]+\) in name-of-`+group+` \(`+group+`\)$`)),
				expectCalls(t, env, map[string]int{
					"DescribeSecurityGroups " + group:         1,
					"DescribeInstances " + group + " max 100": 1,
					"DescribeInstances " + group + " next":    1,
				}),
			},
		}},
	})
}

// TestAccInstanceAssociationList_config: a config with neither instance_ids
// nor security_group_id, or both, fails with an attribute error at validate
// time, before any call; an instance that does not exist and a group that
// does not exist are errors naming them.
func TestAccInstanceAssociationList_config(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := seedListFixture(t, env, "instance")
	noCalls := func() {
		if calls := env.Requests(t, "alicloud"); len(calls) != 0 {
			t.Errorf("a config refused at validate time made %d calls", len(calls))
		}
	}
	gone := acctest.AliID("sg")
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   acctest.QueryChecks(),
		Steps: []resource.TestStep{{
			PreConfig:   env.Emulator.ResetRequests,
			Query:       true,
			Config:      queryConfig(env, instanceAssocType, "", false),
			ExpectError: regexp.MustCompile(`(?s)Missing Attribute Configuration.*Exactly one of these attributes.*instance_ids,security_group_id`),
		}, {
			PreConfig:   func() { noCalls(); env.Emulator.ResetRequests() },
			Query:       true,
			Config:      queryConfig(env, instanceAssocType, fmt.Sprintf("instance_ids = [%q]\n    security_group_id = %q", f.named1, f.web), false),
			ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Combination.*Exactly one of these attributes.*instance_ids,security_group_id`),
		}, {
			PreConfig:   func() { noCalls(); env.Emulator.ResetRequests() },
			Query:       true,
			Config:      queryConfig(env, instanceAssocType, fmt.Sprintf("instance_ids = [%q, %q]", f.named1, f.absent), false),
			ExpectError: regexp.MustCompile(`(?s)Instance Not Found.*` + f.absent + `.*` + acctest.AliRegion),
		}, {
			Query:       true,
			Config:      queryConfig(env, instanceAssocType, fmt.Sprintf("security_group_id = %q", gone), false),
			ExpectError: regexp.MustCompile(`(?s)Security Group Not Found.*` + gone + `.*` + acctest.AliRegion),
		}},
	})
}
