# The ID is <security_group_id>/<instance_id> for an instance in the provider's region.
terraform import secgroup_alicloud_instance_association.example sg-bp67acfmxazb4p0001/i-bp67acfmxazb4p0000
# An instance in another region: <region>/<security_group_id>/<instance_id>.
terraform import secgroup_alicloud_instance_association.example cn-shanghai/sg-uf67acfmxazb4p0001/i-uf67acfmxazb4p0000
