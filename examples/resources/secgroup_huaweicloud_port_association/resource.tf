# Puts two groups on a port someone else owns (an ECS NIC, a load balancer
# port), next to the groups it already has. Destroy removes only these two.
resource "secgroup_huaweicloud_port_association" "example" {
  port_id = "99fd0c77-56b4-4bf6-8365-df352e45d5fc"
  security_group_ids = [
    "8edd3747-ccd4-49a1-82b9-a165eec314b4",
    "6c2d4540-3b7d-4207-a319-a7231b439995",
  ]
}

# With enforce, the port gets exactly this list: any other group is removed
# on apply, and a group added out of band shows as a difference.
resource "secgroup_huaweicloud_port_association" "locked_down" {
  port_id            = "0b6a6e0c-45e1-4a5e-9d55-3c9f1a2e7b10"
  security_group_ids = ["a0608cbf-d047-4f54-8b28-cd7b59853fff"]
  enforce            = true

  timeouts {
    create = "10m"
    update = "10m"
    delete = "10m"
  }
}
