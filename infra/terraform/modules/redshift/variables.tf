variable "name" {
  description = "Name of the namespace and the workgroup."
  type        = string
}
variable "database" {
  description = "Database to create."
  type        = string
}
variable "admin_username" {
  description = "Admin user; AWS generates and rotates its password in Secrets Manager."
  type        = string
}
variable "base_capacity" {
  description = "Base RPUs."
  type        = number
}
variable "subnet_ids" {
  description = "Private subnets of the workgroup."
  type        = list(string)
}
variable "security_group_ids" {
  description = "Security groups of the workgroup."
  type        = list(string)
}
variable "kms_key_arn" {
  description = "KMS key that encrypts the namespace."
  type        = string
}
variable "copy_role_arn" {
  description = "Role Redshift assumes to COPY from the lake."
  type        = string
}
