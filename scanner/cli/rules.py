"""`pscan rules list|show|test|validate`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from scanner.app import (
    FrameworkCoverage,
    RuleOptions,
    find_rule,
    framework_coverage,
    list_rules,
    load_ruleset,
    rule_tests,
)
from scanner.cli.options import SEVERITIES, no_builtin_option, quiet_option
from scanner.cli.output import fail
from scanner.model import Category

__all__ = ["rules"]


@click.group()
def rules() -> None:
    """List, show, test and validate rules."""


_rules_option = click.option(
    "--rules",
    "rule_paths",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Extra rule pack folder (repeatable).",
)


def _options(rule_paths: tuple[Path, ...], no_builtin_rules: bool) -> RuleOptions:
    return RuleOptions(paths=rule_paths, builtin=not no_builtin_rules)


@rules.command("list")
@_rules_option
@no_builtin_option
@click.option("--provider", type=click.Choice(["aws", "gcp"]), help="Only this provider's rules.")
@click.option(
    "--category", type=click.Choice([c.value for c in Category]), help="Only this category."
)
@click.option("--severity", type=click.Choice(SEVERITIES), help="Only this severity.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="A table with counts, or the rules' metadata as JSON.",
)
@click.option(
    "--framework",
    "framework_id",
    metavar="ID",
    help="List this compliance framework's controls (automated or manual) and the rules"
    " that decide each, with coverage counts, instead of the rules.",
)
def rules_list(
    rule_paths: tuple[Path, ...],
    no_builtin_rules: bool,
    provider: str | None,
    category: str | None,
    severity: str | None,
    fmt: str,
    framework_id: str | None,
) -> None:
    """List rules with their severity and category, and counts per provider and category.

    \b
    Examples:
      pscan rules list --provider aws --category iam
      pscan rules list --format json | jq '.[].id'
      pscan rules list --framework cis-aws-foundations-3.0
    """
    ruleset = load_ruleset(_options(rule_paths, no_builtin_rules))
    if framework_id is not None:
        if provider or category or severity:
            fail(
                "--framework lists controls; it cannot be combined with --provider,"
                " --category or --severity"
            )
        _print_framework(framework_coverage(ruleset, framework_id), fmt)
        return
    listing = list_rules(ruleset, provider=provider, category=category, severity=severity)
    chosen = listing.rules
    if fmt == "json":
        click.echo(json.dumps([r.spec.meta().model_dump(mode="json") for r in chosen], indent=2))
        return
    width = max((len(r.id) for r in chosen), default=10)
    for r in chosen:
        click.echo(
            f"{r.id:<{width}}  {r.spec.severity.value:<8}  {r.spec.category.value:<12}"
            f"  {r.spec.title}"
        )
    click.echo("")
    for prov, per in listing.per_provider.items():
        total = sum(per.values())
        detail = ", ".join(f"{c} {n}" for c, n in per.items())
        click.echo(f"{prov}: {total} rules ({detail})")
    click.echo(f"total: {len(chosen)} rules")


def _print_framework(coverage: FrameworkCoverage, fmt: str) -> None:
    """Print a framework's controls, the rules deciding each, and coverage counts."""
    framework, counts = coverage.framework, coverage.counts
    controls = framework.controls
    if fmt == "json":
        document = {
            "framework": {
                "id": framework.id,
                "title": framework.title,
                "version": framework.version,
                "provider": framework.provider,
            },
            "controls": [{**c.model_dump(mode="json"), "covered": bool(c.rules)} for c in controls],
            "counts": counts,
        }
        click.echo(json.dumps(document, indent=2))
        return
    click.echo(f"{framework.id}: {framework.title} {framework.version} ({framework.provider})")
    id_width = max([len("control"), *(len(c.id) for c in controls)])
    title_width = min(max((len(c.title) for c in controls), default=5), 60)
    click.echo(f"{'control':<{id_width}}  {'type':<9}  {'title':<{title_width}}  rules")
    for c in controls:
        kind = "automated" if c.automated else "manual"
        title = c.title if len(c.title) <= title_width else c.title[: title_width - 1] + "…"
        rules = ", ".join(c.rules) if c.rules else ("NOT COVERED" if c.automated else "-")
        click.echo(f"{c.id:<{id_width}}  {kind:<9}  {title:<{title_width}}  {rules}")
    click.echo("")
    click.echo(
        f"controls: {counts['controls']} ({counts['covered']} decided by rules);"
        f" automated: {counts['automated']} ({counts['automated_covered']} covered,"
        f" {counts['automated_not_covered']} not covered); manual: {counts['manual']}"
        f" ({counts['manual_with_rules']} with supporting rules); rules used: {counts['rules']}"
    )


