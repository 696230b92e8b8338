"""The demo's AWS regions: eu-west-1 (the primary: the shop runs here) and us-east-1.

One code path builds prod and staging alike; `DemoEnv` (see `demo_envs`) says how the two
differ. Each function builds one part of a region in order and stores what later parts
(and the environments' items) use in `DemoAccount.refs`.
"""

from __future__ import annotations

from typing import Any

from scanner.synthetic.aws_network import cidr_rule, group_rule
from scanner.synthetic.common import ResourceDict, secret_entry, tail
from scanner.synthetic.demo_spec import DemoAccount, Site, ecs_task, when

__all__ = ["dr_stack", "edge_stack", "primary_region", "secondary_region"]


def _https_anywhere() -> list[dict[str, Any]]:
    """Ingress entries admitting HTTPS from the whole IPv4 and IPv6 internet."""
    return [
        cidr_rule("tcp", 443, 443, "0.0.0.0/0", "HTTPS"),
        cidr_rule("tcp", 443, 443, "::/0", "HTTPS"),
    ]


def primary_region(acct: DemoAccount) -> None:
    """eu-west-1: the network, the web shop and its data, functions, logs, the trail."""
    _network(acct)
    _security_groups(acct)
    _web_tier(acct)
    _app_tier(acct)
    _bastion_and_load_balancers(acct)
    _data(acct)
    _logs_and_operations(acct)
    _trail(acct)
    acct.add(acct.a.region_res(0))


def _network(acct: DemoAccount) -> None:
    """The main VPC: public and private subnets per zone, gateways, NAT."""
    a, env, rng = acct.a, acct.env, acct.a.rng
    base = env.cidr_base
    vpc = acct.add(a.vpc(f"{env.name}-main", f"{base}.0.0/16"))
    public, private = a.subnets(vpc, env.name, base, env.zones, map_public=env.map_public_ips)
    what = "public subnet assigns public IPv4 addresses on launch"
    for s in public:
        acct.add(s, *when(env.map_public_ips, "network", what))
    for s in private:
        acct.add(s)
    acct.add(a.internet_gateway(vpc, f"{env.name}-igw"))
    acct.add(a.network_acl(vpc, f"{env.name}-main-default"))
    for s in public if env.nat_per_zone else public[:1]:
        acct.add(a.nat_gateway(vpc, s, f"{s['name']}-nat", gb_out=rng.uniform(80, 400)))
        acct.add(a.eip(f"{s['name']}-nat-eip", associated=True))
    acct.refs.update(vpc=vpc, public=public, private=private)
    acct.refs["private:ab"] = private[:2]  # for functions in the VPC


def _security_groups(acct: DemoAccount) -> None:
    """Default, load balancer, web, app, database, Lambda, bastion (and reporting) groups."""
    a, env, vpc, name = acct.a, acct.env, acct.refs["vpc"], acct.env.name
    in_use = env.default_sg_attachments
    acct.add(
        a.default_security_group(vpc, attachments=in_use),
        *when(
            in_use > 0, "network", "default security group keeps its allow-all rules and is in use"
        ),
    )
    alb_sg = a.security_group(
        vpc,
        f"{name}-web-alb",
        "HTTPS from anywhere to the web load balancer",
        [*_https_anywhere(), cidr_rule("tcp", 80, 80, "0.0.0.0/0", "HTTP, redirected to HTTPS")],
    )
    web_in = [group_rule("tcp", 8080, 8080, alb_sg, "from web ALB")]
    web_sg = a.security_group(vpc, f"{name}-web", "web tier", web_in, attachments=3)
    app_in = [group_rule("tcp", 8080, 8080, web_sg, "from web tier")]
    app_sg = a.security_group(vpc, f"{name}-app", "orders API", app_in, attachments=3)
    db_in = [group_rule("tcp", 5432, 5432, app_sg, "from orders API")]
    db_sg = a.security_group(vpc, f"{name}-db", "PostgreSQL", db_in)
    lambda_sg = a.security_group(vpc, f"{name}-lambda", "Lambda functions in the VPC", [])
    if env.bastion_open:
        ssh_rdp = [
            cidr_rule("tcp", 22, 22, "0.0.0.0/0", "SSH"),
            cidr_rule("tcp", 3389, 3389, "0.0.0.0/0", "RDP"),
        ]
        bastion_sg = a.security_group(vpc, f"{name}-bastion", "admin access", ssh_rdp)
    else:
        vpn = [cidr_rule("tcp", 22, 22, "10.200.0.0/16", "corporate VPN")]
        bastion_sg = a.security_group(vpc, f"{name}-bastion", "SSH from the corporate VPN", vpn)
    for sg in (alb_sg, web_sg, app_sg, db_sg, lambda_sg):
        acct.add(sg)
    open_ports = "admits SSH (22) and RDP (3389) from 0.0.0.0/0"
    acct.add(bastion_sg, *when(env.bastion_open, "network", open_ports))
    groups = {"alb": alb_sg, "web": web_sg, "app": app_sg, "db": db_sg, "bastion": bastion_sg}
    if env.reporting_db:
        bi = [cidr_rule("tcp", 5432, 5432, "0.0.0.0/0", "BI tool")]
        reporting = a.security_group(vpc, "reporting-db", "reporting database for the BI tool", bi)
        groups["reporting"] = acct.add(
            reporting, ("network", "admits PostgreSQL (5432) from 0.0.0.0/0")
        )
    acct.refs.update({f"sg:{key}": sg for key, sg in groups.items()})


