package tencentcloud

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"time"
)

// State is everything the emulated Tencent Cloud account holds. Its JSON
// form is the "tencentcloud" part of the emulator's state document.
type State struct {
	Credentials []Credential `json:"credentials"`
	// Regions the account may call; a request for any other region gets
	// UnsupportedRegion.
	Regions        []string        `json:"regions"`
	SecurityGroups []SecurityGroup `json:"security_groups"`
	Instances      []Instance      `json:"instances"`
	// SecurityGroupQuota is how many groups a region may hold (0: 50, the
	// default quota); CreateSecurityGroup beyond it answers LimitExceeded.
	SecurityGroupQuota int `json:"security_group_quota,omitempty"`
	// UnbindPropagationMS is how long, in milliseconds, a binding that
	// DisassociateSecurityGroups removed keeps counting for
	// DeleteSecurityGroup (ResourceInUse) and the association statistics,
	// as on the real cloud, where the unbinding takes seconds to reach the
	// VPC. 0: at once.
	UnbindPropagationMS int `json:"unbind_propagation_ms,omitempty"`
}

// Credential is an API key pair (SecretId, SecretKey).
type Credential struct {
	SecretID  string `json:"secret_id"`
	SecretKey string `json:"secret_key"`
}

// SecurityGroup is a VPC security group. Its bindings are the instances that
// list it; References are the groups its own rules name as source or
// destination (which keep those groups from being deleted).
type SecurityGroup struct {
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Region      string            `json:"region"`
	ProjectID   string            `json:"project_id"`
	IsDefault   bool              `json:"is_default,omitempty"`
	Tags        map[string]string `json:"tags,omitempty"`
	References  []string          `json:"references,omitempty"`
	// OtherBindings counts the group's bindings to other services' instances
	// (CLB, CDB, ENI, ...), which CVM's DisassociateSecurityGroups cannot
	// undo: by instance type, as DescribeSecurityGroupAssociationStatistics
	// reports them. They keep the group from being deleted.
	OtherBindings map[string]int `json:"other_bindings,omitempty"`
	CreatedTime   time.Time      `json:"created_time,omitzero"`
	UpdateTime    time.Time      `json:"update_time,omitzero"`
}

// Instance is a CVM instance and the security groups bound to it, in order.
type Instance struct {
	ID               string   `json:"id"`
	Name             string   `json:"name"`
	Region           string   `json:"region"`
	Zone             string   `json:"zone,omitempty"`
	State            string   `json:"state"`
	SecurityGroupIDs []string `json:"security_group_ids"`
}

// Limits the real services enforce.
const (
	defaultGroupQuota   = 50
	maxGroupsOfInstance = 5   // security groups bound to one instance
	maxBatch            = 100 // instances per (Dis)AssociateSecurityGroups call, and CVM's Limit
	maxGroupName        = 60
	maxGroupDescription = 100
)

var (
	groupIDPattern    = regexp.MustCompile(`^sg-[0-9a-z]{8}$`)
	instanceIDPattern = regexp.MustCompile(`^ins-[0-9a-z]{8}$`)
)

// Clone returns a deep copy.
func (s State) Clone() State {
	out := s
	out.Credentials = slices.Clone(s.Credentials)
	out.Regions = slices.Clone(s.Regions)
	out.SecurityGroups = slices.Clone(s.SecurityGroups)
	out.Instances = slices.Clone(s.Instances)
	for i := range out.SecurityGroups {
		g := &out.SecurityGroups[i]
		g.Tags = maps.Clone(g.Tags)
		g.References = slices.Clone(g.References)
		g.OtherBindings = maps.Clone(g.OtherBindings)
	}
	for i := range out.Instances {
		out.Instances[i].SecurityGroupIDs = slices.Clone(out.Instances[i].SecurityGroupIDs)
	}
	return out
}

// normalize fills what a fixture may leave out: empty lists, project "0",
// instance state and timestamps (now, as if just created).
func (s *State) normalize(now time.Time) {
	now = now.UTC().Truncate(time.Second)
	if s.Credentials == nil {
		s.Credentials = []Credential{}
	}
	if s.Regions == nil {
		s.Regions = []string{}
	}
	if s.SecurityGroups == nil {
		s.SecurityGroups = []SecurityGroup{}
	}
	if s.Instances == nil {
		s.Instances = []Instance{}
	}
	for i := range s.SecurityGroups {
		g := &s.SecurityGroups[i]
		if g.ProjectID == "" {
			g.ProjectID = "0"
		}
		if g.CreatedTime.IsZero() {
			g.CreatedTime = now
		}
		if g.UpdateTime.IsZero() {
			g.UpdateTime = g.CreatedTime
		}
	}
	for i := range s.Instances {
		in := &s.Instances[i]
		if in.State == "" {
			in.State = "RUNNING"
		}
		if in.SecurityGroupIDs == nil {
			in.SecurityGroupIDs = []string{}
		}
	}
}

