"""Chinese names of the codes used in records, read from the schemas' ``enumDescriptions``."""

from __future__ import annotations

from functools import cache

from . import kinds


@cache
def _table(field: str) -> dict[str, str]:
    kind, _, path = field.partition(".")
    found = kinds.by_name(kind).validator().walk.at(path)
    table: dict[str, str] = {}
    for value, name in found.choices if found is not None else ():
        if name:
            table.setdefault(str(value), name)
    return table


def label(field: str, code: str) -> str:
    """The Chinese name of ``code`` in ``field`` (``visit.category``, ``visit.customer.groups``,
    ``letter.sender.group``, ``units.units.kind`` …); an unknown code is returned as it is."""
    return _table(field).get(code, code)


def labels(field: str, codes: tuple[str, ...] | list[str]) -> str:
    return "、".join(label(field, c) for c in codes)
