# The security groups of the provider's region whose name contains "web" and
# that carry the tag team = web:
#   terraform query -generate-config-out=generated.tf
# writes a resource block and an import block per group; terraform apply imports them.
list "secgroup_tencentcloud_security_group" "web" {
  provider         = secgroup
  include_resource = true

  config {
    name = "web"
    tags = { team = "web" }
    # security_group_ids = ["sg-1a2b3c4d"] # or pick groups; with no argument, every group is listed
  }
}
