"""Audit views from Git: one record's history, and per month what an auditor looks for.

Per month (by when each thing happened): records that landed on main after their
deadline although the callback was in time, records backfilled long after the
callback (policy.yaml ``audit.backfill_days``), amendments and voids made that
month, records whose own time is after their landing (impossible), and commits
on main that touched records without a pull request. Every view is a plain dict
(JSON) with a Markdown renderer; ``audit_pages`` gives the site's pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import PurePosixPath
from typing import Any

from .amendments import changed_fields
from .archive import ArchiveAt
from .engine.loader import Archive
from .checks.landing import first_moment, timely_records
from .policy import audit_settings
from .history import Commit, History, open_repo
from .model import Letter, Visit
from .render.markdown import code, escape_text, link_articles
from .timeutil import BEIJING, format_duration, format_time
from .yamlread import YamlSyntaxError, parse_yaml

SECTIONS = {
    "landed_late": "回访（复函）按时但档案建立超时",
    "backfilled": "补录（回访后很久才合并）",
    "visited_after_landing": "回访（来函）时间晚于合并时间（不可能，须更正）",
    "amended": "更正",
    "voided": "作废",
    "direct_commits": "未经合并请求直接提交到 main 的记录变更",
}
STATUS_WORDS = {"A": "新建", "M": "修改", "D": "删除", "T": "修改"}


def _month(moment: datetime) -> str:
    return moment.astimezone(BEIJING).strftime("%Y-%m")


def _commit(commit: Commit) -> dict[str, Any]:
    return {**commit.as_dict(), "time": format_time(commit.time)}


def _landing(commit: Commit) -> dict[str, Any]:
    """A landing: when the record reached main, and through which commit."""
    return {"landed_at": format_time(commit.time), **{k: v for k, v in commit.as_dict().items() if k != "time"}}


def _kind(record: Visit | Letter) -> str:
    return "回访" if isinstance(record, Visit) else "复函"


@dataclass
class AuditEvents:
    """Every audit event of the archive, each tagged with the month it happened in."""

    history: History
    as_of: datetime
    backfill_days: int | None
    history_since: datetime | None
    items: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {name: [] for name in SECTIONS})

    def months(self) -> list[str]:
        return sorted({item["month"] for items in self.items.values() for item in items}, reverse=True)

    def of_month(self, month: str) -> dict[str, list[dict[str, Any]]]:
        return {name: [i for i in items if i["month"] == month] for name, items in self.items.items()}


def audit_events(at: ArchiveAt) -> AuditEvents:
    """Collect the events once (the archive needs its full Git history); views pick their month.
    Nothing after ``at.as_of`` has happened yet."""
    archive, as_of, history = at.records, at.as_of, at.history
    settings = audit_settings(archive)
    events = AuditEvents(history, as_of, settings.backfill_days, settings.history_since)
    add = events.items
    for item in timely_records(archive):
        landing = history.landing(item.record.source.path)
        if landing is None or settings.exempt(item.done_at) or landing.time <= item.deadline.due:
            continue
        add["landed_late"].append({
            "month": _month(landing.time), "record": item.record.id, "kind": _kind(item.record),
            "file": item.record.source.path, "done_at": format_time(item.done_at), "deadline": item.deadline.due_text,
            "article": item.deadline.article, "rule": item.deadline.rule,
            "late_by": format_duration(landing.time - item.deadline.due), **_landing(landing),
        })
    for record in [*archive.visits, *archive.letters, *archive.voided]:
        source = record.source
        landing = history.landing(source.path)
        if landing is not None:
            _record_events(add, record, landing, settings)
        for amendment in record.amendments:
            if amendment.at <= as_of:
                add["amended"].append({
                    "month": _month(amendment.at), "record": record.id, "kind": _kind(record), "file": source.path,
                    "at": format_time(amendment.at), "by": amendment.by, "reason": amendment.reason,
                    "fields": list(amendment.fields),
                })
        if record.void is not None and record.void.at <= as_of:
            add["voided"].append({
                "month": _month(record.void.at), "record": record.id, "kind": _kind(record), "file": source.path,
                "at": format_time(record.void.at), "by": record.void.by, "reason": record.void.reason,
            })
    for commit in history.commits:
        if not commit.via_pull_request:
            add["direct_commits"].append({
                "month": _month(commit.time), **_commit(commit),
                "changes": [{"status": STATUS_WORDS.get(s, s), "file": p} for s, p in commit.changes],
            })
    for items in add.values():
        items.sort(key=lambda i: (i.get("landed_at") or i.get("at") or i.get("time"), i.get("record", "")))
    return events


def _record_events(add: dict[str, list], record: Visit | Letter, landing: Commit, settings) -> None:
    source = record.source
    field_name, moment = first_moment(record)
    if moment > landing.time:
        add["visited_after_landing"].append({
            "month": _month(landing.time), "record": record.id, "kind": _kind(record), "file": source.path,
            "field": field_name, "value": source.data[field_name], **_landing(landing),
        })
    done = record.visited_at if isinstance(record, Visit) else (record.replied_at or record.received_at)
    gap = landing.time - done
    if settings.backfill_days is not None and not settings.exempt(done) and gap > timedelta(days=settings.backfill_days):
        add["backfilled"].append({
            "month": _month(landing.time), "record": record.id, "kind": _kind(record), "file": source.path,
            "done_at": format_time(done), "days": round(gap.total_seconds() / 86400, 1), **_landing(landing),
        })


def index_view(events: AuditEvents) -> dict[str, Any]:
    return {
        "history": _history_info(events),
        "seals": [{**seal.as_dict(), "time": format_time(seal.time)} for seal in events.history.seals],
        "months": [
            {"month": month, **{name: len(items) for name, items in events.of_month(month).items()}}
            for month in events.months()
        ],
    }


def month_view(events: AuditEvents, month: str) -> dict[str, Any]:
    return {"month": month, "history": _history_info(events), **events.of_month(month)}


def _history_info(events: AuditEvents) -> dict[str, Any]:
    history = events.history
    return {
        "ref": history.ref, "head": history.head, "as_of": format_time(events.as_of),
        "history_since": events.history_since.strftime("%Y-%m-%d") if events.history_since else None,
        "backfill_days": events.backfill_days,
    }


def _parsed(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return parse_yaml(text).data
    except YamlSyntaxError:
        return None


def record_view(archive: Archive, history: History, record_id: str) -> dict[str, Any] | None:
    """Every commit of main that touched the record's file(s), with the fields each changed; None if unknown."""
    current = next((f for f in archive.files if f.kind in ("visit", "letter") and f.text("id") == record_id), None)
    paths = {p for p in history.paths() if PurePosixPath(p).stem == record_id}
    if current is not None:
        paths.add(current.path)
    if not paths:
        return None
    commits = sorted({c.sha: c for p in paths for c in history.commits_of(p)}.values(), key=lambda c: c.time)
    entries = []
    for commit in commits:
        for status, path in commit.changes:
            if path in paths:
                entries.append(_commit_entry(history, commit, status, path))
    data = current.data if current is not None else {}
    landing = history.landing(current.path) if current is not None else None
    return {
        "record": record_id,
        "file": current.path if current is not None else None,
        "history": {"ref": history.ref, "head": history.head},
        "landing": _landing(landing) if landing else None,
        "commits": entries,
        "amendments": data.get("amendments", []),
        "void": data.get("void"),
    }


