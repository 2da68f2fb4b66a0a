# Exactly the settings the tweetpipe CLI reads (see the README's Settings table), so that
#   terraform output -json settings | jq -r 'to_entries[] | "export \(.key)=\(.value)"'
# configures a shell for tweetpipe.

output "settings" {
  description = "TWEETPIPE_* settings for the CLI (lake, warehouse, Redshift role and secret, S3 encryption)."
  value = {
    TWEETPIPE_LAKE                = local.lake_uri
    TWEETPIPE_WAREHOUSE           = "redshift-data://${module.redshift.workgroup_name}/${var.redshift_database}"
    TWEETPIPE_REDSHIFT_IAM_ROLE   = module.copy_role.role_arn
    TWEETPIPE_REDSHIFT_SECRET_ARN = module.redshift.admin_password_secret_arn
    TWEETPIPE_S3_SSE              = "aws:kms"
    TWEETPIPE_S3_KMS_KEY_ID       = aws_kms_key.tweetpipe.arn
  }
}

output "x_bearer_token_secret_arn" {
  description = "Secrets Manager secret to put the X bearer token in (aws secretsmanager put-secret-value); Airflow reads it as a Connection."
  value       = module.secret.secret_arn
}

output "emr_application_id" {
  description = "EMR Serverless application for `tweetpipe process --engine spark --emr-application-id`."
  value       = module.emr.application_id
}

output "emr_job_role_arn" {
  description = "Runtime role of the Spark jobs (`--emr-role-arn`)."
  value       = module.emr.job_role_arn
}
