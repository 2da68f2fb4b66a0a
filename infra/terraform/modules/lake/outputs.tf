output "bucket_arn" {
  description = "ARN of the lake bucket."
  value       = aws_s3_bucket.lake.arn
}
output "bucket_name" {
  description = "Name of the lake bucket."
  value       = aws_s3_bucket.lake.id
}
