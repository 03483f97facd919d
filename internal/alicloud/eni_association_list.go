package alicloud

import "github.com/hashicorp/terraform-plugin-framework/list"

// The list resource of secgroup_alicloud_eni_association:
// network_interface_ids (every group of each ENI) or security_group_id
// (every ENI in the group). Everything but the kind is in membership_list.go.
var (
	_ list.ListResourceWithConfigure        = &eniAssociationList{}
	_ list.ListResourceWithConfigValidators = &eniAssociationList{}
)

type eniAssociationList = membershipList[eniAssociationModel, *eniAssociationModel]

// NewEniAssociationListResource is the constructor the provider registers.
func NewEniAssociationListResource() list.ListResource {
	return &eniAssociationList{kind: ENIMember}
}
