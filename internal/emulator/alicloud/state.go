package alicloud

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// State is everything the emulated Alibaba Cloud account holds. Its JSON form
// is the "alicloud" part of the emulator's state document.
type State struct {
	Credentials       []Credential       `json:"credentials"`
	SecurityGroups    []SecurityGroup    `json:"security_groups"`
	Instances         []Instance         `json:"instances"`
	NetworkInterfaces []NetworkInterface `json:"network_interfaces"`
	// EnsSecurityGroups are Edge Node Service groups: a separate product with
	// its own endpoint and IDs, not visible to ECS.
	EnsSecurityGroups []SecurityGroup `json:"ens_security_groups"`
}

// Credential is an AccessKey pair; with SecurityToken set it is an STS
// credential, and requests must carry that token.
type Credential struct {
	AccessKeyID     string `json:"access_key_id"`
	AccessKeySecret string `json:"access_key_secret"`
	SecurityToken   string `json:"security_token,omitempty"`
}

// SecurityGroup is an ECS security group, in one region.
type SecurityGroup struct {
	ID          string `json:"id"`
	RegionID    string `json:"region_id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	VpcID       string `json:"vpc_id,omitempty"`
	// Egress holds the group's outbound rules.
	Egress []Permission `json:"egress,omitempty"`
	// RuleLimit caps the group's rules (AuthorizationLimitExceed); 0 means
	// defaultRuleLimit.
	RuleLimit int `json:"rule_limit,omitempty"`

	// ManagedByCloudProduct groups (such as those a container service
	// creates) refuse membership changes with
	// InvalidOperation.ResourceManagedByCloudProduct.
	ManagedByCloudProduct bool `json:"managed_by_cloud_product,omitempty"`
}

// Instance is an ECS instance. Status is one of Pending, Running, Starting,
// Stopping, Stopped. NextStatus, when set, replaces Status once
// NextStatusAfter more requests have seen the instance (see observe), so a
// test can hold an instance in Starting and let it become Running.
type Instance struct {
	ID               string   `json:"id"`
	RegionID         string   `json:"region_id"`
	Name             string   `json:"name,omitempty"`
	Status           string   `json:"status"`
	NextStatus       string   `json:"next_status,omitempty"`
	NextStatusAfter  int      `json:"next_status_after,omitempty"`
	VpcID            string   `json:"vpc_id,omitempty"`
	SecurityGroupIDs []string `json:"security_group_ids"`
	// LockedForSecurity makes membership changes fail with InstanceLockedForSecurity.
	LockedForSecurity bool `json:"locked_for_security,omitempty"`
	// GroupQuota is how many groups the instance may be in (an account whose
	// quota was raised, as benchmarks with many memberships per instance
	// need); 0 means ECS's default of 5.
	GroupQuota int `json:"group_quota,omitempty"`
}

// NetworkInterface is an elastic network interface (ENI).
type NetworkInterface struct {
	ID         string `json:"id"`
	RegionID   string `json:"region_id"`
	Name       string `json:"name,omitempty"`
	InstanceID string `json:"instance_id,omitempty"`
	Type       string `json:"type"`   // Primary or Secondary
	Status     string `json:"status"` // Available, InUse, ...
	// NextStatus, when set, replaces Status once NextStatusAfter more
	// membership calls have seen the ENI, so a test can hold an ENI in
	// Attaching and let it become InUse.
	NextStatus       string   `json:"next_status,omitempty"`
	NextStatusAfter  int      `json:"next_status_after,omitempty"`
	VpcID            string   `json:"vpc_id,omitempty"`
	SecurityGroupIDs []string `json:"security_group_ids"`
	// ServiceManaged ENIs belong to a cloud product; users may not change them.
	ServiceManaged bool `json:"service_managed,omitempty"`
	// GroupQuota is how many groups the ENI may be in; 0 means ECS's default of 5.
	GroupQuota int `json:"group_quota,omitempty"`
}

// Clone returns a deep copy.
func (s State) Clone() State {
	out := State{
		Credentials:       slices.Clone(s.Credentials),
		SecurityGroups:    slices.Clone(s.SecurityGroups),
		Instances:         slices.Clone(s.Instances),
		NetworkInterfaces: slices.Clone(s.NetworkInterfaces),
		EnsSecurityGroups: slices.Clone(s.EnsSecurityGroups),
	}
	for i := range out.SecurityGroups {
		out.SecurityGroups[i].Egress = slices.Clone(out.SecurityGroups[i].Egress)
	}
	for i := range out.EnsSecurityGroups {
		out.EnsSecurityGroups[i].Egress = slices.Clone(out.EnsSecurityGroups[i].Egress)
	}
	for i := range out.Instances {
		out.Instances[i].SecurityGroupIDs = slices.Clone(out.Instances[i].SecurityGroupIDs)
	}
	for i := range out.NetworkInterfaces {
		out.NetworkInterfaces[i].SecurityGroupIDs = slices.Clone(out.NetworkInterfaces[i].SecurityGroupIDs)
	}
	return out
}

// normalize fills what a fixture may leave out.
func (s *State) normalize() {
	if s.Credentials == nil {
		s.Credentials = []Credential{}
	}
	if s.SecurityGroups == nil {
		s.SecurityGroups = []SecurityGroup{}
	}
	if s.Instances == nil {
		s.Instances = []Instance{}
	}
	if s.NetworkInterfaces == nil {
		s.NetworkInterfaces = []NetworkInterface{}
	}
	if s.EnsSecurityGroups == nil {
		s.EnsSecurityGroups = []SecurityGroup{}
	}
	for _, groups := range [][]SecurityGroup{s.SecurityGroups, s.EnsSecurityGroups} {
		for i := range groups {
			for j := range groups[i].Egress {
				groups[i].Egress[j].normalize()
			}
		}
	}
	for i := range s.Instances {
		in := &s.Instances[i]
		if in.Status == "" {
			in.Status = "Running"
		}
		if in.SecurityGroupIDs == nil {
			in.SecurityGroupIDs = []string{}
		}
	}
	for i := range s.NetworkInterfaces {
		n := &s.NetworkInterfaces[i]
		if n.Type == "" {
			n.Type = "Secondary"
		}
		if n.Status == "" {
			n.Status = "Available"
			if n.InstanceID != "" {
				n.Status = "InUse"
			}
		}
		if n.SecurityGroupIDs == nil {
			n.SecurityGroupIDs = []string{}
		}
	}
}

// validate rejects fixtures the emulator could not serve consistently.
func (s *State) validate() error {
	var errs []error
	ids := map[string]bool{}
	unique := func(kind, id string) {
		if id == "" {
			errs = append(errs, fmt.Errorf("a %s has no id", kind))
		} else if ids[id] {
			errs = append(errs, fmt.Errorf("%s %s: duplicate id", kind, id))
		}
		ids[id] = true
	}
	for _, c := range s.Credentials {
		if c.AccessKeyID == "" || c.AccessKeySecret == "" {
			errs = append(errs, errors.New("a credential needs access_key_id and access_key_secret"))
		}
	}
	for _, g := range s.SecurityGroups {
		unique("security group", g.ID)
		if g.RegionID == "" {
			errs = append(errs, fmt.Errorf("security group %s: no region_id", g.ID))
		}
		errs = append(errs, g.checkRules("ecs")...)
	}
	for _, g := range s.EnsSecurityGroups {
		unique("ENS security group", g.ID)
		errs = append(errs, g.checkRules("ens")...)
	}
	for _, in := range s.Instances {
		unique("instance", in.ID)
		if in.RegionID == "" {
			errs = append(errs, fmt.Errorf("instance %s: no region_id", in.ID))
		}
		if !slices.Contains(instanceStatuses, in.Status) || (in.NextStatus != "" && !slices.Contains(instanceStatuses, in.NextStatus)) {
			errs = append(errs, fmt.Errorf("instance %s: status must be one of %s", in.ID, strings.Join(instanceStatuses, ", ")))
		}
		errs = append(errs, s.checkGroups("instance "+in.ID, in.RegionID, in.SecurityGroupIDs)...)
	}
	for _, n := range s.NetworkInterfaces {
		unique("network interface", n.ID)
		if n.RegionID == "" {
			errs = append(errs, fmt.Errorf("network interface %s: no region_id", n.ID))
		}
		if n.InstanceID != "" && s.instance(n.RegionID, n.InstanceID) == nil {
			errs = append(errs, fmt.Errorf("network interface %s: instance %s is not in region %s", n.ID, n.InstanceID, n.RegionID))
		}
		errs = append(errs, s.checkGroups("network interface "+n.ID, n.RegionID, n.SecurityGroupIDs)...)
	}
	return errors.Join(errs...)
}

func (s *State) checkGroups(owner, region string, groups []string) []error {
	var errs []error
	for _, id := range groups {
		if s.securityGroup(region, id) == nil {
			errs = append(errs, fmt.Errorf("%s: security group %s is not in region %s", owner, id, region))
		}
	}
	return errs
}

var instanceStatuses = []string{"Pending", "Running", "Starting", "Stopping", "Stopped"}

func (s *State) secret(accessKeyID string) (Credential, bool) {
	for _, c := range s.Credentials {
		if c.AccessKeyID == accessKeyID {
			return c, true
		}
	}
	return Credential{}, false
}

// securityGroup finds a group in a region; objects in other regions are
// invisible, as in the real API.
func (s *State) securityGroup(region, id string) *SecurityGroup {
	for i := range s.SecurityGroups {
		if g := &s.SecurityGroups[i]; g.ID == id && g.RegionID == region {
			return g
		}
	}
	return nil
}

func (s *State) instance(region, id string) *Instance {
	for i := range s.Instances {
		if in := &s.Instances[i]; in.ID == id && in.RegionID == region {
			return in
		}
	}
	return nil
}

func (s *State) networkInterface(region, id string) *NetworkInterface {
	for i := range s.NetworkInterfaces {
		if n := &s.NetworkInterfaces[i]; n.ID == id && n.RegionID == region {
			return n
		}
	}
	return nil
}

// observe is called by every request that reads or writes the instance,
// before it looks at Status: it moves the instance along to NextStatus.
func (in *Instance) observe() {
	if in.NextStatus == "" {
		return
	}
	if in.NextStatusAfter > 0 {
		in.NextStatusAfter--
		return
	}
	in.Status, in.NextStatus = in.NextStatus, ""
}

// observe moves the ENI along to NextStatus, as Instance.observe does.
func (n *NetworkInterface) observe() {
	if n.NextStatus == "" {
		return
	}
	if n.NextStatusAfter > 0 {
		n.NextStatusAfter--
		return
	}
	n.Status, n.NextStatus = n.NextStatus, ""
}
