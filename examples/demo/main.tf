# The demo: memberships on emulated Huawei Cloud servers and a port, an Alibaba
# Cloud instance and ENI, three Alibaba Cloud egress rules added to groups that
# already have rules of their own, and a Tencent Cloud group force-deleted while
# still bound to instances. make demo (or
# examples/demo/demo.sh) starts the emulator with fixtures.json and passes its
# URL; the credentials below exist only in those fixtures.

terraform {
  required_providers {
    secgroup = {
      source = "secgroup/secgroup"
    }
  }
}

variable "emulator_url" {
  type        = string
  description = "Base URL of the local emulator, e.g. http://127.0.0.1:40123."
}

provider "secgroup" {
  huaweicloud {
    region     = "cn-north-4"
    access_key = "DEMOHWACCESSKEY00000"
    secret_key = "demo-secret-key-not-a-real-one"
    # No project_id: the provider looks up the region's project in IAM.
    endpoints = {
      ecs = var.emulator_url
      vpc = var.emulator_url
      iam = var.emulator_url
    }
  }
  alicloud {
    region     = "cn-hangzhou"
    access_key = "DEMOALIACCESSKEY0000"
    secret_key = "demo-ali-secret-not-a-real-one"
    endpoints = {
      ecs = var.emulator_url
      ens = var.emulator_url
    }
  }
  tencentcloud {
    region     = "ap-guangzhou"
    secret_id  = "AKIDDEMO000000000000000000000001"
    secret_key = "demo-tencent-key-not-a-real-one"
    endpoints = {
      vpc = var.emulator_url
      cvm = var.emulator_url
      tag = var.emulator_url
    }
  }
}

locals {
  web_01 = "3f8a2c61-9b4d-4e7f-8a1b-2c3d4e5f6a10"
  db_01  = "c65d4b3a-2e1f-4a0b-9c8d-7e6f5a4b3c20"
}

# By name: the API resolves it within the project.
resource "secgroup_huaweicloud_server_association" "web_01_web" {
  server_id      = local.web_01
  security_group = "web"
}

# By ID, and the same group on both servers.
resource "secgroup_huaweicloud_server_association" "web_01_monitoring" {
  server_id      = local.web_01
  security_group = "a41d6e83-2b7c-4f9e-a0d1-3c4e5f6a7b03"
}

resource "secgroup_huaweicloud_server_association" "db_01_monitoring" {
  server_id      = local.db_01
  security_group = "a41d6e83-2b7c-4f9e-a0d1-3c4e5f6a7b03"
}

# A load balancer's port owned by another team: insert two groups next to
# its ssh-admin group, which stays (VPC v3 insert/remove, never a full-list update).
resource "secgroup_huaweicloud_port_association" "lb_01_vip" {
  port_id = "2a7e4c91-6b3d-4f8e-a5c2-9d1e0f3b4a31"
  security_group_ids = [
    "7c2e9d14-5a6b-4c3d-8e2f-9a0b1c2d3e02", # web
    "a41d6e83-2b7c-4f9e-a0d1-3c4e5f6a7b03", # monitoring
  ]
}

output "lb_01_vip_groups" {
  value = secgroup_huaweicloud_port_association.lb_01_vip.all_security_group_ids
}

# Alibaba Cloud: an ECS instance and one of its ENIs join the "web" group.
resource "secgroup_alicloud_instance_association" "ali_web_01_web" {
  instance_id       = "i-demoweb01"
  security_group_id = "sg-demoweb0002"
}

resource "secgroup_alicloud_eni_association" "ali_web_01_eth1_web" {
  network_interface_id = "eni-demoweb01eth1"
  security_group_id    = "sg-demoweb0002"
}

output "memberships" {
  value = {
    for k, a in {
      web_01_web        = secgroup_huaweicloud_server_association.web_01_web
      web_01_monitoring = secgroup_huaweicloud_server_association.web_01_monitoring
      db_01_monitoring  = secgroup_huaweicloud_server_association.db_01_monitoring
    } : k => "${a.server_id} in ${a.security_group_name} (${a.security_group_id})"
  }
}

output "alicloud_memberships" {
  value = {
    instance = secgroup_alicloud_instance_association.ali_web_01_web.id
    eni      = secgroup_alicloud_eni_association.ali_web_01_eth1_web.id
  }
}

# Tencent Cloud: an existing group still bound to four CVM instances, adopted
# with an import block. force_delete = true makes `terraform destroy` unbind
# the instances (each keeps its other groups), then delete the group, which
# API 3.0's DeleteSecurityGroup alone refuses.
import {
  to = secgroup_tencentcloud_security_group.legacy_web
  id = "sg-legacy01"
}

resource "secgroup_tencentcloud_security_group" "legacy_web" {
  name         = "legacy-web"
  description  = "Old web tier, to be retired"
  force_delete = true
}

# Outbound rules, each its own resource: destroy revokes exactly these and
# leaves the group's other rules (the bastion rule in "web") alone.
resource "secgroup_alicloud_ecs_egress_rule" "web_https" {
  security_group_id = "sg-bp1demoweb000001"
  ip_protocol       = "tcp"
  port_range        = "443/443"
  dest_cidr_ip      = "10.0.0.0/8"
  description       = "https to the backends"
}

resource "secgroup_alicloud_ecs_egress_rule" "web_dns" {
  security_group_id = "sg-bp1demoweb000001"
  ip_protocol       = "udp"
  port_range        = "53/53"
  dest_cidr_ip      = "100.100.2.136"
}

resource "secgroup_alicloud_ens_egress_rule" "edge_deny" {
  security_group_id = "sg-5pdemoedge000001"
  ip_protocol       = "all"
  dest_cidr_ip      = "192.168.0.0/16"
  policy            = "drop"
  priority          = 100
}

output "egress_rules" {
  value = [
    secgroup_alicloud_ecs_egress_rule.web_https.id,
    secgroup_alicloud_ecs_egress_rule.web_dns.id,
    secgroup_alicloud_ens_egress_rule.edge_deny.id,
  ]
}
