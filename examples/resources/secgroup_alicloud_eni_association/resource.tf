# Adds the elastic network interface to the group. LeaveSecurityGroup needs
# the ENI's region: it defaults to the provider's alicloud.region.
resource "secgroup_alicloud_eni_association" "example" {
  network_interface_id = "eni-bp13kd656hxambfe0000"
  security_group_id    = "sg-bp67acfmxazb4p0001"
  region               = "cn-hangzhou"
}
