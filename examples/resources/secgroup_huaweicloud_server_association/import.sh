# The ID is <server_id>/<security_group>, with the group written as in the
# configuration (its ID or its name).
terraform import secgroup_huaweicloud_server_association.example 2b6d7a3c-4f3e-4a8e-9d6b-3a1c2e5f7a90/web
