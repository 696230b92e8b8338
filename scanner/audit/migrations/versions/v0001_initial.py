"""The first schema of the audit store: audits, their findings, inventory, frameworks and
figures, the findings' lifecycle and events.

Revision ID: 0001
Revises: (none)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Create every table from an empty database."""
    _audits()
    _finding_lifecycle()
    _audit_figures()
    _audit_findings()
    _audit_frameworks()
    _audit_resources()
    _finding_events()


def _audits() -> None:
    op.create_table(
        "audits",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("observed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("trigger", sa.String(length=64), nullable=False),
        sa.Column("scope_key", sa.Text(), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("providers", sa.JSON(), nullable=False),
        sa.Column("accounts", sa.JSON(), nullable=False),
        sa.Column("regions", sa.JSON(), nullable=False),
        sa.Column("pscan_version", sa.String(length=64), nullable=False),
        sa.Column("rule_pack", sa.String(length=64), nullable=False),
        sa.Column("snapshot_digest", sa.String(length=64), nullable=False),
        sa.Column("snapshots", sa.JSON(), nullable=False),
        sa.Column("gate_fail_on", sa.String(length=16), nullable=False),
        sa.Column("gate_tripped", sa.Boolean(), nullable=False),
        sa.Column("resources", sa.Integer(), nullable=False),
        sa.Column("findings", sa.Integer(), nullable=False),
        sa.Column("open_by_severity", sa.JSON(), nullable=False),
        sa.Column("suppressed", sa.Integer(), nullable=False),
        sa.Column("new", sa.Integer(), nullable=False),
        sa.Column("reopened", sa.Integer(), nullable=False),
        sa.Column("fixed", sa.Integer(), nullable=False),
        sa.Column("gone", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_audits_observed_at"), "audits", ["observed_at"], unique=False)
    op.create_index(op.f("ix_audits_scope_key"), "audits", ["scope_key"], unique=False)


def _finding_lifecycle() -> None:
    op.create_table(
        "finding_lifecycle",
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("rule_id", sa.String(length=200), nullable=False),
        sa.Column("resource_id", sa.Text(), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("account", sa.String(length=200), nullable=False),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fixed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reopened_count", sa.Integer(), nullable=False),
        sa.Column("last_audit_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("fingerprint"),
    )
    op.create_index(
        op.f("ix_finding_lifecycle_account"), "finding_lifecycle", ["account"], unique=False
    )
    op.create_index(
        op.f("ix_finding_lifecycle_state"), "finding_lifecycle", ["state"], unique=False
    )


def _audit_figures() -> None:
    op.create_table(
        "audit_figures",
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["audit_id"],
            ["audits.id"],
        ),
        sa.PrimaryKeyConstraint("audit_id", "kind", "name"),
    )


def _audit_findings() -> None:
    op.create_table(
        "audit_findings",
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("rule_id", sa.String(length=200), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("resource_id", sa.Text(), nullable=False),
        sa.Column("resource_type", sa.String(length=200), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("account", sa.String(length=200), nullable=False),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("suppressed", sa.Boolean(), nullable=False),
        sa.Column("suppression", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["audit_id"],
            ["audits.id"],
        ),
        sa.PrimaryKeyConstraint("audit_id", "fingerprint"),
    )
    op.create_index(
        op.f("ix_audit_findings_fingerprint"), "audit_findings", ["fingerprint"], unique=False
    )


def _audit_frameworks() -> None:
    op.create_table(
        "audit_frameworks",
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("framework", sa.String(length=200), nullable=False),
        sa.Column("passed", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("controls", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["audit_id"],
            ["audits.id"],
        ),
        sa.PrimaryKeyConstraint("audit_id", "framework"),
    )


def _audit_resources() -> None:
    op.create_table(
        "audit_resources",
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("resource_id", sa.Text(), nullable=False),
        sa.Column("type", sa.String(length=200), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("account", sa.String(length=200), nullable=False),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["audit_id"],
            ["audits.id"],
        ),
        sa.PrimaryKeyConstraint("audit_id", "resource_id"),
    )


def _finding_events() -> None:
    op.create_table(
        "finding_events",
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("event", sa.String(length=16), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("open_seconds", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["audit_id"],
            ["audits.id"],
        ),
        sa.PrimaryKeyConstraint("audit_id", "fingerprint"),
    )


def downgrade() -> None:
    """Drop every table (indexes go with them)."""
    op.drop_table("finding_events")
    op.drop_table("audit_resources")
    op.drop_table("audit_frameworks")
    op.drop_table("audit_findings")
    op.drop_table("audit_figures")
    op.drop_table("finding_lifecycle")
    op.drop_table("audits")
