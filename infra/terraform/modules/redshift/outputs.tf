output "workgroup_name" {
  description = "Workgroup name (redshift-data://WORKGROUP/DB)."
  value       = aws_redshiftserverless_workgroup.warehouse.workgroup_name
}
output "admin_password_secret_arn" {
  description = "Secrets Manager secret AWS keeps the admin credentials in (TWEETPIPE_REDSHIFT_SECRET_ARN)."
  value       = aws_redshiftserverless_namespace.warehouse.admin_password_secret_arn
}
