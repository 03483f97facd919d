# HTTPS from an edge group to the backends, added to a group this module does
# not own. Destroy revokes exactly this rule.
resource "secgroup_alicloud_ens_egress_rule" "https" {
  security_group_id = "sg-5p1fg655nh68xyz"
  ip_protocol       = "tcp"
  port_range        = "443/443"
  dest_cidr_ip      = "10.0.0.0/8"
  description       = "https to the backends"
}

# Deny everything else, at a lower priority (a higher number).
resource "secgroup_alicloud_ens_egress_rule" "deny_rest" {
  security_group_id = "sg-5p1fg655nh68xyz"
  ip_protocol       = "all" # port_range defaults to -1/-1
  dest_cidr_ip      = "0.0.0.0/0"
  policy            = "drop"
  priority          = 100

  timeouts {
    create = "10m"
    delete = "10m"
  }
}
