"""The fast schema check (jsonschema-rs) agrees with python-jsonschema, so that skipping the latter for
files the former accepts never hides an error: every example, every file of the sample archive, orders
rows, and each of those documents spoiled one field at a time."""

from __future__ import annotations

import csv
import io
from typing import Any, Iterator

import pytest
import yaml

from callback_archive.engine.loader import classify, decode
from callback_archive.orders import ORDER_COLUMNS
from callback_archive.schemas import load_schema
from callback_archive.yamlread import YamlSyntaxError, parse_yaml
from conftest import EXAMPLES, REPO

CASES = yaml.safe_load((EXAMPLES / "cases.yaml").read_text(encoding="utf-8"))
ODD_VALUES = (None, 0, -1, 1.5, True, False, "", "x", "2026-02-30 10:00", [], ["x", "x"], {}, {"x": 1})


def _document(raw: bytes) -> Any:
    try:
        return parse_yaml(decode(raw)).data
    except (ValueError, YamlSyntaxError):
        return None


def corpus() -> Iterator[tuple[str, str, Any]]:
    """(where, kind, document) of every example, sample file and orders row."""
    for group in ("valid", "invalid"):
        for case in CASES[group]:
            kind = classify(case["path"])
            data = _document((EXAMPLES / group / case["file"]).read_bytes())
            if kind not in (None, "orders") and isinstance(data, dict):
                yield f"{group}/{case['file']}", kind, data
    for path in sorted((REPO / "records").rglob("*")):
        relpath = path.relative_to(REPO).as_posix()
        kind = classify(relpath)
        if kind == "orders":
            rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
            for row in rows[:25]:  # rows differ only in their values: a few of each file are enough
                yield relpath, "order", {k: v for k, v in row.items() if v != "" or k in ORDER_COLUMNS}
        elif kind is not None:
            yield relpath, kind, _document(path.read_bytes())
    yield "policy.yaml", "policy", _document((REPO / "policy.yaml").read_bytes())


def spoiled(data: Any, path: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """The document with one field removed, replaced by an odd value, or an unknown field added."""
    if isinstance(data, dict):
        yield path + ("+",), {**data, "unknown_field": "x"}
        for key, value in data.items():
            yield path + (key, "-"), {k: v for k, v in data.items() if k != key}
            for where, changed in spoiled(value, path + (key,)):
                yield where, {**data, key: changed}
    elif isinstance(data, list):
        for i, value in enumerate(data[:2]):
            for where, changed in spoiled(value, path + (i,)):
                yield where, [*data[:i], changed, *data[i + 1:]]
    if path:
        for odd in ODD_VALUES:
            yield path + (repr(odd),), odd


def agree(kind: str, data: Any) -> bool:
    schema = load_schema(kind)
    return schema.is_valid(data) == (next(schema.validator.iter_errors(data), None) is None)


DOCUMENTS = [(where, kind, data) for where, kind, data in corpus() if isinstance(data, dict)]
SPOILED_PER_KIND = 12  # the sample's 400 visits are much alike: a dozen of each kind, spoiled every way, suffice


def test_the_corpus_covers_every_schema():
    assert {kind for _, kind, _ in DOCUMENTS} == {p.name.removesuffix(".schema.json") for p in (REPO / "schemas").glob("*.json")}


def test_every_document_gets_the_same_verdict():
    assert [where for where, kind, data in DOCUMENTS if not agree(kind, data)] == []


@pytest.mark.parametrize("kind", sorted({kind for _, kind, _ in DOCUMENTS}))
def test_spoiled_documents_get_the_same_verdict(kind):
    chosen = [(where, data) for where, k, data in DOCUMENTS if k == kind][:SPOILED_PER_KIND]
    wrong = [(where, field) for where, data in chosen for field, changed in spoiled(data) if not agree(kind, changed)]
    assert wrong == [], wrong[:5]