@rules.command("show")
@click.argument("rule_id")
@_rules_option
@no_builtin_option
def rules_show(rule_id: str, rule_paths: tuple[Path, ...], no_builtin_rules: bool) -> None:
    """Show one rule: metadata, condition, remediation and compliance mapping.

    \b
    Example:
      pscan rules show aws_s3_bucket_public_access_blocked
    """
    ruleset = load_ruleset(_options(rule_paths, no_builtin_rules))
    rule = find_rule(ruleset, rule_id)
    spec = rule.spec
    click.echo(f"{spec.id}  [{spec.severity.value}] [{spec.category.value}]")
    click.echo(spec.title)
    click.echo(f"\nresource types: {', '.join(spec.resource_types)}")
    click.echo(f"file: {spec.path}")
    click.echo(f"\n{spec.description.strip()}\n\nRisk: {spec.risk.strip()}")
    if spec.applies_if:
        click.echo("\napplies if:\n" + _yaml(spec.applies_if))
    if spec.condition:
        click.echo("\ncompliant when:\n" + _yaml(spec.condition))
    elif spec.check:
        params = f" with {_yaml(spec.params).strip()}" if spec.params else ""
        click.echo(f"\nshared check: {spec.check}{params}")
    elif rule.graph_fn or rule.resource_fn:
        click.echo(f"\nlogic: {Path(str(spec.path)).with_suffix('.py').name}")
    click.echo(f"\nRemediation: {spec.remediation.summary.strip()}")
    if spec.remediation.cli:
        click.echo(f"\nCLI:\n  {spec.remediation.cli.strip()}")
    if spec.remediation.terraform:
        click.echo("\nTerraform:\n" + spec.remediation.terraform.rstrip())
    compliance = ruleset.compliance_of(rule_id)
    if compliance:
        click.echo("\nCompliance: " + ", ".join(f"{c.framework} {c.control}" for c in compliance))
    if spec.references:
        click.echo("\nReferences:\n" + "\n".join(f"  {u}" for u in spec.references))
    click.echo(f"\nTest cases: {len(rule.cases)}")


def _yaml(data: Any) -> str:
    import yaml

    return "  " + yaml.safe_dump(data, sort_keys=False).rstrip().replace("\n", "\n  ")


@rules.command("test")
@click.argument("rule_ids", nargs=-1)
@_rules_option
@no_builtin_option
@quiet_option
def rules_test(
    rule_ids: tuple[str, ...], rule_paths: tuple[Path, ...], no_builtin_rules: bool, quiet: bool
) -> None:
    """Run every rule's own test cases (or those of RULE_IDS); exit 1 if any fails.

    \b
    Examples:
      pscan rules test
      pscan rules test aws_ec2_security_group_no_public_ssh
      pscan rules test --rules ./my-rules --no-builtin-rules
    """
    results = rule_tests(load_ruleset(_options(rule_paths, no_builtin_rules)), rule_ids)
    failed = [r for r in results if not r.ok]
    for result in results:
        if not result.ok:
            click.echo(f"FAIL {result.rule_id}")
            for problem in result.problems:
                click.echo(f"     {problem}")
        elif not quiet:
            click.echo(f"ok   {result.rule_id} ({result.cases} cases)")
    cases = sum(r.cases for r in results)
    click.echo(f"{len(results) - len(failed)} of {len(results)} rules passed ({cases} cases)")
    raise click.exceptions.Exit(1 if failed else 0)


@rules.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@no_builtin_option
def rules_validate(paths: tuple[Path, ...], no_builtin_rules: bool) -> None:
    """Check rule packs load: YAML, fields, operators, paths, types, frameworks.

    Without PATHS, validates the built-in packs; with PATHS, those packs on top of them.
    A pack's Python rules are imported to be checked, which runs their module code:
    validate only packs you would also scan with.

    \b
    Examples:
      pscan rules validate
      pscan rules validate ./my-rules
    """
    ruleset = load_ruleset(_options(paths, no_builtin_rules))
    click.echo(
        f"ok: {len(ruleset.rules)} rules, {len(ruleset.frameworks)} frameworks"
        + (f", price table as of {ruleset.prices.as_of}" if ruleset.prices else "")
    )
