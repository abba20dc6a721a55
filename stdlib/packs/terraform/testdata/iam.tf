# IAM policies written the three usual ways (pack tests).

resource "aws_iam_policy" "admin" {
  name = "break-glass"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "*"
        Resource = "*"
      },
    ]
  })
}

data "aws_iam_policy_document" "deploy" {
  statement {
    sid       = "Everything"
    actions   = ["*"]
    resources = ["arn:aws:s3:::artifacts/*"]
  }

  statement {
    effect    = "Deny"
    actions   = ["*"]
    resources = ["*"]
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_iam_role_policy" "ci" {
  role   = aws_iam_role.ci.id
  policy = <<-EOF
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Action": ["iam:PassRole", "ec2:RunInstances"],
          "Resource": "*"
        }
      ]
    }
  EOF
}

resource "aws_iam_policy" "from_document" {
  policy = data.aws_iam_policy_document.deploy.json
}

resource "aws_s3_bucket_policy" "site" {
  bucket = aws_s3_bucket.site.id
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "s3:GetObject"
      Resource  = "${aws_s3_bucket.site.arn}/*"
    }]
  })
}
