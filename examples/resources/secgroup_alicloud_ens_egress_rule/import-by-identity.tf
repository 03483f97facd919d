# Terraform >= 1.12, OpenTofu >= 1.12. The rule's tuple, as in the
# configuration; source_port_range only when the configuration sets it.
import {
  to = secgroup_alicloud_ens_egress_rule.https
  identity = {
    security_group_id = "sg-5p1fg655nh68xyz"
    ip_protocol       = "tcp"
    port_range        = "443/443"
    dest_cidr_ip      = "10.0.0.0/8"
    policy            = "accept"
    priority          = 1
  }
}
