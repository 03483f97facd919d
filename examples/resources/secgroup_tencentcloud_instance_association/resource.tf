# Binds the group "web" to one instance, next to the groups it already has.
resource "secgroup_tencentcloud_instance_association" "web_1" {
  security_group_id = secgroup_tencentcloud_security_group.web.id
  instance_id       = "ins-5e6f7g8h"
}

# One resource per group and instance: each unbinds only its own group.
resource "secgroup_tencentcloud_instance_association" "monitoring_1" {
  security_group_id = "sg-9k8j7h6g"
  instance_id       = "ins-5e6f7g8h"

  timeouts {
    create = "10m"
    delete = "10m"
  }
}
