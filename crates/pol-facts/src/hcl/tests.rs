//! Tests of the Terraform configuration loader: the fact shape, positions, unknown
//! expressions, `.tf.json`, errors and limits.

use crate::{Document, Format, LineCol, LoadLimits, NodeId, load, load_with};

fn facts(text: &str) -> Document {
    let docs = load(text, Format::Hcl, Some("main.tf"));
    match docs {
        Ok(mut docs) if docs.len() == 1 => docs.remove(0),
        other => unreachable!("one document expected: {other:?}"),
    }
}

/// The node at a path of keys and indexes (`"resources.0.values.acl"`).
fn at(doc: &Document, path: &str) -> NodeId {
    let mut id = doc.root();
    for part in path.split('.') {
        id = match part.parse::<usize>() {
            Ok(i) => doc.list_get(id, i),
            Err(_) => doc.object_get_str(id, part),
        }
        .unwrap_or_else(|| unreachable!("no `{part}` in `{path}`"));
    }
    id
}

fn json(doc: &Document, path: &str) -> String {
    doc.to_json(at(doc, path)).to_string()
}

/// JSON text as `to_json` writes it (keys sorted).
fn norm(text: &str) -> String {
    serde_json::from_str::<serde_json::Value>(text)
        .map(|v| v.to_string())
        .unwrap_or_else(|e| unreachable!("{text}: {e}"))
}

fn pos(doc: &Document, path: &str) -> (u32, u32) {
    let LineCol { line, column } = doc
        .position(at(doc, path))
        .unwrap_or(LineCol { line: 0, column: 0 });
    (line, column)
}

const MAIN: &str = r#"terraform {
  required_version = ">= 1.5"
}

provider "aws" {
  region = var.region
}

variable "region" {
  type    = string
  default = "eu-west-1"
}

locals {
  name = "acme-${var.env}"
  tags = { team = "data", "cost-center" = 42 }
}

resource "aws_s3_bucket" "data" {
  bucket = local.name
  acl    = "public-read" # pol: ignore[TF001]
}

resource "aws_security_group" "web" {
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = [aws_vpc.main.cidr_block]
  }
}

data "aws_iam_policy_document" "admin" {
  statement {
    actions   = ["*"]
    resources = ["*"]
  }
}

resource "aws_iam_policy" "p" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "*" }] })
}

module "vpc" {
  source = "terraform-aws-modules/vpc/aws"
  cidr   = var.enabled ? "10.0.0.0/16" : null
}

output "bucket" {
  value = aws_s3_bucket.data.id
}

moved {
  from = aws_s3_bucket.old
  to   = aws_s3_bucket.data
}
"#;

