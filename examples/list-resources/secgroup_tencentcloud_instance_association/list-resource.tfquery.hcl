# Every CVM instance bound to a security group, one result per (instance,
# group), through the group's listing (one DescribeInstances per 100 instances):
#   terraform query -generate-config-out=generated.tf
# writes a resource block and an import block per binding; terraform apply imports them.
list "secgroup_tencentcloud_instance_association" "web" {
  provider         = secgroup
  include_resource = true
  limit            = 1000 # terraform's default is 100 results per list block

  config {
    security_group_id = "sg-1a2b3c4d"
    # instance_ids = ["ins-5e6f7g8h"] # or: every group of these instances (exactly one of the two)
  }
}
