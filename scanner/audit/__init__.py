"""The audit store: every audit kept in a real database, for history, diffs and trends.

SQLite by default (one file, WAL mode), PostgreSQL through a URL; SQLAlchemy 2 models
(`schema.py`) and Alembic migrations shipped in the package (`migrations/`), run up on
open (`connect.py`). docs/audits.md describes the model, the lifecycle and the metrics.

| module | holds |
|---|---|
| `connect.py` | which database, opening it, migrations, write transactions that serialise |
| `schema.py` | the tables |
| `record.py` | what one audit stores, built from a findings document and its snapshots |
| `lifecycle.py` | how an audit moves each finding: open, suppressed, fixed, resource_gone |
| `store.py` | writing an audit in one transaction (bulk inserts), pruning |
| `history.py` | reading: list, show, diff between audits, trends |
| `report.py` | the periodic audit report and the trend table: text, Markdown, HTML, JSON |
"""
