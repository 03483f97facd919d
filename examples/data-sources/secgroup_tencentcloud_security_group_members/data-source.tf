# The CVM instances bound to a security group, sorted.
data "secgroup_tencentcloud_security_group_members" "web" {
  security_group_id = "sg-1a2b3c4d"
}

output "web_instances" {
  value = data.secgroup_tencentcloud_security_group_members.web.instance_ids
}
