package alicloud

import (
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// secgroup_alicloud_instance_association: an ECS instance in one security
// group. Everything but the member's attribute is in membership.go.
var (
	_ resource.Resource                = &instanceAssociationResource{}
	_ resource.ResourceWithConfigure   = &instanceAssociationResource{}
	_ resource.ResourceWithImportState = &instanceAssociationResource{}
	_ resource.ResourceWithIdentity    = &instanceAssociationResource{}
	_ resource.ResourceWithModifyPlan  = &instanceAssociationResource{}
)

type instanceAssociationResource = membershipResource[instanceAssociationModel, *instanceAssociationModel]

// NewInstanceAssociationResource is the constructor the provider registers.
func NewInstanceAssociationResource() resource.Resource {
	return &instanceAssociationResource{kind: InstanceMember}
}

type instanceAssociationModel struct {
	membershipModel
	InstanceID types.String `tfsdk:"instance_id"`
}

func (m *instanceAssociationModel) fields() *membershipModel { return &m.membershipModel }
func (m *instanceAssociationModel) member() *types.String    { return &m.InstanceID }
