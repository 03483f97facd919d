# The ID is <security_group_id>/<rule_id>, the rule ID being the
# SecurityGroupRuleId that DescribeSecurityGroupAttribute lists.
terraform import secgroup_alicloud_ecs_egress_rule.https sg-bp67acfmxazb4p/sgr-bp1fg655nh68xyz
