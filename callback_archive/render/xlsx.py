"""The monthly report as an Excel workbook, laid out as the marketing department submits it upward.

Sheets: 汇总 (every unit, the branches with their stations, the company), one per archive
category (第十三条), 客户意见, 考核, and 第二十八条移交 when there are conduct complaints.
Two builds from the same summary give the same bytes.

Every text goes into its cell as text (:func:`put`): a clerk's opinion that starts with ``=``
(``=HYPERLINK("http://…","点我")``) is shown as written and never becomes a formula.
The project writes no CSV for people: the only CSV files it writes are the work-order data under
``records/orders/`` that the archive reads back and compares value by value, so they keep each
value exactly as imported; a leading apostrophe there would change the data, not protect a reader.
"""

from __future__ import annotations

import io
import math
from copy import copy
import unicodedata
from collections.abc import Callable
from datetime import timezone
from pathlib import Path
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from ..reports.layout import (
    AMOUNT, CAUSES, COUNT, RATE, Table, card_rounds_table, category_table, conduct_table, counting_note,
    large_customers_table, letters_table, month_text, opinions_table, penalties_table, report_title, unit_table,
    PROVISIONAL_NOTE, RATE_DEFINITIONS, open_month_note, submissions_table,
)
from ..safefile import write_atomic
from ..reports.summary import Summary, read_summary
from ..timeutil import parse_time

MIN_WIDTH, MAX_WIDTH = 6, 50
_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_ROW_FILLS = {"rollup": PatternFill("solid", fgColor="F2F2F2"), "total": PatternFill("solid", fgColor="FFF2CC")}
_FORMATS = {COUNT: "0", RATE: "0.00%", AMOUNT: "#,##0"}
# What makes Excel or WPS read a typed-in value as a formula (OWASP, "CSV Injection"): such a text gets the
# quote prefix, the cell-format form of the leading apostrophe, so that editing the cell keeps it text too.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def put(ws: Worksheet, row: int, col: int, value: Any) -> Cell:
    """Set a cell; a text is always stored as text, never as a formula or an error value.

    openpyxl makes any text starting with ``=`` a formula (and ``#N/A`` an error): the type is set
    back to text after the value. Characters XML cannot hold (control characters, which openpyxl
    refuses with an exception) become U+FFFD, so that one odd byte in a record cannot stop the report;
    a carriage return becomes the line break every XML reader would make of it.
    """
    cell = ws.cell(row, col)
    if isinstance(value, str):
        text = value.replace("\r\n", "\n").replace("\r", "\n")
        cell.value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)
        cell.data_type = "s"
        if value.startswith(FORMULA_TRIGGERS):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def display_width(text: str) -> int:
    """Width of the longest line in character cells, CJK and full-width characters counting double."""
    return max((sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
                for line in text.split("\n")), default=0)


