data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["redshift.amazonaws.com", "redshift-serverless.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "copy" {
  name                 = var.name
  description          = "Assumed by Redshift to COPY the processed zone of the tweetpipe lake"
  assume_role_policy   = data.aws_iam_policy_document.trust.json
  max_session_duration = 3600
}

# Least privilege: list the bucket only under the processed prefix, read only those objects,
# and decrypt only with the lake's key, only through S3.
data "aws_iam_policy_document" "copy" {
  statement {
    sid       = "ListProcessedZone"
    actions   = ["s3:ListBucket"]
    resources = [var.bucket_arn]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${var.processed_prefix}*"]
    }
  }
  statement {
    sid       = "LocateBucket"
    actions   = ["s3:GetBucketLocation"]
    resources = [var.bucket_arn]
  }
  statement {
    sid       = "ReadProcessedZone"
    actions   = ["s3:GetObject"]
    resources = ["${var.bucket_arn}/${var.processed_prefix}*"]
  }
  statement {
    sid       = "DecryptLakeObjects"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
    condition {
      test     = "StringLike"
      variable = "kms:ViaService"
      values   = ["s3.*.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "copy" {
  name   = "read-processed-zone"
  role   = aws_iam_role.copy.id
  policy = data.aws_iam_policy_document.copy.json
}
