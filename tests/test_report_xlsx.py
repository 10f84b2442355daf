"""The monthly workbook (report_xlsx): sheets, headers, layout, figures, penalties and determinism."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from callback_archive.render.xlsx import MAX_WIDTH, display_width, write_workbook
from report_fixture import HOSTILE_SUBJECT, STAFF, fixture_summary, sample_summary

SUMMARY_HEADERS = ["单位", "有时限应回访", "已完成", "按时", "超时", "逾期/缺失", "无法联系", "待回访（未到时限）", "按时率",
                   "无时限回访", "大客户走访座谈", "连心卡", "满意", "基本满意", "不满意", "满意率", "重点客户", "上报状态",
                   "考核金额", "暂定考核金额（不计入合计）"]
PENALTY_HEADERS = ["编号", "条款", "单位", "事由", "原因（记录/文件）", "部门金额", "主管领导", "主管领导金额", "责任人",
                   "责任人金额", "决定"]
CATEGORY_SHEETS = ["业务受理", "供电抢修", "重点客户函复", "大电力客户走访或座谈", "连心卡", "其它"]


@pytest.fixture
def summary(archive: Path) -> dict:
    return fixture_summary(archive)


@pytest.fixture
def workbook(summary: dict, tmp_path: Path) -> openpyxl.Workbook:
    path = tmp_path / "2026-11.xlsx"
    write_workbook(summary, path)
    return openpyxl.load_workbook(path)


def header_row(ws) -> int:
    """The frozen header's row: the row above the freeze line."""
    return ws[ws.freeze_panes].row - 1


def rows_by_first_cell(ws) -> dict[str, tuple]:
    """Rows below the first header by their first cell; the first row wins (later tables repeat unit names)."""
    rows: dict[str, tuple] = {}
    for row in ws.iter_rows(min_row=header_row(ws) + 1):
        if row[0].value:
            rows.setdefault(row[0].value, row)
    return rows


def test_sheets_in_submission_order(workbook):
    assert workbook.sheetnames == ["汇总", *CATEGORY_SHEETS, "客户意见", "考核", "第二十八条移交"]


def test_summary_sheet_title_lines_and_frozen_header(workbook, summary):
    ws = workbook["汇总"]
    assert ws["A1"].value == "滨海供电公司客户回访统计月报（2026年11月）"
    assert ws["A2"].value == f"统计截至：{summary['as_of']}"
    assert ws["A3"].value.startswith(f"上报时限：{summary['report_due']}")
    row = header_row(ws)
    assert ws.freeze_panes == f"B{row + 1}"
    assert [c.value for c in ws[row]] == SUMMARY_HEADERS
    assert all(c.font.b and c.fill.fgColor.rgb.endswith("DDEBF7") for c in ws[row])
    assert ws.print_title_rows == f"${row}:${row}"


def test_summary_rows_show_names_stations_rollup_and_company(workbook, summary):
    ws = workbook["汇总"]
    names = [ws.cell(r, 1).value for r in range(header_row(ws) + 1, header_row(ws) + 6)]
    assert names == ["营销部", "塘沽供电分公司", "新北供电所", "塘沽供电分公司（含下属供电所）", "全公司"]
    rows = rows_by_first_cell(ws)
    assert rows["新北供电所"][0].alignment.indent == 1
    assert rows["塘沽供电分公司（含下属供电所）"][0].alignment.indent == 1
    company = rows["全公司"]
    totals = summary["company"]["timed"]
    assert company[SUMMARY_HEADERS.index("按时")].value == totals["on_time"] == 2
    assert company[SUMMARY_HEADERS.index("超时")].value == totals["late"] == 3
    rate = company[SUMMARY_HEADERS.index("按时率")]
    assert rate.value == pytest.approx(0.4) and rate.number_format == "0.00%"  # 2 ÷ (2 + 3 + 0 overdue)
    assert company[SUMMARY_HEADERS.index("考核金额")].value == 3000
    assert rows["塘沽供电分公司"][SUMMARY_HEADERS.index("上报状态")].value == "未到上报时限"
    rollup = rows["塘沽供电分公司（含下属供电所）"]
    assert rollup[SUMMARY_HEADERS.index("有时限应回访")].value == 4  # the branch's 3 and the station's 1
    assert rollup[SUMMARY_HEADERS.index("考核金额")].value == 3000


def test_column_widths_follow_content_and_are_capped(workbook):
    ws = workbook["汇总"]
    assert ws.column_dimensions["A"].width >= display_width("塘沽供电分公司（含下属供电所）")
    for sheet in workbook:
        assert all(d.width <= MAX_WIDTH for d in sheet.column_dimensions.values())
    assert display_width("ab") == 2 and display_width("塘沽") == 4 and display_width("（）") == 4