class _Sheet:
    """Writes headings, notes and tables down a worksheet, then sizes its columns."""

    def __init__(self, ws: Worksheet, span: int) -> None:
        self.ws, self.span, self.row = ws, span, 1
        self.widths: dict[int, int] = {}
        # Table cells share a few looks; openpyxl hashes every style object it is given, which dominates a
        # big month's workbook, so each look is set once and then copied (its indices) to the other cells.
        self.looks: dict[tuple, Any] = {}
        self.notes: list[tuple[int, str]] = []
        self.header_row = 0

    def title(self, text: str) -> None:
        cell = put(self.ws, self.row, 1, text)
        cell.font = Font(bold=True, size=14)
        cell.alignment = Alignment(horizontal="center", vertical="center")
        self.ws.merge_cells(start_row=self.row, start_column=1, end_row=self.row, end_column=self.span)
        self.ws.row_dimensions[self.row].height = 24
        self.row += 1

    def note(self, text: str, bold: bool = False) -> None:
        """A line of text across the sheet's width, wrapped if long."""
        cell = put(self.ws, self.row, 1, text)
        cell.font = Font(bold=bold)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        self.ws.merge_cells(start_row=self.row, start_column=1, end_row=self.row, end_column=self.span)
        self.notes.append((self.row, text))
        self.row += 1

    def skip(self) -> None:
        self.row += 1

    def table(self, table: Table) -> None:
        """Header in bold with a fill, then the rows; the first table's header is the frozen one."""
        for col, column in enumerate(table.columns, 1):
            cell = put(self.ws, self.row, col, column.header)
            cell.font, cell.fill, cell.border = Font(bold=True), _HEADER_FILL, _BORDER
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            self._measure(col, column.header)
        self.header_row = self.header_row or self.row
        self.row += 1
        for values, style in zip(table.rows, table.styles):
            for col, (column, value) in enumerate(zip(table.columns, values), 1):
                self._cell(col, column.kind, value, style)
            self.row += 1

    def _cell(self, col: int, kind: str, value: Any, style: str) -> None:
        if kind == CAUSES:
            value = "\n".join(f"{text}（{file}）" for text, file in value)
        if value is None:
            value = "—"
        cell = put(self.ws, self.row, col, value)
        number = kind in _FORMATS and not isinstance(value, str)
        indent = int(col == 1 and style in ("station", "rollup"))
        if number:
            self._measure(col, "100.00%" if kind == RATE else f"{value:,}")
        else:
            self._measure(col, str(value) + "　" * indent)
        look = (_FORMATS[kind] if number else None, indent, style, cell.quotePrefix)
        if look in self.looks:
            cell._style = copy(self.looks[look])
            return
        cell.border = _BORDER
        if number:
            cell.number_format = _FORMATS[kind]
        else:
            cell.alignment = Alignment(wrap_text=True, vertical="top", indent=indent)
        if style in _ROW_FILLS:
            cell.fill = _ROW_FILLS[style]
        if style == "total":
            cell.font = Font(bold=True)
        elif style == "rollup":
            cell.font = Font(italic=True)
        self.looks[look] = copy(cell._style)

    def _measure(self, col: int, text: str) -> None:
        self.widths[col] = max(self.widths.get(col, 0), display_width(text))

    def finish(self, frozen_columns: int = 0) -> None:
        """Column widths from the content (capped), note heights, frozen header, printing on landscape pages."""
        for col, width in self.widths.items():
            self.ws.column_dimensions[get_column_letter(col)].width = max(MIN_WIDTH, min(MAX_WIDTH, width + 2))
        total = sum(self.ws.column_dimensions[get_column_letter(c)].width for c in range(1, self.span + 1))
        for row, text in self.notes:
            lines = sum(math.ceil(display_width(line) * 1.1 / total) or 1 for line in text.split("\n"))
            self.ws.row_dimensions[row].height = 15 * lines
        if self.header_row:
            self.ws.freeze_panes = self.ws.cell(self.header_row + 1, 1 + frozen_columns)
            self.ws.print_title_rows = f"{self.header_row}:{self.header_row}"
        self.ws.page_setup.orientation = "landscape"
        self.ws.page_setup.fitToWidth, self.ws.page_setup.fitToHeight = 1, 0
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True


def _as_of_line(summary: Summary) -> str:
    return f"统计截至：{summary.as_of}"


def _due_line(summary: Summary) -> str:
    return f"上报时限：{summary.report_due}（第二十条：每月5日16:00前，节假日不顺延）"


def _summary_sheet(ws: Worksheet, summary: Summary) -> None:
    table = unit_table(summary)
    sheet = _Sheet(ws, len(table.columns))
    sheet.title(report_title(summary))
    sheet.note(_as_of_line(summary))
    sheet.note(_due_line(summary))
    sheet.note(f"统计口径：{summary.statistics_rule}")
    if open_month_note(summary):
        sheet.note(open_month_note(summary), bold=True)
    sheet.skip()
    sheet.table(table)
    sheet.skip()
    sheet.note("“（含下属供电所）”行是分公司本部与所属供电所之和，全公司合计不重复计入。")
    sheet.note("考核金额为扣罚责任部门的金额（第二十五至二十七条）；主管领导、责任人的金额见“考核”表。")
    for text in (*RATE_DEFINITIONS, PROVISIONAL_NOTE):
        sheet.note(text)
    provisional = summary.company.provisional
    if provisional:
        sheet.note(f"有 {provisional} 项的时限按暂定的工作日（周一至周五）计算，日历公布后可能变化。")
    sheet.skip()
    sheet.note("月度上报核对（第十九、二十条）：上报之后才合并到 main 的记录另列，不算上报不一致。", bold=True)
    sheet.table(submissions_table(summary))
    sheet.finish(frozen_columns=1)


# The list under a category's per-unit table: its heading and how to build it.
_DETAILS: dict[str, tuple[str, Callable[[Summary], Table]]] = {
    "letter": ("来函明细（第十六条：投诉5个工作日、举报10个工作日内复函；来函及回函原件单独存档一年）", letters_table),
    "large-customer": ("大电力客户走访座谈计划进度（第十七条；含以前月份逾期未完成的）", large_customers_table),
    "card": ("连心卡发放回收（第十七条：非居民客户的10%、居民客户的1%，全过程一个月内完成）", card_rounds_table),
}


