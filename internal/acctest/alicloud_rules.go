package acctest

import (
	"testing"

	aliemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/alicloud"
)

// Fixtures of the Alibaba Cloud egress rule tests: security groups the tests
// add rules to. Against the real cloud the groups come from the environment
// and must hold none of the rules the tests add.

// AliEnsGroup returns an empty ENS security group: seeded in the emulator,
// or SECGROUP_ACC_ALI_ENS_SECURITY_GROUP_ID.
func (e *Env) AliEnsGroup(t *testing.T) string {
	t.Helper()
	if e.Emulator == nil {
		return FixtureEnv(t, "SECGROUP_ACC_ALI_ENS_SECURITY_GROUP_ID")
	}
	return e.AliEnsGroups(t, 1)[0]
}

// AliEcsGroup returns an empty ECS security group in AliRegion: seeded in
// the emulator, or SECGROUP_ACC_ALI_SECURITY_GROUP_ID.
func (e *Env) AliEcsGroup(t *testing.T) string {
	t.Helper()
	if e.Emulator == nil {
		return FixtureEnv(t, "SECGROUP_ACC_ALI_SECURITY_GROUP_ID")
	}
	return e.AliEcsGroups(t, 1)[0]
}

// AliEnsGroups seeds n empty ENS security groups (emulator only).
func (e *Env) AliEnsGroups(t testing.TB, n int) []string {
	return e.aliGroups(t, n, true)
}

// AliEcsGroups seeds n empty ECS security groups in AliRegion (emulator only).
func (e *Env) AliEcsGroups(t testing.TB, n int) []string {
	return e.aliGroups(t, n, false)
}

func (e *Env) aliGroups(t testing.TB, n int, ens bool) []string {
	t.Helper()
	if e.Emulator == nil {
		t.Skip("needs the emulator: it seeds its own security groups")
	}
	ids := make([]string, n)
	e.Ali.Mutate(func(s *aliemu.State) {
		s.Credentials = append(s.Credentials, aliemu.Credential{AccessKeyID: AliAccessKey, AccessKeySecret: AliSecretKey})
		for i := range ids {
			ids[i] = AliID("sg")
			g := aliemu.SecurityGroup{ID: ids[i], RegionID: AliRegion, Name: "acc-rules"}
			if ens {
				s.EnsSecurityGroups = append(s.EnsSecurityGroups, g)
			} else {
				s.SecurityGroups = append(s.SecurityGroups, g)
			}
		}
	})
	return ids
}
