# Adds the group "web" to the server, next to the groups it already has.
resource "secgroup_huaweicloud_server_association" "example" {
  server_id      = "2b6d7a3c-4f3e-4a8e-9d6b-3a1c2e5f7a90"
  security_group = "web" # a group ID or a name unique in the project
}

# One resource per group: each removes only its own group on destroy.
resource "secgroup_huaweicloud_server_association" "monitoring" {
  server_id      = "2b6d7a3c-4f3e-4a8e-9d6b-3a1c2e5f7a90"
  security_group = "6f1c2d3e-8a9b-4c5d-8e7f-0a1b2c3d4e5f"

  timeouts {
    create = "10m"
    delete = "10m"
  }
}
