# Every group of these instances: one result per (instance, group).
list "secgroup_alicloud_instance_association" "web" {
  provider = secgroup

  config {
    instance_ids = ["i-bp67acfmxazb4p0000", "i-bp67acfmxazb4p0001"]
  }
}

# Every instance in this group, with the objects, for
# `terraform query -generate-config-out=generated.tf`.
list "secgroup_alicloud_instance_association" "fleet" {
  provider         = secgroup
  include_resource = true
  limit            = 1000 # terraform stops at 100 results by default

  config {
    security_group_id = "sg-bp67acfmxazb4p0001"
    region            = "cn-hangzhou" # optional: the provider's alicloud.region
  }
}