def _web_tier(acct: DemoAccount) -> None:
    """The web servers' images, the web servers and their root volumes."""
    a, env, refs = acct.a, acct.env, acct.refs
    private: list[ResourceDict] = refs["private"]
    ami: ResourceDict = {}
    for version, days in env.images:
        ami = acct.add(a.image(f"northwind-web-{version}", days))
    webs: list[ResourceDict] = []
    for i in range(env.web_count):
        problem = i == env.web_imdsv1
        inst = a.instance(
            f"{env.name}-web-{i + 1}",
            private[i] if env.multi_az else private[0],
            [refs["sg:web"]],
            role=refs["role:web"],
            image_id=tail(ami["id"]),
            instance_type=env.web_type,
            imds_tokens="optional" if problem else "required",
            launch_days=12 + i,
            team="commerce",
        )
        webs.append(
            acct.add(inst, *when(problem, "security", "IMDSv1 allowed (http_tokens optional)"))
        )
        vol = a.volume(
            f"{env.name}-web-{i + 1}-root",
            30,
            volume_type="gp2" if problem else "gp3",
            instance=inst,
            key=refs["ebs_key"],
            created_days=12 + i,
            team="commerce",
        )
        gp2 = "gp2 volume (gp3 is ~20% cheaper for the same baseline)"
        acct.add(vol, *when(problem, "cost", gp2))
    refs["webs"] = webs


def _app_tier(acct: DemoAccount) -> None:
    """The orders API and worker servers with their root and data volumes."""
    a, env, refs = acct.a, acct.env, acct.refs
    private: list[ResourceDict] = refs["private"]
    secrets = [secret_entry("user_data:line 7", "Secret Keyword", "Zx****")]
    apps = []
    for i, name in enumerate(env.app_names):
        inst = a.instance(
            f"{env.name}-{name}",
            private[i % len(private)] if env.multi_az else private[1],
            [refs["sg:app"]],
            role=refs["role:app"],
            instance_type=env.app_type,
            secrets=secrets if env.user_data_secret else [],
            launch_days=30 + i,
            team="commerce",
        )
        what = "user data contains a secret (DB_PASSWORD=..., stored masked)"
        apps.append(acct.add(inst, *when(env.user_data_secret, "secrets", what)))
        for suffix, size, encrypted in (("root", 30, True), ("data", 200, env.app_data_encrypted)):
            volume = a.volume(
                f"{env.name}-{name}-{suffix}",
                size,
                instance=inst,
                key=refs["ebs_key"],
                encrypted=encrypted,
                created_days=30 + i,
                team="commerce",
            )
            acct.add(volume, *when(not encrypted, "encryption", "EBS volume not encrypted"))
    refs["apps"] = apps


