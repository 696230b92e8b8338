"""The estate as architecture: a model of tiers, places and connections, and its views.

`scanner.architecture.model` builds the model from a snapshot's resources;
`scanner.architecture.access` derives what compute can read or write from its identity;
`scanner.architecture.views` picks and aggregates what one diagram shows
(`overview`, `network`, `dataflow`, `exposure`, `product`). Rendering is in
`scanner.render.diagram`.
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
