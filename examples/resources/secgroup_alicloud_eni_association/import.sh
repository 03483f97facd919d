# The ID is <security_group_id>/<network_interface_id>; the region is the provider's.
terraform import secgroup_alicloud_eni_association.example sg-bp67acfmxazb4p0001/eni-bp13kd656hxambfe0000
