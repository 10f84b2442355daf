"""Penalties (第二十五至二十七条) as traceable cases, with the marketing department's decisions.

Each case names its cause (records, orders or a submission) so that anyone can follow it.
Amounts come from policy.yaml; a head's amount "视情节" is a range until a decision in
records/decisions/<YYYY-MM>.yaml fixes it or waives the case. Whether a penalty counts per
case or once per unit, article and month is the policy's ``penalties.counting``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from .archive import Archive
from .coverage import completed_years, uncalled_key_customers, unvisited_large_customers
from .deadlines import end_of_day
from .labels import label
from .stats import Month
from .submissions import months_due, submission_state, submitted_time
from .timeutil import format_time

KINDS = {"25": "archive_missing", "26": "callback_late", "27": "report_late"}


@dataclass(frozen=True)
class Cause:
    """One record, order or submission behind a penalty, with where to find it."""

    reference: str
    file: str
    text: str


@dataclass
class PenaltyCase:
    id: str  # e.g. 26-tanggu-GD2026092910832; per-month counting: 26-tanggu
    month: Month
    article: str
    unit: str
    title: str
    causes: list[Cause]
    unit_amount: int
    head_range: tuple[int, int] | None = None
    person_amount: int | None = None
    provisional: bool = False
    head_amount: int | None = None  # decided within head_range
    waived: bool = False
    decision: str | None = None  # the decision's reason and who decided

    @property
    def head_text(self) -> str:
        if self.waived or self.head_range is None:
            return "—"
        if self.head_amount is not None:
            return str(self.head_amount)
        return f"{self.head_range[0]}–{self.head_range[1]}（视情节，待定）"

    @property
    def unit_due(self) -> int:
        return 0 if self.waived else self.unit_amount

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "month": f"{self.month[0]}-{self.month[1]:02d}",
            "article": self.article,
            "unit": self.unit,
            "title": self.title,
            "unit_amount": self.unit_due,
            "head_range": list(self.head_range) if self.head_range else None,
            "head_amount": None if self.waived else self.head_amount,
            "person_amount": None if self.waived else self.person_amount,
            "waived": self.waived,
            "decision": self.decision,
            "provisional": self.provisional,
            "causes": [{"reference": c.reference, "file": c.file, "text": c.text} for c in self.causes],
        }


@dataclass
class _Raw:
    kind: str
    month: Month
    unit: str
    cause: Cause
    provisional: bool = False


def _month_of(moment: datetime) -> Month:
    return moment.year, moment.month


def _raw_cases(archive: Archive, as_of: datetime) -> list[_Raw]:
    raws: list[_Raw] = []
    for case in archive.cases:
        deadline = case.deadline
        if deadline is None or as_of <= deadline.due:
            continue
        state = case.state(as_of, archive.policy)
        month = _month_of(deadline.due if deadline.times_callback else case.trigger.archived_at)
        if not case.attempts and case.order_row is not None and state == "overdue":
            raws.append(_Raw("archive_missing", month, case.unit, Cause(
                case.order, case.order_row.path,
                f"工单 {case.order}（{label('visit.trigger.kind', case.trigger.kind)}）时限 {deadline.due_text} 已过仍无回访记录"),
                deadline.provisional))
        elif state == "late":
            visit = case.reached
            raws.append(_Raw("callback_late", month, case.unit, Cause(
                visit.id, visit.source.path, f"工单 {case.order} 于 {format_time(visit.visited_at)} 回访，时限 {deadline.due_text}"),
                deadline.provisional))
        elif state == "overdue" and case.attempts:
            last = case.attempts[-1]
            raws.append(_Raw("callback_late", month, case.unit, Cause(
                last.id, last.source.path, f"工单 {case.order} 时限 {deadline.due_text} 已过仍未联系上客户"),
                deadline.provisional))
    for letter in archive.letters:
        deadline = archive.rules.for_letter(letter)
        if deadline is None or as_of <= deadline.due:
            continue
        month = _month_of(deadline.due)
        if letter.replied_at is None:
            raws.append(_Raw("archive_missing", month, letter.unit, Cause(
                letter.id, letter.source.path, f"来函“{letter.subject}”时限 {deadline.due_text} 已过仍未复函建档"), deadline.provisional))
        elif letter.replied_at > deadline.due:
            raws.append(_Raw("callback_late", month, letter.unit, Cause(
                letter.id, letter.source.path, f"复函于 {letter.replied_at:%Y-%m-%d}，时限 {deadline.due_text}"), deadline.provisional))
    marketing = next((u.id for u in archive.units.values() if u.kind == "marketing"), None)
    for year in completed_years(archive, as_of):
        for customer, count in uncalled_key_customers(archive, year):
            raws.append(_Raw("archive_missing", (year, 12), customer.unit, Cause(
                customer.account, "records/key-customers.yaml", f"重点客户 {customer.name} {year} 年回访 {count} 次")))
        for customer in unvisited_large_customers(archive, year):
            raws.append(_Raw("archive_missing", (year, 12), marketing or customer.unit, Cause(
                customer.account, "records/large-customers.yaml", f"大电力客户 {customer.name} {year} 年没有走访或座谈记录")))
    if archive.large_customers and marketing:
        for year in range(min(archive.plans, default=as_of.year), as_of.year + 1):
            if year not in archive.plans and as_of > end_of_day(date(year - 1, 12, 31)):
                raws.append(_Raw("archive_missing", (year, 1), marketing, Cause(
                    f"plan-{year}", f"records/plans/{year}.yaml", f"{year} 年大电力客户走访座谈计划未在 {year - 1} 年底前做出")))
    raws.extend(_report_raws(archive, as_of))
    return raws


def _report_raws(archive: Archive, as_of: datetime) -> list[_Raw]:
    """第二十七条: every unit's statistics of every month due so far, by 16:00 on the 5th."""
    raws = []
    for year, month in months_due(archive, as_of):
        due = archive.rules.monthly_report_due(year, month)
        for unit in archive.units:
            state, submission = submission_state(archive, unit, year, month, as_of)
            if state == "missing":
                raws.append(_Raw("report_late", (year, month), unit, Cause(
                    f"{year}-{month:02d}", f"records/submissions/{year}-{month:02d}/{unit}.yaml",
                    f"{year} 年 {month} 月统计未在 {format_time(due)} 前上报")))
            elif state == "late":
                raws.append(_Raw("report_late", (year, month), unit, Cause(
                    f"{year}-{month:02d}", submission.source.path,
                    f"{year} 年 {month} 月统计于 {format_time(submitted_time(archive, submission))} 上报，时限 {format_time(due)}")))
    return raws


