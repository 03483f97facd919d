package acctest

import (
	"os"
	"testing"

	aliemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/alicloud"
)

// AliMembershipFixtures are the objects an instance or ENI association test
// works on.
type AliMembershipFixtures struct {
	Region string
	// InstanceID and ENIID start in DefaultGroupID only (emulator), or in
	// groups other than SecurityGroupID (real cloud).
	InstanceID string
	ENIID      string
	// SecurityGroupID is a group neither is in.
	SecurityGroupID string
	// DefaultGroupID is their existing group (emulator only).
	DefaultGroupID string
}

// AliMembership seeds the emulator with an instance and an ENI, both Running
// or in use, in one default group, plus a second group in the same VPC; or
// reads the real-cloud fixtures from SECGROUP_ACC_ALI_INSTANCE_ID,
// SECGROUP_ACC_ALI_ENI_ID (tests of the ENI association only, see RequireENI)
// and SECGROUP_ACC_ALI_SECURITY_GROUP_ID.
func (e *Env) AliMembership(t *testing.T) AliMembershipFixtures {
	t.Helper()
	if e.Emulator == nil {
		return AliMembershipFixtures{
			Region:          os.Getenv("ALICLOUD_REGION"),
			InstanceID:      FixtureEnv(t, "SECGROUP_ACC_ALI_INSTANCE_ID"),
			ENIID:           os.Getenv("SECGROUP_ACC_ALI_ENI_ID"),
			SecurityGroupID: FixtureEnv(t, "SECGROUP_ACC_ALI_SECURITY_GROUP_ID"),
		}
	}
	f := AliMembershipFixtures{
		Region:          AliRegion,
		InstanceID:      AliID("i"),
		ENIID:           AliID("eni"),
		SecurityGroupID: AliID("sg"),
		DefaultGroupID:  AliID("sg"),
	}
	const vpc = "vpc-acc0000000000000000"
	e.AliSeed(t, func(s *aliemu.State) {
		s.SecurityGroups = append(s.SecurityGroups,
			aliemu.SecurityGroup{ID: f.DefaultGroupID, RegionID: AliRegion, Name: "default", VpcID: vpc},
			aliemu.SecurityGroup{ID: f.SecurityGroupID, RegionID: AliRegion, Name: "acc-web", VpcID: vpc})
		s.Instances = append(s.Instances, aliemu.Instance{
			ID: f.InstanceID, RegionID: AliRegion, Name: "acc-instance", Status: "Running", VpcID: vpc,
			SecurityGroupIDs: []string{f.DefaultGroupID},
		})
		s.NetworkInterfaces = append(s.NetworkInterfaces, aliemu.NetworkInterface{
			ID: f.ENIID, RegionID: AliRegion, VpcID: vpc, SecurityGroupIDs: []string{f.DefaultGroupID},
		})
	})
	return f
}

// RequireENI skips a real-cloud test that needs the ENI fixture when
// SECGROUP_ACC_ALI_ENI_ID is not set.
func (f AliMembershipFixtures) RequireENI(t *testing.T) {
	t.Helper()
	if f.ENIID == "" {
		FixtureEnv(t, "SECGROUP_ACC_ALI_ENI_ID")
	}
}
