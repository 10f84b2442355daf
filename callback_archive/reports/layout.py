"""What the monthly report shows and in which order, as tables of plain values.

The workbook (report_xlsx) and the page (report_markdown) render the same tables, so
the two always agree; each cell's ``kind`` tells a renderer how to show it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

from ..labels import label
from .summary import Amounts, Case, Figures, PenaltyTotals, SubmissionState, Summary, Unit

# Cell kinds: text (from a record or ours), code (a file path), article (第X条), person (a staff
# name, masked on the page), count, rate (0..1), amount (yuan, or a text such as a range), causes.
TEXT, CODE, ARTICLE, PERSON, COUNT, RATE, AMOUNT, CAUSES = (
    "text", "code", "article", "person", "count", "rate", "amount", "causes")

SUBMISSION_LABELS = {"on-time": "按时上报", "late": "超时上报", "missing": "未上报", "pending": "未到上报时限",
                     "not-required": "无需上报"}
CATEGORY_ARTICLES = {"business": "第十四条", "repair": "第十五条", "letter": "第十六条",
                     "large-customer": "第十七条", "card": "第十七条", "other": None}
COUNTING_NOTES = {
    "per-case": "考核计数口径：按案例——每笔逾期、超时或缺失的回访和复函各考核一次；第二十七条每个单位每月考核一次。",
    "per-month": "考核计数口径：按月——同一单位同一条款每月考核一次，原因逐条列出。",
}
ROLLUP_SUFFIX = "（含下属供电所）"
OPEN_MONTH_NOTE = "未结月，数字会变"
# Every rate the report shows, defined where it is shown (page and workbook alike).
RATE_DEFINITIONS = (
    "按时率 = 按时 ÷（按时 + 超时 + 逾期未完成）；未到时限的（待回访）和无法联系的不计入。",
    "满意率 = 满意 ÷（满意 + 基本满意 + 不满意）；满意及基本满意率 = （满意 + 基本满意）÷ 同一分母；只计联系上并作了评价的客户。",
    "有时限的回访（第十四至十六条：业务受理、供电抢修、重点客户函复）单独统计；细则未规定时限的其它回访、"
    "大电力客户走访座谈和连心卡（第十七条）另列，不计入有时限回访的按时率。",
)
PROVISIONAL_NOTE = ("暂定案例的时限按尚未公布的年度工作日历（周一至周五）计算，日历公布前不计入任何合计，"
                    "单独列出；日历公布后按正式时限重新计算。")


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT


@dataclass
class Table:
    """Columns and rows; ``styles`` names each row's look: plain, unit, station, rollup, total."""

    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)

    def add(self, values: list[Any], style: str = "plain") -> None:
        self.rows.append(values)
        self.styles.append(style)


@dataclass(frozen=True)
class UnitRow:
    """One line of a per-unit table: a unit's own figures, a branch with its stations, or the company."""

    name: str
    style: str
    figures: Figures
    penalties: PenaltyTotals
    submission: str


def open_month_note(summary: Summary) -> str | None:
    """The warning a month not yet closed carries (its statistics due time has not passed)."""
    return None if summary.closed else f"{OPEN_MONTH_NOTE}：统计截至 {summary.as_of}，上报时限 {summary.report_due} 前记录和考核仍可能变化。"


def month_text(month_key: str) -> str:
    """``2026-11`` as people say it: 2026年11月."""
    year, month = month_key.split("-")
    return f"{year}年{int(month)}月"


def report_title(summary: Summary) -> str:
    return f"滨海供电公司客户回访统计月报（{month_text(summary.month)}）"


def unit_name(summary: Summary, unit_id: str) -> str:
    """A unit's name for people; its id if the summary does not know it."""
    return next((u.name for u in summary.units if u.id == unit_id), unit_id)


def submission_text(submission: SubmissionState) -> str:
    text = SUBMISSION_LABELS.get(submission.state, submission.state)
    return f"{text} {submission.submitted_at}" if submission.submitted_at else text


def counting_note(summary: Summary) -> str:
    return COUNTING_NOTES.get(summary.penalty_counting, f"考核计数口径：{summary.penalty_counting}")


