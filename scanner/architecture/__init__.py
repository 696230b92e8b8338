"""The estate read as architecture: tiers, views, the architecture document, decisions.

Built from a snapshot's resources and graph, below the renderers: what diagrams and the
architecture document show (`document.py`: the estate at a glance, entry points, data
stores, identity boundaries, network topology, architecture-level findings), the team's
decision records and what they govern (`decisions.py`), and the C4 model exported as
Structurizr DSL (`c4.py`). Rendering to Markdown, HTML and pictures is `scanner.render`'s.
"""
