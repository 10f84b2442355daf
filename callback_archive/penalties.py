"""Penalties (第二十五至二十七条) as traceable cases, with the marketing department's decisions.

Each case names its cause (records, orders or a submission) so that anyone can follow it.
Amounts come from policy.yaml. The seed leaves only the head's amount of a 第二十五/二十六条
case to judgement ("视情节"): a range until a decision in records/decisions/<YYYY-MM>.yaml
fixes it (0 with a reason, or within the range); the unit's fixed amount and 第二十七条's
amounts are never decided. Whether a penalty counts per case or once per unit, article and
month is the policy's ``penalties.counting``.

A case's id says what it is about (unit and trigger: the work order, the letter, the customer
and year, the submission month), never its article or the record that later closes it. While
its month is open a case follows the records; once the month is closed (its statistics were
due, 第二十条) the case stands as it was then, and a record that arrives later is listed as a
late arrival in the month it lands, with no second fine.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from .archive import ArchiveAt
from .engine.loader import Archive
from .cases import CallbackCase, archive_landed_late, landing_of
from .obligations import completed_years, uncalled_key_customers, unvisited_large_customers
from .deadlines import Deadline, end_of_day
from .history import Commit
from .labels import label
from .model import Letter, Visit
from .policy import audit_settings
from .reports.stats import Month
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
    id: str  # unit and trigger, e.g. tanggu-GD2026092910832; per-month counting: 26-tanggu
    month: Month
    article: str
    unit: str
    title: str
    causes: list[Cause]
    unit_amount: int
    head_range: tuple[int, int] | None = None
    person_amount: int | None = None
    provisional: bool = False
    head_amount: int | None = None  # decided: 0 or within head_range
    waived: bool = False  # the head is spared (0); the unit's amount stands
    decision: str | None = None  # the decision's reason and who decided

    @property
    def head_text(self) -> str:
        if self.head_range is None:
            return "—"
        if self.waived:
            return "0（免于扣罚）"
        if self.head_amount is not None:
            return str(self.head_amount)
        return f"{self.head_range[0]}–{self.head_range[1]}（视情节，待定）"

    @property
    def unit_due(self) -> int:
        """The unit's amount: fixed by the article, never decided away."""
        return self.unit_amount

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "month": f"{self.month[0]}-{self.month[1]:02d}",
            "article": self.article,
            "unit": self.unit,
            "title": self.title,
            "unit_amount": self.unit_due,
            "head_range": list(self.head_range) if self.head_range else None,
            "head_amount": 0 if self.waived else self.head_amount,
            "person_amount": self.person_amount,
            "waived": self.waived,
            "decision": self.decision,
            "provisional": self.provisional,
            "causes": [{"reference": c.reference, "file": c.file, "text": c.text} for c in self.causes],
        }


@dataclass(frozen=True)
class LateArrival:
    """A record that reached the archive after its case's month was closed: listed, never fined again."""

    month: Month  # the month it landed in
    case_month: Month
    case: str  # the case id it belongs to
    record: str
    file: str
    landed_at: datetime | None  # None: not on main yet

    def as_dict(self) -> dict:
        return {"month": f"{self.month[0]}-{self.month[1]:02d}", "case_month": f"{self.case_month[0]}-{self.case_month[1]:02d}",
                "case": self.case, "record": self.record, "file": self.file,
                "landed_at": format_time(self.landed_at) if self.landed_at else None}


@dataclass
class _Raw:
    kind: str
    month: Month
    unit: str
    subject: str  # what the case is about: its id within the unit
    cause: Cause
    provisional: bool = False


def _month_of(moment: datetime) -> Month:
    return moment.year, moment.month


def case_month(case: CallbackCase) -> Month:
    """The statistics month of a callback case (第二十条): its deadline's, or an untimed one's archive month."""
    deadline = case.deadline
    return _month_of(deadline.due if deadline.times_callback else case.trigger.archived_at)


def month_closed_at(archive: Archive, month: Month) -> datetime:
    """When a month closes: its statistics are due (第二十条, policy.yaml's ``deadlines.monthly_report``)."""
    return archive.rules.monthly_report_due(*month)


def _known(at: ArchiveAt, record: Visit | Letter, done_at: datetime, moment: datetime) -> bool:
    """Whether the archive had the record at ``moment``: done by then and, with Git history, on main by then.

    A record not on main yet counts as arriving now; records before ``audit.history_since`` were
    migrated into Git later and count from their own time.
    """
    if done_at > moment:
        return False
    archive = at.records
    if archive.history is None or archive.history.shallow or audit_settings(archive).exempt(done_at):
        return True
    landing = landing_of(archive, record)
    return landing.time <= moment if landing is not None else moment >= at.as_of


