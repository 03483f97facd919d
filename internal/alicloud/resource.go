package alicloud

import (
	"regexp"

	"github.com/secgroup/terraform-provider-secgroup/internal/resourcebase"
)

// ClientProvider is what the provider hands to Alibaba Cloud resources.
type ClientProvider interface {
	AliCloud() (*Client, error)
}

var _ resourcebase.Cloud[*Client] = cloud{}

// cloud tells the shared resource base about Alibaba Cloud.
type cloud struct{}

func (cloud) Name() string { return "Alibaba Cloud" }

func (cloud) Client(providerData any) (func() (*Client, error), bool) {
	p, ok := providerData.(ClientProvider)
	if !ok {
		return nil, false
	}
	return p.AliCloud, true
}

// resourceBase gives every Alibaba Cloud resource its Configure, client lookup
// (Client, Lookup) and plan-time checks (CheckConfigured, PlanRegion).
type resourceBase struct {
	resourcebase.Base[*Client, cloud]
}

// idPattern matches the IDs Alibaba Cloud gives its objects: a prefix naming
// the kind ("sg", "i", "eni") and a dash, then lower-case letters and digits.
func idPattern(prefix string) *regexp.Regexp {
	return regexp.MustCompile(`^` + regexp.QuoteMeta(prefix) + `-[a-z0-9]{2,}$`)
}
