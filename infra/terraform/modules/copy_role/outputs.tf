output "role_arn" {
  description = "ARN of the role Redshift assumes for COPY (TWEETPIPE_REDSHIFT_IAM_ROLE)."
  value       = aws_iam_role.copy.arn
}
