"""Completeness (第五、六、九、十二、十七、二十五条): what must be called back, by whom, and what is missing.

A callback that never happened leaves no file: these checks find it from the imported
orders, the registers, the yearly plans, the 连心卡 rounds and the monthly samples.
"""

from __future__ import annotations

import calendar
import math
from collections import Counter, defaultdict
from datetime import date
from typing import Iterable

from ..archive import ArchiveAt
from ..deadlines import end_of_day
from ..obligations import (
    completed_years,
    last_day_of_month,
    plan_progress,
    uncalled_key_customers,
    unvisited_large_customers,
)
from ..findings import Finding, finding
from ..engine.groups import always, by_account, by_case, by_file, by_order, by_round, by_sample, in_plans
from .declaration import check
from ..labels import label, labels
from ..timeutil import format_time

ORDERS_HINT = "records/orders/"
LARGE_FILE = "records/large-customers.yaml"
KEY_FILE = "records/key-customers.yaml"
_PLAN_CODES = ("plan-missing", "path-wrong-folder", "plan-late", "plan-unknown-customer", "plan-invalid",
               "plan-incomplete", "large-customer-plan-overdue")  # of the plans' one group
_ROUND_CODES = ("id-file-mismatch", "round-invalid", "card-round-below-ratio", "card-returns-mismatch",
                "card-round-too-long")  # each of one round's group


def needs_callback(archive, order) -> bool:
    rule = archive.policy.coverage
    return order.kind in rule.order_kinds or bool(set(order.groups) & set(rule.order_groups))


@check(codes=("order-duplicate", "unit-unknown"), group=by_order, reads=("orders", "units"))
def check_orders(archive, context) -> Iterable[Finding]:
    """An order is imported once, for a unit that exists."""
    seen: dict[str, str] = {}
    for order in archive.orders:
        number = order.order.upper()  # gd… and GD… are one order in the marketing system
        if number in seen:
            yield finding("order-duplicate", order.path, order.line,
                          f"工单 {order.order} 已在 {seen[number]} 中（工单号不区分大小写）：同一工单只能导入一次，请删除这一行。",
                          record=order.order)
            continue
        seen[number] = f"{order.path} 第 {order.line} 行"
        if archive.units and order.unit not in archive.units:
            yield finding("unit-unknown", order.path, order.line,
                          f"工单 {order.order} 的受理单位 `{order.unit}` 不在 records/units.yaml 中：请改正，或先登记该单位。",
                          record=order.order)


@check(codes=("order-missing-callback",), group=by_order, reads=("policy", "cases"))
def check_order_callbacks(archive, context) -> Iterable[Finding]:
    """Every order that needs a callback has a visit by its deadline (第五条; missing: 第二十五条)."""
    if archive.policy is None:
        return
    for case in archive.cases:
        order = case.order_row
        if order is None or case.attempts or not needs_callback(archive, order):
            continue
        deadline = case.deadline
        if deadline is None or context.as_of <= deadline.due:
            continue  # pending: on the due list, not yet a finding
        yield finding("order-missing-callback", order.path, order.line,
                      f"工单 {order.order}（{label('visit.trigger.kind', order.kind)}，{order.unit}，归档于 {format_time(order.archived_at)}）没有任何回访记录，"
                      f"时限 {deadline.due_text}（{deadline.article}：{deadline.rule}）已过：请尽快回访，并按 records/visits/{order.unit}/"
                      f"{order.archived_at:%Y/%m}/ 登记（trigger.order 填 {order.order}）。未建立回访档案按第二十五条考核。",
                      record=order.order)


_TRIGGER_FIELDS = (("kind", "业务类型"), ("archived_at", "归档时间"))


@check(codes=("visit-order-unknown", "visit-order-mismatch"), group=by_case,
       reads=("visits", "orders", "order_months"))
