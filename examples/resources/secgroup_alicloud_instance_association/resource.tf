# Adds the instance to the group, next to the groups it already has.
resource "secgroup_alicloud_instance_association" "example" {
  instance_id       = "i-bp67acfmxazb4p0000"
  security_group_id = "sg-bp67acfmxazb4p0001"
}

# Replacing the instance's only group: the new membership is added before the
# old one is removed, so the instance is never left in no group.
resource "secgroup_alicloud_instance_association" "web" {
  instance_id       = "i-bp67acfmxazb4p0000"
  security_group_id = "sg-bp67acfmxazb4p0002"

  lifecycle {
    create_before_destroy = true
  }
}

# Torn down together with the instance: keep_last_group lets destroy finish
# when this is the instance's last group; the membership ends with the instance.
resource "secgroup_alicloud_instance_association" "teardown" {
  instance_id       = "i-bp67acfmxazb4p0003"
  security_group_id = "sg-bp67acfmxazb4p0002"
  keep_last_group   = true

  timeouts {
    create = "10m"
    delete = "10m" # destroy waits while the instance is Starting or Stopping
  }
}
