# Terraform >= 1.12, OpenTofu >= 1.12.
import {
  to = secgroup_tencentcloud_instance_association.web_1
  identity = {
    security_group_id = "sg-1a2b3c4d"
    instance_id       = "ins-5e6f7g8h"
  }
}
