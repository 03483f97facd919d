package alicloud

import "github.com/hashicorp/terraform-plugin-framework/list"

// The list resource of secgroup_alicloud_instance_association: instance_ids
// (every group of each instance) or security_group_id (every instance in the
// group). Everything but the kind is in membership_list.go.
var (
	_ list.ListResourceWithConfigure        = &instanceAssociationList{}
	_ list.ListResourceWithConfigValidators = &instanceAssociationList{}
)

type instanceAssociationList = membershipList[instanceAssociationModel, *instanceAssociationModel]

// NewInstanceAssociationListResource is the constructor the provider registers.
func NewInstanceAssociationListResource() list.ListResource {
	return &instanceAssociationList{kind: InstanceMember}
}
