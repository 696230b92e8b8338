"""Alembic's environment for the audit store: runs on the connection the store hands over.

`scanner.audit.store` opens the connection (and, on PostgreSQL, takes the migration lock)
and passes it in `config.attributes["connection"]`; nothing here reads a URL or an ini file.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from scanner.audit.schema import Base

connection = context.config.attributes["connection"]
assert isinstance(connection, Connection)
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
