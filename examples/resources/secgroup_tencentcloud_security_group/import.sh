# The ID is the security group's ID. force_delete is false after an import;
# set it in the configuration and apply to change it.
terraform import secgroup_tencentcloud_security_group.web sg-1a2b3c4d