def check_visits_against_orders(archive, context) -> Iterable[Finding]:
    """A visit's trigger names an imported order and agrees with it."""
    by_order = {o.order: o for o in archive.orders}
    for visit in archive.visits:
        trigger = visit.trigger
        if trigger is None:
            continue
        source = visit.source
        order = by_order.get(trigger.order)
        if order is None:
            month = (trigger.archived_at.year, trigger.archived_at.month)
            if month in archive.order_months:
                yield finding("visit-order-unknown", source.path, source.line_of("trigger.order"),
                              f"工单 {trigger.order} 不在 {ORDERS_HINT}{month[0]}-{month[1]:02d}.csv 中：请核对工单号；"
                              "若是漏导的工单，请用 scripts/import_orders.py 补导。", record=visit.id)
            continue
        differences = []
        if trigger.kind != order.kind:
            differences.append(("trigger.kind", f"业务类型 {trigger.kind}（工单为 {order.kind}）"))
        if trigger.archived_at != order.archived_at:
            differences.append(("trigger.archived_at", f"归档时间 {trigger.archived_at:%Y-%m-%d %H:%M:%S}（工单为 {order.archived_at:%Y-%m-%d %H:%M:%S}）"))
        if visit.unit != order.unit:
            differences.append(("unit", f"责任单位 {visit.unit}（工单为 {order.unit}）"))
        if visit.customer.account != order.account:
            differences.append(("customer.account", f"户号 {visit.customer.account}（工单为 {order.account}）"))
        if visit.customer.kind != order.customer_kind:
            differences.append(("customer.kind", f"用电类型 {visit.customer.kind}（工单为 {order.customer_kind}）"))
        for path, text in differences:
            yield finding("visit-order-mismatch", source.path, source.line_of(path),
                          f"与工单 {order.order}（{order.path} 第 {order.line} 行）不一致：{text}。请按工单改正。", record=visit.id)


def _rule_for(archive, visit) -> dict | None:
    for rule in archive.policy.responsibilities:
        if visit.trigger and visit.trigger.kind in rule.trigger_kinds:
            return rule
        if set(visit.customer.groups) & set(rule.groups):
            return rule
        if visit.category in rule.categories:
            return rule
    return None


@check(codes=("method-unexpected", "unit-unexpected"), group=by_file,
       reads=("policy", "visits", "letters", "units"))
def check_responsibilities(archive, context) -> Iterable[Finding]:
    """Method (第六条) and unit (第九条) as the rules expect; other forms are allowed, so only warnings."""
    if archive.policy is None or not archive.units:
        return
    for visit in archive.visits:
        rule = _rule_for(archive, visit)
        if rule is None:
            continue
        source = visit.source
        if visit.method not in rule.methods:
            yield finding("method-unexpected", source.path, source.line_of("method"),
                          f"{rule.name}按细则采用{labels('visit.method', rule.methods)}方式，"
                          f"本次为{label('visit.method', visit.method)}：第六条允许结合实际确定形式，"
                          "如属有意安排请在 opinion 中说明原因；否则请核对。", record=visit.id)
        unit = archive.units.get(visit.unit)
        if unit is not None and unit.kind not in rule.unit_kinds:
            yield finding("unit-unexpected", source.path, source.line_of("unit"),
                          f"{rule.name}按“谁受理谁负责”应由{labels('units.units.kind', rule.unit_kinds)}负责，本记录为{unit.name}：请核对责任单位。", record=visit.id)
    marketing_groups = {"npc-deputy", "cppcc-member", "media"}
    for letter in archive.letters:
        unit = archive.units.get(letter.unit)
        if letter.sender_group in marketing_groups and unit is not None and unit.kind != "marketing":
            yield finding("unit-unexpected", letter.source.path, letter.source.line_of("unit"),
                          f"人大政协代表和新闻媒体的来函由营销部函复（第九条），本记录为{unit.name}：请核对责任单位。",
                          record=letter.id)


@check(codes=("key-customer-uncalled",), group=by_account, reads=("policy", "key_customers", "visits", "record_years"))
def check_key_customers(archive, context) -> Iterable[Finding]:
    """Standing key customers are called back one by one, at least once a year (第五、十二条)."""
    if archive.policy is None:
        return
    needed = archive.policy.coverage.key_customers_per_year
    for year in completed_years(ArchiveAt(archive, context.as_of)):
        for customer, count in uncalled_key_customers(archive, year):
            yield finding("key-customer-uncalled", KEY_FILE, customer.line,
                          f"重点客户 {customer.name}（户号 {customer.account}，{labels('visit.customer.groups', customer.groups)}）{year} 年"
                          f"只回访了 {count} 次，少于每年 {needed} 次：重点客户必须逐户回访（第五条），"
                          "未建立回访档案按第二十五条考核。", record=customer.account)


@check(codes=("large-customer-unregistered", "large-customer-unvisited", *_PLAN_CODES),
       group={"large-customer-unregistered": by_file, "large-customer-unvisited": by_account,
              **dict.fromkeys(_PLAN_CODES, in_plans)},
       reads=("policy", "large_customers", "visits", "plans", "record_years"))
