"""Monthly submissions (第十九、二十条): the figures a unit reports, when, and whether they match the archive."""

from __future__ import annotations

from datetime import datetime

from .archive import ArchiveAt
from .engine.loader import Archive
from .model import Submission
from .policy import audit_settings
from .safefile import ensure_inside, locked, write_atomic
from .reports.stats import CATEGORIES, CATEGORY_NAMES, Tally, company, unit_tallies
from .timeutil import format_time
from .yamlwrite import dump_yaml

FIGURE_FIELDS = ("total", "done", "on_time", "late", "overdue", "unreachable", "satisfied", "basic", "dissatisfied")


def figures(tally: Tally) -> dict[str, dict[str, int]]:
    """What a submission reports: per archive category, the counts staff sum up by hand today."""
    result = {}
    for category in CATEGORIES:
        row = tally.category_row(category)
        counts = {name: int(row[name]) for name in FIGURE_FIELDS}
        if any(counts.values()):
            result[category] = counts
    return result


def archive_figures(at: ArchiveAt, unit: str, year: int, month: int) -> dict[str, dict[str, int]]:
    """The archive's figures for a unit's own submission, or the company's for the marketing department."""
    tallies = unit_tallies(at).get((year, month), {})
    if at.records.units[unit].kind == "marketing":
        return figures(company(tallies))
    return figures(tallies.get(unit, Tally()))


def find_submission(archive: Archive, unit: str, year: int, month: int) -> Submission | None:
    return next((s for s in archive.submissions if (s.unit, s.year, s.month) == (unit, year, month)), None)


def submitted_time(archive: Archive, submission: Submission) -> datetime:
    """When the statistics reached the marketing department: the moment the submission landed on main
    when Git history has it, else the file's own ``submitted_at`` (a pull request under review, a
    checkout without history, or a month before the archive was kept in Git)."""
    due = archive.rules.monthly_report_due(submission.year, submission.month)
    commit = archive.history.landing(submission.source.path) if archive.history is not None else None
    if commit is None or audit_settings(archive).exempt(due):
        return submission.submitted_at
    return commit.time


def submission_state(at: ArchiveAt, unit: str, year: int, month: int) -> tuple[str, Submission | None]:
    """on-time, late, missing (due passed, nothing submitted), pending (not yet due), or not-required
    (a month before the unit's ``reports_from`` in records/units.yaml: 第二十七条 does not apply)."""
    archive = at.records
    due = archive.rules.monthly_report_due(year, month)
    submission = find_submission(archive, unit, year, month)
    found = archive.units.get(unit)
    if found is not None and found.reports_from is not None and (year, month) < found.reports_from:
        return "not-required", submission
    if submission is None:
        return ("missing" if at.as_of > due else "pending"), None
    return ("late" if submitted_time(archive, submission) > due else "on-time"), submission


def months_due(at: ArchiveAt) -> list[tuple[int, int]]:
    """Months whose statistics were due by ``at.as_of``: from policy's ``since`` on, and only months
    the archive has figures for (before the archive began there is nothing to submit)."""
    archive = at.records
    since = archive.policy.penalties.report_since
    months = unit_tallies(at) if archive.figure_months is None else archive.figure_months
    return [m for m in sorted(months) if m >= since and archive.rules.monthly_report_due(*m) < at.as_of]


def differences(submitted: dict, actual: dict) -> list[str]:
    lines = []
    for category in sorted(set(submitted) | set(actual), key=lambda c: CATEGORIES.index(c) if c in CATEGORIES else 99):
        mine, theirs = submitted.get(category, {}), actual.get(category, {})
        for name in FIGURE_FIELDS:
            if mine.get(name, 0) != theirs.get(name, 0):
                lines.append(f"{CATEGORY_NAMES.get(category, category)}·{_FIELD_NAMES[name]} 上报 {mine.get(name, 0)}，档案 {theirs.get(name, 0)}")
    return lines


_FIELD_NAMES = {
    "total": "应回访", "done": "已完成", "on_time": "按时", "late": "超时", "overdue": "逾期",
    "unreachable": "无法联系", "satisfied": "满意", "basic": "基本满意", "dissatisfied": "不满意",
}


def submission_text(at: ArchiveAt, unit: str, year: int, month: int, by: str) -> str:
    """The submission file for ``unit``: the archive's figures now (``at.as_of``), ready to commit."""
    archive = at.records
    scope = "company" if archive.units[unit].kind == "marketing" else "unit"
    data = {
        "unit": unit,
        "month": f"{year}-{month:02d}",
        "scope": scope,
        "submitted_at": format_time(at.as_of),
        "submitted_by": by,
        "figures": archive_figures(at, unit, year, month),
    }
    header = (f"# {archive.units[unit].name} {year} 年 {month} 月客户回访统计上报（第十九、二十条），"
              "由 scripts/build_reports.py --submit 生成。\n")
    return header + dump_yaml(data)


def write_submission(at: ArchiveAt, unit: str, year: int, month: int, by: str | None) -> str:
    """Write ``records/submissions/<YYYY-MM>/<unit>.yaml`` with the archive's figures; returns its path.

    Raises ValueError (Chinese) for an unknown unit or a month already submitted: a submission is
    made once, corrections go through amendments. The check and the write hold the file's lock and
    the file is written whole or not at all (safefile.WriteError, exit status 2, when it cannot be).
    """
    archive = at.records
    if unit not in archive.units:
        raise ValueError(f"单位 `{unit}` 不在 records/units.yaml 中（已有：{'、'.join(archive.units)}）。")
    relpath = f"records/submissions/{year}-{month:02d}/{unit}.yaml"
    target = archive.root / relpath
    text = submission_text(at, unit, year, month, by or archive.units[unit].reporter)
    ensure_inside(archive.root, target)  # before the folder is made: a linked folder must not be followed out
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValueError(f"无法建立文件夹 {target.parent}：{exc.strerror}。") from None
    with locked(target):
        if find_submission(archive, unit, year, month) is not None or target.exists() or target.is_symlink():
            raise ValueError(f"{relpath} 已存在：一个月只上报一次，更正请修改该文件并登记更正（amendments）。")
        write_atomic(target, text, root=archive.root, new=True)
    return relpath
