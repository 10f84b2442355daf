"""Deadlines (第十四、十五、十六条): late and overdue callbacks and letters, disasters, calendar years.

A late record is archived all the same (blocking it would lose it): lateness is a
warning that names the article, the deadline and how late, never an error.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Iterable

from ..deadlines import Deadline
from ..findings import Finding, finding
from ..engine.groups import by_case, by_file, in_calendar
from .declaration import check
from ..timeutil import format_duration, format_time

CALENDAR_FILE = "records/calendar.yaml"


def _lateness(deadline: Deadline, moment: datetime, archive) -> str:
    text = f"超时 {format_duration(moment - deadline.due)}"
    if deadline.working_days:
        days = archive.calendar.workdays_between(deadline.due.date(), moment.date())
        text += f"（{days} 个工作日）" if days else ""
    return text


@check(codes=("disaster-unknown", "disaster-not-applicable"), group=by_file,
       reads=("rules", "visits", "disasters"))
def check_disasters(archive, context) -> Iterable[Finding]:
    """A visit may only name a declared disaster that covers its unit and its repair's archive time."""
    if archive.rules is None:
        return
    for visit in archive.visits:
        trigger = visit.trigger
        if trigger is None or trigger.disaster is None:
            continue
        source = visit.source
        line = source.line_of("trigger.disaster")
        disaster = archive.disasters.get(trigger.disaster)
        if disaster is None:
            known = "、".join(archive.disasters) or "（目前没有）"
            yield finding("disaster-unknown", source.path, line,
                          f"自然灾害 `{trigger.disaster}` 未在 records/disasters.yaml 中认定（已认定：{known}）："
                          "请核对编号，或先由营销部登记认定；否则删除此字段，按 24 小时计算时限。", record=visit.id)
        elif visit.category != "repair":
            yield finding("disaster-not-applicable", source.path, line,
                          "只有供电抢修回访可因自然灾害延长时限：请删除 trigger.disaster。", record=visit.id)
        elif archive.rules.applicable_disaster(trigger, visit.unit) is None:
            units = "、".join(disaster.units)
            yield finding("disaster-not-applicable", source.path, line,
                          f"自然灾害 {disaster.id}（{disaster.name}）只适用于 {units} 在 {format_time(disaster.start)} 至 "
                          f"{format_time(disaster.end)} 归档的抢修；本工单归档于 {format_time(trigger.archived_at)}、"
                          f"单位 {visit.unit}，不在范围内：请删除 trigger.disaster，时限按 24 小时计算。", record=visit.id)


@check(codes=("attempt-trigger-mismatch",), group=by_case, reads=("cases",))
def check_attempts_agree(archive, context) -> Iterable[Finding]:
    """All attempts on one order describe the same order, in the same unit."""
    for case in archive.cases:
        if not case.attempts:
            continue
        first = case.attempts[0]
        for visit in case.attempts[1:]:
            if (visit.trigger.kind, visit.trigger.archived_at, visit.unit) != (first.trigger.kind, first.trigger.archived_at, first.unit):
                yield finding("attempt-trigger-mismatch", visit.source.path, visit.source.line_of("trigger"),
                              f"工单 {case.order} 在 {first.source.path} 中的业务类型、归档时间或责任单位与本文件不同："
                              "同一工单的每次回访必须填写相同的 trigger 和 unit，请核对。", record=visit.id)


@check(codes=("callback-late", "callback-overdue"), group=by_case, reads=("policy", "cases", "calendar"),
       articles=("第十四条", "第十五条", "第二十条", "第二十五条"), volatile=("callback-overdue",))