def _landing_words(commit: Commit) -> str:
    via = f"合并请求 #{commit.pull_request}，" if commit.pull_request else ""
    return f"提交 {commit.sha[:10]}，{via}{commit.author}"


def _callback_raw(at: ArchiveAt, case: CallbackCase, cut: datetime, month: Month) -> _Raw | None:
    """The case of one work order as the archive stood at ``cut`` (its month's close, or now while open)."""
    archive = at.records
    deadline = case.deadline
    known = [v for v in case.attempts if _known(at, v, v.visited_at, cut)]
    reached = next((v for v in known if v.reached), None)
    failed = [v for v in known if not v.reached]
    provisional = deadline.provisional

    def raw(kind: str, reference: str, file: str, text: str) -> _Raw:
        return _Raw(kind, month, case.unit, case.order, Cause(reference, file, text), provisional)

    if not deadline.times_callback:
        # Untimed (第五条 requires it, no article times it): due with the month's statistics; not done
        # by then is one 第二十五条 case that stays whatever arrives later, never 第二十六条.
        if reached is not None or _closed_unreachable(archive, failed, deadline):
            return None
        if failed:
            last = failed[-1]
            return raw("archive_missing", last.id, last.source.path,
                       f"工单 {case.order}（细则未规定时限）到统计截止 {deadline.due_text}仍未联系上客户，未建立回访档案")
        if case.order_row is None:
            first = case.attempts[0]  # the case is known only from records that arrived after the cut-off
            return raw("archive_missing", first.id, first.source.path,
                       f"工单 {case.order}（细则未规定时限）的回访记录在统计截止 {deadline.due_text}之后才进入档案")
        return raw("archive_missing", case.order, case.order_row.path,
                   f"工单 {case.order}（{label('visit.trigger.kind', case.trigger.kind)}，细则未规定时限）"
                   f"到统计截止 {deadline.due_text}仍无回访记录")
    if reached is not None:
        if reached.visited_at > deadline.due:
            return raw("callback_late", reached.id, reached.source.path,
                       f"工单 {case.order} 于 {format_time(reached.visited_at)} 回访，时限 {deadline.due_text}")
        landing = archive_landed_late(archive, reached, reached.visited_at, deadline)
        if landing is not None and landing.time <= cut:
            return raw("callback_late", reached.id, reached.source.path,
                       f"档案建立超时：工单 {case.order} 于 {format_time(reached.visited_at)} 按时回访，但记录 "
                       f"{format_time(landing.time)} 才合并到 main（{_landing_words(landing)}），时限 {deadline.due_text}")
        return None
    if _closed_unreachable(archive, failed, deadline):
        return None
    if failed:
        last = failed[-1]
        return raw("callback_late", last.id, last.source.path, f"工单 {case.order} 时限 {deadline.due_text} 已过仍未联系上客户")
    if case.order_row is None:
        return None
    return raw("archive_missing", case.order, case.order_row.path,
               f"工单 {case.order}（{label('visit.trigger.kind', case.trigger.kind)}）时限 {deadline.due_text} 已过仍无回访记录")


def _closed_unreachable(archive: Archive, failed: list[Visit], deadline: Deadline) -> bool:
    rule = archive.policy.unreachable
    return (len(failed) >= rule.min_attempts and len({v.visited_at.date() for v in failed}) >= rule.min_days
            and failed[0].visited_at <= deadline.due)


def _letter_raw(at: ArchiveAt, letter: Letter, deadline: Deadline, cut: datetime, month: Month) -> _Raw | None:
    replied = letter.replied_at is not None and _known(at, letter, letter.replied_at, cut)

    def raw(kind: str, text: str) -> _Raw:
        return _Raw(kind, month, letter.unit, letter.id, Cause(letter.id, letter.source.path, text), deadline.provisional)

    if not replied:
        return raw("archive_missing", f"来函“{letter.subject}”时限 {deadline.due_text} 已过仍未复函建档")
    if letter.replied_at > deadline.due:
        return raw("callback_late", f"复函于 {letter.replied_at:%Y-%m-%d}，时限 {deadline.due_text}")
    landing = archive_landed_late(at.records, letter, letter.replied_at, deadline)
    if landing is not None and landing.time <= cut:
        return raw("callback_late", f"档案建立超时：复函于 {letter.replied_at:%Y-%m-%d} 按时发出，但记录 "
                                    f"{format_time(landing.time)} 才合并到 main（{_landing_words(landing)}），时限 {deadline.due_text}")
    return None