def _commit_entry(history: History, commit: Commit, status: str, path: str) -> dict[str, Any]:
    entry = {**_commit(commit), "file": path, "status": STATUS_WORDS.get(status, status)}
    if status in ("M", "T"):
        old = _parsed(history.text_at(commit.parents[0], path))
        new = _parsed(history.text_at(commit.sha, path))
        entry["fields"] = changed_fields(old, new) if isinstance(old, dict) and isinstance(new, dict) else []
    if commit.is_merge:
        entry["branch_commits"] = _branch_commits(history, commit, path)
    return entry


def _branch_commits(history: History, merge: Commit, path: str) -> list[dict[str, Any]]:
    """The pull request's own commits on the file: who really wrote what, before the merge."""
    log = open_repo(history.root).git.log(
        "--format=%H%x1f%an%x1f%ae%x1f%ct%x1f%s", f"{merge.parents[0]}..{merge.parents[1]}", "--", path)
    rows = []
    for line in log.splitlines():
        sha, author, email, stamp, subject = line.split("\x1f", 4)
        rows.append({"commit": sha, "time": format_time(datetime.fromtimestamp(int(stamp), BEIJING)),
                     "author": author, "email": email, "subject": subject})
    return rows


# -- Markdown -----------------------------------------------------------------


class _Markdown(str):
    """A table cell that is Markdown already (a link of ours), not text to show literally."""


