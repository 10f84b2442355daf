"""The monthly report as data (summary.json): what the pages and the workbook are made from."""

from __future__ import annotations

from datetime import datetime

from ..archive import ArchiveAt
from ..engine.loader import Archive
from ..cases import STATE_LABELS, letter_state
from ..obligations import plan_progress
from ..labels import label
from ..penalties import PenaltyCase, conduct_referrals, late_arrivals, penalty_cases
from ..policy import audit_settings
from .stats import CATEGORIES, CATEGORY_NAMES, Month, Tally, company, rollups, unit_tallies
from ..model import Submission
from ..submissions import submission_state, submitted_time
from .summary import summary_version
from ..timeutil import format_time

STATISTICS_RULE = (
    "统计月份按第二十条“以按要求规定的归档时间为准”：有时限的回访和复函计入其时限（应建档时间）所在月份；"
    "细则未规定时限的回访计入业务归档月份；大客户走访、连心卡等没有触发业务的回访计入回访月份；"
    "不要求复函的来函计入收函月份。"
)


# 第十四至十六条 set a time limit; "other" callbacks have none; 第十七条's large customers and 连心卡 are planned.
TIMED_CATEGORIES = ("business", "repair", "letter")
UNTIMED_CATEGORIES = ("other",)


def months_present(at: ArchiveAt) -> list[Month]:
    return sorted(unit_tallies(at))


def _group_row(tally: Tally, categories: tuple[str, ...]) -> dict:
    """The figures of some categories added together."""
    merged = Tally()
    for (category, state), n in tally.states.items():
        if category in categories:
            merged.states[("group", state)] += n
    for (category, level), n in tally.satisfaction.items():
        if category in categories:
            merged.satisfaction[("group", level)] += n
    return merged.category_row("group")


def tally_data(tally: Tally) -> dict:
    return {
        "categories": {c: tally.category_row(c) for c in CATEGORIES},
        "totals": tally.totals(),
        "timed": _group_row(tally, TIMED_CATEGORIES),
        "untimed": _group_row(tally, UNTIMED_CATEGORIES),
        "topics": dict(sorted(tally.topics.items())),
        "key_customers": len(tally.key_customers),
        "provisional": tally.provisional,
    }


def _penalty_totals(cases: list[PenaltyCase]) -> dict:
    """Amounts of the cases that count; provisional ones (a deadline on an unpublished calendar year) never do."""
    provisional = [c for c in cases if c.provisional]
    return {**_amounts([c for c in cases if not c.provisional]), "provisional": len(provisional),
            "provisional_amounts": _amounts(provisional)}


def _amounts(cases: list[PenaltyCase]) -> dict:
    undecided = [c for c in cases if not c.waived and c.head_range and c.head_amount is None]
    return {
        "cases": len(cases),
        "waived": sum(c.waived for c in cases),
        "unit_amount": sum(c.unit_due for c in cases),
        "head_decided": sum(c.head_amount or 0 for c in cases if not c.waived),
        "head_undecided_min": sum(c.head_range[0] for c in undecided),
        "head_undecided_max": sum(c.head_range[1] for c in undecided),
        "person_amount": sum(c.person_amount or 0 for c in cases if not c.waived),
    }


def _submission_check(archive: Archive, submission: Submission | None, scope: Tally) -> dict:
    """A submission's total next to the archive's (the unit's own, the company's for the marketing department),
    and how many of the archive's records reached main only after the submission: counted apart, they are
    not a discrepancy. ``after_submission`` is None without Git history (nothing tells when records landed)."""
    if submission is None:
        return {"reported_total": None, "archive_total": scope.totals()["total"], "after_submission": None}
    history = archive.history
    after = None
    if history is not None and not history.shallow:
        moment = submitted_time(archive, submission)
        settings = audit_settings(archive)

        def arrived_later(path: str, own_time: datetime) -> bool:
            if settings.exempt(own_time):  # migrated into Git later (audit.history_since): it was there in time
                return False
            landing = history.landing(path)
            return landing is None or landing.time > moment

        after = sum(any(arrived_later(*file) for file in entry) for entry in scope.entries)
    return {"reported_total": sum(row.get("total", 0) for row in submission.figures.values()),
            "archive_total": scope.totals()["total"], "after_submission": after}


