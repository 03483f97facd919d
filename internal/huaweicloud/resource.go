package huaweicloud

import (
	"regexp"
	"strings"

	"github.com/secgroup/terraform-provider-secgroup/internal/resourcebase"
)

// ClientProvider is what the provider hands to Huawei Cloud resources.
type ClientProvider interface {
	HuaweiCloud() (*Client, error)
}

var _ resourcebase.Cloud[*Client] = cloud{}

// cloud tells the shared resource base about Huawei Cloud.
type cloud struct{}

func (cloud) Name() string { return "Huawei Cloud" }

func (cloud) Client(providerData any) (func() (*Client, error), bool) {
	p, ok := providerData.(ClientProvider)
	if !ok {
		return nil, false
	}
	return p.HuaweiCloud, true
}

// resourceBase gives every Huawei Cloud resource its Configure, client lookup
// (Client, Lookup) and plan-time checks (CheckConfigured, PlanRegion).
type resourceBase struct {
	resourcebase.Base[*Client, cloud]
}

// uuidPattern matches the IDs Huawei Cloud gives servers, ports and groups:
// lower case, as every API answers them (an upper-case ID is a 404).
var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// regionPattern matches Huawei Cloud region names such as cn-north-4.
var regionPattern = regexp.MustCompile(`^[a-z]{2,}(-[a-z0-9]+)+$`)

// cutImportRegion splits "<region>/<rest>" when the ID has one more
// '/'-separated field than want, as Alibaba Cloud's import IDs do, for an
// object outside the provider's region. region is "" without one.
func cutImportRegion(id string, want int) (region, rest string, ok bool) {
	if strings.Count(id, "/") != want {
		return "", id, true
	}
	region, rest, _ = strings.Cut(id, "/")
	return region, rest, regionPattern.MatchString(region) && !uuidPattern.MatchString(region)
}
