"""Reproducible stratified sampling of "other customers" (第五条: ≥10 %, every usage type represented).

The sample file records the seed and the customer list's SHA-256, so an auditor who has
the same list can draw the same sample again and compare (``draw_sample.py --verify``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import random
from dataclasses import dataclass

CUSTOMER_COLUMNS = ("account", "usage_type", "unit")


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


def read_customer_list(raw: bytes) -> list[dict[str, str]]:
    """Rows of a customer list CSV (UTF-8, header with at least account,usage_type,unit).

    Raises ValueError with a Chinese message naming the row for anything unusable.
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("客户清单不是 UTF-8 编码：请另存为 UTF-8 后再抽样。") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in CUSTOMER_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"客户清单表头缺少列 {', '.join(missing)}：表头必须包含 {','.join(CUSTOMER_COLUMNS)}。")
    rows, seen = [], set()
    for row in reader:
        line = reader.line_num
        values = {c: (row.get(c) or "").strip() for c in CUSTOMER_COLUMNS}
        if not values["account"].isdigit() or not values["usage_type"] or not values["unit"]:
            raise ValueError(f"客户清单第 {line} 行不完整或户号不是数字：请改正后再抽样。")
        if values["account"] in seen:
            raise ValueError(f"客户清单第 {line} 行：户号 {values['account']} 重复。")
        seen.add(values["account"])
        rows.append(values)
    if not rows:
        raise ValueError("客户清单是空的。")
    return rows


def draw(raw: bytes, source_file: str, month: str, seed: int, ratio: float) -> DrawnSample:
    """Draw ceil(ratio × population) customers from every usage type, the same way every time."""
    rows = read_customer_list(raw)
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