def test_letters_sheet_lists_letters_with_due_dates_and_originals(workbook):
    ws = workbook["重点客户函复"]
    assert ws.freeze_panes == f"B{header_row(ws) + 1}"
    rows = {row[0].value: [c.value for c in row] for row in ws.iter_rows() if row[0].value}
    letter = rows["FH-20261102-0001"]
    assert letter[1] == "营销部" and HOSTILE_SUBJECT in letter
    assert "2026-11-09 24:00 前" in letter and "按时完成" in letter and "档案盒 FH-2026-07" in letter
    header = rows["编号"]
    assert ws.cell(next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "编号"), 1).font.b
    assert header[:6] == ["编号", "单位", "类别", "来函人类别", "事由", "收函日期"]


def test_penalties_sheet_one_row_per_case_with_range_decision_and_waiver(workbook, summary):
    ws = workbook["考核"]
    assert [c.value for c in ws[header_row(ws)]] == PENALTY_HEADERS
    assert any("按案例" in str(ws.cell(r, 1).value) for r in range(1, header_row(ws)))
    rows = rows_by_first_cell(ws)
    head = PENALTY_HEADERS.index("主管领导金额")
    undecided, decided, waived = (rows[f"tanggu-GD20261120000{n}"] for n in (1, 2, 3))
    assert undecided[head].value == "200–500（视情节，待定）"
    assert decided[head].value == 300 and decided[head].number_format == "#,##0"
    assert waived[head].value == "0（免于扣罚）" and waived[PENALTY_HEADERS.index("部门金额")].value == 1000
    assert "按 300 元考核" in decided[PENALTY_HEADERS.index("决定")].value
    assert undecided[1].value == "第二十六条" and undecided[2].value == "塘沽供电分公司"
    cause = undecided[PENALTY_HEADERS.index("原因（记录/文件）")].value
    assert "records/visits/tanggu/2026/11/HF-20261121-0001.yaml" in cause
    total = rows["合计（不含暂定案例）"]
    assert total[PENALTY_HEADERS.index("部门金额")].value == summary["company"]["penalties"]["unit_amount"] == 3000
    assert "200–500" in total[head].value and total[0].font.b
    assert {c["id"] for c in summary["penalties"]} <= set(rows)
    assert "本月没有暂定考核案例。" in rows
    assert undecided[PENALTY_HEADERS.index("主管领导")].value == "赵志刚"


