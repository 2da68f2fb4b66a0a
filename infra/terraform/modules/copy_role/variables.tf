variable "name" {
  description = "Name of the role."
  type        = string
}
variable "bucket_arn" {
  description = "ARN of the lake bucket."
  type        = string
}
variable "processed_prefix" {
  description = "Key prefix of the processed zone (ends with /): the only objects Redshift may read."
  type        = string
}
variable "kms_key_arn" {
  description = "KMS key the lake is encrypted with."
  type        = string
}
