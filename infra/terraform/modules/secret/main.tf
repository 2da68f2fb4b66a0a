# The secret is created empty: its value (the X bearer token) never passes through Terraform or
# its state. Set it with `aws secretsmanager put-secret-value --secret-id … --secret-string …`.
resource "aws_secretsmanager_secret" "x_bearer_token" {
  name                    = var.name
  description             = "X API v2 app-only bearer token for tweetpipe"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.recovery_days
}
