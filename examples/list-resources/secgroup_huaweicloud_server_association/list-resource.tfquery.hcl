# Every security group of these servers, one result per (server, group):
#   terraform query -generate-config-out=generated.tf
# writes a resource and an import block for each.
list "secgroup_huaweicloud_server_association" "web" {
  provider         = secgroup
  include_resource = true

  config {
    server_ids = [
      "2b6d7a3c-4f3e-4a8e-9d6b-3a1c2e5f7a90",
      "7c1e9f40-8a2b-4d3c-9e5f-1a2b3c4d5e6f",
    ]
    # region = "cn-south-1" # for servers outside the provider's region
  }
}
