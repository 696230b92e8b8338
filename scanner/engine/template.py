"""Finding messages: `{placeholder}` templates compiled once per rule."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from scanner.engine.conditions import CompileError, compile_path
from scanner.masking import mask_secrets

__all__ = ["MessageTemplate"]

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
_MAX_VALUE = 200


def _fmt(value: Any) -> str:
    if value is None or value == [] or value == {}:
        return "?"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = ", ".join(_fmt(v) for v in value) if isinstance(value, list) else str(value)
    return text if len(text) <= _MAX_VALUE else text[: _MAX_VALUE - 1] + "…"


_SPECIAL = re.compile(r"\b(resource|match|evidence)\b")


class MessageTemplate:
    """A message with `{path}` placeholders read from the resource and the match.

    A placeholder that names `resource`, `match` or `evidence` reads a context holding
    them and the attributes; any other reads the attributes directly (no copy).
    """

    def __init__(self, text: str) -> None:
        self.text = text
        # literal text, or (masking key, reads special names?, getter)
        self._parts: list[str | tuple[str, bool, Callable[[Any], Any]]] = []
        pos = 0
        for m in _PLACEHOLDER.finditer(text):
            self._parts.append(text[pos : m.start()])
            try:
                expr = m.group(1).strip()
                special = _SPECIAL.search(expr) is not None
                self._parts.append((expr.rsplit(".", 1)[-1], special, compile_path(expr)))
            except CompileError as exc:
                msg = f"message placeholder {{{m.group(1)}}}: {exc}"
                raise CompileError(msg) from None
            pos = m.end()
        self._parts.append(text[pos:])
        # whether a placeholder reads `evidence` (the engine then unpacks it for render)
        self.reads_evidence = any("evidence" in m.group(1) for m in _PLACEHOLDER.finditer(text))

    def render(
        self,
        resource: Mapping[str, Any],
        *,
        match: Any = None,
        evidence: Mapping[str, Any] | None = None,
    ) -> str:
        """Fill the placeholders for one resource; secret-looking values come out masked."""
        attrs = resource.get("attributes") or {}
        specials: dict[str, Any] | None = None
        out = []
        for part in self._parts:
            if isinstance(part, str):
                out.append(part)
                continue
            key, special, getter = part
            if special:
                if specials is None:
                    specials = {
                        **attrs,
                        "resource": {
                            "id": resource.get("id", ""),
                            "name": resource.get("name") or resource.get("id", ""),
                            "type": resource.get("type", ""),
                            "account": resource.get("account", ""),
                            "region": resource.get("region", ""),
                            "tags": resource.get("tags") or {},
                        },
                        "match": match,
                        "evidence": dict(evidence or {}),
                    }
                value = getter(specials)
            else:
                value = getter(attrs)
            out.append(_fmt(mask_secrets(value, key)))
        return "".join(out)
