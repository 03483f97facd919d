# Terraform >= 1.12, OpenTofu >= 1.12.
import {
  to = secgroup_tencentcloud_security_group.web
  identity = {
    security_group_id = "sg-1a2b3c4d"
  }
}