def test_per_month_counting_is_stated(summary, tmp_path):
    write_workbook({**summary, "penalty_counting": "per-month"}, tmp_path / "m.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "m.xlsx")["考核"]
    assert any("按月" in str(ws.cell(r, 1).value) for r in range(1, header_row(ws)))


def test_opinions_and_referral_sheets(workbook):
    opinions = workbook["客户意见"]
    first = [c.value for c in opinions[header_row(opinions) + 1]]
    assert first[0] == "HF-20261126-0002" and first[3] == "不满意" and first[4].startswith("<script>")
    referral = workbook["第二十八条移交"]
    row = [c.value for c in referral[header_row(referral) + 1]]
    assert row[:4] == ["HF-20261126-0002", "新北供电所", "2026-11", STAFF]


def test_no_referral_sheet_without_conduct_cases(summary, tmp_path):
    write_workbook({**summary, "conduct": []}, tmp_path / "r.xlsx")
    assert "第二十八条移交" not in openpyxl.load_workbook(tmp_path / "r.xlsx").sheetnames


def test_two_builds_are_byte_identical_and_dated_as_of(summary, tmp_path):
    write_workbook(summary, tmp_path / "a.xlsx")
    write_workbook(summary, tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    properties = openpyxl.load_workbook(tmp_path / "a.xlsx").properties
    assert properties.created == properties.modified == datetime(2026, 11, 26, 1, 0)  # 09:00 Beijing in UTC


def test_sample_archive_october(tmp_path):
    summary = sample_summary()
    write_workbook(summary, tmp_path / "2026-10.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "2026-10.xlsx")
    ws = wb["汇总"]
    assert ws["A1"].value == "滨海供电公司客户回访统计月报（2026年10月）"
    rows = rows_by_first_cell(ws)
    for unit in summary["units"]:
        assert unit["name"] in rows
        assert rows[unit["name"]][SUMMARY_HEADERS.index("有时限应回访")].value == unit["own"]["timed"]["total"]
    company = rows["全公司"]
    assert company[SUMMARY_HEADERS.index("按时")].value == summary["company"]["timed"]["on_time"]
    assert company[SUMMARY_HEADERS.index("满意率")].number_format == "0.00%"
    penalties = rows_by_first_cell(wb["考核"])
    assert {c["id"] for c in summary["penalties"] if not c["provisional"]} <= set(penalties)
    assert len(rows_by_first_cell(wb["客户意见"])) == len(summary["opinions"])


def test_an_open_month_is_marked_and_the_rates_are_defined(workbook, summary, tmp_path):
    texts = [str(c.value) for row in workbook["汇总"].iter_rows() for c in row if c.value]
    assert any(t.startswith("未结月，数字会变") for t in texts)
    assert any(t.startswith("按时率 = 按时 ÷（按时 + 超时 + 逾期未完成）") for t in texts)
    penalties = [str(c.value) for row in workbook["考核"].iter_rows() for c in row if c.value]
    assert any(t.startswith("未结月，数字会变") for t in penalties) and "暂定考核案例（不计入合计）" in penalties
    assert "月度上报核对（第十九、二十条）：上报之后才合并到 main 的记录另列，不算上报不一致。" in texts
    assert "上报后入档的记录" in texts and "档案应回访（现在）" in texts
    write_workbook({**summary, "closed": True}, tmp_path / "closed.xlsx")
    closed = openpyxl.load_workbook(tmp_path / "closed.xlsx")
    assert not any("未结月" in str(c.value) for row in closed["汇总"].iter_rows() for c in row if c.value)


# Texts Excel or WPS would take for a formula (OWASP "CSV Injection"), each as a clerk might type it.
FORMULA_TEXTS = ['=HYPERLINK("http://x","点我")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]


def _formula_archive(root: Path) -> None:
    """The report fixture, plus one dissatisfied customer per formula text and a letter whose subject is one."""
    from conftest import place, visit_yaml
    from report_fixture import _quoted, build_fixture

    build_fixture(root)
    for n, text in enumerate(FORMULA_TEXTS, 3):
        record = visit_yaml(f"HF-20261126-000{n}", unit="xinbei", order=f"GD202611250000{n}").replace(
            "satisfaction: satisfied\n",
            f"satisfaction: dissatisfied\nopinion: {_quoted(text)}\nfollow_up: {_quoted(text + '（跟进）')}\n")
        place(root, f"records/visits/xinbei/2026/11/HF-20261126-000{n}.yaml", record)
    letter = (root / "records/letters/marketing/2026/11/FH-20261102-0001.yaml").read_text(encoding="utf-8")
    place(root, "records/letters/marketing/2026/11/FH-20261102-0002.yaml",
          letter.replace("FH-20261102-0001", "FH-20261102-0002").replace(_quoted(HOSTILE_SUBJECT), '"=1+1"'))


def test_no_text_becomes_a_formula_and_each_is_shown_as_written(archive: Path, tmp_path: Path) -> None:
    from zipfile import ZipFile

    from callback_archive.archive import open_archive
    from callback_archive.reports.monthly import month_summary
    from callback_archive.timeutil import parse_time
    from conftest import AS_OF

    _formula_archive(archive)
    path = tmp_path / "2026-11.xlsx"
    write_workbook(month_summary(open_archive(archive, as_of=parse_time(AS_OF), git=False), (2026, 11)), path)
    workbook = openpyxl.load_workbook(path)
    cells = [cell for ws in workbook.worksheets for row in ws.iter_rows() for cell in row if cell.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = {c.value: c for c in cells if isinstance(c.value, str)}
    for text in FORMULA_TEXTS:
        for shown in (text, text + "（跟进）"):
            shown = shown.replace("\r", "\n")  # XML keeps no bare carriage return: it is read as a line break
            assert shown in texts, shown
            assert texts[shown].data_type == "s" and texts[shown].quotePrefix, shown
    assert texts["=1+1"].quotePrefix
    assert not texts["全公司"].quotePrefix  # ordinary text keeps its look
    with ZipFile(path) as package:
        sheets = [name for name in package.namelist() if name.startswith("xl/worksheets/sheet")]
        assert len(sheets) == len(workbook.worksheets)
        for name in sheets:
            xml = package.read(name).decode("utf-8")
            assert "<f>" not in xml and "<f " not in xml, name


def test_put_keeps_error_codes_and_control_characters_as_text(tmp_path: Path) -> None:
    from callback_archive.render.xlsx import put

    wb = openpyxl.Workbook()
    put(wb.active, 1, 1, "#N/A")
    put(wb.active, 2, 1, "意见\x07含控制字符")
    put(wb.active, 3, 1, 5)
    wb.save(tmp_path / "x.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "x.xlsx").active
    assert (ws["A1"].value, ws["A1"].data_type) == ("#N/A", "s")
    assert ws["A2"].value == "意见\ufffd含控制字符"
    assert (ws["A3"].value, ws["A3"].data_type) == (5, "n")
