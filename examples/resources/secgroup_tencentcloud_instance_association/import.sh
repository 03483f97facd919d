# The ID is <security_group_id>/<instance_id>.
terraform import secgroup_tencentcloud_instance_association.web_1 sg-1a2b3c4d/ins-5e6f7g8h
