resource "aws_ecs_cluster" "my_cluster" {
  name = "my-cluster"
}