def _bastion_and_load_balancers(acct: DemoAccount) -> None:
    """The bastion, the web tier's Auto Scaling group and load balancer, the internal ALB."""
    a, env, refs = acct.a, acct.env, acct.refs
    name, vpc, private = env.name, refs["vpc"], refs["private"]
    bastion = a.instance(
        f"{name}-bastion",
        refs["public"][0],
        [refs["sg:bastion"]],
        role=refs["role:bastion"],
        instance_type="t3.micro",
        public_ip=True,
        launch_days=200,
        monitoring="disabled",
    )
    exposed = f"reachable from the internet on SSH/RDP (public IP, {name}-bastion group)"
    acct.add(bastion, *when(env.bastion_open, "network", exposed))
    acct.add(
        a.volume(f"{name}-bastion-root", 8, instance=bastion, key=refs["ebs_key"], created_days=200)
    )
    if env.bastion_eip:
        acct.add(a.eip(f"{name}-bastion-eip", instance=bastion))
    asg = a.autoscaling_group(
        f"{name}-web-asg", private if env.multi_az else private[:1], env.asg_sizes, team="commerce"
    )
    one_zone = f"Auto Scaling group spans one availability zone ({a.region}a)"
    acct.add(asg, *when(not env.multi_az, "resilience", one_zone))
    hardened = env.hardened_alb
    alb = a.load_balancer(
        f"{name}-web-alb",
        vpc,
        [refs["sg:alb"]],
        refs["webs"],
        https=hardened,
        waf=hardened,
        access_logs=hardened,
        drop_invalid_headers=hardened,
        deletion_protection=hardened,
        team="commerce",
    )
    plain_http = (
        "internet-facing ALB serves plain HTTP on port 80 with no HTTPS listener or redirect"
    )
    acct.add(alb, *when(not hardened, "network", plain_http))
    if env.internal_alb:
        internal = a.load_balancer(
            f"{name}-orders-api-internal",
            vpc,
            [refs["sg:app"]],
            refs["apps"][:3],
            internet_facing=False,
            waf=False,
            team="commerce",
        )
        acct.add(internal)


def _data(acct: DemoAccount) -> None:
    """Databases and tables, queues and topics, shared files, the orders worker's task."""
    a, env, refs = acct.a, acct.env, acct.refs
    name = env.name
    acct.build(env.data)
    key = refs["data_key"] if env.data_key_for_messaging else None
    acct.add(a.sqs_queue(f"{name}-orders-events", key=key, team="commerce"))
    acct.add(a.sqs_queue(f"{name}-orders-events-dlq", key=key, team="commerce"))
    acct.add(a.sns_topic(f"{name}-ops-alerts", key=key))
    acct.add(a.file_system(f"{name}-shared-media", key=refs["data_key"], team="commerce"))
    revision, tag = env.worker_task
    images = [f"orders-worker:{tag}", "otel-collector:0.98"]
    acct.add(ecs_task(a, "orders-worker", revision, refs["role:task"], images, team="commerce"))
    acct.build(env.data_extras)


def _logs_and_operations(acct: DemoAccount) -> None:
    """Functions, flow and application logs, secrets, certificates, backups and leftovers."""
    a, env, rng = acct.a, acct.env, acct.a.rng
    acct.build(env.functions)
    acct.add(
        a.log_group(
            f"/aws/vpc/flow-logs/{env.name}-main",
            retention_days=env.flow_log_retention,
            stored_gb=rng.uniform(20, 90),
        )
    )
    for svc in env.log_services:
        acct.add(
            a.log_group(
                f"/northwind/{env.name}/{svc}",
                retention_days=env.app_log_retention,
                key=acct.refs["data_key"] if env.data_key_for_messaging else None,
                stored_gb=rng.uniform(5, 60),
                team="commerce",
            )
        )
    acct.build(env.secrets)
    acct.build(env.certificates)
    acct.build(env.leftovers)


def _trail(acct: DemoAccount) -> None:
    """The account's CloudTrail trail (and, hardened, its CloudWatch Logs group)."""
    a, env, refs = acct.a, acct.env, acct.refs
    hardened = env.hardened_trail
    trail_key = refs.get("trail_key")
    trail_log = None
    if hardened:
        trail_log = acct.add(
            a.log_group(
                f"/aws/cloudtrail/northwind-{env.name}",
                retention_days=365,
                key=trail_key,
                team="security",
            )
        )
    trail = a.trail(
        f"northwind-{env.name}-trail",
        refs["trail_bucket"],
        multi_region=hardened,
        validation=hardened,
        key=trail_key,
        log_group=trail_log,
        data_events=hardened,
    )
    acct.add(
        trail,
        *when(not hardened, "logging", "trail records only eu-west-1 (not multi-region)"),
        *when(not hardened, "logging", "log file validation disabled"),
    )


