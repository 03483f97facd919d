# A group that destroy may delete even while CVM instances still use it:
# the provider unbinds them first (each keeps its other groups).
resource "secgroup_tencentcloud_security_group" "web" {
  name         = "web"
  description  = "HTTP and HTTPS from anywhere"
  force_delete = true

  tags = {
    team = "frontend"
  }

  timeouts {
    delete = "20m"
  }
}

# Without force_delete (the default), destroying a group that instances still
# use fails at once, naming how many and which.
resource "secgroup_tencentcloud_security_group" "db" {
  name       = "db"
  project_id = 1001
}
