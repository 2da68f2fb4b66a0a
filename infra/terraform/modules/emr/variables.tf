variable "name" {
  description = "Name of the EMR Serverless application."
  type        = string
}
variable "release_label" {
  description = "EMR Serverless release (Spark version)."
  type        = string
}
variable "idle_timeout_minutes" {
  description = "Stop after this many idle minutes."
  type        = number
}
variable "max_vcpu" {
  description = "Maximum vCPUs at once."
  type        = number
}
variable "bucket_arn" {
  description = "ARN of the lake bucket the jobs read and write."
  type        = string
}
variable "lake_prefix" {
  description = "Key prefix of the lake (empty or ends with /)."
  type        = string
}
variable "kms_key_arn" {
  description = "KMS key of the lake."
  type        = string
}
