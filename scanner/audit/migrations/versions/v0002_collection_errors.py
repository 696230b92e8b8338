"""Collection errors per audit, so a resource missing where collection failed is "not
seen" rather than gone: the errors of each audit, the resource type of each finding's
lifecycle (to match an error's service), and a count of findings not seen per audit.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Add the table and the two columns; fill the lifecycle's types from the findings."""
    op.create_table(
        "audit_collection_errors",
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("account", sa.String(length=200), nullable=False),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("service", sa.String(length=200), nullable=False),
        sa.Column("operation", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=200), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["audit_id"], ["audits.id"]),
        sa.PrimaryKeyConstraint("audit_id", "seq"),
    )
    op.add_column("audits", sa.Column("not_seen", sa.Integer(), nullable=False, server_default="0"))
    op.add_column(
        "finding_lifecycle",
        sa.Column("resource_type", sa.String(length=200), nullable=False, server_default=""),
    )
    op.execute(
        "UPDATE finding_lifecycle SET resource_type = COALESCE((SELECT f.resource_type"
        " FROM audit_findings f WHERE f.fingerprint = finding_lifecycle.fingerprint"
        " ORDER BY f.audit_id DESC LIMIT 1), '')"
    )