def check_large_customers(archive, context) -> Iterable[Finding]:
    """35 kV+ customers: registered, planned before the year, visited at least once a year (第五、十七条)."""
    if archive.policy is None:
        return
    register = {c.account: c for c in archive.large_customers}
    for visit in archive.visits:
        if visit.category == "large-customer" and register and visit.customer.account not in register:
            yield finding("large-customer-unregistered", visit.source.path, visit.source.line_of("customer.account"),
                          f"户号 {visit.customer.account} 不在大电力客户名册 {LARGE_FILE} 中：请核对户号，或先在名册中登记该客户。",
                          record=visit.id)
    yield from _check_plans(archive, context, register)
    for year in completed_years(ArchiveAt(archive, context.as_of)):
        for customer in unvisited_large_customers(archive, year):
            yield finding("large-customer-unvisited", LARGE_FILE, customer.line,
                              f"大电力客户 {customer.name}（户号 {customer.account}，{customer.voltage_kv:g} 千伏）{year} 年没有走访或座谈记录："
                              "每户每年至少一次（第五条），每次都应有记录（第十七条）。", record=customer.account)


def _check_plans(archive, context, register) -> Iterable[Finding]:
    today = context.as_of.date()
    # A year's plan is due by the end of the year before; check the years up to the one after "now".
    years = {today.year} | set(archive.plans)
    if today >= date(today.year, 12, 31):
        years.add(today.year + 1)
    for year in sorted(years):
        plan = archive.plans.get(year)
        due = end_of_day(date(year - 1, 12, 31))
        if plan is None:
            if register and context.as_of > due:
                yield finding("plan-missing", f"records/plans/{year}.yaml", None,
                              f"缺少 {year} 年大电力客户走访座谈计划：应在 {year - 1} 年年底前做出（第十七条），"
                              f"请建立 records/plans/{year}.yaml。未建立按第二十五条考核。")
            continue
        source = plan.source
        expected_path = f"records/plans/{plan.year}.yaml"
        if source.path != expected_path:
            yield finding("path-wrong-folder", source.path, source.line_of("year"),
                          f"{plan.year} 年的计划应放在 {expected_path}：请重命名文件或改正 year。")
        if end_of_day(plan.made_at) > due:
            yield finding("plan-late", source.path, source.line_of("made_at"),
                          f"{year} 年计划制定于 {plan.made_at}，晚于 {year - 1} 年年底（第十七条）。")
        planned: set[str] = set()
        for entry in plan.entries:
            if register and entry.account not in register:
                yield finding("plan-unknown-customer", source.path, entry.line,
                              f"户号 {entry.account} 不在大电力客户名册 {LARGE_FILE} 中：请核对户号，或先登记该客户。")
            elif entry.account in planned:
                yield finding("plan-invalid", source.path, entry.line, f"户号 {entry.account} 在计划中出现了不止一次：每户写一条。")
            planned.add(entry.account)
        missing = [c for c in register.values() if c.account not in planned]
        if missing:
            names = "、".join(f"{c.name}（{c.account}）" for c in missing)
            yield finding("plan-incomplete", source.path, source.line_of("entries"),
                          f"{year} 年计划没有覆盖名册中的 {len(missing)} 户：{names}。计划应覆盖每一户大电力客户（第五、十七条）。")
        progress = plan_progress(ArchiveAt(archive, context.as_of), plan)
        for entry in plan.entries:
            if progress[entry.account] == "overdue" and plan.year == today.year:
                customer = register.get(entry.account)
                name = customer.name if customer else entry.account
                yield finding("large-customer-plan-overdue", source.path, entry.line,
                              f"{name} 计划于 {year} 年 {entry.month} 月走访或座谈，至今没有记录：请尽快安排并登记（第十七条）。")


@check(codes=("card-round-unknown", "card-visit-outside-round", "card-rounds-too-few", *_ROUND_CODES),
       group={"card-round-unknown": by_file, "card-visit-outside-round": by_file, "card-rounds-too-few": always,
              **dict.fromkeys(_ROUND_CODES, by_round)},
       reads=("policy", "visits", "rounds", "record_years"))
def check_card_rounds(archive, context) -> Iterable[Finding]:
    """连心卡 rounds (第十七条): twice a year, 10 % / 1 % of the month's customers, within a month, each card a visit."""
    if archive.policy is None:
        return
    rule = archive.policy.card_rounds
    returned_visits: dict[str, Counter] = defaultdict(Counter)
    for visit in archive.visits:
        if visit.category != "card" or visit.round is None:
            continue
        card_round = archive.rounds.get(visit.round)
        if card_round is None:
            yield finding("card-round-unknown", visit.source.path, visit.source.line_of("round"),
                          f"连心卡轮次 `{visit.round}` 不在 records/rounds/ 中：请核对编号（已有：{'、'.join(archive.rounds) or '无'}）。",
                          record=visit.id)
            continue
        returned_visits[visit.round][visit.customer.kind] += 1
        if not card_round.started_at <= visit.visited_at.date() <= card_round.finished_at:
            yield finding("card-visit-outside-round", visit.source.path, visit.source.line_of("visited_at"),
                          f"回访时间不在轮次 {card_round.id} 的期间（{card_round.started_at} 至 {card_round.finished_at}）内：请核对轮次或时间。",
                          record=visit.id)
    for card_round in archive.rounds.values():
        yield from _check_round(card_round, rule, returned_visits[card_round.id])
    by_year = Counter(r.year for r in archive.rounds.values())
    for year in sorted(set(by_year) | set(completed_years(ArchiveAt(archive, context.as_of)))):
        if context.as_of > end_of_day(date(year, 12, 31)) and by_year[year] < rule.per_year:
            yield finding("card-rounds-too-few", "records/rounds/", None,
                          f"{year} 年只组织了 {by_year[year]} 次连心卡发放回收，少于每年 {rule.per_year} 次（第十七条）。")


