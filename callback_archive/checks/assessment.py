"""Submissions and decisions (第十九、二十、二十四至二十七条) checked like every other record."""

from __future__ import annotations

from ..findings import Finding, finding
from ..engine.groups import by_decisions_month, by_submission_month
from .declaration import check
from ..archive import ArchiveAt
from ..penalties import decision_problem, penalty_cases, self_judged
from ..submissions import archive_figures, differences, months_due, submission_state, submitted_time
from ..timeutil import format_time


@check(codes=("path-wrong-folder", "unit-unknown", "submission-differs", "submission-late", "submission-missing"),
       group=by_submission_month,
       reads=("rules", "policy", "submissions", "units", "history", "cases", "letters", "visits", "figure_months"))
def check_submissions(archive, context) -> list[Finding]:
    """Each submission in its place, on time (16:00 on the 5th, never postponed) and matching the archive."""
    if archive.rules is None:
        return []
    found = []
    for submission in archive.submissions:
        source = submission.source
        month = f"{submission.year}-{submission.month:02d}"
        expected = f"records/submissions/{month}/{submission.unit}.yaml"
        if source.path != expected:
            found.append(finding("path-wrong-folder", source.path, source.line_of("unit"),
                                 f"{submission.unit} {month} 的上报应放在 {expected}：请移动文件。"))
        if submission.unit not in archive.units:
            found.append(finding("unit-unknown", source.path, source.line_of("unit"),
                                 f"上报单位 `{submission.unit}` 不在 records/units.yaml 中。"))
            continue
        expected_scope = "company" if archive.units[submission.unit].kind == "marketing" else "unit"
        if submission.scope != expected_scope:
            found.append(finding("submission-differs", source.path, source.line_of("scope"),
                                 f"{archive.units[submission.unit].name}的上报范围应为 {expected_scope}（营销部上报全公司汇总，其他单位上报本单位）。"))
        due = archive.rules.monthly_report_due(submission.year, submission.month)
        submitted = submitted_time(archive, submission)
        if submitted > due:
            landed = "（合并到 main 的时间）" if submitted != submission.submitted_at else ""
            found.append(finding("submission-late", source.path, source.line_of("submitted_at"),
                                 f"{month} 统计于 {format_time(submitted)}{landed}上报，晚于时限 {format_time(due)}"
                                 "（每月 5 日 16:00 前，节假日不顺延），按第二十七条考核。", record=submission.unit))
        changed = differences(submission.figures,
                              archive_figures(ArchiveAt(archive, context.as_of), submission.unit, submission.year, submission.month))
        if changed:
            found.append(finding("submission-differs", source.path, source.line_of("figures"),
                                 f"上报数字与档案统计不一致：{'；'.join(changed)}。上报后又有记录入档时也会出现这种情况，"
                                 "请核对；需要更正时重新生成上报（build_reports.py --submit）并登记更正。", record=submission.unit))
    for (year, month), unit in ((m, u) for m in months_due(ArchiveAt(archive, context.as_of)) for u in archive.units):
        state, _ = submission_state(ArchiveAt(archive, context.as_of), unit, year, month)
        if state == "missing":
            found.append(finding("submission-missing", f"records/submissions/{year}-{month:02d}/{unit}.yaml", None,
                                 f"{archive.units[unit].name} {year}-{month:02d} 的月度统计未在 "
                                 f"{format_time(archive.rules.monthly_report_due(year, month))} 前上报：请用 "
                                 f"build_reports.py --submit {unit} --month {year}-{month:02d} 生成并提交，按第二十七条考核。",
                                 record=unit))
    return found


@check(codes=("path-wrong-folder", "decision-unknown-case", "decision-out-of-range", "decision-self-judged"),
       group=by_decisions_month,
       reads=("rules", "policy", "decisions", "units", "history", "cases", "letters", "visits", "figure_months",
              "submissions", "key_customers", "large_customers", "plans", "record_years"),
       articles=("第二十五条", "第二十六条", "第二十七条", "第二十八条"))
def check_decisions(archive, context) -> list[Finding]:
    """A decision must name an existing case of its month, decide only the head's amount of a 第二十五/二十六条 case
    (0 or within the range), and, for a case of the deciding department itself, carry a company leader's approval."""
    if archive.policy is None or not archive.decisions:
        return []
    cases = {(c.month, c.id): c for c in penalty_cases(ArchiveAt(archive, context.as_of))}
    found = []
    for decisions in archive.decisions:
        source = decisions.source
        month = f"{decisions.year}-{decisions.month:02d}"
        if source.path != f"records/decisions/{month}.yaml":
            found.append(finding("path-wrong-folder", source.path, source.line_of("month"),
                                 f"{month} 的考核决定应放在 records/decisions/{month}.yaml：请重命名文件。"))
        for item in decisions.items:
            case = cases.get(((decisions.year, decisions.month), item.case))
            if case is None:
                found.append(finding("decision-unknown-case", source.path, item.line,
                                     f"{month} 没有编号为 {item.case} 的考核案例：请对照当月月报“考核”表核对编号。"))
                continue
            problem = decision_problem(case, item)
            if problem:
                found.append(finding("decision-out-of-range", source.path, item.line, f"案例 {item.case}：{problem}",
                                     article=case.article))
            elif self_judged(archive, case, item):
                found.append(finding("decision-self-judged", source.path, item.line,
                                     f"案例 {item.case} 的责任单位是作出决定的{archive.units[case.unit].name}本身："
                                     "自己的案例不能自己决定，请由公司领导批准，并在该条决定中填写 "
                                     "approved_by: {name: 姓名, role: 职务}。"))
    return found
