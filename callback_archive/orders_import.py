"""Import the marketing system's monthly export of archived work orders into ``records/orders/<YYYY>-<MM>.csv``.

The export is a ``.csv`` (UTF-8, with or without BOM, or GBK/GB18030) or an ``.xlsx`` (first sheet by default).
Its header is mapped to our columns; our English headers are accepted as they are:

| 导出文件表头 | 列 | 取值换算 |
| --- | --- | --- |
| 工单号、工单编号 | order | 原样；xlsx 中是数字格式时报错（开头的 0 可能已丢失） |
| 业务类型 | kind | 新装→new-install；变更、增容、减容、过户、更名→change；故障报修→repair；投诉→complaint；其它、其他→other |
| 受理单位、供电单位 | unit | records/units.yaml 中的单位名称（name）或编号（id）→ 单位编号 |
| 户号、客户编号 | account | 原样；xlsx 中是数字格式时报错（开头的 0 可能已丢失，不猜）；比本次导入和档案中多数户号短时报错（不补 0） |
| 客户类型、用电类别 | customer_kind | RESIDENTIAL_NAMES → residential；NON_RESIDENTIAL_NAMES → non-residential；其余值报错 |
| 归档时间 | archived_at | 2026-11-25 14:30、2026-11-25 14:30:00、2026/11/25 14:30、xlsx 日期时间 → 2026-11-25 14:30:00（北京时间，保留秒）；只有日期没有时刻时报错 |
| 重点客户类别（可选） | groups | 回访记录 customer.groups 的中文名（可省去“受理者”“客户”，如 人大代表、领导接待日）或编号，以顿号、逗号、分号或空格分隔 → 空格分隔的编号 |

Other columns are ignored and counted; title rows above the header (up to HEADER_SEARCH_ROWS rows) are skipped
and named. Every row must map cleanly, pass the order row schema, name a unit of records/units.yaml, fall in the
export's month (``--month``, or else the month most rows fall in) and appear once in the export (order numbers
compared without regard to case); an order already archived with the same content is skipped, with different
content (or a number that differs only in case) it is an error. Any bad row means nothing is written.
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
import warnings
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles.numbers import is_datetime
from openpyxl.utils.exceptions import InvalidFileException

from .engine.loader import MAX_LIST_BYTES, decode
from .cli.guard import UsageError
from .orders import ORDER_COLUMNS, Order, parse_orders
from .progress import with_progress
from .safefile import ensure_inside, write_atomic
from .schemas import load_schema
from .timeutil import parse_time
from .unitnames import UNITS_FILE, resolve_unit, unit_lookup
from .yamlread import YamlSyntaxError, parse_yaml

ORDERS_DIR = "records/orders"
OUTPUT_COLUMNS = (*ORDER_COLUMNS, "groups")
EXTENSIONS = (".csv", ".xlsx")
#: How many rows from the top a header is looked for in (title rows above it are skipped and named).
HEADER_SEARCH_ROWS = 10
#: A row is the header when it names at least this many of the columns.
HEADER_MIN_COLUMNS = 3

HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "order": ("工单号", "工单编号", "order"),
    "kind": ("业务类型", "kind"),
    "unit": ("受理单位", "供电单位", "unit"),
    "account": ("户号", "客户编号", "account"),
    "customer_kind": ("客户类型", "用电类别", "customer_kind"),
    "archived_at": ("归档时间", "archived_at"),
    "groups": ("重点客户类别", "groups"),
}

KIND_VALUES: dict[str, str] = {
    "新装": "new-install",
    "变更": "change",
    "增容": "change",
    "减容": "change",
    "过户": "change",
    "更名": "change",
    "故障报修": "repair",
    "投诉": "complaint",
    "其它": "other",
    "其他": "other",
}
# The marketing system's customer types and electricity-use categories, each known one mapped; anything else is
# refused rather than guessed (a mistyped 居民 must not become a non-residential customer with other deadlines).
RESIDENTIAL_NAMES = ("residential", "居民", "居民客户", "居民生活", "居民生活用电", "城乡居民生活用电", "城镇居民", "乡村居民")
NON_RESIDENTIAL_NAMES = (
    "non-residential", "非居民", "非居民客户", "一般工商业", "一般工商业用电", "大工业", "大工业用电", "农业",
    "农业生产", "农业生产用电", "商业", "非工业", "普通工业", "非居民照明",
)
CUSTOMER_KINDS = {**{n: "residential" for n in RESIDENTIAL_NAMES}, **{n: "non-residential" for n in NON_RESIDENTIAL_NAMES}}

_EXPORT_TIME = re.compile(r"(\d{4})([-/])(\d{1,2})\2(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?\Z")
_GROUP_SEPARATORS = re.compile(r"[、，,；;\s]+")
_UTF8_BOM = b"\xef\xbb\xbf"
# Seconds are kept: a visit's trigger.archived_at must agree with its order to the second.
_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True)
class RowError:
    """A problem of the export, at the row number a person sees in the spreadsheet (header = row 1)."""

    row: int
    message: str


@dataclass(frozen=True)
class DateOnly:
    """An xlsx cell formatted as a date without a time: openpyxl reads it as 00:00, which nobody wrote."""

    day: date

    def __str__(self) -> str:
        return self.day.isoformat()


@dataclass(frozen=True)
class Merged:
    """A range of merged cells of an xlsx sheet (rows as the spreadsheet numbers them)."""

    min_row: int
    max_row: int
    coord: str


@dataclass
class Table:
    """The non-blank rows of an export with their row numbers, and what made reading it fail."""

    source: str
    rows: list[tuple[int, tuple[object, ...]]] = field(default_factory=list)
    problems: list[RowError] = field(default_factory=list)
    merged: list[Merged] = field(default_factory=list)


@dataclass
class ImportPlan:
    """What an import would do: rows read, problems, identical orders skipped, new rows by month file."""

    source: str
    existing: dict[str, str] = field(default_factory=dict)  # text of each month file already archived
    rows: int = 0
    notes: list[str] = field(default_factory=list)  # what was read differently from a plain table, e.g. title rows
    ignored: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    skipped: int = 0
    additions: dict[str, list[dict[str, str]]] = field(default_factory=dict)


@dataclass(frozen=True)
class MonthFile:
    """The new content of one month file of orders."""

    relpath: str
    text: str
    added: int
    total: int
    created: bool


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _table_of(source: str, numbered_rows: Iterator[tuple[int, tuple[object, ...]]]) -> Table:
    return Table(source, [(n, cells) for n, cells in numbered_rows if not all(_blank(c) for c in cells)])


def decode_export(raw: bytes) -> tuple[str, str]:
    """The text of an exported CSV and the encoding found (UTF-8, UTF-8 with BOM, or GBK/GB18030).

    ValueError(line, message) when it is none of them.
    """
    has_bom = raw.startswith(_UTF8_BOM)
    body = raw.removeprefix(_UTF8_BOM)
    try:
        return body.decode("utf-8"), "UTF-8（带 BOM）" if has_bom else "UTF-8"
    except UnicodeDecodeError as exc:
        line = body[: exc.start].count(b"\n") + 1
    try:
        return raw.decode("gb18030"), "GBK"
    except UnicodeDecodeError:
        raise ValueError(
            line, "文件既不是 UTF-8 也不是 GBK 编码：请在营销系统中重新导出，或用 Excel/WPS 另存为“CSV UTF-8”后再导入。"
        ) from None


def read_csv_table(raw: bytes) -> Table:
    """The rows of an exported CSV in whichever of the export encodings it is in."""
    try:
        text, encoding = decode_export(raw)
    except ValueError as exc:
        line, message = exc.args
        return Table("检测到编码：无法识别", problems=[RowError(line, message)])
    source = f"检测到编码：{encoding}"
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        table = _table_of(source, ((n, tuple(cells)) for n, cells in enumerate(reader, 1)))
    except csv.Error as exc:
        return Table(source, problems=[RowError(reader.line_num, f"无法按 CSV 读取（{exc}）：请在营销系统中重新导出。")])
    if not table.rows:
        table.problems.append(RowError(1, "文件是空的：请确认导出的内容。"))
    return table


def _read_csv(path: Path) -> Table:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"无法读取 {path}：{exc.strerror}。") from None
    return read_csv_table(raw)


def _cell_value(cell) -> object:
    value = cell.value
    if isinstance(value, datetime) and is_datetime(cell.number_format) == "date":
        return DateOnly(value.date())
    return value


def _read_xlsx(path: Path, sheet: str | None) -> Table:
    try:
        with warnings.catch_warnings():  # openpyxl warns about styles WPS leaves out; they do not matter here
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(path, data_only=True)  # not read-only: merged cells are needed
    except OSError as exc:
        raise UsageError(f"无法读取 {path}：{exc.strerror}。") from None
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError):
        raise UsageError(f"{path} 不是有效的 .xlsx 文件：请在 Excel 或 WPS 中打开后另存为 .xlsx（或 CSV）再导入。") from None
    sheets = {ws.title: ws for ws in workbook.worksheets}
    if sheet is not None and sheet not in sheets:
        raise UsageError(f"{path.name} 中没有名为“{sheet}”的工作表：已有 {'、'.join(sheets)}。")
    ws = sheets[sheet] if sheet is not None else workbook.worksheets[0]
    table = _table_of(f"读取工作表：{ws.title}",
                      ((n, tuple(_cell_value(c) for c in cells)) for n, cells in enumerate(ws.iter_rows(), 1)))
    table.merged = [Merged(r.min_row, r.max_row, r.coord) for r in sorted(ws.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col))]
    if not table.rows:
        others = f"（本文件的工作表：{'、'.join(sheets)}，可用 --sheet 指定）" if len(sheets) > 1 else ""
        table.problems.append(RowError(1, f"工作表“{ws.title}”是空的：请确认导出的是归档工单明细{others}。"))
    return table


def read_export(path: Path, sheet: str | None = None) -> Table:
    """The rows of an export file; UsageError when it cannot be opened as what its extension says."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise UsageError(f"找不到导出文件 {path}。")
    if suffix == ".xls":
        raise UsageError(f"不支持旧版 .xls 文件：请在 Excel 或 WPS 中把 {path.name} 另存为 .xlsx 或 CSV 再导入。")
    if suffix not in EXTENSIONS:
        raise UsageError(f"不认识扩展名“{path.suffix or '（无）'}”：导出文件应为 .csv 或 .xlsx。")
    if suffix == ".csv":
        if sheet is not None:
            raise UsageError("--sheet 只用于 .xlsx 文件。")
        return _read_csv(path)
    return _read_xlsx(path, sheet)


