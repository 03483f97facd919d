# Terraform >= 1.12, OpenTofu >= 1.12.
import {
  to = secgroup_huaweicloud_port_association.example
  identity = {
    port_id = "99fd0c77-56b4-4bf6-8365-df352e45d5fc"
    # region = "cn-south-1" # for a port outside the provider's region
  }
}
