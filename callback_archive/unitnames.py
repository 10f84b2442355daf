"""A unit named by its id (``tanggu``) or its Chinese name (``塘沽供电分公司``): the one lookup every command uses."""

from __future__ import annotations

from collections.abc import Iterable

from . import kinds

UNITS_FILE = kinds.by_name("units").file


def unit_lookup(units: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Unit id by id and by Chinese name, from (id, name) pairs of records/units.yaml."""
    return {key: uid for uid, name in units for key in (uid, name)}


def known_units(lookup: dict[str, str]) -> str:
    """The units of a lookup as a person reads them: 塘沽供电分公司（tanggu）、…"""
    return "、".join(f"{name}（{uid}）" for name, uid in lookup.items() if name != uid)


def resolve_unit(text: str, lookup: dict[str, str]) -> str:
    """The unit id ``text`` names (an id or a Chinese name, surrounding blanks ignored).

    Raises ValueError with a Chinese message listing the known units.
    """
    key = text.strip()
    if key in lookup:
        return lookup[key]
    raise ValueError(f"“{key}”不在 {UNITS_FILE} 中（已有：{known_units(lookup)}）：请核对单位名称或编号，新单位请先登记到 {UNITS_FILE}。")