// validate rejects states the real cloud could not be in: malformed or
// duplicate IDs, unknown regions, bindings and references across regions.
func (s *State) validate() error {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	ids := map[string]bool{}
	for i, c := range s.Credentials {
		switch {
		case c.SecretID == "" || c.SecretKey == "":
			fail("credentials[%d]: secret_id and secret_key are required", i)
		case ids[c.SecretID]:
			fail("credentials[%d]: duplicate secret_id", i)
		}
		ids[c.SecretID] = true
	}
	regions := map[string]bool{}
	for _, r := range s.Regions {
		regions[r] = true
	}
	groups := map[string]string{} // id -> region
	for i, g := range s.SecurityGroups {
		where := fmt.Sprintf("security_groups[%d] %q", i, g.ID)
		switch {
		case !groupIDPattern.MatchString(g.ID):
			fail("%s: id must look like sg-xxxxxxxx (8 lower-case letters or digits)", where)
		case groups[g.ID] != "":
			fail("%s: duplicate id", where)
		case !regions[g.Region]:
			fail("%s: region %q is not in regions", where, g.Region)
		}
		groups[g.ID] = g.Region
		for kind, n := range g.OtherBindings {
			if kind == "" || kind == "CVM" || n < 0 {
				fail("%s: other_bindings %q: %d, want a non-CVM instance type and a count of at least 0 (CVM bindings are the instances that list the group)", where, kind, n)
			}
		}
	}
	for i, g := range s.SecurityGroups {
		for _, ref := range g.References {
			if groups[ref] != g.Region || ref == g.ID {
				fail("security_groups[%d] %q: references %q, which is not another group of its region", i, g.ID, ref)
			}
		}
	}
	instances := map[string]bool{}
	for i, in := range s.Instances {
		where := fmt.Sprintf("instances[%d] %q", i, in.ID)
		switch {
		case !instanceIDPattern.MatchString(in.ID):
			fail("%s: id must look like ins-xxxxxxxx", where)
		case instances[in.ID]:
			fail("%s: duplicate id", where)
		case !regions[in.Region]:
			fail("%s: region %q is not in regions", where, in.Region)
		}
		instances[in.ID] = true
		for j, id := range in.SecurityGroupIDs {
			switch {
			case groups[id] != in.Region:
				fail("%s: security group %q is not a group of region %q", where, id, in.Region)
			case slices.Index(in.SecurityGroupIDs, id) != j:
				fail("%s: security group %q listed twice", where, id)
			}
		}
		if len(in.SecurityGroupIDs) > maxGroupsOfInstance {
			fail("%s: %d security groups, more than the %d an instance may have", where, len(in.SecurityGroupIDs), maxGroupsOfInstance)
		}
	}
	if s.UnbindPropagationMS < 0 {
		fail("unbind_propagation_ms %d is negative", s.UnbindPropagationMS)
	}
	return errors.Join(errs...)
}

func (s *State) secretKey(id string) (string, bool) {
	for _, c := range s.Credentials {
		if c.SecretID == id {
			return c.SecretKey, true
		}
	}
	return "", false
}

func (s *State) group(region, id string) *SecurityGroup {
	for i := range s.SecurityGroups {
		if g := &s.SecurityGroups[i]; g.ID == id && g.Region == region {
			return g
		}
	}
	return nil
}

func (s *State) instance(region, id string) *Instance {
	for i := range s.Instances {
		if in := &s.Instances[i]; in.ID == id && in.Region == region {
			return in
		}
	}
	return nil
}

// boundTo returns the instances of the region that list the group.
func (s *State) boundTo(region, groupID string) []*Instance {
	var out []*Instance
	for i := range s.Instances {
		if in := &s.Instances[i]; in.Region == region && slices.Contains(in.SecurityGroupIDs, groupID) {
			out = append(out, in)
		}
	}
	return out
}

// referrers returns the IDs of the region's groups whose rules reference groupID.
func (s *State) referrers(region, groupID string) []string {
	out := []string{}
	for _, g := range s.SecurityGroups {
		if g.Region == region && slices.Contains(g.References, groupID) {
			out = append(out, g.ID)
		}
	}
	return out
}
