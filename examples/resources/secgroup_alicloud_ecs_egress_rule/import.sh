# The ID is <security_group_id>/<rule_id>, the rule ID being the
# SecurityGroupRuleId that DescribeSecurityGroupAttribute lists, or
# <region>/<security_group_id>/<rule_id> for a group outside the provider's region.
terraform import secgroup_alicloud_ecs_egress_rule.https sg-bp67acfmxazb4p/sgr-bp1fg655nh68xyz
terraform import secgroup_alicloud_ecs_egress_rule.https cn-shanghai/sg-uf67acfmxazb4p/sgr-uf1fg655nh68xyz