_KIND_NAMES = {"residential": "居民", "non-residential": "非居民"}  # shorter than the schema's 居民客户


def _check_round(card_round, rule, visits: Counter) -> Iterable[Finding]:
    source = card_round.source
    expected = f"records/rounds/{card_round.id}.yaml"
    if source.path != expected:
        yield finding("id-file-mismatch", source.path, source.line_of("id"),
                      f"轮次编号 {card_round.id} 与文件名不一致：文件应为 {expected}。", record=card_round.id)
    for kind, name in _KIND_NAMES.items():
        customers, sent, returned = card_round.customers[kind], card_round.sent[kind], card_round.returned[kind]
        if not returned <= sent <= customers:
            yield finding("round-invalid", source.path, source.line_of(f"returned.{kind}"),
                          f"{name}客户数字对不上：回收 {returned} 张、发放 {sent} 张、当月客户 {customers} 户，"
                          "应满足 回收 ≤ 发放 ≤ 客户数：请核对。", record=card_round.id)
            continue
        needed = math.ceil(customers * rule.ratio[kind])
        if sent < needed:
            yield finding("card-round-below-ratio", source.path, source.line_of(f"sent.{kind}"),
                          f"{name}客户发放 {sent} 张，少于当月 {customers} 户的 {rule.ratio[kind]:.0%}（至少 {needed} 张，第十七条）。",
                          record=card_round.id)
        if visits[kind] != returned:
            yield finding("card-returns-mismatch", source.path, source.line_of(f"returned.{kind}"),
                          f"{name}客户回收 {returned} 张，但档案中本轮{name}连心卡回访记录有 {visits[kind]} 条："
                          "每张回收的卡都应登记为一条回访记录（category: card，round: "
                          f"{card_round.id}），请补登或改正回收数。", record=card_round.id)
    if card_round.finished_at < card_round.started_at:
        yield finding("round-invalid", source.path, source.line_of("finished_at"),
                      "完成日期早于开始日期：请核对。", record=card_round.id)
    elif card_round.finished_at > _add_months(card_round.started_at, rule.max_months):
        yield finding("card-round-too-long", source.path, source.line_of("finished_at"),
                      f"本轮从 {card_round.started_at} 开始、{card_round.finished_at} 完成，超过 {rule.max_months} 个月"
                      "（组织、发放、回收、统计、分类、归档、上报全过程历时一个月完成，第十七条）。", record=card_round.id)


def _add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the last day of that month if it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@check(codes=("path-wrong-folder", "sample-below-ratio"), group=by_sample, reads=("policy", "samples", "visits"))
def check_samples(archive, context) -> Iterable[Finding]:
    """Each month's sampled callbacks reach the policy ratio in every usage type (第五条)."""
    if archive.policy is None:
        return
    ratio = archive.policy.sampling.ratio
    for sample in archive.samples:
        source = sample.source
        expected = f"records/samples/{sample.year}-{sample.month:02d}.yaml"
        if source.path != expected:
            yield finding("path-wrong-folder", source.path, source.line_of("month"),
                          f"{sample.year}-{sample.month:02d} 的抽样名单应放在 {expected}：请重命名文件。")
        if context.as_of <= end_of_day(last_day_of_month(sample.year, sample.month)):
            continue
        reached = Counter(
            sample.customers[v.customer.account]
            for v in {v.customer.account: v for v in archive.visits
                      if v.reached and (v.visited_at.year, v.visited_at.month) == (sample.year, sample.month)
                      and v.customer.account in sample.customers}.values()
        )
        for index, (usage_type, population) in enumerate(sample.strata.items()):
            needed = math.ceil(population * ratio)
            if reached[usage_type] < needed:
                yield finding("sample-below-ratio", source.path, source.line_of(f"strata.{index}"),
                              f"{sample.year}-{sample.month:02d} “{usage_type}”类 {population} 户，抽样回访成功 {reached[usage_type]} 户，"
                              f"少于 {ratio:.0%}（至少 {needed} 户，第五条）：请补充回访抽中的客户。")
