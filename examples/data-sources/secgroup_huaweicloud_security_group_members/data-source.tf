# Which servers and ports are in the web group?
data "secgroup_huaweicloud_security_group_members" "web" {
  security_group_id = "8edd3747-ccd4-49a1-82b9-a165eec314b4"
  # region = "cn-south-1" # for a group outside the provider's region
}

output "web_servers" {
  value = data.secgroup_huaweicloud_security_group_members.web.server_ids
}

output "web_ports" {
  value = data.secgroup_huaweicloud_security_group_members.web.port_ids
}
