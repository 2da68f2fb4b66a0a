variable "region" {
  description = "AWS region for every resource (e.g. eu-west-1)."
  type        = string
  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-\\d$", var.region))
    error_message = "region must look like eu-west-1."
  }
}

variable "name" {
  description = "Prefix of every resource name; lower-case letters, digits and hyphens."
  type        = string
  default     = "tweetpipe"
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name))
    error_message = "name must be 3-32 lower-case letters, digits or hyphens, starting with a letter."
  }
}

variable "lake_bucket_name" {
  description = "Globally unique name of the lake bucket (S3 naming rules)."
  type        = string
  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.lake_bucket_name)) && !can(regex("\\.\\.", var.lake_bucket_name))
    error_message = "lake_bucket_name must be 3-63 lower-case letters, digits, dots or hyphens."
  }
}

variable "lake_prefix" {
  description = "Prefix of the lake inside the bucket, without slashes at either end (empty for the bucket root)."
  type        = string
  default     = "tweetpipe"
  validation {
    condition     = var.lake_prefix == "" || can(regex("^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$", var.lake_prefix))
    error_message = "lake_prefix must be empty or path segments without leading or trailing slashes."
  }
}

variable "landing_transition_days" {
  description = "Days after which landing objects move to STANDARD_IA (raw responses are read rarely once processed)."
  type        = number
  default     = 30
  validation {
    condition     = var.landing_transition_days >= 30
    error_message = "S3 requires at least 30 days before a transition to STANDARD_IA."
  }
}

variable "landing_expiration_days" {
  description = "Days after which landing objects expire; 0 keeps them forever."
  type        = number
  default     = 0
  validation {
    condition     = var.landing_expiration_days == 0 || var.landing_expiration_days > 30
    error_message = "landing_expiration_days must be 0 (keep) or more than the 30-day transition."
  }
}

variable "noncurrent_version_days" {
  description = "Days a replaced or deleted object version is kept (versioning protects against mistakes)."
  type        = number
  default     = 30
  validation {
    condition     = var.noncurrent_version_days >= 1
    error_message = "noncurrent_version_days must be at least 1."
  }
}

variable "redshift_database" {
  description = "Database created in the Redshift Serverless namespace."
  type        = string
  default     = "tweetpipe"
  validation {
    condition     = can(regex("^[a-z_][a-z0-9_]{0,63}$", var.redshift_database))
    error_message = "redshift_database must be a lower-case identifier."
  }
}

variable "redshift_admin_username" {
  description = "Admin user of the namespace; its password is generated and kept by AWS in Secrets Manager."
  type        = string
  default     = "tweetpipe_admin"
  validation {
    condition     = can(regex("^[a-z_][a-z0-9_]{0,126}$", var.redshift_admin_username)) && var.redshift_admin_username != "admin"
    error_message = "redshift_admin_username must be a lower-case identifier other than the reserved 'admin'."
  }
}

variable "redshift_base_capacity" {
  description = "Base capacity of the workgroup in Redshift Processing Units (8-512, steps of 8)."
  type        = number
  default     = 8
  validation {
    condition     = var.redshift_base_capacity >= 8 && var.redshift_base_capacity <= 512 && var.redshift_base_capacity % 8 == 0
    error_message = "redshift_base_capacity must be a multiple of 8 between 8 and 512."
  }
}

variable "subnet_ids" {
  description = "Private subnets (at least three, in different Availability Zones) for the Redshift workgroup."
  type        = list(string)
  validation {
    condition     = length(var.subnet_ids) >= 3 && alltrue([for s in var.subnet_ids : can(regex("^subnet-[0-9a-f]+$", s))])
    error_message = "subnet_ids must list at least three subnet IDs (subnet-…)."
  }
}

variable "security_group_ids" {
  description = "Security groups of the Redshift workgroup (allow 5439 only from where tweetpipe runs)."
  type        = list(string)
  validation {
    condition     = length(var.security_group_ids) >= 1 && alltrue([for s in var.security_group_ids : can(regex("^sg-[0-9a-f]+$", s))])
    error_message = "security_group_ids must list at least one security group ID (sg-…)."
  }
}

variable "emr_release_label" {
  description = "EMR Serverless release for the Spark engine; emr-spark-8.0.0 runs Spark 4.0.2, matching the pinned pyspark 4.0."
  type        = string
  default     = "emr-spark-8.0.0"
  validation {
    condition     = can(regex("^emr-(spark-)?\\d+\\.\\d+\\.\\d+$", var.emr_release_label))
    error_message = "emr_release_label must look like emr-spark-8.0.0 or emr-7.8.0."
  }
}

variable "emr_idle_timeout_minutes" {
  description = "Minutes of idleness after which the EMR Serverless application stops (no cost while stopped)."
  type        = number
  default     = 15
  validation {
    condition     = var.emr_idle_timeout_minutes >= 1 && var.emr_idle_timeout_minutes <= 10080
    error_message = "emr_idle_timeout_minutes must be between 1 and 10080."
  }
}

variable "emr_max_vcpu" {
  description = "Upper bound of vCPUs the EMR Serverless application may use at once (a cost ceiling)."
  type        = number
  default     = 32
  validation {
    condition     = var.emr_max_vcpu >= 4
    error_message = "emr_max_vcpu must be at least 4."
  }
}

variable "secret_recovery_days" {
  description = "Days a deleted bearer-token secret can still be restored (7-30)."
  type        = number
  default     = 7
  validation {
    condition     = var.secret_recovery_days >= 7 && var.secret_recovery_days <= 30
    error_message = "secret_recovery_days must be between 7 and 30."
  }
}

variable "tags" {
  description = "Extra tags for every resource."
  type        = map(string)
  default     = {}
}