def secondary_region(acct: DemoAccount) -> None:
    """us-east-1: a second VPC with a public load balancer's group, then the env's stack."""
    a, env = acct.a, acct.env
    base = env.secondary_cidr_base
    vpc = a.vpc(
        f"{env.name}-{env.secondary_vpc}", f"{base}.0.0/16", flow_logs=env.secondary_flow_logs
    )
    acct.add(vpc, *when(not env.secondary_flow_logs, "logging", "VPC without flow logs"))
    name = vpc["name"]
    public, private = a.subnets(vpc, name, base, "ab")
    for s in public + private:
        acct.add(s)
    acct.add(a.internet_gateway(vpc, f"{name}-igw"))
    acct.add(a.network_acl(vpc, f"{name}-default"))
    acct.add(a.default_security_group(vpc))
    alb_sg = acct.add(
        a.security_group(vpc, f"{name}-alb", "HTTPS from anywhere", _https_anywhere())
    )
    env.secondary_stack(acct, Site(vpc, public, private, alb_sg))
    on = env.secondary_monitoring
    acct.add(
        a.region_res(0, guardduty=on, config=on),
        *when(not on, "logging", f"GuardDuty not enabled in {a.region}"),
        *when(not on, "logging", f"AWS Config recorder not enabled in {a.region}"),
    )


def dr_stack(acct: DemoAccount, site: Site) -> None:
    """Prod's disaster recovery copy of the shop: web tier, database replica, backups."""
    a, rng = acct.a, acct.a.rng
    vpc, private = site.vpc, site.private
    key = acct.add(a.kms_key("alias/prod-dr", created_days=700))
    acct.add(a.nat_gateway(vpc, site.public[0], "prod-dr-nat-a", gb_out=rng.uniform(5, 30)))
    acct.add(a.eip("prod-dr-nat-a-eip", associated=True))
    web_in = [group_rule("tcp", 8080, 8080, site.alb_sg, "from ALB")]
    web_sg = acct.add(a.security_group(vpc, "prod-dr-web", "web tier", web_in, attachments=2))
    db_in = [group_rule("tcp", 5432, 5432, web_sg)]
    db_sg = acct.add(a.security_group(vpc, "prod-dr-db", "PostgreSQL replica", db_in))
    webs = []
    for i in range(2):
        inst = a.instance(
            f"prod-dr-web-{i + 1}",
            private[i],
            [web_sg],
            role=acct.refs["role:web"],
            launch_days=60,
            team="commerce",
        )
        webs.append(acct.add(inst))
        root = f"prod-dr-web-{i + 1}-root"
        acct.add(a.volume(root, 30, instance=inst, key=key, created_days=60, team="commerce"))
    acct.add(a.autoscaling_group("prod-dr-web-asg", private, (2, 6, 2), team="commerce"))
    acct.add(a.load_balancer("prod-dr-web-alb", vpc, [site.alb_sg], webs, team="commerce"))
    acct.add(a.rds_instance("orders-db-dr", vpc, [db_sg], key=key, storage_gb=500, team="commerce"))
    acct.add(
        a.bucket(
            "northwind-prod-dr-backups", key=key, log_to=None, object_lock=True, lifecycle_rules=2
        )
    )
    acct.add(a.certificate("dr.northwind.example", expires_in_days=301))
    acct.add(a.certificate("cdn.northwind.example", expires_in_days=160))
    acct.add(a.log_group("/aws/vpc/flow-logs/prod-dr", retention_days=90, stored_gb=6.5))
    acct.add(a.log_group("/aws/lambda/dr-failover", retention_days=30, stored_gb=0.1))
    acct.add(
        a.lambda_function(
            "dr-failover",
            acct.refs["role:failover"],
            env_keys=["PRIMARY_REGION", "HEALTH_URL"],
            timeout_s=300,
        )
    )
    acct.add(
        a.volume("migration-scratch", 500, volume_type="gp2", key=key, created_days=420),
        ("cost", "unattached 500 GB gp2 volume"),
    )
    acct.add(a.eip("legacy-vpn-ip"), ("cost", "Elastic IP not associated with anything"))


def edge_stack(acct: DemoAccount, site: Site) -> None:
    """Staging's promotion site: a load balancer with nothing behind it and a webhook."""
    a = acct.a
    promo = a.load_balancer(
        "promo-alb", site.vpc, [site.alb_sg], [], deletion_protection=False, team="growth"
    )
    acct.add(promo, ("cost", "internet-facing ALB with zero registered targets"))
    acct.add(
        a.log_group("/aws/lambda/promo-webhook", retention_days=14, stored_gb=0.02, team="growth")
    )
    acct.add(
        a.lambda_function(
            "promo-webhook",
            acct.refs["role:webhook"],
            env_keys=["CAMPAIGN_TABLE"],
            url_auth="AWS_IAM",
            team="growth",
        )
    )
