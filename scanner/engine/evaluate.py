"""Evaluate a rule set over a stream of resources and produce findings.

Per-resource rules stream: each resource meets only the rules indexed under its type,
and is dropped once judged. Rules that need the graph (graph conditions, Python graph
rules) run after the stream, over a graph built during the same pass that keeps full
attributes only for the types those rules read. The graph is not built at all when no
selected rule needs it.

Every rule judges a resource three ways: failed (a finding), passed, or undecided (not
counted as evaluated; recorded with its reason). A YAML condition is undecided when it
reads a value known only after apply; a Python rule says so with `Undecided`. A Python
rule cannot tell a value known only after apply from a real one, so on a *partial*
resource (`scanner.model.is_partial`: a resource outside a Terraform plan that the plan
only adds to) every verdict of a Python rule is undecided: the rule did not see the rest.
A compliance control whose rules judged nothing and left something undecided is
"not judged", never "passed".

Findings are kept as `FindingRow`s (plain tuples) until the stream ends and become
`Finding`s once, in the document's order. The per-resource part of a scan can run
elsewhere (`evaluate_part`, one snapshot partition per task: `scanner.engine.parallel`)
and come back as `PartialOutcome`s, which `evaluate(..., parts=...)` joins in order, so
a parallel scan gives exactly the serial scan's findings, order, stats and examples.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

import orjson

from scanner import __version__
from scanner.engine.conditions import Compiled, EvalContext
from scanner.engine.loader import Rule, RuleSet
from scanner.engine.python_rules import Hit, Undecided, Verdict, decide, stronger
from scanner.engine.spec import ControlSpec, FrameworkSpec
from scanner.engine.watchdog import time_limit
from scanner.graph import ResourceGraph
from scanner.heap import full_collections_paused
from scanner.masking import mask_secrets, mask_tags, mask_text
from scanner.model import (
    CollectionError,
    ComplianceRef,
    ControlResult,
    Finding,
    FindingsDocument,
    FindingStatus,
    FrameworkResult,
    ResourceRef,
    RuleStats,
    SnapshotSummary,
    UndecidedResult,
    fingerprint,
    is_partial,
    trusted,
    utcnow,
)
from scanner.timing import Phases

__all__ = [
    "FindingRow",
    "PartialOutcome",
    "ScanOutcome",
    "build_document",
    "evaluate",
    "evaluate_part",
    "framework_result",
]

logger = logging.getLogger(__name__)

Progress = Callable[[int], None]

# Undecided results a document keeps per rule and per control: the counts are exact,
# the examples say why.
UNDECIDED_EXAMPLES = 5
PARTIAL_REASON = (
    "only part of this resource is in the Terraform plan (what the plan adds to it);"
    " a Python rule cannot judge the rest"
)


def _reason(exc: BaseException) -> str:
    """Why a rule could not judge, in one masked line."""
    return mask_text(f"{type(exc).__name__}: {exc}")[:500].replace("\n", " ")


def _log_rule_error(what: str, exc: BaseException) -> None:
    """One warning line (the error finding carries the reason); the traceback with -vv.

    A rule error is a result, not a crash: a traceback on stderr would read as one.
    """
    logger.warning("%s: %s", what, _reason(exc))
    logger.debug("%s", what, exc_info=exc)


@dataclass
class ScanOutcome:
    """What evaluation produced, before it becomes a findings document."""

    findings: list[Finding] = field(default_factory=list)
    stats: dict[str, RuleStats] = field(default_factory=dict)
    resource_types: Counter[str] = field(default_factory=Counter)
    providers: set[str] = field(default_factory=set)
    graph: ResourceGraph | None = None  # with evaluate(keep_graph=True)
    undecided: list[UndecidedResult] = field(default_factory=list)

    @property
    def resource_count(self) -> int:
        """Resources seen."""
        return sum(self.resource_types.values())


@dataclass(slots=True)
class _Counts:
    """Per-rule counters; plain attributes because they change once per resource."""

    evaluated: int = 0
    failed: int = 0
    errors: int = 0
    undecided: int = 0


# id, type, name, provider, account, region, tags: a ResourceRef's fields
RefRow = tuple[str, str, str, str, str, str, dict[str, str]]


class FindingRow(NamedTuple):
    """A finding as plain values (cheap to pickle); `_Evaluator.finding` makes the Finding."""

    rule_id: str
    fingerprint: str
    resource: RefRow
    message: str
    evidence: bytes  # JSON: a few hundred bytes less a finding until it is built
    path: list[str]
    cost: float | None
    error: bool  # the rule raised: an error finding


@dataclass
class PartialOutcome:
    """What the per-resource rules made of some resources: plain data, for another process.

    `counts` holds each rule's (evaluated, failed, errors, undecided); `undecided` the
    (rule id, resource id, reason) of each undecided result, in stream order;
    `graph_resources` what the graph keeps of each resource, when graph rules need it.
    """

    rows: list[FindingRow] = field(default_factory=list)
    undecided: list[tuple[str, str, str]] = field(default_factory=list)
    graph_resources: list[dict[str, Any]] = field(default_factory=list)  # ResourceGraph.slim
    counts: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)
    resource_types: Counter[str] = field(default_factory=Counter)
    providers: set[str] = field(default_factory=set)
    ids: bytes = b""  # the resources' `id_digest`s, 8 bytes each: the parent checks them


class _Evaluator:
    def __init__(self, ruleset: RuleSet, now: datetime) -> None:
        self.ruleset = ruleset
        self.now = now
        self.outcome = ScanOutcome()
        self.counts = {rid: _Counts() for rid in ruleset.rules}
        self.limits: dict[str, time_limit] = {}  # rule id -> its time limit, made once
        self.rows: list[FindingRow] = []
        self.undecided: list[tuple[str, str, str]] = []
        self.last_ref: tuple[Mapping[str, Any], RefRow] | None = None
        self.stream_index: dict[str, list[Rule]] = {}
        self.graph_rules: list[Rule] = []
        for rule in ruleset.rules.values():
            if not rule.judges:  # switched off by its params: not applicable, stats stay zero
                continue
            if rule.needs_graph:
                self.graph_rules.append(rule)
                continue
            for rtype in rule.spec.resource_types:
                self.stream_index.setdefault(rtype, []).append(rule)

    def _relations(self) -> set[str] | None:
        """The relations the selected graph rules walk; None when one may walk any."""
        kept: set[str] = set()
        for rule in self.graph_rules:
            relations = rule.graph_relations
            if relations is None:
                return None
            kept |= relations
        return kept

    def new_graph(self) -> ResourceGraph | None:
        """An empty graph that keeps what the selected graph rules read; None: none needed."""
        if not self.graph_rules:
            return None
        keep = set().union(*(r.graph_attribute_types for r in self.graph_rules))
        return ResourceGraph(keep_attributes_for=keep, keep_relations=self._relations())

    def run(
        self,
        resources: Iterable[Mapping[str, Any]],
        progress: Progress | None,
        parts: Iterable[PartialOutcome] | None = None,
        keep_graph: bool = False,
    ) -> ScanOutcome:
        clock = Phases(logger)
        graph = self.new_graph()
        if parts is None:
            self.stream(resources, graph.add_resource if graph else None, progress)
        else:  # the per-resource rules ran elsewhere; the graph is built from their parts
            for part in parts:
                self.absorb(part)
                if graph is not None:
                    for resource in part.graph_resources:
                        graph.add_resource(resource)
                if progress is not None:
                    progress(self.outcome.resource_count)
        where = "in this process" if parts is None else "in workers; their results taken in here"
        built = f", graph of {len(graph):,} nodes built" if graph is not None else ""
        clock.done(
            f"per-resource rules over {self.outcome.resource_count:,} resources ({where}){built}"
        )
        if graph is not None:
            for group in self._graph_rule_runs():
                if group[0].graph_fn is not None:
                    self.run_graph_fn(group[0], graph)
                else:
                    self.judge_nodes(group, graph)
            clock.done(f"{len(self.graph_rules)} graph rules")
        # the graph is done with: free it before the findings are built (the largest two
        # things a scan holds), unless the caller asked for it
        if keep_graph:
            self.outcome.graph = graph
        elif graph is not None:
            graph.release()
        del graph
        outcome = self.finish()
        clock.done(f"{len(outcome.findings):,} findings built")
        return outcome

    def _graph_rule_runs(self) -> list[list[Rule]]:
        """The graph rules in their order, in runs: a Python graph rule alone, and YAML
        rules next to each other that judge the same types together (their nodes are then
        read once). A Python graph rule may add edges (`attack_steps`): no YAML rule moves
        across one."""
        runs: list[list[Rule]] = []
        for rule in self.graph_rules:
            last = runs[-1][0] if runs else None
            if (
                rule.graph_fn is None
                and last is not None
                and last.graph_fn is None
                and last.spec.resource_types == rule.spec.resource_types
            ):
                runs[-1].append(rule)
            else:
                runs.append([rule])
        return runs

    def judge_nodes(self, rules: list[Rule], graph: ResourceGraph) -> None:
        """YAML graph rules of the same types over their nodes, each node read once."""
        for node_id in list(graph.nodes_of_type(rules[0].spec.resource_types)):
            view = graph.resource_view(node_id)
            ctx = EvalContext(resource=view, now=self.now, graph=graph)
            for rule in rules:
                self.judge(rule, view, ctx)

    def stream(
        self,
        resources: Iterable[Mapping[str, Any]],
        to_graph: Callable[[Mapping[str, Any]], None] | None,
        progress: Progress | None,
    ) -> None:
        """Judge each resource by the per-resource rules of its type (and pass it to_graph)."""
        types = self.outcome.resource_types
        providers = self.outcome.providers
        index = self.stream_index
        for count, resource in enumerate(resources, 1):
            rtype = resource["type"]
            types[rtype] += 1
            providers.add(resource.get("provider", ""))
            if to_graph is not None:
                to_graph(resource)
            rules = index.get(rtype)
            if rules:
                ctx = EvalContext(resource=resource, now=self.now)
                for rule in rules:
                    self.judge(rule, resource, ctx)
            if progress is not None and count % 10000 == 0:
                progress(count)

    def partial(self) -> PartialOutcome:
        """What `stream` found so far, as plain data."""
        return PartialOutcome(
            rows=self.rows,
            undecided=self.undecided,
            counts={
                rid: (c.evaluated, c.failed, c.errors, c.undecided)
                for rid, c in self.counts.items()
                if c.evaluated or c.failed or c.errors or c.undecided
            },
            resource_types=self.outcome.resource_types,
            providers=self.outcome.providers,
        )

    def absorb(self, part: PartialOutcome) -> None:
        """Add what `stream` found elsewhere, as if this evaluator had streamed it."""
        self.rows.extend(part.rows)
        self.undecided.extend(part.undecided)
        for rid, (evaluated, failed, errors, undecided) in part.counts.items():
            counts = self.counts[rid]
            counts.evaluated += evaluated
            counts.failed += failed
            counts.errors += errors
            counts.undecided += undecided
        self.outcome.resource_types.update(part.resource_types)
        self.outcome.providers |= part.providers

    def finish(self) -> ScanOutcome:
        """Stats, undecided results and findings (in the document's order) from the rows."""
        examples: dict[str, list[UndecidedResult]] = {}
        for rule_id, resource_id, reason in self.undecided:
            # plain strings: no need to validate them again
            result = UndecidedResult.model_construct(
                rule_id=rule_id, resource_id=resource_id, reason=reason
            )
            self.outcome.undecided.append(result)
            kept = examples.setdefault(rule_id, [])
            if len(kept) < UNDECIDED_EXAMPLES:
                kept.append(result)
        self.outcome.stats = {
            rid: RuleStats(
                evaluated=c.evaluated,
                failed=c.failed,
                errors=c.errors,
                undecided=c.undecided,
                undecided_examples=examples.get(rid, []),
            )
            for rid, c in self.counts.items()
        }
        rules = self.ruleset.rules
        self.rows.sort(
            key=lambda r: (-rules[r.rule_id].spec.severity.rank, r.rule_id, r.resource[0])
        )
        rows, self.rows = self.rows, []
        refs: dict[int, ResourceRef] = {}  # one reference per resource: rows share RefRows
        templates = {rid: self._template(rid) for rid in {r.rule_id for r in rows}}
        self.outcome.findings = [self.finding(row, refs, templates) for row in rows]
        return self.outcome

    def _template(self, rule_id: str) -> dict[str, Any]:
        """A failed finding of the rule, the fields of one finding left empty, in the
        order of the model's fields (the order its JSON is written in)."""
        spec = self.ruleset.rules[rule_id].spec
        return {
            "fingerprint": "",
            "rule_id": rule_id,
            "title": spec.title,
            "severity": spec.severity,
            "category": spec.category,
            "status": FindingStatus.FAIL,
            "resource": None,
            "message": "",
            "evidence": None,
            "remediation": spec.remediation,
            "compliance": self.ruleset.compliance_of(rule_id),  # shared by its findings
            "path": None,
            "monthly_cost_usd": None,
            "location": None,
            "source": "pscan",
            "references": spec.references,
            "suppression": None,
            "is_new": None,
        }

    def judge(self, rule: Rule, resource: Mapping[str, Any], ctx: EvalContext) -> None:
        """Judge one resource; `ctx` is the resource's plain (non-recording) context."""
        stats = self.counts[rule.id]
        attrs = resource.get("attributes") or {}
        try:
            if rule.applies_if is not None:
                applies = rule.applies_if.fn(attrs, ctx)
                if applies is None:  # reads a value known only after apply
                    self.add_unknown(rule, resource, ctx, rule.applies_if)
                    return
                if not applies:
                    return
            stats.evaluated += 1
            if rule.condition is not None:
                verdict = rule.condition.fn(attrs, ctx)
                if verdict is None:  # the decision depends on a value known only after apply
                    stats.evaluated -= 1
                    self.add_unknown(rule, resource, ctx, rule.condition)
                    return
                if verdict:
                    return
                # Failed: evaluate again, this time recording the deciding values.
                rec = EvalContext(resource=resource, now=self.now, graph=ctx.graph, record=True)
                rule.condition.fn(attrs, rec)
                hit = Hit(evidence=rec.evidence, path=rec.path)
                self.add_finding(rule, resource, hit, match=rec.match)
            elif rule.resource_fn is not None:
                limit = self.limits.get(rule.id)
                if limit is None:
                    limit = self.limits[rule.id] = time_limit(f"rule {rule.id}")
                with limit:
                    judged = decide(rule.resource_fn(resource, rule.spec))
                self.apply(rule, resource, judged)
        except (Exception, SystemExit) as exc:  # one broken rule must not stop the scan
            _log_rule_error(f"rule {rule.id} failed on {resource.get('id')}", exc)
            stats.evaluated -= 1
            self.add_error(rule, resource, exc)

    def add_unknown(
        self, rule: Rule, resource: Mapping[str, Any], plain: EvalContext, undecided: Compiled
    ) -> None:
        """Record a YAML rule as undecided, naming the paths that read an unknown value."""
        ctx = EvalContext(resource=resource, now=self.now, graph=plain.graph)
        undecided.fn(resource.get("attributes") or {}, ctx)
        paths = ", ".join(dict.fromkeys(ctx.unknown)) or "?"
        reason = f"reads values known only after apply: {paths}"
        self.add_undecided(rule, str(resource["id"]), reason)

    def apply(self, rule: Rule, resource: Mapping[str, Any], verdict: Verdict | None) -> None:
        """Count a resource rule's verdict on a resource already counted as evaluated."""
        verdict = _on_partial(str(resource["id"]), verdict)
        if isinstance(verdict, Hit):
            self.add_finding(rule, resource, verdict)
        elif isinstance(verdict, Undecided):
            self.counts[rule.id].evaluated -= 1
            self.add_undecided(rule, str(resource["id"]), verdict.reason)

    def run_graph_fn(self, rule: Rule, graph: ResourceGraph) -> None:
        assert rule.graph_fn is not None
        verdicts: dict[str, Verdict] = {}
        try:
            with time_limit(f"graph rule {rule.id}"):
                for verdict in rule.graph_fn(graph, rule.spec):
                    rid = verdict.resource_id
                    if not rid or rid not in graph:
                        kind = type(verdict).__name__
                        msg = f"rule {rule.id} reported {kind} on unknown resource {rid!r}"
                        raise ValueError(msg)
                    verdicts[rid] = stronger(verdicts.get(rid), verdict)
        except (Exception, SystemExit) as exc:  # one broken rule must not stop the scan
            _log_rule_error(f"graph rule {rule.id} failed", exc)
            self.add_error(rule, {"id": f"rule:{rule.id}", "type": "rule"}, exc)
        # Every resource of the rule's types is judged; one without a verdict passes.
        for rid in graph.nodes_of_type(rule.spec.resource_types):
            self.settle(rule, graph, rid, verdicts.pop(rid, None))
        for rid, verdict in verdicts.items():  # verdicts on resources of other types
            self.settle(rule, graph, rid, verdict)

    def settle(self, rule: Rule, graph: ResourceGraph, rid: str, verdict: Verdict | None) -> None:
        """Count a graph rule's verdict on one resource."""
        verdict = _on_partial(rid, verdict)
        if isinstance(verdict, Undecided):
            self.add_undecided(rule, rid, verdict.reason)
            return
        self.counts[rule.id].evaluated += 1
        if isinstance(verdict, Hit):
            self.add_finding(rule, graph.resource_view(rid), verdict)

    def add_undecided(self, rule: Rule, resource_id: str, reason: str) -> None:
        self.counts[rule.id].undecided += 1
        self.undecided.append((rule.id, resource_id, mask_text(reason)))

    def add_finding(
        self, rule: Rule, resource: Mapping[str, Any], hit: Hit, match: Any = None
    ) -> None:
        evidence = _json_safe(mask_secrets(hit.evidence))
        message = rule.message.render(
            resource,
            match=mask_secrets(match),
            evidence=orjson.loads(evidence) if rule.message.reads_evidence else None,
        )
        cost = _cost(rule, resource.get("attributes") or {})
        rid = str(resource["id"])
        self.counts[rule.id].failed += 1  # counted once the finding is whole
        self.rows.append(
            FindingRow(
                rule.id,
                fingerprint(rule.id, rid),
                self.ref(resource),
                message,
                evidence,
                hit.path,
                cost,
                False,
            )
        )

    def add_error(self, rule: Rule, resource: Mapping[str, Any], exc: BaseException) -> None:
        """An error finding: the rule raised (or exited) on the resource; the reason masked."""
        self.counts[rule.id].errors += 1
        rid = str(resource.get("id"))
        reason = _reason(exc)
        message = f"rule could not be evaluated: {reason}"
        self.rows.append(
            FindingRow(
                rule.id,
                fingerprint(rule.id, rid),
                self.ref(resource),
                message,
                b"{}",
                [],
                None,
                True,
            )
        )

    def ref(self, resource: Mapping[str, Any]) -> RefRow:
        """`_ref` of the resource, made once for all the findings of the resource at hand."""
        last = self.last_ref
        if last is not None and last[0] is resource:
            return last[1]
        row = _ref(resource)
        self.last_ref = (resource, row)
        return row

    def finding(
        self,
        row: FindingRow,
        refs: dict[int, ResourceRef],
        templates: Mapping[str, dict[str, Any]],
    ) -> Finding:
        """The Finding of a row; `refs` keeps the ResourceRef made for each RefRow, and
        `templates` holds each rule's `_template`."""
        ref = refs.get(id(row.resource))
        if ref is None:
            rid, rtype, name, provider, account, region, tags = row.resource
            ref = refs[id(row.resource)] = trusted(
                ResourceRef,
                id=rid,
                type=rtype,
                name=name,
                provider=provider,
                account=account,
                region=region,
                tags=tags,
            )
        if row.error:
            spec = self.ruleset.rules[row.rule_id].spec
            return Finding(
                fingerprint=row.fingerprint,
                rule_id=row.rule_id,
                title=spec.title,
                severity=spec.severity,
                category=spec.category,
                status=FindingStatus.ERROR,
                resource=ref,
                message=row.message,
                remediation=spec.remediation,
                references=spec.references,
            )
        # trusted: every value here is already typed (spec fields, strings, JSON values
        # from the snapshot); validating 100k+ findings again costs seconds.
        values = templates[row.rule_id].copy()
        values["fingerprint"] = row.fingerprint
        values["resource"] = ref
        values["message"] = row.message
        values["evidence"] = orjson.loads(row.evidence)
        values["path"] = row.path
        values["monthly_cost_usd"] = row.cost
        return trusted(Finding, values)


def _cost(rule: Rule, attrs: Mapping[str, Any]) -> float | None:
    """A cost rule's monthly estimate: price x quantity x factor (None: no price known)."""
    price = rule.price
    if rule.type_prices is not None and rule.cost_by is not None:
        price = rule.type_prices.get(str(rule.cost_by(attrs)))
    if price is None:
        return None
    quantity = 1.0
    if rule.cost_quantity is not None:
        raw = rule.cost_quantity(attrs)
        quantity = float(raw) if isinstance(raw, int | float) else 0.0
    factor = rule.spec.cost.factor if rule.spec.cost is not None else 1.0
    return round(price * quantity * factor, 2)


def _on_partial(resource_id: str, verdict: Verdict | None) -> Verdict | None:
    """A Python rule's verdict, undecided on a partial resource (see the module docstring)."""
    if is_partial(resource_id) and not isinstance(verdict, Undecided):
        return Undecided(resource_id, PARTIAL_REASON)
    return verdict


def _json_safe(evidence: Any) -> bytes:
    """Evidence as a JSON object: what a Python rule returns may hold sets, bytes or
    objects, which are written as their text instead of failing the report at render time."""
    if not isinstance(evidence, dict):
        evidence = {"value": evidence}
    try:
        packed = orjson.dumps(evidence, default=str, option=orjson.OPT_NON_STR_KEYS)
    except orjson.JSONEncodeError:  # nested too deep, or an integer past 64 bits
        packed = orjson.dumps({"value": str(evidence)[:1000]})
    return bytes(memoryview(packed))  # a copy: orjson's result holds its whole buffer


def _ref(resource: Mapping[str, Any]) -> RefRow:
    """A finding's resource, its name and tags (keys and values) masked."""
    return (
        str(resource["id"]),
        str(resource.get("type", "")),
        mask_text(str(resource.get("name") or "")),
        str(resource.get("provider", "")),
        str(resource.get("account", "")),
        str(resource.get("region", "")),
        mask_tags(resource.get("tags") or {}),
    )


@full_collections_paused()
def evaluate(
    ruleset: RuleSet,
    resources: Iterable[Mapping[str, Any]],
    *,
    now: datetime | None = None,
    progress: Progress | None = None,
    parts: Iterable[PartialOutcome] | None = None,
    keep_graph: bool = False,
) -> ScanOutcome:
    """Judge every resource with every rule that applies to its type.

    `now` is the moment ages and expiries are measured from: the snapshot's collection
    time, so a snapshot scanned later gives the same findings.

    With `parts`, the per-resource rules were run elsewhere (`evaluate_part` over
    consecutive pieces of the same stream, given in stream order): `resources` is not
    read, the graph is built from the parts, and the result is what the serial scan gives.

    The outcome holds the graph the graph rules used only with `keep_graph`; otherwise it
    is freed before the findings are built.
    """
    return _Evaluator(ruleset, now or utcnow()).run(resources, progress, parts, keep_graph)


@full_collections_paused()
def evaluate_part(
    ruleset: RuleSet, resources: Iterable[Mapping[str, Any]], *, now: datetime
) -> PartialOutcome:
    """The per-resource rules (not the graph rules) over some resources, as plain data,
    with what the graph keeps of each resource when graph rules are selected."""
    evaluator = _Evaluator(ruleset, now)
    graph = evaluator.new_graph()
    slims: list[dict[str, Any]] = []
    evaluator.stream(resources, (lambda r: slims.append(graph.slim(r))) if graph else None, None)
    part = evaluator.partial()
    part.graph_resources = slims
    return part


def framework_result(framework: FrameworkSpec, stats: Mapping[str, RuleStats]) -> FrameworkResult:
    """Each control's verdict from the stats of the rules that decide it."""
    return FrameworkResult(
        id=framework.id,
        title=framework.title,
        version=framework.version,
        controls=[_control_result(control, stats) for control in framework.controls],
    )


def _control_result(control: ControlSpec, stats: Mapping[str, RuleStats]) -> ControlResult:
    mapped = [stats[r] for r in control.rules if r in stats]
    failed = sum(s.failed for s in mapped)
    undecided = sum(s.undecided for s in mapped)
    if not control.rules:
        status = "not_covered" if control.automated else "manual"
    elif not mapped:
        status = "not_covered"
    elif failed:
        status = "failed"
    elif any(s.errors for s in mapped):
        status = "error"  # a rule that could not judge must not make a control pass
    elif any(s.evaluated for s in mapped):
        status = "passed"
    elif undecided:
        status = "not_judged"  # only undecided results: never "passed"
    else:
        status = "not_applicable"
    examples = [e for s in mapped for e in s.undecided_examples][:UNDECIDED_EXAMPLES]
    return ControlResult(
        id=control.id,
        title=control.title,
        section=control.section,
        automated=control.automated,
        status=status,
        rules=control.rules,
        failed_findings=failed,
        undecided=undecided,
        undecided_examples=examples,
    )


def build_document(
    outcome: ScanOutcome,
    ruleset: RuleSet,
    *,
    snapshots: Iterable[SnapshotSummary] = (),
    errors: Iterable[CollectionError] = (),
    frameworks: Iterable[str] | None = None,
) -> FindingsDocument:
    """The findings document of a scan.

    `frameworks` default to the `default` frameworks (the CIS benchmarks among the
    built-in ones) of the providers seen. Each finding's `compliance` keeps the controls
    of the chosen frameworks only, so a framework the report leaves out adds nothing to
    it.
    """
    if frameworks is None:
        chosen = [
            fw
            for fw in ruleset.frameworks.values()
            if fw.default and fw.provider in outcome.providers
        ]
    else:
        chosen = [ruleset.frameworks[f] for f in frameworks]
    reported = {fw.id for fw in chosen}
    # findings of one rule share one list: filter it once (the pair keeps the old list
    # alive, so its id cannot be reused by another while the loop runs)
    kept: dict[int, tuple[list[ComplianceRef], list[ComplianceRef]]] = {}
    for finding in outcome.findings:
        if finding.compliance:
            old = finding.compliance
            if id(old) not in kept:
                kept[id(old)] = (old, [r for r in old if r.framework in reported])
            finding.compliance = kept[id(old)][1]
    return FindingsDocument(
        tool_version=__version__,
        snapshots=list(snapshots),
        resource_count=outcome.resource_count,
        rule_count=len(ruleset.rules),
        findings=outcome.findings,
        rule_stats=outcome.stats,
        frameworks=[
            framework_result(fw, outcome.stats) for fw in sorted(chosen, key=lambda f: f.id)
        ],
        collection_errors=[
            CollectionError.model_validate(mask_secrets(e.model_dump())) for e in errors
        ],
        resource_types=dict(sorted(outcome.resource_types.items())),
    )
