"""Load the whole archive in one pass into typed records and the findings met on the way."""

from __future__ import annotations

import gc
import re
from bisect import bisect_left
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Hashable, Iterator, TypeVar

from .cache import GitIndex, LoadStats, Shards, read_all
from .. import kinds
from ..cases import CallbackCase, build_cases
from ..deadlines import DeadlineRules, Disaster
from ..fileread import MAX_FILE_BYTES, MAX_LIST_BYTES, SYMLINK_MESSAGE, FileRefused, read_regular
from ..findings import Finding, finding
from ..history import History
from ..kinds import RECORDS_DIR
from ..model import (
    CardRound,
    Decisions,
    Letter,
    Plan,
    RecordFile,
    RegisteredCustomer,
    Sample,
    Submission,
    Unit,
    Visit,
    bad_times,
)
from ..orders import Order, month_of_orders_file, order_from_row, order_row, parse_orders
from ..policy import Policy
from ..safefile import is_working_file
from ..workcalendar import WorkCalendar
from ..yamlread import YamlLimitError, YamlSyntaxError, parse_yaml

POLICY_FILE = kinds.by_name("policy").file
_ORDERS = "orders"  # a month's work orders: a CSV file, read row by row (orders.py)
ORDERS_FOLDER = f"{RECORDS_DIR}/{kinds.by_name(_ORDERS).folder}/"
IGNORED_NAMES = {".gitkeep"}

_YAML_MESSAGES = {
    "yaml-duplicate-key": "字段 `{text}` 出现了两次（只能写一次）：请合并或删除其中一个。",
    "yaml-anchor": "使用了 YAML 锚点或别名 `{text}`：记录不需要它们，请把内容直接写出来。",
    "yaml-merge-key": "使用了 YAML 合并键 `<<`：请把字段直接写出来。",
    "yaml-tag": "使用了 YAML 标签 `{text}`：请删除标签，文本需要时加引号。",
    "yaml-complex-key": "字段名必须是简单文本：请改写这一行。",
    "yaml-ambiguous-bool": "`{text}` 在不同软件里可能被读成“是/否”：表示是/否请写 true 或 false，表示文本请加引号，如 \"{text}\"。",
    "yaml-leading-zero": "`{text}` 开头的 0 会被当成数字丢掉：户号、电话、编号请加引号，如 \"{text}\"。",
    "yaml-ambiguous-number": "`{text}` 在不同软件里可能被读成数字，也可能被读成文字：数字请写成 1000、0.5 这样的普通写法，文本请加引号，如 \"{text}\"。",
    "yaml-number-too-long": "`{text}` 是超过 18 位的整数，没有哪个字段需要这么长的数字：户号、电话、编号请加引号，如 \"{text}\"。",
    "yaml-not-finite": "`{text}` 不是一个有限的数值（NaN 或无穷大，或大得无法表示）：请填写实际测得的数值，如 10.5；"
                       "没有数值时删除这个字段，文本请加引号。",
    "yaml-sexagesimal": "`{text}` 可能被读成六十进制数字：请加引号，如 \"{text}\"；时间请写完整日期，如 2026-11-26 10:00。",
}


# libyaml's wording of the common slips, told in Chinese with the fix.
_SYNTAX_HINTS = (
    ("cannot start any token", "这一行用了制表符（Tab）或特殊字符：缩进请只用空格"),
    ("mapping values are not allowed", "这一行多了一个冒号：值里有冒号时请给整个值加引号"),
    ("did not find expected key", "缩进不一致：同一层的字段要对齐"),
    ("did not find expected ',' or ']'", "方括号列表没有闭合：请补上 ]"),
    ("did not find expected ',' or '}'", "花括号没有闭合：请补上 }"),
    ("found unexpected end of stream", "引号没有闭合：请补上结尾的引号"),
    ("could not find expected ':'", "缺少冒号：字段名后要写“: ”"),
)


def _syntax_message(problem: str) -> str:
    hint = next((text for needle, text in _SYNTAX_HINTS if needle in problem), "请检查这一行及上一行的缩进、冒号和引号")
    return f"YAML 语法错误：{hint}。（解析器原文：{problem}）"


T = TypeVar("T")


