# Terraform >= 1.12, OpenTofu >= 1.12.
import {
  to = secgroup_alicloud_instance_association.example
  identity = {
    security_group_id = "sg-bp67acfmxazb4p0001"
    instance_id       = "i-bp67acfmxazb4p0000"
    # region = "cn-shanghai" # for an instance outside the provider's region
  }
}
