variable "env" {}
variable "identifier" {}
variable "datadog-extra-config" {}
variable "ecs-cluster-id" {}
