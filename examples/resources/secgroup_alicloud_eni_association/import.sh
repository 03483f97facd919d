# The ID is <security_group_id>/<network_interface_id> for an ENI in the provider's region.
terraform import secgroup_alicloud_eni_association.example sg-bp67acfmxazb4p0001/eni-bp13kd656hxambfe0000
# An ENI in another region: <region>/<security_group_id>/<network_interface_id>.
terraform import secgroup_alicloud_eni_association.example cn-shanghai/sg-uf67acfmxazb4p0001/eni-uf13kd656hxambfe0000
