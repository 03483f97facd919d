# Every group of these ENIs: one result per (ENI, group).
list "secgroup_alicloud_eni_association" "nics" {
  provider = secgroup

  config {
    network_interface_ids = ["eni-bp13kd656hxambfe0000"]
  }
}

# Every ENI in this group, with the objects, for
# `terraform query -generate-config-out=generated.tf`.
list "secgroup_alicloud_eni_association" "group" {
  provider         = secgroup
  include_resource = true

  config {
    security_group_id = "sg-bp67acfmxazb4p0001"
  }
}
