"""Archived work orders (records/orders/<YYYY>-<MM>.csv): the events that start callback clocks."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .findings import Finding, finding
from .schemas import load_schema
from .timeutil import BEIJING, parse_time

ORDER_COLUMNS = ("order", "kind", "unit", "account", "customer_kind", "archived_at")


@dataclass(frozen=True, slots=True)
class Order:
    order: str
    kind: str
    unit: str
    account: str
    customer_kind: str
    archived_at: datetime
    groups: tuple[str, ...]
    path: str
    line: int


def order_row(order: Order) -> tuple[Any, ...]:
    """An order as plain values for the cache (its file is the cache entry's)."""
    return (order.order, order.kind, order.unit, order.account, order.customer_kind,
            int(order.archived_at.timestamp()), order.groups, order.line)


def order_from_row(row: tuple[Any, ...], path: str) -> Order:
    number, kind, unit, account, customer_kind, archived, groups, line = row
    return Order(number, kind, unit, account, customer_kind, datetime.fromtimestamp(archived, BEIJING), groups, path, line)


def month_of_orders_file(relpath: str) -> tuple[int, int] | None:
    """(year, month) from ``records/orders/2026-11.csv``, or None for a badly named file."""
    stem = relpath.rsplit("/", 1)[-1].removesuffix(".csv")
    year, _, month = stem.partition("-")
    if len(stem) == 7 and year.isdigit() and month.isdigit() and 1 <= int(month) <= 12:
        return int(year), int(month)
    return None


def parse_orders(text: str, relpath: str) -> tuple[list[Order], list[Finding]]:
    """Every schema-valid row of an orders file, and a finding for every bad row or header."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [c for c in ORDER_COLUMNS if c not in header]
    if missing:
        return [], [finding("orders-invalid", relpath, 1,
                            f"表头缺少列 {', '.join(missing)}：表头必须包含 {','.join(ORDER_COLUMNS)}（可以有更多列）。")]
    expected_month = month_of_orders_file(relpath)
    if expected_month is None:
        return [], [finding("orders-invalid", relpath, None, "文件名应为 <年>-<月>.csv，如 2026-11.csv：请重命名。")]
    schema = load_schema("order")
    orders: list[Order] = []
    findings: list[Finding] = []
    line = 1
    for row in reader:
        line_start = line + 1
        line = reader.line_num
        values = {k: v.strip() for k, v in row.items() if k is not None and v is not None}
        if None in row:
            findings.append(finding("orders-invalid", relpath, line_start, "这一行的列数比表头多：请检查是否有多余的逗号，含逗号的内容请加引号。"))
            continue
        data = {k: v for k, v in values.items() if v != "" or k in ORDER_COLUMNS}
        problems = schema.problems(data)
        if problems:
            for problem in problems:
                findings.append(finding("orders-invalid", relpath, line_start, f"工单 {values.get('order', '')}：{problem.message}",
                                        record=values.get("order") or None))
            continue
        try:
            archived = parse_time(data["archived_at"])
        except ValueError as exc:
            findings.append(finding("orders-invalid", relpath, line_start, f"工单 {data['order']}：{exc}。", record=data["order"]))
            continue
        if (archived.year, archived.month) != expected_month:
            findings.append(finding("orders-invalid", relpath, line_start,
                                    f"工单 {data['order']} 归档于 {archived:%Y-%m}，应放在 records/orders/{archived:%Y-%m}.csv：请移到对应月份的文件。",
                                    record=data["order"]))
            continue
        orders.append(Order(
            order=data["order"], kind=data["kind"], unit=data["unit"], account=data["account"],
            customer_kind=data["customer_kind"], archived_at=archived,
            groups=tuple(data.get("groups", "").split()), path=relpath, line=line_start,
        ))
    return orders, findings