def _add_penalties(totals: list[Any]) -> Any:
    """Penalty totals (``PenaltyTotals`` or ``Amounts``) added up, nested amounts too."""
    first = totals[0]
    return type(first)(**{
        f.name: _add_penalties([getattr(t, f.name) for t in totals]) if is_dataclass(getattr(first, f.name))
        else sum(getattr(t, f.name) for t in totals) for f in fields(first)})


def unit_rows(summary: Summary) -> list[UnitRow]:
    """Each unit's own figures; a branch's stations follow it, then the branch with its stations; the company last."""
    units = summary.units
    ids = {u.id for u in units}
    rows: list[UnitRow] = []

    def own(unit: Unit, style: str) -> UnitRow:
        return UnitRow(unit.name, style, unit.own, unit.penalties, submission_text(unit.submission))

    for unit in units:
        if unit.parent in ids:
            continue
        rows.append(own(unit, "unit"))
        children = [u for u in units if u.parent == unit.id]
        rows += [own(child, "station") for child in children]
        if unit.rollup is not None:
            penalties = _add_penalties([unit.penalties] + [c.penalties for c in children])
            rows.append(UnitRow(unit.name + ROLLUP_SUFFIX, "rollup", unit.rollup, penalties, ""))
    company = summary.company
    rows.append(UnitRow("全公司", "total", company, company.penalties, ""))
    return rows


_SUMMARY_COLUMNS: list[tuple[Column, Callable[[UnitRow], Any]]] = [
    (Column("单位"), lambda r: r.name),
    (Column("有时限应回访", COUNT), lambda r: r.figures.timed.total),
    (Column("已完成", COUNT), lambda r: r.figures.timed.done),
    (Column("按时", COUNT), lambda r: r.figures.timed.on_time),
    (Column("超时", COUNT), lambda r: r.figures.timed.late),
    (Column("逾期/缺失", COUNT), lambda r: r.figures.timed.overdue),
    (Column("无法联系", COUNT), lambda r: r.figures.timed.unreachable),
    (Column("待回访（未到时限）", COUNT), lambda r: r.figures.timed.pending),
    (Column("按时率", RATE), lambda r: r.figures.timed.on_time_rate),
    (Column("无时限回访", COUNT), lambda r: r.figures.untimed.total),
    (Column("大客户走访座谈", COUNT), lambda r: r.figures.categories["large-customer"].total),
    (Column("连心卡", COUNT), lambda r: r.figures.categories["card"].total),
    (Column("满意", COUNT), lambda r: r.figures.totals.satisfied),
    (Column("基本满意", COUNT), lambda r: r.figures.totals.basic),
    (Column("不满意", COUNT), lambda r: r.figures.totals.dissatisfied),
    (Column("满意率", RATE), lambda r: r.figures.totals.satisfaction_rate),
    (Column("重点客户", COUNT), lambda r: r.figures.key_customers),
    (Column("上报状态"), lambda r: r.submission),
    (Column("考核金额", AMOUNT), lambda r: r.penalties.unit_amount),
    (Column("暂定考核金额（不计入合计）", AMOUNT), lambda r: r.penalties.provisional_amounts.unit_amount),
]


def unit_table(summary: Summary) -> Table:
    """The summary sheet's table: every unit's totals, the branches with their stations, the company."""
    table = Table([c for c, _ in _SUMMARY_COLUMNS])
    for row in unit_rows(summary):
        table.add([value(row) for _, value in _SUMMARY_COLUMNS], row.style)
    return table


def _category_fields(category: str) -> list[tuple[str, str, str]]:
    if category == "letter":
        return [("应复函", COUNT, "total"), ("已复函", COUNT, "done"), ("按时", COUNT, "on_time"),
                ("超时", COUNT, "late"), ("逾期/缺失", COUNT, "overdue"), ("无需复函", COUNT, "not_required"),
                ("按时率", RATE, "on_time_rate")]
    return [("应回访", COUNT, "total"), ("已完成", COUNT, "done"), ("按时", COUNT, "on_time"), ("超时", COUNT, "late"),
            ("逾期/缺失", COUNT, "overdue"), ("无法联系", COUNT, "unreachable"), ("待回访", COUNT, "pending"),
            ("按时率", RATE, "on_time_rate"), ("满意", COUNT, "satisfied"), ("基本满意", COUNT, "basic"),
            ("不满意", COUNT, "dissatisfied"), ("满意率", RATE, "satisfaction_rate"),
            ("满意及基本满意率", RATE, "satisfied_or_basic_rate")]


