"""Where each resource type sits in an architecture: its tier and how people name it.

One table for everything that draws or describes the estate as architecture (diagrams,
the architecture document, the C4 export) and for the architecture standards rules:

- `tier`: the column a type is drawn in, left to right after the internet: `edge` (CDN,
  WAF, API gateways, load balancers, DNS), `compute` (instances, groups, containers,
  functions), `messaging` (queues, topics), `data` (databases, tables, buckets,
  warehouses, file systems, volumes and snapshots); then the supporting tiers that are
  not on a request's path: `network` (VPCs, subnets, gateways, firewalls), `identity`
  (users, roles, policies, service accounts), `security` (keys, secrets, certificates),
  `observability` (trails, logs, alarms) and `management` (accounts, projects,
  organisations, quotas, backup plans).
- `label`: the singular and plural a person would say ("Lambda function", "Lambda
  functions"), so an aggregated node reads "12 Lambda functions".
- `technology`: the product a decision record would be about ("AWS Lambda").

`tests/test_catalog_tiers.py` keeps this table and the catalog equal.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PLACEMENTS", "REQUEST_TIERS", "TIERS", "Placement", "placement", "tier_of"]

# The request path, left to right, then the supporting tiers.
REQUEST_TIERS = ("edge", "compute", "messaging", "data")
TIERS = (*REQUEST_TIERS, "network", "identity", "security", "observability", "management")


@dataclass(frozen=True)
class Placement:
    """A type's tier and names."""

    tier: str
    label: str
    plural: str
    technology: str


def _p(tier: str, label: str, technology: str, plural: str = "") -> Placement:
    return Placement(tier, label, plural or label + "s", technology)