def check_callback_deadlines(archive, context) -> Iterable[Finding]:
    if archive.policy is None:
        return
    rule = archive.policy.unreachable
    for case in archive.cases:
        deadline = case.deadline
        if deadline is None or not case.attempts:
            continue  # an order with no visit at all is the coverage check's (第二十五条)
        state = case.state(context.as_of, archive.policy)
        note = deadline.provisional_note()
        if state == "late" and not deadline.times_callback:
            visit = case.reached
            yield finding("callback-late", visit.source.path, visit.source.line_of("visited_at"),
                          f"工单 {case.order} 的回访于 {format_time(visit.visited_at)} 完成，晚于统计截止 {deadline.due_text}"
                          f"（{deadline.rule}）：统计中计为超时；截止时仍未建立"
                          f"回访档案，按第二十五条考核（不按第二十六条），已形成的考核案例不因此改变。记录照常归档。{note}",
                          record=visit.id, article="第二十五条")
        elif state == "late":
            visit = case.reached
            tried = f"此前有 {len(case.failed)} 次未联系上的尝试，可作考核“视情节”的依据。" if case.failed else ""
            yield finding("callback-late", visit.source.path, visit.source.line_of("visited_at"),
                          f"工单 {case.order} 的回访于 {format_time(visit.visited_at)} 完成，时限为 {deadline.due_text}"
                          f"（{deadline.rule}），{_lateness(deadline, visit.visited_at, archive)}。记录照常归档，"
                          f"未按时完成回访按第二十六条考核。{tried}{note}", record=visit.id, article=deadline.article)
        elif state == "overdue" and not deadline.times_callback:
            last = case.attempts[-1]
            yield finding("callback-overdue", last.source.path, last.source.line_of("reached"),
                          f"工单 {case.order} 到统计截止 {deadline.due_text}（{deadline.rule}）仍未联系上客户"
                          f"（已尝试 {len(case.failed)} 次）：未建立回访档案，按第二十五条考核（不按第二十六条），"
                          f"之后再回访也不改变这个案例，但仍请尽快回访并登记。{note}", record=last.id, article="第二十五条")
        elif state == "overdue":
            last = case.attempts[-1]
            days = "、".join(sorted({f"{v.visited_at:%m-%d}" for v in case.failed}))
            yield finding("callback-overdue", last.source.path, last.source.line_of("reached"),
                          f"工单 {case.order} 至今未联系上客户（已尝试 {len(case.failed)} 次：{days}），时限 {deadline.due_text}"
                          f"（{deadline.rule}）已过，{_lateness(deadline, context.as_of, archive)}：请尽快回访并登记。"
                          f"确实联系不上的，在至少 {rule.min_days} 天内尝试满 {rule.min_attempts} 次"
                          f"且首次尝试在时限内，按“无法联系”结案（{rule.article}）。{note}",
                          record=last.id, article=deadline.article)


@check(codes=("letter-late", "letter-overdue"), group=by_file, reads=("rules", "letters", "calendar"),
       volatile=("letter-overdue",))
def check_letter_deadlines(archive, context) -> Iterable[Finding]:
    if archive.rules is None:
        return
    for letter in archive.letters:
        deadline = archive.rules.for_letter(letter)
        if deadline is None:
            continue
        source = letter.source
        note = deadline.provisional_note()
        if letter.replied_at is not None and letter.replied_at > deadline.due:
            yield finding("letter-late", source.path, source.line_of("replied_at"),
                          f"复函于 {source.data['replied_at']} 发出，时限为 {deadline.due_text}（{deadline.rule}），"
                          f"{_lateness(deadline, letter.replied_at, archive)}。记录照常归档，按第二十六条考核。{note}",
                          record=letter.id, article=deadline.article)
        elif letter.replied_at is None and context.as_of > deadline.due:
            yield finding("letter-overdue", source.path, source.line_of("reply_required"),
                          f"来函 “{letter.subject}” 尚未复函，时限 {deadline.due_text}（{deadline.rule}）已过，"
                          f"{_lateness(deadline, context.as_of, archive)}：请尽快复函，并填写 replied_at、reply 和 originals。{note}",
                          record=letter.id, article=deadline.article)


def provisional_counts(archive) -> dict[int, int]:
    """How many deadlines run into each year whose holidays are not known yet."""
    needed: dict[int, int] = {}
    deadlines = [case.deadline for case in archive.cases] + [archive.rules.for_letter(l) for l in archive.letters]
    for deadline in deadlines:
        for year in deadline.provisional_years if deadline else ():
            needed[year] = needed.get(year, 0) + 1
    return needed


@check(codes=("calendar-year-missing",), group=in_calendar,
       reads=("rules", "policy", "calendar", "provisional_counts", "cases", "letters"))
def check_calendar_years(archive, context) -> Iterable[Finding]:
    """Name every year whose holidays are unknown but needed, and next year's from policy's date on."""
    if archive.rules is None:
        return
    needed = dict(archive.provisional_counts) if archive.provisional_counts is not None else provisional_counts(archive)
    month, day = archive.policy.calendar.warn_next_year_from
    today = context.as_of.date()
    next_year = today.year + 1
    if today >= date(today.year, month, day) and not archive.calendar.is_known_year(next_year):
        needed.setdefault(next_year, 0)
    for year, count in sorted(needed.items()):
        uses = f"已有 {count} 个时限用到 {year} 年，暂按周一至周五计算并标为暂定。" if count else ""
        yield finding("calendar-year-missing", CALENDAR_FILE, 1,
                      f"{year} 年的节假日及调休安排尚未登记（程序库和 records/calendar.yaml 都没有）。{uses}"
                      f"国务院办公厅公布通知后，请按文件头的说明在 records/calendar.yaml 的 years 下登记 {year} 年。")
