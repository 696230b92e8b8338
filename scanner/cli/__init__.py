"""The `pscan` command line: parse, call a use case (`scanner.app`), print, exit.

Exit codes: 0 nothing at or above the gate's threshold, 1 the gate tripped,
2 bad usage or bad input (one line naming the file/field), 3 an internal error or a scan
worker that died mid-scan (never a partial findings file), 4 an output could not be
written (disk full, no permission, read-only file system), 130 interrupted (SIGINT),
143 terminated (SIGTERM); temporary files are removed first.
This package is the only code that prints or exits; the group below is the boundary
that turns library errors into those messages and codes.

One module per command group, each registered in `_COMMANDS` below (command name ->
module) and imported only when its command runs or help lists it: `pscan --version`
loads none of them, `pscan scan` only what a scan needs.

`options.py` holds the options several commands share, `output.py` what they print.
"""

from __future__ import annotations

import errno
import importlib
import logging
import os
import signal
import sys
import threading
from typing import Any

import click

from scanner import __version__
from scanner.errors import ScannerError, WorkerError
from scanner.masking import MaskingFilter, inert, mask_text

__all__ = ["cli", "main"]

logger = logging.getLogger("scanner")

EXIT_NOT_WRITTEN = 4
EXIT_SIGINT = 130
EXIT_SIGTERM = 143

# What the disk or the file system refused: the output could not be written.
_WRITE_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EFBIG}
)


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that every cleanup runs on the way out."""


def _on_sigterm(_signum: int, _frame: object) -> None:
    raise _Terminated


# command name -> the module that defines it (under the same name)
_COMMANDS = {
    "architecture": "scanner.cli.architecture",
    "audit": "scanner.cli.audit",
    "baseline": "scanner.cli.baseline",
    "capacity": "scanner.cli.capacity",
    "collect": "scanner.cli.collect",
    "cost": "scanner.cli.cost",
    "demo": "scanner.cli.demo",
    "diagram": "scanner.cli.report",
    "fixtures": "scanner.cli.snapshot",
    "iac": "scanner.cli.iac",
    "loadtest": "scanner.cli.loadtest",
    "prices": "scanner.cli.prices",
    "report": "scanner.cli.report",
    "rules": "scanner.cli.rules",
    "scan": "scanner.cli.scan",
    "snapshot": "scanner.cli.snapshot",
}


class _App(click.Group):
    """Load each command's module when it is asked for; turn library errors into
    one-line messages and exit codes."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = _COMMANDS.get(cmd_name)
        if module is None:
            return None
        command = getattr(importlib.import_module(module), cmd_name)
        assert isinstance(command, click.Command)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        # loaded here, not at the top, so that `pscan --version` and `--help` need no use
        # case; every command's module imports it anyway
        from scanner.cli.output import print_error

        try:
            return super().invoke(ctx)
        except WorkerError as exc:  # not the user's input: the scan could not finish
            print_error(str(exc))
            raise click.exceptions.Exit(3) from None
        except ScannerError as exc:
            raise click.exceptions.Exit(print_error(str(exc))) from None
        except (click.exceptions.Exit, click.ClickException, click.Abort, BrokenPipeError):
            raise
        except OSError as exc:
            if exc.errno not in _WRITE_ERRNOS:
                raise _internal(exc) from None
            where = exc.filename or "output"
            click.echo(
                f"pscan: error: cannot write {mask_text(str(where))}: {exc.strerror}", err=True
            )
            raise click.exceptions.Exit(EXIT_NOT_WRITTEN) from None
        except Exception as exc:  # the CLI boundary: no traceback for users
            raise _internal(exc) from None


def _internal(exc: Exception) -> Exception:
    """Report an internal error in one line (exit 3); with PSCAN_DEBUG, the exception itself."""
    if os.environ.get("PSCAN_DEBUG"):
        return exc
    logger.debug("internal error", exc_info=exc)
    click.echo(
        f"pscan: internal error: {type(exc).__name__}: {inert(mask_text(str(exc)))}"
        " (set PSCAN_DEBUG=1 for the traceback)",
        err=True,
    )
    return click.exceptions.Exit(3)


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
      pscan architecture SNAPSHOT -o DIR      # the architecture document
      pscan rules list                        # what is checked
    """
    level = {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, MaskingFilter) for f in handler.filters):
            handler.addFilter(MaskingFilter())


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `pscan` console script."""
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if in_main_thread else None
    try:
        rv = cli.main(args=argv, prog_name="pscan", standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        return 2
    except click.Abort as exc:
        if isinstance(exc.__context__, _Terminated):
            click.echo("pscan: terminated", err=True)
            return EXIT_SIGTERM
        if isinstance(exc.__context__, KeyboardInterrupt):
            click.echo("pscan: interrupted", err=True)
            return EXIT_SIGINT
        click.echo("aborted", err=True)
        return 2
    except BrokenPipeError:
        # the reader went away (`pscan rules list | head`): not an error worth a message
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    finally:
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous)
    return rv if isinstance(rv, int) else 0
