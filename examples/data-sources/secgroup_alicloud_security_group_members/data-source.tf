# Which instances and ENIs are in the group, sorted.
data "secgroup_alicloud_security_group_members" "web" {
  security_group_id = "sg-bp67acfmxazb4p0001"
}

# Add every instance of the web group to the monitoring group too.
resource "secgroup_alicloud_instance_association" "monitoring" {
  for_each          = toset(data.secgroup_alicloud_security_group_members.web.instance_ids)
  instance_id       = each.value
  security_group_id = "sg-bp67acfmxazb4p0002"
}

output "web_enis" {
  value = data.secgroup_alicloud_security_group_members.web.network_interface_ids
}
