"""The `pscan` command line: parse, call a use case (`scanner.app`), print, exit.

Exit codes: 0 nothing at or above the gate's threshold, 1 the gate tripped,
2 bad usage or bad input (one line naming the file/field), 3 an internal error or a scan
worker that died mid-scan (never a partial findings file).
This package is the only code that prints or exits; the group below is the boundary
that turns library errors into those messages and codes.

One module per command group, each registered here explicitly:

| module | commands |
|---|---|
| `scan.py` | `pscan scan`, `pscan demo` |
| `report.py` | `pscan report`, `pscan diagram` |
| `rules.py` | `pscan rules list/show/test/validate` |
| `collect.py` | `pscan collect aws/gcp` |
| `snapshot.py` | `pscan snapshot info/merge`, `pscan fixtures generate` |
| `iac.py` | `pscan iac` |
| `baseline.py` | `pscan baseline create` |
| `capacity.py` | `pscan capacity show`, `init`, `plan` |
| `cost.py` | `pscan cost` |
| `loadtest.py` | `pscan loadtest` |
| `prices.py` | `pscan prices update` |
| `audit.py` | `pscan audit run/list/show/diff/trend/report/prune` |

`options.py` holds the options several commands share, `output.py` what they print.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

import click

from scanner import __version__
from scanner.cli.audit import audit
from scanner.cli.baseline import baseline
from scanner.cli.capacity import capacity
from scanner.cli.collect import collect
from scanner.cli.cost import cost
from scanner.cli.iac import iac
from scanner.cli.loadtest import loadtest
from scanner.cli.output import print_error
from scanner.cli.prices import prices
from scanner.cli.report import diagram, report
from scanner.cli.rules import rules
from scanner.cli.scan import demo, scan
from scanner.cli.snapshot import fixtures, snapshot
from scanner.errors import ScannerError, WorkerError

__all__ = ["cli", "main"]

logger = logging.getLogger("scanner")


class _App(click.Group):
    """Turn library errors into one-line messages and exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except WorkerError as exc:  # not the user's input: the scan could not finish
            print_error(str(exc))
            raise click.exceptions.Exit(3) from None
        except ScannerError as exc:
            raise click.exceptions.Exit(print_error(str(exc))) from None
        except (click.exceptions.Exit, click.ClickException, click.Abort, BrokenPipeError):
            raise
        except Exception as exc:  # the CLI boundary: no traceback for users
            if os.environ.get("PSCAN_DEBUG"):
                raise
            logger.debug("internal error", exc_info=True)
            click.echo(
                f"pscan: internal error: {type(exc).__name__}: {exc}"
                " (set PSCAN_DEBUG=1 for the traceback)",
                err=True,
            )
            raise click.exceptions.Exit(3) from None


@click.group(cls=_App, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pscan")
@click.option("-v", "--verbose", count=True, help="Log more (-v info, -vv debug) on stderr.")
def cli(verbose: int) -> None:
    """pscan: policy-as-code compliance scanner for cloud platforms.

    \b
    Collect an estate into a snapshot, scan it with rule packs, render reports:
      pscan demo                              # the whole pipeline on the bundled demo
      pscan scan SNAPSHOT -o findings.json    # judge a snapshot
      pscan report findings.json --format html -o report.html
      pscan capacity show SNAPSHOT            # headroom by product
      pscan cost SNAPSHOT                     # spend, estimates and savings
      pscan rules list                        # what is checked
    """
    level = {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


for _command in (
    audit,
    baseline,
    capacity,
    collect,
    cost,
    demo,
    diagram,
    fixtures,
    iac,
    loadtest,
    prices,
    report,
    rules,
    scan,
    snapshot,
):
    cli.add_command(_command)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `pscan` console script."""
    try:
        rv = cli.main(args=argv, prog_name="pscan", standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        return 2
    except click.Abort:
        click.echo("aborted", err=True)
        return 2
    except BrokenPipeError:
        # the reader went away (`pscan rules list | head`): not an error worth a message
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    return rv if isinstance(rv, int) else 0
