# The ID is the port's ID. Import adopts every group the port lists at that
# time as this resource's own: the next apply removes those the configuration
# does not list, and destroy removes the rest.
terraform import secgroup_huaweicloud_port_association.example 99fd0c77-56b4-4bf6-8365-df352e45d5fc