def category_table(summary: Summary, category: str) -> Table:
    """One archive category (第十三条) per unit, in the summary's unit order."""
    columns = _category_fields(category)
    table = Table([Column("单位")] + [Column(header, kind) for header, kind, _ in columns])
    for row in unit_rows(summary):
        figures = row.figures.categories[category]
        table.add([row.name] + [getattr(figures, key) for _, _, key in columns], row.style)
    return table


def letters_table(summary: Summary) -> Table:
    """Letters counted this month (第十六条): due dates, replies and where the originals are kept."""
    table = Table([Column("编号"), Column("单位"), Column("类别"), Column("来函人类别"), Column("事由"),
                   Column("收函日期"), Column("复函时限"), Column("复函日期"), Column("状态"),
                   Column("来函原件"), Column("复函原件"), Column("文件", CODE)])
    for letter in summary.letters:
        due = letter.due or "不要求复函"
        originals = letter.originals or {}
        table.add([letter.id, unit_name(summary, letter.unit), letter.kind, letter.sender_group,
                   letter.subject, letter.received, due + ("（暂定）" if letter.provisional else ""),
                   letter.replied or "", letter.state_label, originals.get("incoming", ""),
                   originals.get("reply", ""), letter.file])
    return table


def large_customers_table(summary: Summary) -> Table:
    """The year plan's entries of this month and any overdue ones (第十七条)."""
    table = Table([Column("户号"), Column("客户名称"), Column("计划月份"), Column("方式"), Column("进度")])
    for entry in summary.large_customers:
        table.add([entry.account, entry.name, f"{entry.planned_month}月", entry.method, entry.state_label])
    return table


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _topics_text(topics: dict[str, int]) -> str:
    ordered = sorted(topics.items(), key=lambda item: (-item[1], item[0]))
    return "、".join(f"{label('visit.topics', code)} {n}" for code, n in ordered)


def card_rounds_table(summary: Summary) -> Table:
    """连心卡 rounds of this month (第十七条): sample sizes against the customers, returns, results."""
    table = Table([Column("轮次"), Column("开始日期"), Column("完成日期"),
                   Column("居民客户数", COUNT), Column("居民发放", COUNT), Column("居民抽样比例", RATE),
                   Column("居民回收", COUNT), Column("非居民客户数", COUNT), Column("非居民发放", COUNT),
                   Column("非居民抽样比例", RATE), Column("非居民回收", COUNT),
                   Column("满意", COUNT), Column("基本满意", COUNT), Column("不满意", COUNT), Column("满意率", RATE),
                   Column("回访内容")])
    for r in summary.card_rounds:
        sat = r.satisfaction
        answered = sat["satisfied"] + sat["basic"] + sat["dissatisfied"]
        row = [r.id, r.started_at, r.finished_at]
        for group in ("residential", "non-residential"):
            customers, sent = r.customers[group], r.sent[group]
            row += [customers, sent, _ratio(sent, customers), r.returned[group]]
        row += [sat["satisfied"], sat["basic"], sat["dissatisfied"], _ratio(sat["satisfied"], answered),
                _topics_text(r.topics)]
        table.add(row)
    return table


def opinions_table(summary: Summary) -> Table:
    """Customers' opinions and what was done about them (第二十一至二十三条), dissatisfied first."""
    table = Table([Column("记录编号"), Column("单位"), Column("分类"), Column("满意度"),
                   Column("客户意见"), Column("整改措施"), Column("文件", CODE)])
    names = summary.category_names
    for o in summary.opinions:
        satisfaction = label("visit.satisfaction", o.satisfaction) if o.satisfaction else "—"
        table.add([o.record, unit_name(summary, o.unit), names.get(o.category, o.category),
                   satisfaction, o.opinion or "", o.follow_up or "", o.file])
    return table


def head_amount(case: Case) -> int | str:
    """The head's amount: decided, a range while undecided, 0 when waived (the unit's amount stays), — where no article sets one."""
    if case.waived:
        return "0（免于扣罚）"
    if case.head_range is None:
        return "—"
    if case.head_amount is not None:
        return case.head_amount
    low, high = case.head_range
    return f"{low}–{high}（视情节，待定）"


