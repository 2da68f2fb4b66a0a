output "secret_arn" {
  description = "ARN of the bearer-token secret."
  value       = aws_secretsmanager_secret.x_bearer_token.arn
}