def _cell(value: Any) -> str:
    """A cell's text shown literally: record texts (reasons, commit subjects) can hold HTML or Markdown."""
    if isinstance(value, _Markdown):
        return value
    text = "、".join(map(str, value)) if isinstance(value, list) else ("" if value is None else str(value))
    return escape_text(text.replace("\n", " "))


def _fields(names: list[str] | str) -> _Markdown:
    """Field names (``visited_at``) as code."""
    return _Markdown("、".join(code(name) for name in ([names] if isinstance(names, str) else names)))


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _via(item: dict[str, Any]) -> str:
    if item.get("pull_request"):
        return f"#{item['pull_request']}"
    return "合并提交" if item.get("merge") else "直接提交"


_COLUMNS: dict[str, tuple[list[str], Any]] = {
    "landed_late": (["记录", "类别", "完成时间", "时限", "合并时间", "超时", "提交", "合并请求", "条款"],
                    lambda i: [i["record"], i["kind"], i["done_at"], i["deadline"], i["landed_at"], i["late_by"],
                               i["commit"][:10], _via(i), i["article"]]),
    "backfilled": (["记录", "类别", "回访（复函）时间", "合并时间", "相隔天数", "提交", "合并请求"],
                   lambda i: [i["record"], i["kind"], i["done_at"], i["landed_at"], i["days"], i["commit"][:10], _via(i)]),
    "visited_after_landing": (["记录", "字段", "填写的时间", "合并时间", "提交"],
                              lambda i: [i["record"], _fields(i["field"]), i["value"], i["landed_at"], i["commit"][:10]]),
    "amended": (["记录", "更正时间", "更正人", "原因", "字段"],
                lambda i: [i["record"], i["at"], i["by"], i["reason"], _fields(i["fields"])]),
    "voided": (["记录", "作废时间", "作废人", "原因"], lambda i: [i["record"], i["at"], i["by"], i["reason"]]),
    "direct_commits": (["提交", "时间", "作者", "说明", "涉及记录"],
                       lambda i: [i["commit"][:10], i["time"], i["author"], i["subject"], _changes(i["changes"])]),
}


def _changes(changes: list[dict[str, str]]) -> str:
    shown = "、".join(f"{c['status']} {PurePosixPath(c['file']).stem}" for c in changes[:5])
    return shown + (f" 等 {len(changes)} 个文件" if len(changes) > 5 else "")


def _basis(info: dict[str, Any]) -> str:
    since = f"回访早于 {info['history_since']} 的记录为迁移补录，不计超时和补录。" if info["history_since"] else ""
    backfill = f"补录指合并时间比回访（复函）晚 {info['backfill_days']} 天以上。" if info["backfill_days"] else ""
    head = (info["head"] or "")[:10]
    return (f"依据 Git 历史：{info['ref']}（{head}）的第一父提交链，截至 {info['as_of']}。记录第一次合并到 main 的时间即"
            f"档案建立时间（第十四至十六条）。{since}{backfill}")