def _cut(at: ArchiveAt, month: Month) -> datetime:
    """The moment a month's cases are judged at: its close once passed, else now."""
    return min(at.as_of, month_closed_at(at.records, month))


def _raw_cases(at: ArchiveAt) -> list[_Raw]:
    archive, as_of = at.records, at.as_of
    raws: list[_Raw] = []
    for case in archive.cases:
        deadline = case.deadline
        if deadline is None or as_of <= deadline.due:
            continue
        month = case_month(case)
        found = _callback_raw(at, case, _cut(at, month), month)
        if found is None and not case.order_row and not any(
                _known(at, v, v.visited_at, _cut(at, month)) for v in case.attempts):
            # Nothing of it was in the archive when its month closed: judged as it stands now.
            found = _callback_raw(at, case, as_of, month)
        if found is not None:
            raws.append(found)
    for letter in archive.letters:
        deadline = archive.rules.for_letter(letter)
        if deadline is None or as_of <= deadline.due:
            continue
        month = _month_of(deadline.due)
        found = _letter_raw(at, letter, deadline, _cut(at, month), month)
        if found is not None:
            raws.append(found)
    marketing = next((u.id for u in archive.units.values() if u.kind == "marketing"), None)
    for year in completed_years(at):
        for customer, count in uncalled_key_customers(archive, year):
            raws.append(_Raw("archive_missing", (year, 12), customer.unit, f"{customer.account}-{year}", Cause(
                customer.account, "records/key-customers.yaml", f"重点客户 {customer.name} {year} 年回访 {count} 次")))
        for customer in unvisited_large_customers(archive, year):
            unit = marketing or customer.unit
            raws.append(_Raw("archive_missing", (year, 12), unit, f"{customer.account}-{year}", Cause(
                customer.account, "records/large-customers.yaml", f"大电力客户 {customer.name} {year} 年没有走访或座谈记录")))
    if archive.large_customers and marketing:
        for year in range(min(archive.plans, default=as_of.year), as_of.year + 1):
            if year not in archive.plans and as_of > end_of_day(date(year - 1, 12, 31)):
                raws.append(_Raw("archive_missing", (year, 1), marketing, f"plan-{year}", Cause(
                    f"plan-{year}", f"records/plans/{year}.yaml", f"{year} 年大电力客户走访座谈计划未在 {year - 1} 年底前做出")))
    raws.extend(_report_raws(at))
    return raws


def late_arrivals(at: ArchiveAt) -> list[LateArrival]:
    """Records that reached the archive after the month of their penalty case was closed, by landing month.

    They change nothing of that month (its cases, articles and amounts stand): they are listed so that
    the month they land in shows them against the existing case.
    """
    archive, as_of = at.records, at.as_of
    if archive.rules is None:
        return []
    cases = {(c.month, c.unit, c.id) for c in penalty_cases(at)}
    per_month = archive.policy.penalties.per_month
    found = []

    def add(month: Month, unit: str, subject: str, record: Visit | Letter, done_at: datetime, kinds: tuple[str, ...]) -> None:
        closed = month_closed_at(archive, month)
        if as_of <= closed or _known(at, record, done_at, closed):
            return
        ids = [f"{n}-{unit}" for n in kinds] if per_month else [f"{unit}-{subject}"]
        case = next((i for i in ids if (month, unit, i) in cases), None)
        if case is None:
            return
        # It arrived when it landed on main; a migrated record (before audit.history_since) by its own time.
        migrated = audit_settings(archive).exempt(done_at)
        landing = None if migrated else landing_of(archive, record)
        arrived = landing.time if landing is not None else (as_of if archive.history is not None and not migrated else done_at)
        found.append(LateArrival(_month_of(max(arrived, done_at)), month, case, record.id, record.source.path,
                                 landing.time if landing else None))

    for case in archive.cases:
        if case.deadline is not None:
            for visit in case.attempts:
                add(case_month(case), case.unit, case.order, visit, visit.visited_at, ("25", "26"))
    for letter in archive.letters:
        deadline = archive.rules.for_letter(letter)
        if deadline is not None and letter.replied_at is not None:
            add(_month_of(deadline.due), letter.unit, letter.id, letter, letter.replied_at, ("25", "26"))
    return sorted(found, key=lambda a: (a.month, a.case, a.record))