PLACEMENTS: dict[str, Placement] = {
    # ------------------------------------------------------------------------- AWS
    "aws.account": _p("management", "AWS account", "AWS account"),
    "aws.region": _p("management", "AWS region", "AWS region"),
    "aws.accessanalyzer.analyzer": _p(
        "security", "Access Analyzer analyzer", "AWS IAM Access Analyzer"
    ),
    "aws.iam.user": _p("identity", "IAM user", "AWS IAM"),
    "aws.iam.group": _p("identity", "IAM group", "AWS IAM"),
    "aws.iam.role": _p("identity", "IAM role", "AWS IAM"),
    "aws.iam.policy": _p("identity", "IAM policy", "AWS IAM", "IAM policies"),
    "aws.iam.server_certificate": _p("security", "IAM server certificate", "AWS IAM"),
    "aws.ec2.vpc": _p("network", "VPC", "Amazon VPC"),
    "aws.ec2.subnet": _p("network", "subnet", "Amazon VPC"),
    "aws.ec2.security_group": _p("network", "security group", "Amazon VPC"),
    "aws.ec2.network_acl": _p("network", "network ACL", "Amazon VPC"),
    "aws.ec2.internet_gateway": _p("network", "internet gateway", "Amazon VPC"),
    "aws.ec2.nat_gateway": _p("network", "NAT gateway", "Amazon VPC"),
    "aws.ec2.eip": _p("network", "Elastic IP", "Amazon EC2"),
    "aws.ec2.route_table": _p("network", "route table", "Amazon VPC"),
    "aws.ec2.flow_log": _p("observability", "VPC flow log", "Amazon VPC"),
    "aws.ec2.instance": _p("compute", "EC2 instance", "Amazon EC2"),
    "aws.ec2.volume": _p("data", "EBS volume", "Amazon EBS"),
    "aws.ec2.snapshot": _p("data", "EBS snapshot", "Amazon EBS"),
    "aws.ec2.image": _p("compute", "AMI", "Amazon EC2"),
    "aws.autoscaling.group": _p("compute", "Auto Scaling group", "Amazon EC2 Auto Scaling"),
    "aws.lambda.function": _p("compute", "Lambda function", "AWS Lambda"),
    "aws.ecs.task_definition": _p("compute", "ECS task definition", "Amazon ECS"),
    "aws.ecs.cluster": _p("compute", "ECS cluster", "Amazon ECS"),
    "aws.ecs.service": _p("compute", "ECS service", "Amazon ECS"),
    "aws.ecr.repository": _p("data", "ECR repository", "Amazon ECR", "ECR repositories"),
    "aws.eks.cluster": _p("compute", "EKS cluster", "Amazon EKS"),
    "aws.elbv2.load_balancer": _p("edge", "load balancer", "Elastic Load Balancing"),
    "aws.elb.load_balancer": _p("edge", "Classic Load Balancer", "Elastic Load Balancing"),
    "aws.cloudfront.distribution": _p("edge", "CloudFront distribution", "Amazon CloudFront"),
    "aws.wafv2.web_acl": _p("edge", "WAF web ACL", "AWS WAF"),
    "aws.apigateway.rest_api": _p("edge", "API Gateway REST API", "Amazon API Gateway"),
    "aws.apigatewayv2.api": _p("edge", "API Gateway HTTP/WebSocket API", "Amazon API Gateway"),
    "aws.route53.hosted_zone": _p("edge", "Route 53 hosted zone", "Amazon Route 53"),
    "aws.s3.bucket": _p("data", "S3 bucket", "Amazon S3"),
    "aws.rds.instance": _p("data", "RDS instance", "Amazon RDS"),
    "aws.rds.snapshot": _p("data", "RDS snapshot", "Amazon RDS"),
    "aws.rds.cluster": _p("data", "RDS cluster", "Amazon RDS"),
    "aws.dynamodb.table": _p("data", "DynamoDB table", "Amazon DynamoDB"),
    "aws.efs.file_system": _p("data", "EFS file system", "Amazon EFS"),
    "aws.sqs.queue": _p("messaging", "SQS queue", "Amazon SQS"),
    "aws.sns.topic": _p("messaging", "SNS topic", "Amazon SNS"),
    "aws.kms.key": _p("security", "KMS key", "AWS KMS"),
    "aws.secretsmanager.secret": _p("security", "secret", "AWS Secrets Manager"),
    "aws.acm.certificate": _p("security", "ACM certificate", "AWS Certificate Manager"),
    "aws.cloudtrail.trail": _p("observability", "CloudTrail trail", "AWS CloudTrail"),
    "aws.logs.log_group": _p("observability", "log group", "Amazon CloudWatch Logs"),
    "aws.cloudwatch.alarm": _p("observability", "CloudWatch alarm", "Amazon CloudWatch"),
    "aws.backup.vault": _p("data", "backup vault", "AWS Backup"),
    "aws.backup.plan": _p("management", "backup plan", "AWS Backup"),
    "aws.organizations.organization": _p("management", "organization", "AWS Organizations"),
    "aws.organizations.ou": _p("management", "organizational unit", "AWS Organizations"),
    "aws.organizations.account": _p("management", "member account", "AWS Organizations"),
    "aws.organizations.policy": _p(
        "management", "organization policy", "AWS Organizations", "organization policies"
    ),
    "aws.servicequotas.quota": _p("management", "service quota", "Service Quotas"),
    # ------------------------------------------------------------------------- GCP
    "gcp.resourcemanager.organization": _p(
        "management", "organization", "Google Cloud Resource Manager"
    ),
    "gcp.resourcemanager.folder": _p("management", "folder", "Google Cloud Resource Manager"),
    "gcp.resourcemanager.project": _p("management", "project", "Google Cloud Resource Manager"),
    "gcp.compute.network": _p("network", "VPC network", "Google Cloud VPC"),
    "gcp.compute.subnetwork": _p("network", "subnet", "Google Cloud VPC"),
    "gcp.compute.firewall": _p("network", "firewall rule", "Google Cloud VPC"),
    "gcp.compute.address": _p("network", "IP address", "Google Compute Engine", "IP addresses"),
    "gcp.compute.instance": _p("compute", "VM instance", "Google Compute Engine"),
    "gcp.compute.disk": _p("data", "persistent disk", "Google Compute Engine"),
    "gcp.compute.snapshot": _p("data", "disk snapshot", "Google Compute Engine"),
    "gcp.compute.forwarding_rule": _p("edge", "forwarding rule", "Cloud Load Balancing"),
    "gcp.compute.backend_service": _p("edge", "backend service", "Cloud Load Balancing"),
    "gcp.compute.autoscaler": _p("compute", "autoscaler", "Google Compute Engine"),
    "gcp.compute.quota": _p("management", "Compute quota", "Google Compute Engine"),
    "gcp.storage.bucket": _p("data", "Cloud Storage bucket", "Cloud Storage"),
    "gcp.sql.instance": _p("data", "Cloud SQL instance", "Cloud SQL"),
    "gcp.bigquery.dataset": _p("data", "BigQuery dataset", "BigQuery"),
    "gcp.bigquery.table": _p("data", "BigQuery table", "BigQuery"),
    "gcp.pubsub.topic": _p("messaging", "Pub/Sub topic", "Pub/Sub"),
    "gcp.pubsub.subscription": _p("messaging", "Pub/Sub subscription", "Pub/Sub"),
    "gcp.iam.service_account": _p("identity", "service account", "Google Cloud IAM"),
    "gcp.iam.service_account_key": _p("identity", "service account key", "Google Cloud IAM"),
    "gcp.kms.key_ring": _p("security", "key ring", "Cloud KMS"),
    "gcp.kms.crypto_key": _p("security", "crypto key", "Cloud KMS"),
    "gcp.secretmanager.secret": _p("security", "secret", "Secret Manager"),
    "gcp.logging.sink": _p("observability", "log sink", "Cloud Logging"),
    "gcp.logging.metric": _p("observability", "log metric", "Cloud Logging"),
    "gcp.monitoring.alert_policy": _p(
        "observability", "alert policy", "Cloud Monitoring", "alert policies"
    ),
    "gcp.dns.managed_zone": _p("edge", "Cloud DNS zone", "Cloud DNS"),
    "gcp.dns.policy": _p("network", "DNS policy", "Cloud DNS", "DNS policies"),
    "gcp.container.cluster": _p("compute", "GKE cluster", "Google Kubernetes Engine"),
    "gcp.container.node_pool": _p("compute", "GKE node pool", "Google Kubernetes Engine"),
    "gcp.run.service": _p("compute", "Cloud Run service", "Cloud Run"),
    "gcp.cloudfunctions.function": _p("compute", "Cloud Function", "Cloud Functions"),
    "gcp.apikeys.key": _p("security", "API key", "API Keys"),
    "gcp.dataproc.cluster": _p("compute", "Dataproc cluster", "Dataproc"),
}


def placement(resource_type: str) -> Placement:
    """The tier and names of a type; a type missing from the catalog is `management`."""
    found = PLACEMENTS.get(resource_type)
    if found is not None:
        return found
    name = resource_type.rsplit(".", 1)[-1].replace("_", " ")
    return Placement("management", name, name + "s", resource_type)


def tier_of(resource_type: str) -> str:
    """The tier a type is drawn in (one of `TIERS`)."""
    return placement(resource_type).tier
