"""What a use case reports while it runs, as typed events; the CLI decides how to show them.

Use cases never print. Long steps (collection, evaluation, generation) call a `Listener`
with one of the events below; the CLI turns them into progress lines on a terminal, and
tests and benchmarks pass nothing (`ignore`) or collect them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from scanner.model import SnapshotManifest

if TYPE_CHECKING:  # boto3 is imported only by the commands that collect AWS
    from scanner.collectors.aws import ProgressEvent
    from scanner.loadtest import StepResult

__all__ = [
    "AwsStep",
    "Collected",
    "Evaluated",
    "Evaluating",
    "Event",
    "GcpStep",
    "Generating",
    "Kept",
    "Listener",
    "LoadStepDone",
    "RulesLoaded",
    "ignore",
]


@dataclass(frozen=True)
class RulesLoaded:
    """The rule packs are loaded."""

    rules: int


@dataclass(frozen=True)
class Evaluating:
    """Evaluation is under way (sent every 10,000 resources)."""

    resources: int


@dataclass(frozen=True)
class Evaluated:
    """Every resource was judged."""

    resources: int
    rules: int
    seconds: float


@dataclass(frozen=True)
class AwsStep:
    """One service x region x account of an AWS collection finished."""

    step: ProgressEvent


@dataclass(frozen=True)
class GcpStep:
    """A step of a GCP collection, as the collector words it."""

    text: str


@dataclass(frozen=True)
class Collected:
    """A collection finished and its snapshot is written."""

    provider: str
    output: Path
    manifest: SnapshotManifest
    seconds: float
    counts: Mapping[str, int] = field(default_factory=dict)  # resources per type, when known


@dataclass(frozen=True)
class Kept:
    """`pscan scan --aws/--gcp` keeps what it collected here."""

    path: Path


@dataclass(frozen=True)
class Generating:
    """A synthetic estate is being written (sent every 10,000 resources)."""

    resources: int


@dataclass(frozen=True)
class LoadStepDone:
    """A step of a load test finished (`pscan loadtest`)."""

    step: StepResult


Event = (
    RulesLoaded
    | Evaluating
    | Evaluated
    | AwsStep
    | GcpStep
    | Collected
    | Kept
    | Generating
    | LoadStepDone
)
Listener = Callable[[Event], None]


def ignore(event: Event) -> None:
    """The listener of callers that do not show progress."""