def render_month_markdown(view: dict[str, Any]) -> str:
    parts = [f"# {view['month']} 档案审计", "", _basis(view["history"])]
    for name, title in SECTIONS.items():
        items = view[name]
        headers, row = _COLUMNS[name]
        parts += ["", f"## {title}（{len(items)}）", ""]
        parts.append(_table(headers, [row(i) for i in items]) if items else "无。")
    return "\n".join(parts) + "\n"


def _seals(seals: list[dict[str, Any]]) -> list[str]:
    """The closed months' seals (build_reports.py --seal) and whether main still contains each."""
    intro = ("已结月的月份封存为 Git 标签 archive/<年-月>（第二十条），标签记下当月合计和考核案例编号。"
             "封存以前的档案建立时间按封存时的历史确定；main 的历史在封存之下被改写时，校验报错。")
    if not seals:
        return ["## 封存", "", escape_text(intro), "", "尚无封存的月份。"]
    rows = [[s["month"], s["tag"], s["commit"][:10], s["time"], "完好" if s["intact"] else "历史被改写（main 已不含该提交）"]
            for s in seals]
    return ["## 封存", "", escape_text(intro), "", _table(["月份", "标签", "提交", "封存时间", "状态"], rows)]


def render_index_markdown(view: dict[str, Any]) -> str:
    parts = ["# 档案审计", "", _basis(view["history"]), ""]
    seals = ["", *_seals(view["seals"])]
    if not view["months"]:
        return "\n".join(parts + ["尚无审计事项。", *seals]) + "\n"
    headers = ["月份", *SECTIONS.values()]
    rows = [[_Markdown(f"[{m['month']}]({m['month']}.md)"), *(m[name] for name in SECTIONS)] for m in view["months"]]
    return "\n".join(parts + [_table(headers, rows), *seals]) + "\n"


def render_record_markdown(view: dict[str, Any]) -> str:
    parts = [f"# {view['record']} 的档案历史", ""]
    landing = view["landing"]
    if view["file"]:
        parts += [f"文件：`{view['file']}`。", ""]
    parts.append(f"合并到 main：{landing['landed_at']}，提交 {landing['commit'][:10]}（{_via(landing)}，{landing['author']}）。"
                 if landing else "尚未合并到 main。")
    rows = []
    for entry in view["commits"]:
        fields = entry.get("fields")
        rows.append([entry["time"], entry["commit"][:10], _via(entry), entry["author"], entry["subject"],
                     entry["status"], _fields(fields) if fields else ""])
        for branch in entry.get("branch_commits", []):
            rows.append([branch["time"], branch["commit"][:10], "合并请求内", branch["author"], branch["subject"], "", ""])
    parts += ["", "## 提交", "", _table(["时间", "提交", "方式", "作者", "说明", "变更", "改动字段"], rows) if rows else "无。"]
    amendments = [[a.get("at"), a.get("by"), a.get("reason"), _fields(a.get("fields") or [])] for a in view["amendments"]]
    parts += ["", "## 更正", "", _table(["时间", "更正人", "原因", "字段"], amendments) if amendments else "无。"]
    void = view["void"]
    parts += ["", "## 作废", "", escape_text(f"{void['at']} 由 {void['by']} 作废：{void['reason']}") if void else "未作废。"]
    return "\n".join(parts) + "\n"


def audit_pages(at: ArchiveAt, rules_page: str = "../rules.md") -> dict[str, str]:
    """The site's audit pages by site-relative path: ``audit/index.md`` and ``audit/<YYYY-MM>.md``;
    every article they cite links to ``rules_page`` (relative to the audit folder)."""
    if at.history is None:
        why = "Git 历史不完整（浅克隆，请 git fetch --unshallow）" if at.git else "未找到 Git 历史（档案目录不是 Git 仓库）"
        return {"audit/index.md": f"# 档案审计\n\n无法生成审计报告：{why}。\n"}
    events = audit_events(at)
    pages = {"audit/index.md": link_articles(render_index_markdown(index_view(events)), rules_page)}
    for month in events.months():
        pages[f"audit/{month}.md"] = link_articles(render_month_markdown(month_view(events, month)), rules_page)
    return pages