@dataclass
class Archive:
    """Everything loaded from an archive root: records, units and the findings of loading."""

    root: Path
    files: list[RecordFile] = field(default_factory=list)
    units: dict[str, Unit] = field(default_factory=dict)
    visits: list[Visit] = field(default_factory=list)
    letters: list[Letter] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)  # every file seen under records/
    policy: Policy | None = None
    calendar: WorkCalendar = field(default_factory=WorkCalendar)
    disasters: dict[str, Disaster] = field(default_factory=dict)
    rules: DeadlineRules | None = None  # None while policy.yaml is missing or invalid
    cases: list[CallbackCase] = field(default_factory=list)
    orders: list[Order] = field(default_factory=list)
    order_months: set[tuple[int, int]] = field(default_factory=set)  # months whose orders file exists
    record_years: set[int] = field(default_factory=set)  # years with visits or orders (see coverage.completed_years)
    # Months with statistics, when the archive holds only part of the records (an incremental run,
    # see incremental.py) and so cannot count them itself; None: count them from the records.
    figure_months: set[tuple[int, int]] | None = None
    provisional_counts: dict[int, int] | None = None  # likewise: deadlines counted against each unknown year
    large_customers: list[RegisteredCustomer] = field(default_factory=list)
    key_customers: list[RegisteredCustomer] = field(default_factory=list)
    plans: dict[int, Plan] = field(default_factory=dict)
    rounds: dict[str, CardRound] = field(default_factory=dict)
    samples: list[Sample] = field(default_factory=list)
    extra: dict[str, list[Any]] = field(default_factory=dict)  # records of kinds without a field here, by kind
    # Voided visits and letters stay in the archive (and in the audit) but count for nothing else.
    voided: list[Visit | Letter] = field(default_factory=list)
    submissions: list[Submission] = field(default_factory=list)
    decisions: list[Decisions] = field(default_factory=list)
    # main's Git history as of "now", when the archive is a Git checkout: landing times count as
    # the moment a record entered the archive (set by the commands after loading).
    history: History | None = None
    load_stats: LoadStats = field(default_factory=LoadStats, repr=False)
    # Figures computed from the loaded archive, by what they depend on (see remember): the
    # archive does not change after loading, and several checks and reports ask for the same.
    memo: dict[Any, Any] = field(default_factory=dict, repr=False)

    def remember(self, key: Hashable, make: Callable[[], T]) -> T:
        """``make()`` the first time ``key`` is asked for, the same object ever after (callers read it, never change it)."""
        if key not in self.memo:
            self.memo[key] = make()
        return self.memo[key]


def classify(relpath: str) -> str | None:
    """The name of the kind of the file at ``relpath`` (``kinds.for_path``), or None if none fits."""
    kind = kinds.for_path(relpath)
    return None if kind is None else kind.name


Listings = dict[str, tuple[int, tuple[str, ...], tuple[str, ...]]]  # folder -> (mtime_ns, subfolders, files)
RACY_NS = 2_000_000_000  # a folder changed this recently may change again within its clock tick: listed every time


def discover(root: Path, listings: Listings | None = None) -> list[str]:
    """Every file below ``records/``, as sorted posix paths relative to ``root``.

    ``listings`` are the folders' listings from a run before: a folder whose modification
    time is the same (adding, removing or renaming an entry changes it) is not read again,
    the way Git's untracked cache works; the dict is brought up to date in place.
    """
    found: list[str] = []
    stack = [RECORDS_DIR]  # relative posix folders: no Path object per file (a big year has 200,000)
    now = time.time_ns()
    visited: set[str] = set()
    while stack:
        folder = stack.pop()
        visited.add(folder)
        try:
            mtime = os.stat(root / folder).st_mtime_ns if listings is not None else 0
            listed = listings.get(folder) if listings is not None else None
            if listed is None or listed[0] != mtime:
                subfolders, files = [], []
                for entry in os.scandir(root / folder):
                    if entry.is_dir(follow_symlinks=False):
                        subfolders.append(entry.name)
                    elif entry.name not in IGNORED_NAMES and not is_working_file(entry.name):
                        files.append(entry.name)
                listed = (mtime if now - mtime > RACY_NS else -1, tuple(subfolders), tuple(files))
                if listings is not None:
                    listings[folder] = listed
        except FileNotFoundError:
            continue
        stack.extend(f"{folder}/{name}" for name in listed[1])
        found.extend(f"{folder}/{name}" for name in listed[2])
    if listings is not None:
        for folder in listings.keys() - visited:  # gone
            del listings[folder]
    return sorted(found)