def month_summary(at: ArchiveAt, month: Month) -> dict:
    """Everything the monthly report shows, as plain data (the contract of summary.json)."""
    archive, as_of = at.records, at.as_of
    year, number = month
    tallies = unit_tallies(at).get(month, {})
    combined = rollups(archive, tallies)
    cases = [c for c in penalty_cases(at) if c.month == month]
    whole = company(tallies)
    units = []
    for unit in archive.units.values():
        own = tallies.get(unit.id, Tally())
        has_children = any(u.parent == unit.id for u in archive.units.values())
        state, submission = submission_state(at, unit.id, year, number)
        units.append({
            "id": unit.id,
            "name": unit.name,
            "kind": unit.kind,
            "parent": unit.parent,
            "head": unit.head,
            "reporter": unit.reporter,
            "own": tally_data(own),
            "rollup": tally_data(combined[unit.id]) if has_children else None,
            "submission": {
                "state": state,
                "submitted_at": format_time(submitted_time(archive, submission)) if submission else None,
                "submitted_by": submission.submitted_by if submission else None,
                **_submission_check(archive, submission, whole if unit.kind == "marketing" else own),
            },
            "penalties": _penalty_totals([c for c in cases if c.unit == unit.id]),
        })
    due = archive.rules.monthly_report_due(year, number)
    return {
        "version": summary_version(),  # schemas/reports/summary.schema.json's; raised when a key changes meaning
        "month": f"{year}-{number:02d}",
        "as_of": format_time(as_of),
        "report_due": format_time(due),
        "closed": as_of > due,
        "statistics_rule": STATISTICS_RULE,
        "penalty_counting": archive.policy.penalties.counting,
        "category_names": CATEGORY_NAMES,
        "units": units,
        "company": {**tally_data(whole), "penalties": _penalty_totals(cases)},
        "letters": _letters(at, month),
        "large_customers": _large_customers(at, month),
        "card_rounds": _card_rounds(archive, month),
        "opinions": [
            {"record": o.record, "file": o.file, "unit": o.unit, "category": o.category,
             "satisfaction": o.satisfaction, "opinion": o.opinion, "follow_up": o.follow_up}
            for o in sorted(whole.opinions, key=lambda o: (o.satisfaction != "dissatisfied", o.unit, o.record))
        ],
        "penalties": [c.as_dict() for c in cases],
        # Records that arrived this month for cases of months already closed: listed, not fined again.
        "late_arrivals": [a.as_dict() for a in late_arrivals(at) if a.month == month],
        "conduct": [r for r in conduct_referrals(archive) if r["month"] == f"{year}-{number:02d}"],
    }


def _letters(at: ArchiveAt, month: Month) -> list[dict]:
    archive = at.records
    rows = []
    for letter in sorted(archive.letters, key=lambda x: (x.received_at, x.id)):
        deadline = archive.rules.for_letter(letter)
        counted = (deadline.due.year, deadline.due.month) if deadline else (letter.received_at.year, letter.received_at.month)
        if counted != month:
            continue
        state = letter_state(letter, deadline, at.as_of)
        rows.append({
            "id": letter.id, "file": letter.source.path, "unit": letter.unit,
            "kind": label("letter.kind", letter.kind), "sender_group": label("letter.sender.group", letter.sender_group),
            "subject": letter.subject, "received": f"{letter.received_at:%Y-%m-%d}",
            "due": deadline.due_text if deadline else None, "provisional": bool(deadline and deadline.provisional),
            "replied": f"{letter.replied_at:%Y-%m-%d}" if letter.replied_at else None,
            "state": state, "state_label": STATE_LABELS[state], "originals": letter.originals,
        })
    return rows


def _large_customers(at: ArchiveAt, month: Month) -> list[dict]:
    plan = at.records.plans.get(month[0])
    if plan is None:
        return []
    progress = plan_progress(at, plan)
    names = {c.account: c.name for c in at.records.large_customers}
    labels_ = {"done": "已完成", "planned": "计划中", "overdue": "逾期"}
    return [
        {"account": e.account, "name": names.get(e.account, e.account), "planned_month": e.month,
         "method": label("visit.method", e.method), "state": progress[e.account], "state_label": labels_[progress[e.account]]}
        for e in sorted(plan.entries, key=lambda e: (e.month, e.account))
        if e.month == month[1] or progress[e.account] == "overdue"
    ]


def _card_rounds(archive: Archive, month: Month) -> list[dict]:
    rows = []
    for card_round in sorted(archive.rounds.values(), key=lambda r: r.id):
        if (card_round.year, card_round.month) != month:
            continue
        visits = [v for v in archive.visits if v.round == card_round.id and v.reached]
        satisfaction = {level: sum(v.satisfaction == level for v in visits) for level in ("satisfied", "basic", "dissatisfied")}
        topics: dict[str, int] = {}
        for v in visits:
            for topic in v.topics:
                topics[topic] = topics.get(topic, 0) + 1
        rows.append({
            "id": card_round.id, "customers": card_round.customers, "sent": card_round.sent, "returned": card_round.returned,
            "started_at": f"{card_round.started_at}", "finished_at": f"{card_round.finished_at}",
            "satisfaction": satisfaction, "topics": dict(sorted(topics.items())),
        })
    return rows
