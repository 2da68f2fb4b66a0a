resource "aws_redshiftserverless_namespace" "warehouse" {
  namespace_name = var.name
  db_name        = var.database
  admin_username = var.admin_username
  # No password in Terraform state or variables: AWS creates it in Secrets Manager.
  manage_admin_password = true
  kms_key_id            = var.kms_key_arn
  iam_roles             = [var.copy_role_arn]
  default_iam_role_arn  = var.copy_role_arn
  log_exports           = ["userlog", "connectionlog", "useractivitylog"]
}

resource "aws_redshiftserverless_workgroup" "warehouse" {
  namespace_name       = aws_redshiftserverless_namespace.warehouse.namespace_name
  workgroup_name       = var.name
  base_capacity        = var.base_capacity
  publicly_accessible  = false
  enhanced_vpc_routing = true
  subnet_ids           = var.subnet_ids
  security_group_ids   = var.security_group_ids

  config_parameter {
    parameter_key   = "require_ssl"
    parameter_value = "true"
  }
}
