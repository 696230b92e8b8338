"""Source locations: each planned resource's block in the `.tf` files, read by an HCL parser."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from scanner.collectors.terraform import Plan, SourceBlock, locate_sources
from scanner.collectors.terraform.sources import resource_blocks
from scanner.gate import inline_ignores
from scanner.model import Location

from .conftest import ROOT, change, small_plan

# Every trap a line scanner falls into: `#`, `//`, braces and quotes inside strings,
# heredocs (plain and indented), block comments, nested and one-line blocks.
TRICKY_TF = """\
resource "aws_s3_bucket" "hash_in_string" {
  bucket = "team-assets"
  tags = { Name = "team#1", Site = "https://example.com//x", Odd = "{ \\" }" }
}

resource "aws_instance" "heredoc" {
  ami       = "ami-123"
  user_data = <<EOF
#!/bin/bash
echo "{" # not a comment, not a brace
// nor this
EOF
  metadata_options {
    http_tokens = "required"
  }
}

/* a block comment with a resource in it:
resource "aws_s3_bucket" "commented_out" {
*/

resource "aws_iam_policy" "indented_heredoc" {
  name   = "p"
  policy = <<-JSON
    {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]} # }
    JSON
}

resource "aws_security_group" "nested" {
  dynamic "ingress" {
    for_each = var.ports
    content {
      from_port = ingress.value # { unbalanced in a comment
      to_port   = ingress.value
    }
  }
}

data "aws_iam_policy_document" "not_a_resource" {}
resource "aws_vpc" "one_line" { cidr_block = "10.0.0.0/16" }
"""

IGNORE_TF = """\
resource "aws_s3_bucket" "first" {
  bucket = "first"
  tags   = { Name = "team#1" }
}

# pscan:ignore aws_s3_bucket_versioning_enabled scratch space, rebuilt every night
resource "aws_s3_bucket" "second" {
  bucket = "second"
}
"""


def _plan(*addresses: str) -> Plan:
    return small_plan(*(change(a) for a in addresses))


def test_locate_sources_finds_blocks_in_modules(plan: Plan) -> None:
    blocks = locate_sources(plan, [ROOT / "fixtures" / "iac"], ROOT)
    rds = blocks["aws_db_instance.orders"]
    assert rds.file == "fixtures/iac/terraform/main.tf"
    lines = (ROOT / rds.file).read_text().splitlines()
    assert lines[rds.start_line - 1].startswith('resource "aws_db_instance" "orders"')
    assert lines[rds.end_line - 1] == "}"
    pab = blocks['module.storage["assets"].aws_s3_bucket_public_access_block.this']
    assert pab.file == "fixtures/iac/terraform/modules/storage/main.tf"
    assert blocks["aws_instance.web[1]"] == blocks["aws_instance.web[0]"]
    assert "aws_s3_bucket.legacy" not in blocks  # deleted from the configuration


def test_strings_heredocs_and_comments_do_not_move_block_boundaries(tmp_path: Path) -> None:
    tf = tmp_path / "main.tf"
    tf.write_text(TRICKY_TF)
    assert list(resource_blocks(tf)) == [
        ("aws_s3_bucket", "hash_in_string", 1, 4),
        ("aws_instance", "heredoc", 6, 16),
        ("aws_iam_policy", "indented_heredoc", 22, 27),
        ("aws_security_group", "nested", 29, 37),
        ("aws_vpc", "one_line", 40, 40),
    ]


def test_each_planned_address_gets_its_own_block(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(TRICKY_TF)
    plan = _plan(
        "aws_s3_bucket.hash_in_string",
        "aws_instance.heredoc",
        "aws_iam_policy.indented_heredoc",
        "aws_security_group.nested",
        "aws_vpc.one_line",
        "aws_s3_bucket.commented_out",
    )
    blocks = locate_sources(plan, [tmp_path], tmp_path)
    assert blocks["aws_s3_bucket.hash_in_string"] == SourceBlock("main.tf", 1, 4)
    assert blocks["aws_instance.heredoc"] == SourceBlock("main.tf", 6, 16)
    assert blocks["aws_vpc.one_line"] == SourceBlock("main.tf", 40, 40)
    assert "aws_s3_bucket.commented_out" not in blocks


def test_an_ignore_comment_attaches_to_the_resource_below_it(tmp_path: Path) -> None:
    # A scanner that cut lines at '#' saw "team#1" open a brace it never closed: the
    # first block swallowed the second, and the second's ignore comment with it.
    (tmp_path / "main.tf").write_text(IGNORE_TF)
    plan = _plan("aws_s3_bucket.first", "aws_s3_bucket.second")
    blocks = locate_sources(plan, [tmp_path], tmp_path)
    lines = IGNORE_TF.splitlines()

    def ignores(address: str) -> list[tuple[str, str, int]]:
        block = blocks[address]
        where = Location(file=block.file, start_line=block.start_line, end_line=block.end_line)
        return inline_ignores(lines, where)

    assert blocks["aws_s3_bucket.first"] == SourceBlock("main.tf", 1, 4)
    assert ignores("aws_s3_bucket.first") == []
    assert ignores("aws_s3_bucket.second") == [
        ("aws_s3_bucket_versioning_enabled", "scratch space, rebuilt every night", 6)
    ]


def test_a_file_the_parser_cannot_read_is_skipped_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "good.tf").write_text('resource "aws_vpc" "ok" {\n  cidr_block = "10/8"\n}\n')
    (tmp_path / "broken.tf").write_text('resource "aws_s3_bucket" "half" {\n  bucket = "b"\n')
    (tmp_path / "latin1.tf").write_bytes(b'resource "aws_s3_bucket" "x" { bucket = "\xe9" }\n')
    plan = _plan("aws_vpc.ok", "aws_s3_bucket.half", "aws_s3_bucket.x")
    with caplog.at_level(logging.WARNING, logger="scanner.collectors.terraform.sources"):
        blocks = locate_sources(plan, [tmp_path], tmp_path)
    assert blocks == {"aws_vpc.ok": SourceBlock("good.tf", 1, 3)}
    warnings = sorted(r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    assert len(warnings) == 2
    assert "broken.tf: not valid HCL" in warnings[0]
    assert "latin1.tf: cannot read" in warnings[1]


def test_a_byte_order_mark_does_not_hide_the_first_block(tmp_path: Path) -> None:
    tf = tmp_path / "main.tf"
    tf.write_text('\ufeffresource "aws_vpc" "v" {\n}\r\n', encoding="utf-8")
    assert list(resource_blocks(tf)) == [("aws_vpc", "v", 1, 2)]
