variable "bucket_name" {
  description = "Name of the lake bucket."
  type        = string
}
variable "kms_key_arn" {
  description = "KMS key for default encryption."
  type        = string
}
variable "landing_prefix" {
  description = "Key prefix of the landing zone (ends with /)."
  type        = string
}
variable "landing_transition_days" {
  description = "Days before landing objects move to STANDARD_IA."
  type        = number
}
variable "landing_expiration_days" {
  description = "Days before landing objects expire; 0 keeps them."
  type        = number
}
variable "noncurrent_version_days" {
  description = "Days old object versions are kept."
  type        = number
}
