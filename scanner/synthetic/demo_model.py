"""The demo's capacity model (`fixtures/demo/capacity.yaml`): next year's load on Northwind.

Users triple by next summer and grow fivefold by December. Planned against the demo
estate (`pscan capacity plan --model fixtures/demo/capacity.yaml fixtures/demo`, and in
`pscan demo`), checkout runs out first: by 2027-06 its web tier needs 4 more m6i.large,
8 vCPUs that the eu-west-1 On-Demand quota does not have, and its database needs more
than one db.r6g.large can serve; by 2027-12 the web tier needs more instances than its
auto-scaling group's maximum of 9. The reports product (GCP) has room at both horizons.
"""

from __future__ import annotations

from scanner.synthetic.common import PROD_ACCOUNT

__all__ = ["DEMO_MODEL"]

DEMO_MODEL = f"""\
# Northwind's capacity model: next year's users and what each tier must serve.
# pscan capacity plan --model fixtures/demo/capacity.yaml fixtures/demo
version: 1
as_of: 2026-11-01
horizons: [2027-06, 2027-12]
products:
  checkout:
    users: {{today: 120000, 2027-06: 360000, 2027-12: 600000}}
    page_views_per_user_per_day: 8
    peak_hour_share: 0.12
    latency_objective_ms: 300
    tiers:
      web:
        kind: web
        requests_per_page_view: 3
        resources:
          type: aws.autoscaling.group
          accounts: ["{PROD_ACCOUNT}"]
          regions: [eu-west-1]
        per_instance_rps: 60
        latency_ms: 150
        requests:
          - {{path: /, weight: 3}}
          - {{path: /cart, weight: 1}}
          - {{path: /api/orders, weight: 1}}
      database:
        kind: database
        requests_per_page_view: 6
        resources:
          type: aws.rds.instance
          accounts: ["{PROD_ACCOUNT}"]
          regions: [eu-west-1]
        per_instance_rps: 800
        latency_ms: 4
        connections_per_request: 1
  reports:
    users: {{today: 2000, 2027-06: 3000, 2027-12: 4000}}
    sessions_per_user_per_day: 4
    pages_per_session: 5
    peak_to_average: 3
    tiers:
      api:
        kind: api
        requests_per_page_view: 4
        resources: {{type: gcp.run.service}}
        per_instance_rps: 50
        latency_ms: 200
"""