def header_field(cell: object, field_of_header: dict[str, str]) -> str | None:
    """The column a header cell names (exact, or our English name in any case), or None."""
    label = _text(cell)
    return field_of_header.get(label) or field_of_header.get(label.lower())


def split_title_rows(rows: list[tuple[int, tuple[object, ...]]], field_of_header: dict[str, str]) -> int:
    """How many rows above the header are titles: the header is the first of the top rows naming enough columns.

    0 when no top row qualifies: the first row is then the header, and its missing columns are reported.
    """
    for index, (_, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if len({header_field(c, field_of_header) for c in cells} - {None}) >= HEADER_MIN_COLUMNS:
            return index
    return 0


def title_note(rows: list[tuple[int, tuple[object, ...]]], header_row: int) -> str:
    """What the import says about the title rows it skipped."""
    numbers = "、".join(f"第 {n} 行" for n, _ in rows)
    text = " ".join(_text(c) for _, cells in rows for c in cells if not _blank(c))
    shown = text if len(text) <= 40 else text[:39] + "…"
    return f"表头在第 {header_row} 行；{numbers}（“{shown}”）是表头上方的标题，不是工单，已跳过。"


def read_regular_file(root: Path, relpath: str, limit: int | None = None) -> bytes:
    """The bytes of a regular file of the archive (no symlink, device or pipe; at most ``limit`` bytes).

    FileNotFoundError when it is missing; UsageError naming the file for anything else.
    """
    path = root / relpath
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise
    except OSError as exc:  # e.g. a folder on the way without permission
        raise UsageError(f"无法读取 {relpath}（{exc.strerror}）。") from None
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISREG(info.st_mode):
        kind = "符号链接" if stat.S_ISLNK(info.st_mode) else "普通文件以外的东西（设备、管道或文件夹）"
        raise UsageError(f"{relpath} 是{kind}：档案中只读普通文件，请换成普通文件。")
    if limit is not None and info.st_size > limit:
        raise UsageError(f"{relpath} 有 {info.st_size // 1024} KiB，超过 {limit // 1024 // 1024} MiB 的上限，不是正常的文件：请核对。")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UsageError(f"无法读取 {relpath}（{exc.strerror}）。") from None


def read_checked_yaml(root: Path, relpath: str, schema: str, use: str) -> Any:
    """The data of a YAML file of the archive that matches ``schema``; UsageError naming what is wrong.

    ``use`` says what the file was wanted for, e.g. 核对单位.
    """
    fix = f"请运行 scripts/validate.py 查看并改正，或用 git checkout -- {relpath} 恢复。"
    try:
        raw = read_regular_file(root, relpath, MAX_LIST_BYTES)
        parsed = parse_yaml(decode(raw))
    except FileNotFoundError:
        raise UsageError(f"缺少 {relpath}，无法{use}：{fix}") from None
    except ValueError as exc:
        raise UsageError(f"{relpath} 第 {exc.args[0]} 行：{exc.args[1]}无法{use}。") from None
    except YamlSyntaxError as exc:
        raise UsageError(f"{relpath} 第 {exc.line} 行：YAML 语法错误（{exc.problem}）。无法{use}：{fix}") from None
    except RecursionError:
        raise UsageError(f"{relpath} 嵌套层数过多，不是有效的文件。无法{use}：{fix}") from None
    problems = load_schema(schema).problems(parsed.data)
    if problems:
        first = problems[0]
        line = parsed.lines.get(first.path)
        where = f" 第 {line} 行" if line else ""
        more = f"（共 {len(problems)} 处问题）" if len(problems) > 1 else ""
        raise UsageError(f"{relpath}{where}有误：{first.message.rstrip('。')}{more}。无法{use}：{fix}")
    return parsed.data


def load_units(root: Path) -> dict[str, str]:
    """Unit id by id and by Chinese name, from records/units.yaml; UsageError when that file is not usable."""
    data = read_checked_yaml(root, UNITS_FILE, "units", "核对单位")
    return unit_lookup((unit["id"], unit["name"]) for unit in data["units"])


def load_archived_orders(root: Path) -> tuple[dict[str, Order], dict[str, str]]:
    """Orders already in records/orders/*.csv by number, and the text of each file; UsageError on any problem."""
    orders: dict[str, Order] = {}
    texts: dict[str, str] = {}
    problems: list[str] = []
    for path in sorted((root / ORDERS_DIR).glob("*.csv")):
        relpath = path.relative_to(root).as_posix()
        try:
            texts[relpath] = decode(read_regular_file(root, relpath))
        except ValueError as exc:
            problems.append(f"{relpath} 第 {exc.args[0]} 行：{exc.args[1]}")
            continue
        except FileNotFoundError:  # removed since it was listed
            continue
        except UsageError as exc:
            problems.append(str(exc))
            continue
        parsed, findings = parse_orders(texts[relpath], relpath)
        problems += [f"{f.file}{f' 第 {f.line} 行' if f.line else ''}：{f.message}" for f in findings]
        orders.update((o.order, o) for o in parsed)
    if problems:
        raise UsageError("档案中已有的工单文件有问题，改正前不能导入（运行 scripts/validate.py 可查看）：\n  " + "\n  ".join(problems))
    return orders, texts


def _group_codes() -> dict[str, str]:
    """Group code by code, by the Chinese name of the visit schema and by that name without 受理者/客户."""
    groups = load_schema("visit").walk.field("customer.groups")
    return {
        alias: code
        for code, name in groups.choices
        for alias in (code, name, name.removesuffix("受理者").removesuffix("客户"))
    }


class RowMapper:
    """Turns one export row into our columns, with a Chinese message for every value that does not map."""

    def __init__(self, columns: dict[str, tuple[int, str]], units: dict[str, str]):
        self.columns = columns
        self.units = units
        self.group_codes = _group_codes()
        self.converters = {
            "order": self._identifier,
            "kind": self._kind,
            "unit": self._unit,
            "account": self._identifier,
            "customer_kind": self._customer_kind,
            "archived_at": self._archived_at,
            "groups": self._groups,
        }

    def map(self, cells: tuple[object, ...]) -> tuple[dict[str, str], list[str]]:
        data: dict[str, str] = {}
        problems: list[str] = []
        for name, (index, label) in self.columns.items():
            value = cells[index] if index < len(cells) else None
            if _blank(value):
                if name in ORDER_COLUMNS:
                    problems.append(f"“{label}”是空的：请在导出文件中补上。")
                continue
            try:
                data[name] = self.converters[name](value, label)
            except ValueError as exc:
                problems.append(str(exc))
        return data, problems

    def _identifier(self, value: object, label: str) -> str:
        if _is_number(value):
            raise ValueError(f"{label}是数字格式，开头的 0 可能已丢失：请把该列设为文本后重新导出。")
        return _text(value)

    def _kind(self, value: object, label: str) -> str:
        text = _text(value)
        if text in KIND_VALUES.values():
            return text
        if text in KIND_VALUES:
            return KIND_VALUES[text]
        raise ValueError(
            f"{label}“{text}”无法识别：应为 新装、变更（含增容、减容、过户、更名）、故障报修、投诉、其它之一，"
            "或 new-install、change、repair、complaint、other。"
        )

    def _unit(self, value: object, label: str) -> str:
        try:
            return resolve_unit(_text(value), self.units)
        except ValueError as exc:
            raise ValueError(f"{label}{exc}") from None

    def _customer_kind(self, value: object, label: str) -> str:
        text = _text(value)
        if text in CUSTOMER_KINDS:
            return CUSTOMER_KINDS[text]
        raise ValueError(
            f"{label}“{text}”无法识别：居民客户写 {'、'.join(RESIDENTIAL_NAMES[1:])}；"
            f"非居民客户写 {'、'.join(NON_RESIDENTIAL_NAMES[1:])}。请核对导出文件；新的类别请告知营销部补充对照。"
        )

    def _archived_at(self, value: object, label: str) -> str:
        if isinstance(value, DateOnly):
            raise ValueError(
                f"{label}只有日期 {value}，没有时刻（按 00:00 计会让回访时限提前起算）："
                "请把该列设为含时分的日期时间格式（如 yyyy-mm-dd hh:mm）后重新导出。"
            )
        if isinstance(value, datetime):
            return value.strftime(_TIME_FORMAT)
        if _is_number(value):
            raise ValueError(f"{label}是数字 {value}，不是日期时间：请把该列设为日期时间格式后重新导出。")
        text = _text(value)
        match = _EXPORT_TIME.match(text)
        if not match:
            raise ValueError(f"{label}“{text}”格式不对：应写成如 2026-11-25 14:30（也可以是 2026/11/25 14:30 或带秒）。")
        year, _, month, day, hour, minute, second = match.groups()
        try:
            moment = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
        except ValueError:
            raise ValueError(f"{label}“{text}”这个日期或时间不存在：请核对年月日和时分。") from None
        return moment.strftime(_TIME_FORMAT)

    def _groups(self, value: object, label: str) -> str:
        codes: list[str] = []
        for name in _GROUP_SEPARATORS.split(_text(value)):
            if name and name not in self.group_codes:
                known = "、".join(n for n, code in self.group_codes.items() if n != code)
                raise ValueError(f"{label}“{name}”无法识别：可以是 {known}，多个类别用顿号分隔。")
            if name and self.group_codes[name] not in codes:
                codes.append(self.group_codes[name])
        return " ".join(codes)


_FIELD_OF_HEADER = {alias: name for name, aliases in HEADER_ALIASES.items() for alias in aliases}


def map_header(cells: tuple[object, ...]) -> tuple[dict[str, tuple[int, str]], list[str], list[str]]:
    """Column index and export header of each of our columns, the ignored headers, and header problems."""
    columns: dict[str, tuple[int, str]] = {}
    ignored: list[str] = []
    problems: list[str] = []
    schema = load_schema("order")
    for index, cell in enumerate(cells):
        label = _text(cell)
        name = header_field(cell, _FIELD_OF_HEADER)
        if name is None:
            if label:
                ignored.append(label)
        elif name in columns:
            problems.append(f"列“{columns[name][1]}”和“{label}”都是{schema.title(name)}：请只保留一列后重新导出。")
        else:
            columns[name] = (index, label)
    missing = [f"{schema.title(name)}（表头可写 {' 或 '.join(HEADER_ALIASES[name])}）" for name in ORDER_COLUMNS if name not in columns]
    if missing:
        problems.append(f"表头缺少列：{'、'.join(missing)}。请在营销系统导出时包含这些列。")
    return columns, ignored, problems


def _merged_problems(merged: list[Merged], header_row: int) -> list[RowError]:
    """Merged cells on or below the header (a merged title above it is harmless)."""
    problems = []
    for m in merged:
        if m.min_row <= header_row <= m.max_row:
            problems.append(RowError(header_row, f"表头有合并单元格（{m.coord}）：请取消合并后重新导出。"))
        elif m.min_row > header_row:
            problems.append(RowError(m.min_row, f"有合并单元格（{m.coord}）：每一行都要写全，请取消合并后重新导出。"))
    return problems


def _differences(archived: Order, row: dict[str, str]) -> list[str]:
    schema = load_schema("order")
    before = {
        "kind": archived.kind,
        "unit": archived.unit,
        "account": archived.account,
        "customer_kind": archived.customer_kind,
        "archived_at": archived.archived_at.strftime(_TIME_FORMAT),
        "groups": " ".join(sorted(archived.groups)),
    }
    after = {**row, "groups": " ".join(sorted(row.get("groups", "").split()))}
    return [f"{schema.title(name)}已有“{old}”，导出文件为“{after[name]}”" for name, old in before.items() if old != after[name]]


def _month_problem(archived_at: str, months: list[str] | None, counts: Counter[str]) -> str | None:
    """Why a row's month is not the export's, or None. The export's month is ``months`` or the commonest one."""
    month = archived_at[:7]
    if months is not None:
        if month in months:
            return None
        return (f"归档时间 {archived_at} 不在指定的月份 {'、'.join(months)} 内：请核对年份和月份；"
                f"导出确实包含 {month} 的工单时，再加一个 --month {month}。")
    main_month, count = max(counts.items(), key=lambda item: (item[1], item[0]))
    if month == main_month:
        return None
    return (f"归档时间 {archived_at} 在 {month}，不是本次导出的主要月份 {main_month}（{count}/{counts.total()} 条）：请核对年份和月份。"
            f"导出确实跨月时，请用 --month 列出所含的月份，如 --month {min(main_month, month)} --month {max(main_month, month)}。")


def _account_width_problem(account: str, widths: Counter[int]) -> str | None:
    """A leading zero lost somewhere before the export: the account is shorter than the usual width. Never padded."""
    if not widths or not account.isdigit():
        return None
    width, count = max(widths.items(), key=lambda item: (item[1], item[0]))
    if len(account) >= width:
        return None
    return (f"户号 {account} 只有 {len(account)} 位，而本次导入和档案中的户号大多是 {width} 位（{count} 个）："
            f"开头的 0 可能已丢失（如 {account.zfill(width)}），程序不会替你补。"
            "请把户号列设为文本格式后重新导出；如该户号确实较短，请先在营销系统中核对。")


def plan_import(root: Path, table: Table, months: list[str] | None = None, progress: bool = False) -> ImportPlan:
    """Check an export's rows against the archive; nothing is written. UsageError when the archive cannot be read.

    ``months`` (``YYYY-MM``) are the months the export holds; without them every row must fall in the month
    most rows fall in.
    """
    units = load_units(root)
    archived, existing = load_archived_orders(root)
    plan = ImportPlan(table.source, existing, errors=list(table.problems))
    if plan.errors:
        return plan
    titles = split_title_rows(table.rows, _FIELD_OF_HEADER)
    (header_row, header), *rows = table.rows[titles:]
    if titles:
        plan.notes.append(title_note(table.rows[:titles], header_row))
    columns, plan.ignored, problems = map_header(header)
    plan.errors = _merged_problems(table.merged, header_row) + [RowError(header_row, message) for message in problems]
    if not plan.errors and not rows:
        plan.errors.append(RowError(header_row, "只有表头，没有工单：请确认导出的月份和筛选条件。"))
    if plan.errors:
        return plan
    plan.rows = len(rows)
    mapper = RowMapper(columns, units)
    schema = load_schema("order")
    mapped: list[tuple[int, dict[str, str], list[str]]] = []
    for number, cells in with_progress(rows, "检查工单", progress):
        data, problems = mapper.map(cells)
        problems += [p.message for p in schema.problems(data) if p.code != "schema-required"]  # blanks told above
        mapped.append((number, data, problems))
    month_counts = Counter(data["archived_at"][:7] for _, data, _ in mapped if "archived_at" in data)
    widths = Counter(len(data["account"]) for _, data, problems in mapped if not problems)
    widths.update(len(o.account) for o in archived.values())
    archived_by_key = {number.upper(): o for number, o in archived.items()}
    first_row: dict[str, tuple[int, str]] = {}
    for number, data, problems in mapped:
        if "archived_at" in data and (wrong_month := _month_problem(data["archived_at"], months, month_counts)):
            problems.append(wrong_month)
        if "account" in data and (short := _account_width_problem(data["account"], widths)):
            problems.append(short)
        order = data.get("order", "")
        key = order.upper()
        if key in first_row:
            row, seen = first_row[key]
            same = "" if seen == order else f"（第 {row} 行写作 {seen}，工单号不分大小写）"
            problems.append(f"工单 {order} 与第 {row} 行重复{same}：同一工单只能出现一次，请删除多余的一行。")
        elif order:
            first_row[key] = (number, order)
        if not problems and key in archived_by_key:
            known = archived_by_key[key]
            if known.order != order:
                problems.append(
                    f"工单 {order} 已导入为 {known.order}（{known.path} 第 {known.line} 行），两者只差大小写，是同一张工单："
                    "同一工单只导入一次。请核对工单号，删除这一行后重新导入。"
                )
            elif not (differences := _differences(known, data)):
                plan.skipped += 1
                continue
            else:
                problems.append(
                    f"工单 {order} 已导入（{known.path} 第 {known.line} 行），但内容不同：{'；'.join(differences)}。"
                    f"已导入的工单不会被覆盖：如确需更正，请直接修改 {known.path} 并在合并请求中说明。"
                )
        if problems:
            plan.errors += [RowError(number, message) for message in problems]
            continue
        relpath = f"{ORDERS_DIR}/{data['archived_at'][:7]}.csv"
        plan.additions.setdefault(relpath, []).append({name: data.get(name, "") for name in OUTPUT_COLUMNS})
    return plan


def _merge(existing: str | None, rows: list[dict[str, str]]) -> tuple[str, int]:
    """A month file's text with ``rows`` added, sorted by (archived_at, order); other columns are kept."""
    header, old = list(OUTPUT_COLUMNS), []
    if existing is not None:
        reader = csv.DictReader(io.StringIO(existing, newline=""))
        old = list(reader)
        header = list(reader.fieldnames or []) + [c for c in OUTPUT_COLUMNS if c not in (reader.fieldnames or [])]
    merged = sorted(old + rows, key=lambda row: (parse_time(row["archived_at"]), row["order"]))
    out = io.StringIO()
    writer = csv.DictWriter(out, header, restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows(merged)
    return out.getvalue(), len(merged)


def month_files(plan: ImportPlan) -> list[MonthFile]:
    """The new content of every month file the plan adds to, in file-name order."""
    files = []
    for relpath, rows in sorted(plan.additions.items()):
        text, total = _merge(plan.existing.get(relpath), rows)
        files.append(MonthFile(relpath, text, len(rows), total, relpath not in plan.existing))
    return files


def write_month_files(root: Path, files: list[MonthFile]) -> None:
    """Write every month file atomically (the caller holds the orders folder's lock); WriteError names a failure.

    Each file is either its old or its new content; when a later month fails, the earlier ones are written
    and a second run skips them as identical.
    """
    folder = root / ORDERS_DIR
    ensure_inside(root, folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"无法建立 {ORDERS_DIR}/（{exc.strerror}），没有导入任何工单。") from None
    for month in files:
        write_atomic(root / month.relpath, month.text, root=root)
