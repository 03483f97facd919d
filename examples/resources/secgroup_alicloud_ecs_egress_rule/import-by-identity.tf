# Terraform >= 1.12, OpenTofu >= 1.12. rule_id is the SecurityGroupRuleId
# that DescribeSecurityGroupAttribute lists.
import {
  to = secgroup_alicloud_ecs_egress_rule.https
  identity = {
    security_group_id = "sg-bp67acfmxazb4p"
    rule_id           = "sgr-bp1fg655nh68xyz"
    # region = "cn-shanghai" # for a group outside the provider's region
  }
}
