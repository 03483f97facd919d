# The ID is the rule's tuple:
# <security_group_id>:<ip_protocol>:<port_range>:<dest_cidr_ip>:<policy>:<priority>[:<source_port_range>]
terraform import secgroup_alicloud_ens_egress_rule.https sg-5p1fg655nh68xyz:tcp:443/443:10.0.0.0/8:accept:1
