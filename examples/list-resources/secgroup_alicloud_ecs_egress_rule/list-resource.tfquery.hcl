# Every egress rule the secgroup_alicloud_ecs_egress_rule resource can manage
# in two ECS security groups, one describe per group:
#   terraform query -generate-config-out=generated.tf
# writes a resource block and an import block per rule; terraform apply imports them.
list "secgroup_alicloud_ecs_egress_rule" "web" {
  provider = secgroup
  limit    = 1000 # terraform's default is 100 results per list block

  config {
    security_group_ids = ["sg-bp67acfmxazb4p", "sg-bp1db0000000000"]
    region             = "cn-hangzhou" # optional: the provider's by default
  }
}