def penalty_cases(archive: Archive, as_of: datetime) -> list[PenaltyCase]:
    """All cases up to ``as_of``, grouped per policy, with decisions applied, sorted by month, unit, id.

    Worked out once per archive and ``as_of`` (the checks and every month's report ask): read, never change it.
    """
    return archive.remember(("penalty_cases", as_of), lambda: _penalty_cases(archive, as_of))


def _penalty_cases(archive: Archive, as_of: datetime) -> list[PenaltyCase]:
    if archive.policy is None or archive.rules is None:
        return []
    policy = archive.policy.data["penalties"]
    per_month = policy["counting"] == "per-month"
    cases: dict[str, PenaltyCase] = {}
    for raw in _raw_cases(archive, as_of):
        rule = policy[raw.kind]
        number = {v: k for k, v in KINDS.items()}[raw.kind]
        key = f"{number}-{raw.unit}" if per_month or raw.kind == "report_late" else f"{number}-{raw.unit}-{raw.cause.reference}"
        month_key = f"{raw.month[0]}-{raw.month[1]:02d}/{key}"
        case = cases.get(month_key)
        if case is None:
            case = cases[month_key] = PenaltyCase(
                id=key,
                month=raw.month,
                article=rule["article"],
                unit=raw.unit,
                title=rule["description"],
                causes=[],
                unit_amount=rule["unit"],
                head_range=tuple(rule["head"]) if "head" in rule else None,
                person_amount=rule.get("person"),
            )
        case.causes.append(raw.cause)
        case.provisional = case.provisional or raw.provisional
    result = sorted(cases.values(), key=lambda c: (c.month, c.unit, c.id))
    _apply_decisions(archive, result)
    return result


def _apply_decisions(archive: Archive, cases: list[PenaltyCase]) -> None:
    by_key = {(c.month, c.id): c for c in cases}
    for decisions in archive.decisions:
        for item in decisions.items:
            case = by_key.get(((decisions.year, decisions.month), item.case))
            if case is None or decision_problem(case, item) is not None:
                continue
            case.waived = item.waive
            case.head_amount = item.head_amount
            case.decision = f"{item.reason}（{decisions.decided_by}，{decisions.decided_at}）"


def decision_problem(case: PenaltyCase, item) -> str | None:
    if item.waive == (item.head_amount is not None):
        return "每条决定写 head_amount（确定金额）或 waive: true（免于考核），二者选一。"
    if item.head_amount is not None:
        if case.head_range is None:
            return f"{case.article}没有“视情节”的主管领导金额，不能写 head_amount。"
        low, high = case.head_range
        if not low <= item.head_amount <= high:
            return f"金额 {item.head_amount} 元不在 {case.article}规定的 {low}–{high} 元之间。"
    return None


def conduct_referrals(archive: Archive) -> list[dict]:
    """第二十八条: conduct complaints recorded in visits, for referral; no amount is computed here."""
    return [
        {"record": v.id, "file": v.source.path, "unit": v.unit, "month": f"{v.visited_at:%Y-%m}",
         "staff": v.conduct["staff"], "description": v.conduct["description"]}
        for v in sorted(archive.visits, key=lambda v: v.visited_at)
        if v.conduct
    ]
