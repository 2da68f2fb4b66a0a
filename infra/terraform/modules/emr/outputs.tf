output "application_id" {
  description = "EMR Serverless application ID."
  value       = aws_emrserverless_application.spark.id
}
output "job_role_arn" {
  description = "Runtime role for job runs."
  value       = aws_iam_role.job.arn
}
