# Every egress rule of two ENS security groups, one describe per group:
#   terraform query -generate-config-out=generated.tf
# writes a resource block and an import block per rule; terraform apply imports them.
list "secgroup_alicloud_ens_egress_rule" "web" {
  provider = secgroup

  config {
    security_group_ids = ["sg-5p1fg655nh68xyz", "sg-5p1fg655nh68abc"]
  }
}