def head_total(totals: Amounts) -> int | str:
    """The heads' decided amounts, and the range still undecided."""
    if not totals.head_undecided_max:
        return totals.head_decided
    return (f"{totals.head_decided:,}，另 {totals.head_undecided_min:,}–{totals.head_undecided_max:,}"
            "（视情节，待定）")


def penalties_table(summary: Summary, provisional: bool = False) -> Table:
    """One row per penalty case (第二十五至二十七条) with its causes, the head's and the responsible person's
    names beside their amounts, and the total; ``provisional`` lists the provisional cases instead, which no
    other total counts."""
    table = Table([Column("编号"), Column("条款", ARTICLE), Column("单位"), Column("事由"),
                   Column("原因（记录/文件）", CAUSES), Column("部门金额", AMOUNT), Column("主管领导", PERSON),
                   Column("主管领导金额", AMOUNT), Column("责任人", PERSON), Column("责任人金额", AMOUNT),
                   Column("决定")])
    units = {u.id: u for u in summary.units}
    cases = [c for c in summary.penalties if c.provisional == provisional]
    for case in cases:
        unit = units.get(case.unit)
        head = unit.head if unit and case.head_range else None
        person_name = unit.reporter if unit and case.person_amount is not None else None
        person = "—" if case.waived or case.person_amount is None else case.person_amount
        table.add([case.id, case.article, unit_name(summary, case.unit), case.title,
                   [(c.text, c.file) for c in case.causes], case.unit_amount, head, head_amount(case),
                   person_name, person, case.decision or ""])
    if cases:
        company = summary.company.penalties
        totals = company.provisional_amounts if provisional else company
        label_ = "暂定合计（不计入月度合计）" if provisional else "合计（不含暂定案例）"
        table.add([label_, "", "", f"{totals.cases} 个案例，主管领导免于扣罚 {totals.waived} 个", [],
                   totals.unit_amount, None, head_total(totals), None, totals.person_amount, ""], "total")
    return table


def submission_check(submission: SubmissionState) -> str:
    """Whether a submission's total agrees with the archive's; records that came after it are no discrepancy."""
    if submission.reported_total is None:
        return "—"
    if submission.reported_total == submission.archive_total:
        return "一致"
    if submission.after_submission is None:
        return "与档案不同（没有 Git 历史，无法区分上报后入档的记录）"
    # Each later record adds at most one item (a later attempt on a counted case adds none).
    if 0 < submission.archive_total - submission.reported_total <= submission.after_submission:
        return f"上报后又有 {submission.after_submission} 条记录入档，另计，不算不一致"
    return "与档案不一致：请核对上报文件"


def submissions_table(summary: Summary) -> Table:
    """Each unit's submission (第十九、二十条) beside the archive's figures, with later arrivals counted apart."""
    table = Table([Column("单位"), Column("上报状态"), Column("统计上报责任人", PERSON), Column("上报应回访", COUNT),
                   Column("档案应回访（现在）", COUNT), Column("上报后入档的记录", COUNT), Column("核对")])
    for unit in summary.units:
        s = unit.submission
        table.add([unit.name, submission_text(s), unit.reporter, s.reported_total, s.archive_total,
                   s.after_submission, submission_check(s)], "station" if unit.parent else "unit")
    return table


def late_arrivals_table(summary: Summary) -> Table:
    """Records that arrived this month for cases of months already closed: listed, never fined again."""
    table = Table([Column("记录编号"), Column("所属案例"), Column("案例月份"), Column("合并时间"), Column("文件", CODE)])
    for a in summary.late_arrivals:
        table.add([a.record, a.case, a.case_month, a.landed_at or "尚未合并", a.file])
    return table


def conduct_table(summary: Summary) -> Table:
    """Conduct complaints for referral under 第二十八条; no amount is computed."""
    table = Table([Column("记录编号"), Column("单位"), Column("月份"), Column("被投诉人员", PERSON),
                   Column("投诉内容"), Column("文件", CODE)])
    for r in summary.conduct:
        table.add([r.record, unit_name(summary, r.unit), r.month, r.staff, r.description, r.file])
    return table
