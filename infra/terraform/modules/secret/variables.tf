variable "name" {
  description = "Name of the secret."
  type        = string
}
variable "kms_key_arn" {
  description = "KMS key that encrypts the secret."
  type        = string
}
variable "recovery_days" {
  description = "Recovery window after deletion."
  type        = number
}
