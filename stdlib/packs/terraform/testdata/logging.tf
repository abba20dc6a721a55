# Logging, key rotation and instance metadata (pack tests).

resource "aws_cloudtrail" "main" {
  name           = "main"
  s3_bucket_name = aws_s3_bucket.data.id
}

resource "aws_s3_bucket" "data" {
  bucket = "acme-data"
}

resource "aws_s3_bucket" "app" {
  bucket = "acme-app"
}

resource "aws_s3_bucket_logging" "app" {
  bucket        = aws_s3_bucket.app.id
  target_bucket = aws_s3_bucket.data.id
  target_prefix = "app/"
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_vpc" "other" {
  cidr_block = "10.1.0.0/16"
}

resource "aws_flow_log" "other" {
  vpc_id          = aws_vpc.other.id
  traffic_type    = "ALL"
  log_destination = aws_s3_bucket.data.arn
}

resource "aws_kms_key" "a" {
  description = "no rotation"
}

resource "aws_kms_key" "b" {
  description         = "rotated"
  enable_key_rotation = true
}

resource "google_kms_crypto_key" "k" {
  name     = "k"
  key_ring = google_kms_key_ring.ring.id
}

resource "aws_instance" "web" {
  ami           = data.aws_ami.ubuntu.id
  instance_type = "t3.micro"
}

resource "aws_launch_template" "lt" {
  name_prefix = "lt"
  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "optional"
  }
}

resource "aws_instance" "api" {
  ami           = data.aws_ami.ubuntu.id
  instance_type = "t3.micro"
  metadata_options {
    http_tokens = "required"
  }
}
