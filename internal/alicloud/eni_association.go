package alicloud

import (
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// secgroup_alicloud_eni_association: an elastic network interface in one
// security group. It differs from the instance association only in its
// MemberKind (ENIMember: NetworkInterfaceId, a required region).
var (
	_ resource.Resource                = &eniAssociationResource{}
	_ resource.ResourceWithConfigure   = &eniAssociationResource{}
	_ resource.ResourceWithImportState = &eniAssociationResource{}
	_ resource.ResourceWithIdentity    = &eniAssociationResource{}
	_ resource.ResourceWithModifyPlan  = &eniAssociationResource{}
)

type eniAssociationResource = membershipResource[eniAssociationModel, *eniAssociationModel]

// NewEniAssociationResource is the constructor the provider registers.
func NewEniAssociationResource() resource.Resource {
	return &eniAssociationResource{kind: ENIMember}
}

type eniAssociationModel struct {
	membershipModel
	NetworkInterfaceID types.String `tfsdk:"network_interface_id"`
}

func (m *eniAssociationModel) fields() *membershipModel { return &m.membershipModel }
func (m *eniAssociationModel) member() *types.String    { return &m.NetworkInterfaceID }
