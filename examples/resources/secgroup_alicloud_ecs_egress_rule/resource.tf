# HTTPS to the backends' CIDR block, added to a group this module does not own.
resource "secgroup_alicloud_ecs_egress_rule" "https" {
  security_group_id = "sg-bp67acfmxazb4p"
  ip_protocol       = "tcp"
  port_range        = "443/443"
  dest_cidr_ip      = "10.0.0.0/8"
  description       = "https to the backends" # changes in place
}

# Any protocol to the instances of another group.
resource "secgroup_alicloud_ecs_egress_rule" "to_db" {
  security_group_id = "sg-bp67acfmxazb4p"
  ip_protocol       = "all"
  dest_group_id     = "sg-bp1db0000000000"
}

# ICMPv6 to an IPv6 block, in another region than the provider's.
resource "secgroup_alicloud_ecs_egress_rule" "icmpv6" {
  security_group_id = "sg-uf6fg655nh68xyz"
  region            = "cn-shanghai"
  ip_protocol       = "icmpv6"
  ipv6_dest_cidr_ip = "2001:db8::/32"
  policy            = "drop"
  priority          = 50
}