def _report_raws(at: ArchiveAt) -> list[_Raw]:
    """第二十七条: every unit's statistics of every month due so far, by 16:00 on the 5th (from the unit's
    ``reports_from`` on: ``submission_state`` says not-required before it)."""
    archive = at.records
    raws = []
    for year, month in months_due(at):
        due = archive.rules.monthly_report_due(year, month)
        for unit in archive.units:
            state, submission = submission_state(at, unit, year, month)
            if state == "missing":
                raws.append(_Raw("report_late", (year, month), unit, f"report-{year}-{month:02d}", Cause(
                    f"{year}-{month:02d}", f"records/submissions/{year}-{month:02d}/{unit}.yaml",
                    f"{year} 年 {month} 月统计未在 {format_time(due)} 前上报")))
            elif state == "late":
                raws.append(_Raw("report_late", (year, month), unit, f"report-{year}-{month:02d}", Cause(
                    f"{year}-{month:02d}", submission.source.path,
                    f"{year} 年 {month} 月统计于 {format_time(submitted_time(archive, submission))} 上报，时限 {format_time(due)}")))
    return raws


def penalty_cases(at: ArchiveAt) -> list[PenaltyCase]:
    """All cases up to ``at.as_of``, grouped per policy, with decisions applied, sorted by month, unit, id.

    Worked out once per archive and moment (the checks and every month's report ask): read, never change it.
    """
    return at.records.remember(("penalty_cases", at.as_of), lambda: _penalty_cases(at))


def _penalty_cases(at: ArchiveAt) -> list[PenaltyCase]:
    archive = at.records
    if archive.policy is None or archive.rules is None:
        return []
    policy = archive.policy.penalties
    per_month = policy.per_month
    cases: dict[str, PenaltyCase] = {}
    for raw in _raw_cases(at):
        rule = policy.rule(raw.kind)
        number = {v: k for k, v in KINDS.items()}[raw.kind]
        # The id says what the case is about, so that it survives a change of article while the month is open
        # (per-month counting groups a unit's cases of one article: its id is the article's number and the unit).
        key = f"{number}-{raw.unit}" if per_month and raw.kind != "report_late" else f"{raw.unit}-{raw.subject}"
        month_key = f"{raw.month[0]}-{raw.month[1]:02d}/{key}"
        case = cases.get(month_key)
        if case is None:
            case = cases[month_key] = PenaltyCase(
                id=key,
                month=raw.month,
                article=rule.article,
                unit=raw.unit,
                title=rule.description,
                causes=[],
                unit_amount=rule.unit,
                head_range=rule.head,
                person_amount=rule.person,
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
            if case is None or decision_problem(case, item) is not None or self_judged(archive, case, item):
                continue
            case.waived = item.waive or item.head_amount == 0
            case.head_amount = 0 if case.waived else item.head_amount
            approved = f"，经{item.approved_by[1]}{item.approved_by[0]}批准" if item.approved_by else ""
            case.decision = f"{item.reason}（{decisions.decided_by}，{decisions.decided_at}{approved}）"


def decision_problem(case: PenaltyCase, item) -> str | None:
    """What is wrong with a decision about ``case`` (Chinese, naming the article), or None.

    Only the head's amount of a 第二十五/二十六条 case is left to judgement (0 with a reason, or the range);
    the unit's amount and 第二十七条's amounts are fixed by the articles.
    """
    if case.head_range is None:
        fixed = f"责任部门 {case.unit_amount} 元" + (f"、责任人 {case.person_amount} 元" if case.person_amount else "")
        return f"{case.article}的金额（{fixed}）是细则规定的固定金额，没有“视情节”的部分，不能由考核决定改变或免除。"
    if item.unit_amount is not None:
        return (f"责任部门的 {case.unit_amount} 元是{case.article}规定的固定金额，不能由考核决定改变；"
                "决定只能确定主管领导的金额（head_amount）。")
    if item.waive == (item.head_amount is not None):
        return "每条决定写 head_amount（主管领导金额）或 waive: true（主管领导免于扣罚），二者选一。"
    if item.head_amount is not None and item.head_amount != 0:
        low, high = case.head_range
        if not low <= item.head_amount <= high:
            return f"金额 {item.head_amount} 元不在{case.article}规定的 {low}–{high} 元之间（不扣罚的写 0 并说明理由）。"
    return None


def self_judged(archive: Archive, case: PenaltyCase, item) -> bool:
    """A decision about a case of the deciding department itself (营销部, 第二十四条) without a company leader's approval."""
    unit = archive.units.get(case.unit)
    return unit is not None and unit.kind == "marketing" and item.approved_by is None


def conduct_referrals(archive: Archive) -> list[dict]:
    """第二十八条: conduct complaints recorded in visits, for referral; no amount is computed here."""
    return [
        {"record": v.id, "file": v.source.path, "unit": v.unit, "month": f"{v.visited_at:%Y-%m}",
         "staff": v.conduct["staff"], "description": v.conduct["description"]}
        for v in sorted(archive.visits, key=lambda v: v.visited_at)
        if v.conduct
    ]
