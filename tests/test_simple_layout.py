"""The line-by-line reader of the simple layout gives exactly what libyaml's events give, or steps aside.

Every YAML file of the examples and the sample archive, and each of them spoilt line by line with the
writings that YAML treats specially, is read both ways: wherever the simple reader answers, its value,
line table and (empty) problem list equal libyaml's, and libyaml finds no syntax error there.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from callback_archive.engine.loader import decode
from callback_archive.yamlread import YamlSyntaxError, parse_with_libyaml, parse_yaml, read_simple_layout
from conftest import EXAMPLES, REPO

TEXTS = {
    path.relative_to(REPO).as_posix(): path.read_bytes()
    for path in sorted([*EXAMPLES.rglob("*.yaml"), *(REPO / "records").rglob("*.yaml"), REPO / "policy.yaml"])
}

# Values that YAML reads otherwise than as plain words, or that only libyaml may judge.
ODD_VALUES = (
    "yes", "No", "on", "0123", "-0123", "1:30", "1_000", "1e3", "0o17", "0x1F", "0b101", "-1", "+1", "-.5", ".inf", "-.INF",
    ".nan", "1.5", "1.", "~", "null", "", "true", "FALSE", '"a\\"b"', "'it''s'", "'single'", '"double"', '"', "'",
    "[a, , b]", "[a,]", "[a, b]", "[ a ,b ]", "[]", "[[a]]", "[a: b]", "['a']", "{a: 1}", "{}", "|", ">", "|-\n  text",
    "- x", "&a x", "*a", "!!str 1", "!custom x", "a: b", "a #b", "a#b", "x:", "\"x\" # c", "%x", "@x", "`x", "? x",
    "a\tb", "a\u2028b", "a\u00a0b", "\u00a0a", "a\ufeffb", "a\u0085b", "中文：冒号", "--- x", "- - x", "-", ": x",
    "2026-11-03 10:20", "2026-11-03T10:20:00+08:00", "1:30:00.5", "190:20:30", "a]", "a}", "a, b", "a [b]", "a{b}",
    "a :b", "50%", "a@b", "a|b", "a > b", "a!", "a&b", "a*", "a'b", 'a"b', "a - b", "a -", "-a", "?a", ":a", "a\\b",
)


def _libyaml(text: str):
    try:
        parsed = parse_with_libyaml(text)
    except YamlSyntaxError:
        return None
    return parsed.data, parsed.lines, parsed.problems


def _agrees(text: str) -> bool:
    simple = read_simple_layout(text)
    if simple is None:
        return True
    return (simple.data, simple.lines, simple.problems) == _libyaml(text)


def _texts() -> list[tuple[str, str]]:
    texts = []
    for where, raw in TEXTS.items():
        try:
            texts.append((where, decode(raw)))
        except ValueError:
            continue
    return texts


def _spoilt(text: str):
    """The text with each line's value replaced by each odd value, and each line re-indented, doubled or commented."""
    lines = text.split("\n")
    for n, line in enumerate(lines):
        head, colon, _ = line.partition(": ")
        dash = line[: len(line) - len(line.lstrip(" "))] + "- " if line.lstrip(" ").startswith("- ") else None
        for odd in ODD_VALUES:
            if colon:
                yield "\n".join([*lines[:n], f"{head}: {odd}", *lines[n + 1:]])
            elif dash:
                yield "\n".join([*lines[:n], f"{dash}{odd}", *lines[n + 1:]])
        for changed in (" " + line, line[1:], line + "\n" + line, "# " + line, line + " # note", line + "\t", "", line + ":"):
            yield "\n".join([*lines[:n], changed, *lines[n + 1:]])


def test_the_simple_reader_reads_most_records():
    """The speed depends on it: the tools' own layout, which nearly every record has, is read line by line."""
    visits = [decode(raw) for where, raw in TEXTS.items() if where.startswith("records/visits/")]
    taken = sum(read_simple_layout(text) is not None for text in visits)
    assert len(visits) > 100 and taken / len(visits) > 0.95


@pytest.mark.parametrize("where, text", _texts(), ids=lambda value: value if "/" in value else "")
def test_whole_files_read_the_same(where, text):
    assert _agrees(text), where


def test_spoilt_files_read_the_same():
    """A few files of each folder, spoilt every way: the simple reader never answers where it would differ."""
    by_folder: dict[str, list[str]] = {}
    for where, text in _texts():
        by_folder.setdefault(str(Path(where).parent.parent), []).append(text)
    disagreements, answered = [], 0
    for texts in by_folder.values():
        for text in texts[:3]:
            for variant in _spoilt(text):
                answered += read_simple_layout(variant) is not None
                if not _agrees(variant):
                    disagreements.append(variant)
    assert answered > 1000  # the spoilt texts that are still simple were compared, not only refused
    assert disagreements == []


@pytest.mark.parametrize("text, data", [
    ("a: 1\nb:\n  c: [x, z]\n  d:\n  - '1'\n  - \"2\"\ne:\n", {"a": 1, "b": {"c": ["x", "z"], "d": ["1", "2"]}, "e": None}),
    ("a: 0.4\nb: -2   \nc: 2026-11-03 10:20", {"a": 0.4, "b": -2, "c": "2026-11-03 10:20"}),
])
def test_simple_layouts_are_read(text, data):
    simple = read_simple_layout(text)
    assert simple is not None and simple.data == data
    assert parse_yaml(text).lines == parse_with_libyaml(text).lines


@pytest.mark.parametrize("text", ["a: yes\n", "a: 0123\n", "a: 1\na: 2\n", "a: |\n  x\n", "# c\na: 1\n", "a: {b: 1}\n",
                                  "- a\n", "a: 1\n  b: 2\n", "a: 1\r\n", "---\na: 1\n"])
def test_other_writings_are_left_to_libyaml(text):
    assert read_simple_layout(text) is None
