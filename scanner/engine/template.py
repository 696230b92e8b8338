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


class MessageTemplate:
    """A message with `{path}` placeholders read from the resource and the match."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._parts: list[str | tuple[str, Callable[[Any], Any]]] = []
        pos = 0
        for m in _PLACEHOLDER.finditer(text):
            self._parts.append(text[pos : m.start()])
            try:
                expr = m.group(1).strip()
                self._parts.append((expr.rsplit(".", 1)[-1], compile_path(expr)))
            except CompileError as exc:
                msg = f"message placeholder {{{m.group(1)}}}: {exc}"
                raise CompileError(msg) from None
            pos = m.end()
        self._parts.append(text[pos:])

    def render(
        self,
        resource: Mapping[str, Any],
        *,
        match: Any = None,
        evidence: Mapping[str, Any] | None = None,
    ) -> str:
        """Fill the placeholders for one resource; secret-looking values come out masked."""
        attrs = resource.get("attributes") or {}
        context = {
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
        out = []
        for part in self._parts:
            if isinstance(part, str):
                out.append(part)
            else:
                key, getter = part
                out.append(_fmt(mask_secrets(getter(context), key)))
        return "".join(out)
