"""Archive entries in time (第十四、十五、十六条): the callback *and* its record, by the record's landing on main.

A record lands when the first commit of main's first-parent history brings it in
(see history.py). A callback done in time whose record landed after the deadline
is late all the same ("回访按时但档案建立超时"): a warning here, like every lateness,
and a 第二十六条 case in penalties.py (第二十五条 for an untimed callback).
A record not on main yet is judged by its own times; when its deadline is near or
past, the validator says by when it must be merged. Records whose callback came
before policy.yaml's ``audit.history_since`` were migrated into Git afterwards
and are exempt from these checks. A visit after its own landing is impossible: an
error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable, Iterator

from ..deadlines import Deadline
from ..findings import Finding, finding
from ..engine.groups import always, by_case, by_file
from .declaration import check
from ..policy import AuditSettings, audit_settings
from ..history import Commit, History
from ..model import Letter, Visit
from ..timeutil import format_duration, format_time


@dataclass(frozen=True)
class TimelyRecord:
    """A callback (the first reached attempt) or reply done in time by its own date, with its deadline."""

    record: Visit | Letter
    done_at: datetime
    field: str  # the field that says when: visited_at or replied_at
    deadline: Deadline
    what: str  # in words, for messages: 工单 … 的回访 / 来函 “…” 的复函


def timely_records(archive) -> Iterator[TimelyRecord]:
    """Every callback and reply on time by its own date; voided records never count."""
    if archive.rules is None:
        return
    for case in archive.cases:
        visit = case.reached
        if case.deadline is not None and visit is not None and visit.visited_at <= case.deadline.due:
            yield TimelyRecord(visit, visit.visited_at, "visited_at", case.deadline, f"工单 {case.order} 的回访")
    for letter in archive.letters:
        deadline = archive.rules.for_letter(letter)
        if deadline is None or letter.void is not None or letter.replied_at is None or letter.replied_at > deadline.due:
            continue
        yield TimelyRecord(letter, letter.replied_at, "replied_at", deadline, f"来函 “{letter.subject}” 的复函")


def landing_words(commit: Commit) -> str:
    """``提交 1a2b3c4d5e，合并请求 #12，张三``."""
    via = f"合并请求 #{commit.pull_request}，" if commit.pull_request else ("合并提交，" if commit.is_merge else "直接提交，")
    return f"提交 {commit.sha[:10]}，{via}{commit.author}"


def first_moment(record: Visit | Letter) -> tuple[str, datetime]:
    """The event the record itself documents, which must come before the record exists."""
    if isinstance(record, Visit):
        return "visited_at", record.visited_at
    return "received_at", record.received_at


@check(codes=("history-shallow", "seal-broken", "record-time-after-landing", "callback-landed-late",
              "letter-landed-late", "archive-merge-due"),
       group={"history-shallow": always, "seal-broken": always, "record-time-after-landing": by_file,
              "callback-landed-late": by_case, "letter-landed-late": by_case, "archive-merge-due": by_case},
       reads=("rules", "policy", "cases", "letters", "visits", "voided", "calendar"),
       articles=("第十四条", "第十五条", "第十六条", "第二十条"), volatile=("archive-merge-due",))
def check_landing(archive, context) -> Iterable[Finding]:
    history = context.history
    if history is None:
        return
    if history.shallow:
        yield finding("history-shallow", "records", None,
                      "这是 Git 浅克隆（只有最近的提交），无法确定每条记录合并到 main 的时间，档案建立时限未检查。"
                      "请取完整历史：本地运行 git fetch --unshallow；GitHub、Gitea 在 actions/checkout 中设置 fetch-depth: 0，GitLab CI 设置变量 GIT_DEPTH 为 0。")
        return
    history = history.until(context.as_of)
    yield from _broken_seals(history)
    yield from _after_landing(archive, history)
    settings = audit_settings(archive)
    for item in timely_records(archive):
        if settings.exempt(item.done_at):
            continue
        landing = history.landing(item.record.source.path)
        if landing is None:
            yield from _merge_due(item, history, settings, context.as_of, archive)
        elif landing.time > item.deadline.due:
            yield _landed_late(item, landing, archive)