#[test]
fn blocks_become_lists_of_entries_with_addresses() {
    let doc = facts(MAIN);
    assert_eq!(
        json(&doc, "resources.0"),
        norm(
            r#"{"address":"aws_s3_bucket.data","mode":"managed","type":"aws_s3_bucket","name":"data","values":{"bucket":{"$expr":"local.name"},"acl":"public-read"}}"#
        )
    );
    assert_eq!(
        json(&doc, "resources.2.address"),
        norm(r#""data.aws_iam_policy_document.admin""#)
    );
    assert_eq!(json(&doc, "resources.2.mode"), norm(r#""data""#));
    assert_eq!(json(&doc, "modules.0.address"), norm(r#""module.vpc""#));
    assert_eq!(
        json(&doc, "variables.0.values.default"),
        norm(r#""eu-west-1""#)
    );
    assert_eq!(
        json(&doc, "variables.0.values.type"),
        norm(r#"{"$expr":"string"}"#)
    );
    assert_eq!(json(&doc, "providers.0.name"), norm(r#""aws""#));
    assert_eq!(
        json(&doc, "terraform.0.required_version"),
        norm(r#"">= 1.5""#)
    );
    assert_eq!(
        json(&doc, "outputs.0.values.value"),
        norm(r#"{"$expr":"aws_s3_bucket.data.id"}"#)
    );
    assert_eq!(
        json(&doc, "blocks.0"),
        norm(
            r#"{"type":"moved","labels":[],"values":{"from":{"$expr":"aws_s3_bucket.old"},"to":{"$expr":"aws_s3_bucket.data"}}}"#
        )
    );
}

#[test]
fn nested_blocks_are_lists_by_type_and_unknowns_stay_expressions() {
    let doc = facts(MAIN);
    assert_eq!(
        json(&doc, "resources.1.values.ingress.0.cidr_blocks"),
        norm(r#"["0.0.0.0/0"]"#)
    );
    assert_eq!(
        json(&doc, "resources.1.values.ingress.1.cidr_blocks"),
        norm(r#"[{"$expr":"aws_vpc.main.cidr_block"}]"#)
    );
    assert_eq!(
        json(&doc, "resources.2.values.statement.0.actions"),
        norm(r#"["*"]"#)
    );
    assert_eq!(
        json(&doc, "locals.name"),
        norm(r#"{"$expr":"\"acme-${var.env}\""}"#)
    );
    assert_eq!(
        json(&doc, "locals.tags"),
        norm(r#"{"team":"data","cost-center":42}"#)
    );
    assert_eq!(
        json(&doc, "modules.0.values.cidr"),
        norm(r#"{"$expr":"var.enabled ? \"10.0.0.0/16\" : null"}"#)
    );
    // A function call keeps its name and its arguments, read as values.
    assert_eq!(
        json(&doc, "resources.3.values.policy.$call"),
        norm(r#""jsonencode""#)
    );
    assert_eq!(
        json(&doc, "resources.3.values.policy.$args.0.Statement.0.Action"),
        norm(r#""*""#)
    );
}

#[test]
fn positions_are_those_of_the_values() {
    let doc = facts(MAIN);
    assert_eq!(pos(&doc, "resources.0"), (19, 1));
    assert_eq!(pos(&doc, "resources.0.values.acl"), (21, 12));
    assert_eq!(pos(&doc, "resources.1.values.ingress.1"), (31, 3));
    assert_eq!(
        pos(&doc, "resources.1.values.ingress.0.from_port"),
        (26, 19)
    );
    assert_eq!(
        doc.comment(at(&doc, "resources.0.values.acl")),
        Some("pol: ignore[TF001]")
    );
}

#[test]
fn heredocs_and_literal_templates_are_strings() {
    let doc = facts(
        "locals {\n  a = <<-EOT\n    {\"Action\": \"*\"}\n    EOT\n  b = \"x\"\n  c = <<EOT\n${x}\nEOT\n}\n",
    );
    assert_eq!(json(&doc, "locals.a"), norm(r#""{\"Action\": \"*\"}\n""#));
    assert_eq!(json(&doc, "locals.b"), norm(r#""x""#));
    assert!(json(&doc, "locals.c.$expr").starts_with("\"<<EOT"));
}

#[test]
fn an_empty_file_has_empty_lists() {
    let doc = facts("# nothing\n");
    assert_eq!(
        doc.to_json(doc.root()).to_string(),
        norm(
            r#"{"resources":[],"modules":[],"variables":[],"outputs":[],"providers":[],"locals":{},"terraform":[],"blocks":[]}"#
        )
    );
}

#[test]
fn malformed_hcl_is_an_error_with_its_line_and_column() {
    let cases = [
        (
            "resource \"a\" \"b\" {\n  x = \n}\n",
            "main.tf:2:7: invalid HCL: invalid expression",
        ),
        (
            "resource \"a\" {\n  x = [1, 2\n}\n",
            "main.tf:3:1: invalid HCL",
        ),
        (
            "x = 1\n",
            "main.tf:1:1: unexpected attribute `x` at the top level",
        ),
        (
            "resource \"a\" \"b\" {\n  x = 1\n  x = 2\n}\n",
            "main.tf:3:3: invalid HCL: invalid attribute; expected unique attribute key",
        ),
    ];
    for (text, want) in cases {
        let err = load(text, Format::Hcl, Some("main.tf")).err();
        let got = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(got.starts_with(want), "{text:?}: {got}");
    }
}

#[test]
fn limits_hold() {
    let limits = LoadLimits {
        max_depth: 4,
        ..LoadLimits::default()
    };
    let deep = "resource \"a\" \"b\" {\n  x = [[[1]]]\n}\n";
    let err = load_with(deep, Format::Hcl, None, &limits).err();
    assert_eq!(err.and_then(|e| e.limit), Some(crate::Limit::Depth));
    let limits = LoadLimits {
        max_nodes: 10,
        ..LoadLimits::default()
    };
    let err = load_with(MAIN, Format::Hcl, None, &limits).err();
    assert_eq!(err.and_then(|e| e.limit), Some(crate::Limit::Nodes));
    // Nesting past the parser's own limit is an error, not a stack overflow.
    let text = format!(
        "locals {{\n  a = {}1{}\n}}\n",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    assert!(load(&text, Format::Hcl, None).is_err());
}

#[test]
fn terraform_json_syntax_has_the_same_shape() {
    let text = r#"{
  "//": "generated",
  "resource": {
    "aws_s3_bucket": {"data": {"bucket": "${local.name}", "acl": "public-read", "note": "$${literal}"}},
    "aws_security_group": {"web": {"ingress": [{"from_port": 22, "cidr_blocks": ["0.0.0.0/0"]}]}}
  },
  "data": {"aws_caller_identity": {"me": {}}},
  "module": {"vpc": {"source": "./vpc"}},
  "provider": {"aws": [{"region": "eu-west-1"}, {"alias": "us", "region": "us-east-1"}]},
  "locals": {"env": "prod"},
  "terraform": {"required_version": ">= 1.5"}
}"#;
    let doc = facts(text);
    assert_eq!(
        json(&doc, "resources.0"),
        norm(
            r#"{"address":"aws_s3_bucket.data","mode":"managed","type":"aws_s3_bucket","name":"data","values":{"bucket":{"$expr":"${local.name}"},"acl":"public-read","note":"${literal}"}}"#
        )
    );
    assert_eq!(
        json(&doc, "resources.1.values.ingress.0.from_port"),
        norm("22")
    );
    assert_eq!(
        json(&doc, "resources.2.address"),
        norm(r#""data.aws_caller_identity.me""#)
    );
    assert_eq!(json(&doc, "modules.0.address"), norm(r#""module.vpc""#));
    assert_eq!(json(&doc, "providers.1.values.alias"), norm(r#""us""#));
    assert_eq!(json(&doc, "locals.env"), norm(r#""prod""#));
    assert_eq!(
        json(&doc, "terraform.0.required_version"),
        norm(r#"">= 1.5""#)
    );
    assert_eq!(pos(&doc, "resources.0.values.acl"), (4, 66));
    let err = load("[1]", Format::Hcl, Some("x.tf.json")).err();
    assert_eq!(
        err.map(|e| e.to_string()).as_deref(),
        Some("x.tf.json:1:1: a Terraform JSON file must hold an object")
    );
}
