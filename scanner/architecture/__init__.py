"""The estate read as architecture: a model, its views, the document, decisions.

Built from a snapshot's resources, below the renderers:

- `model` builds tiers, places and connections from the resources; `access` derives
  what compute can read or write from its identity; `views` picks and aggregates what
  one diagram shows (`overview`, `network`, `dataflow`, `exposure`, `product`);
- `document` gathers what the architecture document shows (the estate at a glance, entry
  points, data stores, identity boundaries, network topology, architecture-level
  findings); `decisions` reads the team's decision records and what they govern; `c4`
  exports the C4 model as Structurizr DSL.

Rendering to pictures, Markdown and HTML is `scanner.render`'s.
"""

from __future__ import annotations

from scanner.architecture.model import (
    EDGE_KINDS,
    ArchEdge,
    Architecture,
    ArchNode,
    Scope,
    build_architecture,
)
from scanner.architecture.views import (
    VIEWS,
    Cluster,
    View,
    ViewEdge,
    ViewNode,
    build_view,
    open_severities,
    products,
)

__all__ = [
    "EDGE_KINDS",
    "VIEWS",
    "ArchEdge",
    "ArchNode",
    "Architecture",
    "Cluster",
    "Scope",
    "View",
    "ViewEdge",
    "ViewNode",
    "build_architecture",
    "build_view",
    "open_severities",
    "products",
]
