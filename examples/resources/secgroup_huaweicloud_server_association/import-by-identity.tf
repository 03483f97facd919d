# Terraform >= 1.12, OpenTofu >= 1.12. security_group_id is the group's ID,
# also when the configuration names the group (security_group = "web").
import {
  to = secgroup_huaweicloud_server_association.example
  identity = {
    server_id         = "2b6d7a3c-4f3e-4a8e-9d6b-3a1c2e5f7a90"
    security_group_id = "0c3b1a2e-5d4f-4e6a-8b7c-9d0e1f2a3b4c"
    # region = "cn-south-1" # for a server outside the provider's region
  }
}
