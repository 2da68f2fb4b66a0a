locals {
  lake_root      = var.lake_prefix == "" ? "" : "${var.lake_prefix}/"
  lake_uri       = var.lake_prefix == "" ? "s3://${var.lake_bucket_name}" : "s3://${var.lake_bucket_name}/${var.lake_prefix}"
  processed_path = "${local.lake_root}processed/"
}

# One customer-managed key for the lake, the warehouse, the Spark jobs and the token secret.
resource "aws_kms_key" "tweetpipe" {
  description             = "${var.name}: encrypts the lake, the warehouse and the X bearer token"
  enable_key_rotation     = true
  deletion_window_in_days = 30
}

resource "aws_kms_alias" "tweetpipe" {
  name          = "alias/${var.name}"
  target_key_id = aws_kms_key.tweetpipe.key_id
}

module "lake" {
  source                  = "./modules/lake"
  bucket_name             = var.lake_bucket_name
  kms_key_arn             = aws_kms_key.tweetpipe.arn
  landing_prefix          = "${local.lake_root}landing/"
  landing_transition_days = var.landing_transition_days
  landing_expiration_days = var.landing_expiration_days
  noncurrent_version_days = var.noncurrent_version_days
}

module "copy_role" {
  source           = "./modules/copy_role"
  name             = "${var.name}-redshift-copy"
  bucket_arn       = module.lake.bucket_arn
  processed_prefix = local.processed_path
  kms_key_arn      = aws_kms_key.tweetpipe.arn
}

module "redshift" {
  source             = "./modules/redshift"
  name               = var.name
  database           = var.redshift_database
  admin_username     = var.redshift_admin_username
  base_capacity      = var.redshift_base_capacity
  subnet_ids         = var.subnet_ids
  security_group_ids = var.security_group_ids
  kms_key_arn        = aws_kms_key.tweetpipe.arn
  copy_role_arn      = module.copy_role.role_arn
}

module "emr" {
  source               = "./modules/emr"
  name                 = "${var.name}-spark"
  release_label        = var.emr_release_label
  idle_timeout_minutes = var.emr_idle_timeout_minutes
  max_vcpu             = var.emr_max_vcpu
  bucket_arn           = module.lake.bucket_arn
  lake_prefix          = local.lake_root
  kms_key_arn          = aws_kms_key.tweetpipe.arn
}

module "secret" {
  source        = "./modules/secret"
  name          = "${var.name}/x-bearer-token"
  kms_key_arn   = aws_kms_key.tweetpipe.arn
  recovery_days = var.secret_recovery_days
}
