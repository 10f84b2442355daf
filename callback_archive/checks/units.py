"""records/units.yaml beyond its schema: unique ids and a sound parent tree (第八、九条)."""

from __future__ import annotations

from typing import Iterable

from .. import kinds
from ..findings import Finding, finding
from ..engine.groups import always
from .declaration import check

UNITS_FILE = kinds.by_name("units").file


@check(codes=("units-invalid",), group=always, reads=("files", "paths"))
def check_units(archive, context) -> Iterable[Finding]:
    source = next((f for f in archive.files if f.kind == "units"), None)
    if source is None:
        if UNITS_FILE not in archive.paths:
            yield finding("units-invalid", UNITS_FILE, None, "缺少组织机构文件 records/units.yaml：请按 schemas/units.schema.json 建立。")
        return
    if not source.valid:
        return
    seen: dict[str, int] = {}
    items = source.data["units"]
    kinds = {item["id"]: item["kind"] for item in items}
    for index, item in enumerate(items):
        line = source.line_of(f"units.{index}")
        if item["id"] in seen:
            yield finding("units-invalid", source.path, line, f"单位编号 `{item['id']}` 重复（第 {seen[item['id']]} 行已有）：每个单位只写一次。")
            continue
        seen[item["id"]] = line
        parent = item.get("parent")
        if parent is None:
            if item["kind"] == "station":
                yield finding("units-invalid", source.path, line, f"供电所 `{item['id']}` 缺少上级分公司 parent：统计要汇总到分公司（第十九条）。")
        elif parent not in kinds:
            yield finding("units-invalid", source.path, line, f"上级单位 `{parent}` 不存在：请填写 units 中已有的单位编号。")
        elif parent == item["id"] or kinds[parent] == "station":
            yield finding("units-invalid", source.path, line, f"上级单位 `{parent}` 不合适：上级应为分公司或营销部，不能是自己或供电所。")
