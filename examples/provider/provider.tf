terraform {
  required_providers {
    secgroup = {
      source = "secgroup/secgroup"
    }
  }
}

# Configure only the clouds you use: a cloud without settings fails only the
# resources of that cloud. Every attribute can instead come from the
# environment variable named beside it, which keeps secrets out of the code.
provider "secgroup" {
  max_retries = 10

  huaweicloud {
    region     = "cn-north-4"            # or HW_REGION_NAME
    access_key = var.huaweicloud_ak      # or HW_ACCESS_KEY
    secret_key = var.huaweicloud_sk      # or HW_SECRET_KEY
    project_id = var.huaweicloud_project # or HW_PROJECT_ID; looked up in IAM when unset
  }

  alicloud {
    region     = "cn-hangzhou"   # or ALICLOUD_REGION
    access_key = var.alicloud_ak # or ALICLOUD_ACCESS_KEY
    secret_key = var.alicloud_sk # or ALICLOUD_SECRET_KEY
  }

  tencentcloud {
    region     = "ap-guangzhou"       # or TENCENTCLOUD_REGION
    secret_id  = var.tencentcloud_id  # or TENCENTCLOUD_SECRET_ID
    secret_key = var.tencentcloud_key # or TENCENTCLOUD_SECRET_KEY
  }
}

variable "huaweicloud_ak" {
  type    = string
  default = null
}

variable "huaweicloud_sk" {
  type      = string
  sensitive = true
  default   = null
}

variable "huaweicloud_project" {
  type    = string
  default = null
}

variable "alicloud_ak" {
  type    = string
  default = null
}

variable "alicloud_sk" {
  type      = string
  sensitive = true
  default   = null
}

variable "tencentcloud_id" {
  type    = string
  default = null
}

variable "tencentcloud_key" {
  type      = string
  sensitive = true
  default   = null
}