def _category_sheet(ws: Worksheet, summary: Summary, category: str) -> None:
    name = summary.category_names[category]
    table = category_table(summary, category)
    sheet = _Sheet(ws, len(table.columns))
    sheet.title(f"{name}（{month_text(summary.month)}）")
    sheet.note(f"{_as_of_line(summary)}　{_due_line(summary)}")
    sheet.skip()
    sheet.table(table)
    if category in _DETAILS:
        heading, build = _DETAILS[category]
        detail = build(summary)
        sheet.skip()
        sheet.note(heading, bold=True)
        sheet.table(detail)
        if not detail.rows:
            sheet.note("本月没有。")
    sheet.finish(frozen_columns=1)


def _opinions_sheet(ws: Worksheet, summary: Summary) -> None:
    table = opinions_table(summary)
    dissatisfied = sum(o.satisfaction == "dissatisfied" for o in summary.opinions)
    sheet = _Sheet(ws, len(table.columns))
    sheet.title(f"客户意见及整改（{month_text(summary.month)}，第二十一至二十三条）")
    sheet.note(f"共 {len(table.rows)} 条，其中不满意 {dissatisfied} 条，排在前面。")
    sheet.skip()
    sheet.table(table)
    sheet.finish()


def _penalties_sheet(ws: Worksheet, summary: Summary) -> None:
    table = penalties_table(summary)
    sheet = _Sheet(ws, len(table.columns))
    sheet.title(f"客户回访考核（{month_text(summary.month)}，第二十四至二十七条）")
    sheet.note(counting_note(summary))
    sheet.note(f"主管领导金额“视情节”的，营销部决定前按区间显示，决定写在 records/decisions/{summary.month}.yaml。")
    if open_month_note(summary):
        sheet.note(open_month_note(summary), bold=True)
    sheet.skip()
    sheet.table(table)
    if not table.rows:
        sheet.note("本月没有考核案例。")
    sheet.skip()
    sheet.note("暂定考核案例（不计入合计）", bold=True)
    sheet.note(PROVISIONAL_NOTE)
    provisional = penalties_table(summary, provisional=True)
    sheet.table(provisional)
    if not provisional.rows:
        sheet.note("本月没有暂定考核案例。")
    sheet.finish()


def _conduct_sheet(ws: Worksheet, summary: Summary) -> None:
    table = conduct_table(summary)
    sheet = _Sheet(ws, len(table.columns))
    sheet.title(f"文明服务投诉移交（{month_text(summary.month)}，第二十八条）")
    sheet.note("按《关于印发滨海供电公司行风、优质服务考核管理办法(试行)等制度的通知》（津电滨监察[2007]3号）"
               "的相关规定考核，本表不计算金额。")
    sheet.skip()
    sheet.table(table)
    sheet.finish()


def _package(wb: Workbook, summary: Summary) -> bytes:
    """The .xlsx bytes, with the report's as-of time as the document and zip entry times, so that builds are byte-identical."""
    moment = parse_time(summary.as_of)
    wb.properties.created = wb.properties.modified = moment.astimezone(timezone.utc).replace(tzinfo=None)
    buffer = io.BytesIO()
    ExcelWriter(wb, ZipFile(buffer, "w", ZIP_DEFLATED)).save()
    stamp = (moment.year, moment.month, moment.day, moment.hour, moment.minute, 0)
    result = io.BytesIO()
    with ZipFile(buffer) as source, ZipFile(result, "w", ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(ZipInfo(info.filename, date_time=stamp), source.read(info.filename), ZIP_DEFLATED)
    return result.getvalue()


def render_workbook(data: Summary | dict) -> bytes:
    """The month's report (``reports.month_summary``) as the bytes of an .xlsx file."""
    summary = read_summary(data)
    wb = Workbook()
    wb.properties.title = report_title(summary)
    wb.properties.creator = "滨海供电公司营销部"
    _summary_sheet(wb.active, summary)
    wb.active.title = "汇总"
    for category, name in summary.category_names.items():
        _category_sheet(wb.create_sheet(name), summary, category)
    _opinions_sheet(wb.create_sheet("客户意见"), summary)
    _penalties_sheet(wb.create_sheet("考核"), summary)
    if summary.conduct:
        _conduct_sheet(wb.create_sheet("第二十八条移交"), summary)
    return _package(wb, summary)


def write_workbook(summary: Summary | dict, path: Path) -> None:
    """Write the month's report as an .xlsx file, all at once (``safefile.write_atomic``): an open old copy survives a failure."""
    write_atomic(Path(path), render_workbook(summary))
