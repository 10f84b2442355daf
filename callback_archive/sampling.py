"""Reproducible stratified sampling of "other customers" (第五条: ≥10 %, every usage type represented).

The sample file records the seed and the customer list's SHA-256, so an auditor who has
the same list can draw the same sample again and compare (``draw_sample.py --verify``).

The customer list is the marketing system's export as it comes: a CSV in UTF-8 (with or without BOM)
or GBK/GB18030, with the Chinese or English headers of :data:`CUSTOMER_HEADERS` (the one place they are
named; ``--help`` and the staff guide show them from here), title rows above the header skipped.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import random
import re
from dataclasses import dataclass

from .orders_import import HEADER_ALIASES, decode_export, header_field, split_title_rows
from .progress import with_progress
from .schemas import load_schema
from .unitnames import resolve_unit

#: Each column of a customer list and the headers it may have in an export.
CUSTOMER_HEADERS: dict[str, tuple[str, ...]] = {
    "account": HEADER_ALIASES["account"],
    "usage_type": ("用电类别", "用电类型", "usage_type"),
    "unit": ("所在单位", "供电单位", "管理单位", "unit"),
}
CUSTOMER_COLUMNS = tuple(CUSTOMER_HEADERS)
_FIELD_OF_HEADER = {alias: name for name, aliases in CUSTOMER_HEADERS.items() for alias in aliases}


def headers_help() -> str:
    """The accepted headers as a person reads them: 户号（或 客户编号、account）；…"""
    return "；".join(f"{aliases[0]}（或 {'、'.join(aliases[1:])}）" for aliases in CUSTOMER_HEADERS.values())


@dataclass(frozen=True)
class DrawnSample:
    month: str
    seed: int
    ratio: float
    source_file: str
    sha256: str
    rows: int
    strata: dict[str, int]  # usage type -> population, sorted by usage type
    customers: list[dict[str, str]]  # account, usage_type, unit, sorted

    def as_data(self) -> dict:
        """The sample file's content (schemas/sample.schema.json)."""
        return {
            "month": self.month,
            "seed": self.seed,
            "ratio": self.ratio,
            "source": {"file": self.source_file, "sha256": self.sha256, "rows": self.rows},
            "strata": [
                {"usage_type": u, "population": n, "drawn": sum(1 for c in self.customers if c["usage_type"] == u)}
                for u, n in self.strata.items()
            ],
            "customers": self.customers,
        }


class CustomerListError(ValueError):
    """A customer list that cannot be sampled; the message is Chinese and names the row."""


def _account_pattern() -> re.Pattern[str]:
    account = load_schema("sample").walk.field("customers[].account")
    return re.compile(account.pattern)


def read_customer_list(raw: bytes, name: str, units: dict[str, str], progress: bool = False) -> tuple[list[dict[str, str]], str]:
    """Rows of a customer list (unit ids resolved from ids or Chinese names) and the encoding found.

    ``progress``: show a progress bar on stderr while the rows are checked.

    Raises CustomerListError with a Chinese message naming ``name`` and the row for anything unusable.
    """
    try:
        text, encoding = decode_export(raw)
    except ValueError as exc:
        line, message = exc.args
        raise CustomerListError(f"{name} 第 {line} 行：{message}") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        table = [(n, cells) for n, cells in enumerate(reader, 1) if any(c.strip() for c in cells)]
    except csv.Error as exc:
        raise CustomerListError(f"{name} 第 {reader.line_num} 行：无法按 CSV 读取（{exc}）：请重新导出。") from None
    if not table:
        raise CustomerListError(f"{name}：客户清单是空的。")
    titles = split_title_rows(table, _FIELD_OF_HEADER)
    (header_row, header), *body = table[titles:]
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        column = header_field(cell, _FIELD_OF_HEADER)
        if column is not None and column in columns:
            raise CustomerListError(f"{name} 第 {header_row} 行：列“{header[columns[column]]}”和“{cell}”重复：请只保留一列。")
        if column is not None:
            columns[column] = index
    missing = [CUSTOMER_HEADERS[c][0] for c in CUSTOMER_COLUMNS if c not in columns]
    if missing:
        raise CustomerListError(f"{name} 第 {header_row} 行：表头缺少列 {'、'.join(missing)}：表头应包含 {headers_help()}。")
    account_pattern = _account_pattern()
    rows: list[dict[str, str]] = []
    seen: dict[str, int] = {}
    for number, cells in with_progress(body, "检查客户清单", progress):
        values = {c: (cells[i].strip() if i < len(cells) else "") for c, i in columns.items()}
        where = f"{name} 第 {number} 行"
        blank = [CUSTOMER_HEADERS[c][0] for c in CUSTOMER_COLUMNS if not values[c]]
        if blank:
            raise CustomerListError(f"{where}：{'、'.join(blank)}是空的：请补全后再抽样。")
        if not account_pattern.fullmatch(values["account"]):
            raise CustomerListError(f"{where}：户号“{values['account']}”应为 6 到 20 位数字：请改正后再抽样。")
        if values["account"] in seen:
            raise CustomerListError(f"{where}：户号 {values['account']} 与第 {seen[values['account']]} 行重复。")
        try:
            values["unit"] = resolve_unit(values["unit"], units)
        except ValueError as exc:
            raise CustomerListError(f"{where}：所在单位{exc}") from None
        seen[values["account"]] = number
        rows.append({c: values[c] for c in CUSTOMER_COLUMNS})
    if not rows:
        raise CustomerListError(f"{name}：只有表头，没有客户。")
    return rows, encoding


def draw(raw: bytes, source_file: str, month: str, seed: int, ratio: float, units: dict[str, str],
         progress: bool = False) -> DrawnSample:
    """Draw ceil(ratio × population) customers from every usage type, the same way every time.

    ``raw`` is the customer list (read by :func:`read_customer_list`; its SHA-256 is recorded), ``units``
    the unit lookup of records/units.yaml. Raises CustomerListError for a list that cannot be sampled.
    """
    rows, _ = read_customer_list(raw, source_file, units, progress)
    by_type: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_type.setdefault(row["usage_type"], []).append(row)
    chosen: list[dict[str, str]] = []
    for usage_type in sorted(by_type):
        stratum = sorted(by_type[usage_type], key=lambda r: r["account"])
        # Seeding with a string is stable across Python versions and platforms.
        rng = random.Random(f"{seed}:{usage_type}")
        chosen.extend(rng.sample(stratum, math.ceil(len(stratum) * ratio)))
    return DrawnSample(
        month=month,
        seed=seed,
        ratio=ratio,
        source_file=source_file,
        sha256=hashlib.sha256(raw).hexdigest(),
        rows=len(rows),
        strata={u: len(by_type[u]) for u in sorted(by_type)},
        customers=sorted(chosen, key=lambda r: (r["usage_type"], r["account"])),
    )
