# The ID is <security_group_id>/<instance_id>.
terraform import secgroup_alicloud_instance_association.example sg-bp67acfmxazb4p0001/i-bp67acfmxazb4p0000
