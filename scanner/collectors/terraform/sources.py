"""Where each planned resource is written: its `resource` block in the `.tf` files.

The `.tf` files are read by a real HCL parser (python-hcl2, on Lark), so braces, `#`
and `//` inside strings and heredocs, and `/* */` comments, never move a block's
boundaries; its line range is what the parser saw. A file the parser cannot read is
skipped with a warning: its resources simply have no location.

The root module is the folder whose files declare most of the plan's root resources;
module folders come from the configuration's local `source` paths (`./modules/x`).
Registry and git modules are not located.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import hcl2
from lark import Token, Tree
from lark.exceptions import LarkError

from scanner.collectors.terraform.instances import JSON
from scanner.collectors.terraform.plan import Plan
from scanner.collectors.terraform.references import strip_index

__all__ = ["SourceBlock", "locate_sources", "resource_blocks"]

logger = logging.getLogger(__name__)

_SKIPPED_DIRS = frozenset({".terraform", ".git", "node_modules", ".venv", ".tools"})

# folder -> (resource type, resource name) -> (file, first line, last line)
_Declared = dict[Path, dict[tuple[str, str], tuple[Path, int, int]]]


@dataclass(frozen=True)
class SourceBlock:
    """Where a resource block is written: file (relative to the working directory) and lines."""

    file: str
    start_line: int
    end_line: int


def resource_blocks(path: Path) -> Iterator[tuple[str, str, int, int]]:
    """(type, name, first line, last line) of every `resource` block in a .tf file.

    An unreadable file, or one that is not valid HCL, yields nothing and logs a warning.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        logger.warning("%s: cannot read (%s); its resources are not located", path, exc)
        return
    try:
        tree = hcl2.parses_to_tree(text)
    except LarkError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        logger.warning("%s: not valid HCL (%s); its resources are not located", path, reason)
        return
    body = tree.children[0] if tree.children else None
    if not isinstance(body, Tree):
        return
    for block in body.children:
        if not isinstance(block, Tree) or block.data != "block":
            continue
        labels = _labels(block)
        if len(labels) == 3 and labels[0] == "resource":
            yield labels[1], labels[2], block.meta.line, block.meta.end_line


def _labels(block: Tree[Token]) -> list[str]:
    """A block's type and labels as text: `resource "aws_s3_bucket" "this"` -> 3 strings."""
    out: list[str] = []
    for child in block.children:
        if isinstance(child, Token):  # the opening brace: the labels are done
            break
        if child.data == "new_line_or_comment":
            continue
        text = "".join(str(token) for token in child.scan_values(lambda v: isinstance(v, Token)))
        out.append(text[1:-1] if child.data == "string" else text)
    return out


def _index_tf(files: Iterable[Path], declared: _Declared) -> None:
    for tf in files:
        if tf.suffix != ".tf" or _SKIPPED_DIRS & set(tf.parts):
            continue
        folder = declared.setdefault(tf.parent, {})
        for rtype, rname, start, end in resource_blocks(tf):
            folder.setdefault((rtype, rname), (tf, start, end))


def _root_dir(plan: Plan, declared: _Declared) -> Path:
    """The folder whose files declare most of the plan's root-module resources."""
    root_keys = {
        (c.tf_type, strip_index(c.address).split(".")[-1])
        for c in plan.changes
        if not c.address.startswith("module.")
    }
    module_keys = {(c.tf_type, strip_index(c.address).split(".")[-1]) for c in plan.changes}
    return max(
        declared,
        key=lambda d: (
            len(root_keys & set(declared[d])),
            len(module_keys & set(declared[d])),
            -len(d.parts),
        ),
    )


def locate_sources(
    plan: Plan,
    search_roots: Iterable[Path],
    cwd: Path | None = None,
    *,
    plan_dir: Path | None = None,
) -> dict[str, SourceBlock]:
    """Find each planned address's `resource` block in the `.tf` files.

    Searched are the folders (recursively) and files in `search_roots`, and the `.tf`
    files right in `plan_dir` (a plan is usually written in its root module's folder).
    Files are given relative to `cwd`.
    """
    cwd = (cwd or Path.cwd()).resolve()
    declared: _Declared = {}
    for root in search_roots:
        root = root.resolve()
        _index_tf([root] if root.is_file() else sorted(root.rglob("*.tf")), declared)
    if plan_dir is not None and plan_dir.is_dir():
        _index_tf(sorted(plan_dir.resolve().glob("*.tf")), declared)
    declared = {folder: blocks for folder, blocks in declared.items() if blocks}
    if not declared:
        return {}
    root_dir = _root_dir(plan, declared)
    module_dirs = _module_dirs(plan.configuration, root_dir)
    for folder in module_dirs.values():  # local modules outside the searched folders
        if folder not in declared and folder.is_dir():
            _index_tf(sorted(folder.glob("*.tf")), declared)
    out: dict[str, SourceBlock] = {}
    for change in plan.changes:
        parts = strip_index(change.address).split(".")
        cut = 0
        while cut + 1 < len(parts) and parts[cut] == "module":
            cut += 2
        module_path = ".".join(parts[:cut])
        module_dir = root_dir if not module_path else module_dirs.get(module_path)
        if module_dir is None or len(parts) - cut != 2:
            continue
        found = declared.get(module_dir, {}).get((parts[cut], parts[cut + 1]))
        if found is None:
            continue
        tf, start, end = found
        out[change.address] = SourceBlock(_relative(tf, cwd), start, end)
    return out


def _module_dirs(config: JSON, root_dir: Path) -> dict[str, Path]:
    """Module path (`module.a.module.b`) -> its folder, for modules with a local source."""
    out: dict[str, Path] = {}

    def walk(module: JSON, path: str, folder: Path) -> None:
        for name, call in (module.get("module_calls") or {}).items():
            source = str(call.get("source", ""))
            child = f"{path}.module.{name}" if path else f"module.{name}"
            if source.startswith(("./", "../")):
                child_dir = Path(os.path.normpath(folder / source))
                out[child] = child_dir
                walk(call.get("module") or {}, child, child_dir)

    walk(config.get("root_module") or {}, "", root_dir)
    return out


def _relative(path: Path, cwd: Path) -> str:
    try:
        return path.resolve().relative_to(cwd).as_posix()
    except ValueError:
        return path.resolve().as_posix()
