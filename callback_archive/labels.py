"""Chinese names of the codes used in records, read from the schemas' ``enumDescriptions``."""

from __future__ import annotations

from functools import cache
from typing import Any

from .schemas import load_schema


def _collect(schema: dict[str, Any], path: str, into: dict[str, dict[str, str]]) -> None:
    names = schema.get("enumDescriptions")
    if names and path:
        table = into.setdefault(path, {})
        for value, name in zip(schema.get("enum", ()), names):
            table.setdefault(str(value), name)
    for key, sub in schema.get("properties", {}).items():
        _collect(sub, f"{path}.{key}" if path else key, into)
    if isinstance(schema.get("items"), dict):
        _collect(schema["items"], path, into)


@cache
def _tables() -> dict[str, dict[str, str]]:
    tables: dict[str, dict[str, str]] = {}
    for kind in ("visit", "letter", "units"):
        found: dict[str, dict[str, str]] = {}
        _collect(load_schema(kind).schema, "", found)
        for path, table in found.items():
            tables[f"{kind}.{path}"] = table
    return tables


def label(field: str, code: str) -> str:
    """The Chinese name of ``code`` in ``field`` (``visit.category``, ``visit.customer.groups``,
    ``letter.sender.group``, ``units.units.kind`` …); an unknown code is returned as it is."""
    return _tables().get(field, {}).get(code, code)


def labels(field: str, codes: tuple[str, ...] | list[str]) -> str:
    return "、".join(label(field, c) for c in codes)