def decode(raw: bytes) -> str:
    """UTF-8 text (a byte-order mark is accepted); ValueError says which encoding it looks like."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        try:
            raw.decode("gb18030")
        except UnicodeDecodeError:
            raise ValueError(line, "文件不是 UTF-8 编码：请用编辑器以 UTF-8 编码另存。") from None
        raise ValueError(
            line, "文件不是 UTF-8 编码，看起来是 GBK（Windows 记事本、WPS 常见）：请用编辑器“另存为”UTF-8 编码。"
        ) from None


def read_text(root: Path, relpath: str, kind: str) -> tuple[str | None, list[Finding]]:
    """The text of a regular file within its size limit, or None and the finding that says why not."""
    try:  # no Path object per file: a big year has 200,000
        raw = read_regular(f"{root}/{relpath}", MAX_LIST_BYTES if kinds.by_name(kind).list_sized else MAX_FILE_BYTES)
    except FileRefused as exc:
        message = _too_large(exc.size or 0, kind) if exc.code == "file-too-large" else exc.message
        return None, [finding(exc.code, relpath, None, message)]
    except OSError as exc:
        return None, [finding("file-unreadable", relpath, None, f"无法读取文件：{exc.strerror}。")]
    try:
        text = decode(raw)
    except ValueError as exc:
        line, message = exc.args
        return None, [finding("file-not-utf8", relpath, line, message)]
    anomaly = text_anomaly(text)
    if anomaly is not None:
        return None, [finding(anomaly[0], relpath, anomaly[1], anomaly[2])]
    return text, []


def read_record_file(root: Path, relpath: str, kind: str) -> tuple[RecordFile | None, list[Finding]]:
    """Read, parse and schema-check one file; the RecordFile is None when there is no mapping to check."""
    text, refusal = read_text(root, relpath, kind)
    if text is None:
        return None, refusal
    if not text.strip():
        return None, [finding("file-empty", relpath, 1, "文件是空的：请填写记录内容，或删除这个文件。")]
    try:
        parsed = parse_yaml(text)
    except YamlLimitError as exc:
        return None, [finding(exc.code, relpath, exc.line, exc.problem)]
    except YamlSyntaxError as exc:
        return None, [finding("yaml-syntax", relpath, exc.line, _syntax_message(exc.problem))]
    record_id = parsed.data.get("id") if isinstance(parsed.data, dict) else None
    record_id = record_id if isinstance(record_id, str) else None
    findings = [
        finding(p.code, relpath, p.line, _YAML_MESSAGES[p.code].format(text=p.text), record=record_id)
        for p in parsed.problems
    ]
    if parsed.data is None:
        findings.append(finding("file-empty", relpath, 1, "文件里只有注释，没有记录内容：请填写记录，或删除这个文件。"))
        return None, findings
    if not isinstance(parsed.data, dict):
        findings.append(finding("not-a-mapping", relpath, 1, "文件内容应是“字段: 值”的形式，而不是列表或单个值。"))
        return None, findings
    source = RecordFile(relpath, kind, parsed.data, parsed.lines)
    reported = {p.path for p in parsed.problems}
    declared = kinds.by_name(kind)
    for problem in declared.validator().problems(parsed.data):
        if problem.path in reported:
            continue  # already explained by the YAML reading
        reported.add(problem.path)
        findings.append(finding(problem.code, relpath, source.line_of(problem.path), problem.message, record=record_id))
    for path, reason in bad_times(source, declared.time_fields, declared.amendable):
        if path in reported:
            continue
        findings.append(finding("time-invalid", relpath, source.line_of(path), f"`{path}`：{reason}。", record=record_id))
    source.valid = not any(f.severity == "error" for f in findings)
    return source, findings


_LONE_CR = re.compile(r"\r(?!\n)")


def text_anomaly(text: str) -> tuple[str, int, str] | None:
    """(code, line, message) when the decoded text has what no editor shows but readers disagree on.

    One byte-order mark at the start is dropped by ``decode`` (nothing is lost) and CRLF line ends are
    read as LF by every YAML and CSV reader. A second BOM is read by some tools as part of the first
    field's name and a lone CR (old Mac line ends) puts the whole file on one line in Git and on
    GitHub, so reviewers cannot see it: both are reported, never rewritten silently."""
    if "\ufeff" in text:
        line = text.count("\n", 0, text.index("\ufeff")) + 1
        return ("file-bom-repeated", line, "文件里有多余的字节顺序标记（BOM，U+FEFF，常因多次用记事本另存产生）：有的软件会把它"
                "当成字段名的一部分。请用编辑器以“UTF-8（无 BOM）”另存，本工具不会自动删除它。")
    if "\r" in text:
        match = _LONE_CR.search(text)
        if match is not None:
            line = text.count("\n", 0, match.start()) + 1
            return ("file-line-endings", line, "文件用单独的回车符（CR，旧 Mac 格式）换行：Git 和网页会把整份文件显示成一行，"
                    "审阅时看不到内容。请在编辑器中把换行改为 LF（或 Windows 的 CRLF）后保存；CRLF 可以直接使用。")
    return None


def _too_large(size: int, kind: str) -> str:
    if kinds.by_name(kind).list_sized:
        return (f"文件有 {size / 1024 / 1024:.1f} MiB，超过名单类文件 {MAX_LIST_BYTES // 1024 // 1024} MiB 的上限："
                "请检查是否误放了其他内容（如整份客户清单、附件）。")
    return (f"文件有 {size // 1024} KiB，超过 {MAX_FILE_BYTES // 1024} KiB 上限：一个文件只记一条记录"
            "（一次回访、一封复函），附件、录音、扫描件不要放进记录。")


# One tuple per layout of fields: most records share a handful, and ``marshal`` stores a shared tuple once.
_LINE_PATHS: dict[tuple[str, ...], tuple[str, ...]] = {}


def read_payload(root: Path, relpath: str, kind: str) -> tuple[Any, ...]:
    """What reading one file gives, as plain values that ``marshal`` stores (see cache.py).

    ``(findings, body)``: the findings as rows without the file; for an orders file the
    orders as rows, for a record ``(valid, lines, data, row)`` or None when there is no
    mapping. A valid file of a kind with a ``row`` (the visits: the bulk of the archive)
    leaves ``data`` out and comes as that row of its typed record (its file is read again
    if something needs the mapping).
    """
    if kind == _ORDERS:
        text, findings = read_text(root, relpath, kind)
        orders, parsed = parse_orders(text, relpath) if text is not None else ([], [])
        return _finding_rows(findings + parsed), tuple(order_row(order) for order in orders)
    source, findings = read_record_file(root, relpath, kind)
    if source is None:
        return _finding_rows(findings), None
    paths = tuple(source.lines)
    lines = (_LINE_PATHS.setdefault(paths, paths), tuple(source.lines.values()))
    to_row = kinds.by_name(kind).row
    if to_row is not None and source.valid:
        return _finding_rows(findings), (True, lines, None, to_row(source.data))
    return _finding_rows(findings), (source.valid, lines, source.data, None)


def _finding_rows(findings: list[Finding]) -> tuple[tuple[Any, ...], ...]:
    return tuple((f.line, f.severity, f.article, f.record, f.code, f.message) for f in findings)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Loading and checking a big archive makes millions of objects and hardly any garbage
    cycles: the cyclic collector would only walk them again and again (a third of the
    time of a big year), so it waits until the end. Nests; restores what it found."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _under(paths: list[str], folder: str) -> list[str]:
    """The sorted ``paths`` in ``folder`` (found by bisection: a big year has 200,000 paths)."""
    start = bisect_left(paths, folder)
    return paths[start:bisect_left(paths, folder[:-1] + chr(ord(folder[-1]) + 1), start)]


@dataclass(frozen=True)
class Selection:
    """The part of an archive an incremental run loads: these files (each of them there), and of an orders
    file in ``rows`` only the rows of those work orders (an orders file not in ``rows``: every row)."""

    paths: frozenset[str]
    rows: dict[str, frozenset[str]] = field(default_factory=dict)


def load_archive(root: Path, *, jobs: int | None = None, use_cache: bool = True, select: Selection | None = None,
                 keys: dict[str, str] | None = None, paths: list[str] | None = None,
                 shards: Shards | None = None) -> Archive:
    """Read every file under ``root/records`` and the policy once; invalid files are kept for placement checks.

    Files whose content was read before come from the cache (``use_cache``); the others
    are read by ``jobs`` processes (None: as many as there are processors when there
    are enough files to share). Every way gives the same archive. With ``select`` only
    those files are loaded (the archive's ``paths`` still lists every file); ``keys`` are the
    files' content keys and ``paths`` the files (``discover``) when the caller has them already;
    ``shards`` those of a run that loads parts of the archive more than once (``cache.Shards``).
    """
    index = GitIndex(root) if use_cache and keys is None else None  # Git stats the files while this process lists them
    archive = Archive(root=root, paths=paths if paths is not None else discover(root))
    with collector_paused():
        chosen = archive.paths if select is None else sorted(select.paths)
        found = {relpath: kinds.for_path(relpath) for relpath in chosen}
        items = [(relpath, kind.name) for relpath, kind in found.items() if kind is not None]
        has_policy = (root / POLICY_FILE).is_file()
        payloads = read_all(root, [(POLICY_FILE, "policy")] * has_policy + items, read_payload, prepare=_compile_schemas,
                            jobs=jobs, use_cache=use_cache, index=index, stats=archive.load_stats, keys=keys,
                            shards=shards)
        archive.policy = _load_policy(next(payloads) if has_policy else None, archive.findings)
        orders = kinds.by_name(_ORDERS)
        archive.order_months = {month for p in _under(archive.paths, ORDERS_FOLDER) if kinds.for_path(p) is orders
                                for month in [month_of_orders_file(p)] if month}
        wanted_rows = select.rows if select is not None else {}
        for relpath in chosen:
            kind = found[relpath]
            if kind is None:
                archive.findings.append(_unexpected(root, relpath))
                continue
            rows, body = next(payloads)
            archive.findings.extend(Finding(relpath, *row) for row in rows)
            if kind is orders:
                wanted = wanted_rows.get(relpath)
                archive.orders.extend(order_from_row(row, relpath) for row in body if wanted is None or row[0] in wanted)
                continue
            if body is None:
                continue
            valid, lines, data, row = body
            source = RecordFile(relpath, kind.name, data, lines, valid, root)
            archive.files.append(source)
            if valid:
                _add(archive, kind, source, row)
        payloads.close()  # the worker processes end now, not when the archive is returned: less memory meanwhile
        archive.record_years = {v.visited_at.year for v in archive.visits} | {o.archived_at.year for o in archive.orders}
        if archive.policy is not None:
            archive.rules = DeadlineRules(archive.policy, archive.calendar, archive.disasters, archive.units)
            archive.cases = build_cases(archive.visits, archive.orders, archive.rules)
    return archive


def _add(archive: Archive, kind: kinds.Kind, source: RecordFile, row: tuple[Any, ...] | None) -> None:
    """Turn a valid file into typed records in the archive (from its cached row when given), as its kind says."""
    if kind.enter is not None:
        kind.enter(archive, source, row)
    elif kind.build is not None:
        archive.extra.setdefault(kind.name, []).append(kind.build(source))


def _compile_schemas(names: set[str]) -> None:
    """Compile the schemas of the files about to be read, once, before any worker process starts."""
    for name in sorted(names):
        kinds.by_name(name).validator()


def _load_policy(payload: tuple[Any, ...] | None, findings: list[Finding]) -> Policy | None:
    if payload is None:
        findings.append(finding("policy-invalid", POLICY_FILE, None, "缺少考核政策文件 policy.yaml：时限无法计算，请从仓库恢复该文件。"))
        return None
    rows, body = payload
    findings.extend(Finding(POLICY_FILE, *row) for row in rows)
    return Policy.from_data(body[2]) if body is not None and body[0] else None


LINK_FREE_FOLDERS = ("schemas", "docs")  # besides records/: the formats and the site's pages


def links_outside_records(root: Path) -> list[Finding]:
    """A finding for every symlink under ``schemas/`` and ``docs/`` (records/ has its own, as it is read):
    a few dozen entries, listed on every run; the site leaves these files out."""
    found = []
    stack = list(LINK_FREE_FOLDERS)
    while stack:
        folder = stack.pop()
        if os.path.islink(f"{root}/{folder}"):
            found.append(finding("symlink-not-allowed", folder, None, SYMLINK_MESSAGE))
            continue
        try:
            entries = list(os.scandir(f"{root}/{folder}"))
        except OSError:
            continue
        for entry in entries:
            if entry.is_symlink():
                found.append(finding("symlink-not-allowed", f"{folder}/{entry.name}", None, SYMLINK_MESSAGE))
            elif entry.is_dir(follow_symlinks=False):
                stack.append(f"{folder}/{entry.name}")
    return sorted(found, key=lambda f: f.file)


def _unexpected(root: Path, relpath: str) -> Finding:
    if os.path.islink(f"{root}/{relpath}"):  # a link to a file or to a folder (the listing does not enter those)
        return finding("symlink-not-allowed", relpath, None, SYMLINK_MESSAGE)
    name = relpath.rsplit("/", 1)[-1]
    if name.endswith(".yml"):
        return finding("file-not-record", relpath, None, "扩展名应为 .yaml（不是 .yml）：请重命名文件。")
    if relpath.endswith(".yaml"):
        return finding(
            "path-unexpected",
            relpath,
            None,
            "这个位置不应有记录文件：回访放在 records/visits/<单位>/<年>/<月>/，复函放在 records/letters/<单位>/<年>/<月>/，"
            "计划放在 records/plans/，连心卡轮次放在 records/rounds/，抽样名单放在 records/samples/。",
        )
    return finding(
        "file-not-record",
        relpath,
        None,
        "records/ 下只能放 .yaml 记录文件（工单放在 records/orders/<年>-<月>.csv）：附件、表格、图片请放到档案系统之外，或删除这个文件。",
    )
