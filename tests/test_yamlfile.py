"""The YAML reader every rule pack and config goes through: its limits and its errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner import yamlfile
from scanner.errors import ConfigError
from scanner.yamlfile import MAX_NODES, read_yaml, read_yaml_lines

# Seven levels of ten aliases each: 10^7 nodes once expanded, under 500 bytes written.
BOMB = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 7)
)


def _write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "file.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: 1\nb: 2\na: 3\n", "file.yaml:3: invalid YAML (duplicate key 'a')"),
        ("rules:\n  - id: x\n    id: y\n", "file.yaml:3: invalid YAML (duplicate key 'id')"),
        (b"a: caf\xe9\n", "file.yaml: not UTF-8 text (byte 0xe9 at offset 6)"),
        (BOMB, f"file.yaml: aliases expand the document beyond {MAX_NODES:,} nodes"),
        ("a: " + "[" * 5000 + "]" * 5000, "file.yaml:1: invalid YAML"),
        ("a: [1, 2\n", "file.yaml:2: invalid YAML"),
    ],
    ids=["duplicate key", "duplicate nested key", "latin-1", "alias bomb", "deep", "unclosed"],
)
def test_bad_files_are_one_line_naming_the_file(
    tmp_path: Path, text: str | bytes, message: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        read_yaml(path, ConfigError)
    assert str(info.value).startswith(str(path.parent) + "/")
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_a_fifo_is_refused_instead_of_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pack.yaml"
    os.mkfifo(fifo)
    with pytest.raises(ConfigError, match="not a regular file"):
        read_yaml(fifo, ConfigError)


def test_merge_keys_may_override_and_aliases_within_the_limit_read(tmp_path: Path) -> None:
    path = _write(tmp_path, "base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  x: 5\nd: [*b, *b]\n")
    data = read_yaml(path, ConfigError)
    assert data["c"] == {"x": 5, "y": 2}
    assert data["d"] == [{"x": 1, "y": 2}, {"x": 1, "y": 2}]


def test_line_of_finds_fields_after_the_checks(tmp_path: Path) -> None:
    path = _write(tmp_path, "products:\n  checkout:\n    users: 5\n")
    data, line_of = read_yaml_lines(path, ConfigError)
    assert data == {"products": {"checkout": {"users": 5}}}
    assert line_of(("products", "checkout", "users")) == 3
    assert line_of(("products", "nope")) == 1  # the deepest part that exists


def test_a_large_document_without_anchors_is_still_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(yamlfile, "MAX_NODES", 1000)
    path = _write(tmp_path, "- a\n" * 2000)  # no alias, 2,001 nodes
    with pytest.raises(ConfigError, match="beyond 1,000 nodes"):
        read_yaml(path, ConfigError)
    assert read_yaml(_write(tmp_path, "- a\n" * 200), ConfigError) == ["a"] * 200


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="?:-[]{}, \na#!'\"|>", max_size=40))
def test_without_anchors_a_text_has_at_most_three_nodes_a_character(text: str) -> None:
    """What `_may_expand` relies on to skip the walk."""
    loader = yamlfile._Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError:
        return
    finally:
        loader.dispose()
    if node is not None:
        assert yamlfile._expanded_size(node) <= 3 * len(text) + 1
