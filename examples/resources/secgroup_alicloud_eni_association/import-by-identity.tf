# Terraform >= 1.12, OpenTofu >= 1.12.
import {
  to = secgroup_alicloud_eni_association.example
  identity = {
    security_group_id    = "sg-bp67acfmxazb4p0001"
    network_interface_id = "eni-bp13kd656hxambfe0000"
    # region = "cn-shanghai" # for an ENI outside the provider's region
  }
}