def _broken_seals(history: History) -> Iterator[Finding]:
    """A closed month's seal (build_reports.py --seal) that main no longer contains: its history was rewritten."""
    for seal in history.broken_seals:
        yield finding("seal-broken", "records", None,
                      f"{seal.month} 已结月并于 {format_time(seal.time)} 封存（标签 {seal.tag}，提交 {seal.commit[:10]}），"
                      f"但该提交已不在 {history.ref} 的历史中：封存之后 main 的历史被改写（变基、修改提交时间或强制推送）。"
                      f"封存以前合并的记录仍按封存时的历史确定档案建立时间，已结月的统计和考核不变。"
                      f"请查明改写的原因，把 {history.ref} 恢复为包含该提交的历史；不要删除或移动封存标签。")


def _after_landing(archive, history: History) -> Iterator[Finding]:
    for record in [*archive.visits, *archive.letters, *archive.voided]:
        landing = history.landing(record.source.path)
        if landing is None:
            continue
        field, moment = first_moment(record)
        if moment > landing.time:
            source = record.source
            yield finding("record-time-after-landing", source.path, source.line_of(field),
                          f"`{field}` 是 {source.data[field]}，晚于这条记录合并到 {history.ref} 的时间 {format_time(landing.time)}"
                          f"（{landing_words(landing)}）：记录不可能在事情发生之前建立。请核对 `{field}`，"
                          "改正时在 amendments 末尾追加一条更正（何时、何人、为何、改了哪些字段）。", record=record.id)


def _lateness(deadline: Deadline, moment: datetime, archive) -> str:
    text = format_duration(moment - deadline.due)
    if deadline.working_days:
        days = archive.calendar.workdays_between(deadline.due.date(), moment.date())
        text += f"（{days} 个工作日）" if days else ""
    return text


def _landed_late(item: TimelyRecord, landing: Commit, archive) -> Finding:
    source = item.record.source
    code = "callback-landed-late" if isinstance(item.record, Visit) else "letter-landed-late"
    # An untimed callback has only the statistics cut-off: missing from the archive then is 第二十五条, never 第二十六条.
    article = "第二十六条" if item.deadline.times_callback else "第二十五条"
    return finding(code, source.path, source.line_of(item.field),
                   f"回访按时但档案建立超时：{item.what}于 {format_time(item.done_at)} 按时完成，但记录 "
                   f"{format_time(landing.time)} 才合并到 main（{landing_words(landing)}），档案建立时限为 "
                   f"{item.deadline.due_text}（{item.deadline.rule}，回访和档案建立都须在时限内），超时 "
                   f"{_lateness(item.deadline, landing.time, archive)}。记录照常归档，统计中计为超时，按{article}考核；"
                   f"今后请在回访当天登记并尽快合并。{item.deadline.provisional_note()}",
                   record=item.record.id, article=item.deadline.article)


def _merge_due(item: TimelyRecord, history: History, settings: AuditSettings, as_of: datetime, archive) -> Iterator[Finding]:
    """A record not on main yet: say by when it must be merged, once that moment is near or past."""
    left = item.deadline.due - as_of
    if left > timedelta(days=settings.merge_warning_days):
        return
    source = item.record.source
    if left >= timedelta(0):
        when = f"还剩 {format_duration(left)}，请尽快合并；逾期合并将记为“回访按时但档案建立超时”"
    else:
        when = (f"时限已过 {_lateness(item.deadline, as_of, archive)}：合并后将记为“回访按时但档案建立超时”"
                "（记录照常归档），请尽快合并")
    yield finding("archive-merge-due", source.path, source.line_of(item.field),
                  f"这条记录尚未合并到 {history.ref}：{item.what}于 {format_time(item.done_at)} 按时完成，档案须在 "
                  f"{item.deadline.due_text}合并到 main 才算按时建立（{item.deadline.rule}），{when}。"
                  f"{item.deadline.provisional_note()}", record=item.record.id, article=item.deadline.article)
