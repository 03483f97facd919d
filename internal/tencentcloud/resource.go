package tencentcloud

import (
	"regexp"
	"slices"

	"github.com/secgroup/terraform-provider-secgroup/internal/resourcebase"

	"github.com/secgroup/terraform-provider-secgroup/internal/mutexkv"
)

// ClientProvider is what the provider hands to Tencent Cloud resources.
type ClientProvider interface {
	TencentCloud() (*Client, error)
}

var _ resourcebase.Cloud[*Client] = cloud{}

// cloud tells the shared resource base about Tencent Cloud.
type cloud struct{}

func (cloud) Name() string { return "Tencent Cloud" }

func (cloud) Client(providerData any) (func() (*Client, error), bool) {
	p, ok := providerData.(ClientProvider)
	if !ok {
		return nil, false
	}
	return p.TencentCloud, true
}

// resourceBase gives every Tencent Cloud resource its Configure, client lookup
// (Client, Lookup) and plan-time checks (CheckConfigured, PlanRegion).
type resourceBase struct {
	resourcebase.Base[*Client, cloud]
}

// Tencent Cloud object IDs: a prefix and 8 lower-case letters or digits.
var (
	securityGroupIDPattern = regexp.MustCompile(`^sg-[0-9a-z]{8}$`)
	instanceIDPattern      = regexp.MustCompile(`^ins-[0-9a-z]{8}$`)
)

// lockAll locks the keys in sorted order, so that two writers locking
// overlapping sets cannot deadlock; the returned function unlocks them.
func lockAll(keys ...string) func() {
	keys = slices.Clone(keys)
	slices.Sort(keys)
	keys = slices.Compact(keys)
	for _, k := range keys {
		mutexkv.Global.Lock(k)
	}
	return func() {
		for _, k := range slices.Backward(keys) {
			mutexkv.Global.Unlock(k)
		}
	}
}

func groupLockKey(id string) string    { return mutexkv.Key(cloudName, "security_group", id) }
func instanceLockKey(id string) string { return mutexkv.Key(cloudName, "instance", id) }

// createLockKey serializes the creates of same-named groups of one project.
func createLockKey(name, project string) string {
	return mutexkv.Key(cloudName, "security_group_create", project+"/"+name)
}
