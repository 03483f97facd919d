# Every port holding the web group, one result per port with all its groups.
list "secgroup_huaweicloud_port_association" "web" {
  provider         = secgroup
  include_resource = true

  config {
    security_group_id = "8edd3747-ccd4-49a1-82b9-a165eec314b4"
  }
}

# Or given ports (exactly one of port_ids and security_group_id).
list "secgroup_huaweicloud_port_association" "nics" {
  provider = secgroup

  config {
    port_ids = ["99fd0c77-56b4-4bf6-8365-df352e45d5fc"]
  }
}
