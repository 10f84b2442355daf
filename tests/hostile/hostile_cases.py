"""The hostile-input corpus: one entry per case (see hostile_harness.Case for what an entry declares).

Adding a case is adding one ``Case(...)`` below. The archive a case starts from is hostile_harness.build_template:
units marketing/tanggu/xinbei, one visit (VISIT) with its work order in ORDERS, one letter (LETTER), the
disasters list and the rules (policy.yaml), committed on main. ``out/…`` paths are planted outside the archive.
What each case expects is what issue 16 and docs/reliability.md promise.
"""

from __future__ import annotations

import io

import openpyxl

from conftest import EXAMPLES, policy_text
from hostile_harness import AS_OF, LETTER, ORDER_ROW, ORDERS, ORDERS_HEADER, VISIT, Case, Fifo, Remove, Symlink

VISIT_TEXT = (EXAMPLES / "valid/repair-visit.yaml").read_text(encoding="utf-8")
VISIT2 = "records/visits/tanggu/2026/11/HF-20261125-0002.yaml"
VISIT2_TEXT = VISIT_TEXT.replace("HF-20261125-0001", "HF-20261125-0002")
SAMPLE = "records/samples/2026-10.yaml"
DECISIONS = "records/decisions/2026-11.yaml"
CN_HEADER = "工单号,业务类型,受理单位,户号,客户类型,归档时间,重点客户类别\n"
EXPORT_ROW = "GD2026112600001,故障报修,塘沽供电分公司,0212345679,居民,2026-11-26 10:00,\n"
CUSTOMERS_HEADER = "account,usage_type,unit\n"
WRITES_ORDERS = (ORDERS, "records/orders/.*", "records/orders/*.lock")
NEW_VISITS = ("records/visits/tanggu/2026/11/*",)


def visit(old: str, new: str) -> str:
    """The template visit with one piece of text replaced (the replaced text must be there)."""
    assert old in VISIT_TEXT, old
    return VISIT_TEXT.replace(old, new)


def nested(depth: int, open_: str = "[", close: str = "]") -> str:
    return open_ * depth + "repair" + close * depth


def billion_laughs() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},"
                     f"*{previous},*{previous},*{previous}]")
    return "\n".join(lines) + "\n" + VISIT_TEXT


def xlsx(*rows: list[object], title: str | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def customers(*rows: str, header: str = CUSTOMERS_HEADER) -> str:
    usage = ["居民生活"] * 8 + ["一般工商业"] * 2
    base = [f"02{n:08d},{usage[n % 10]},tanggu" for n in range(40)]
    return header + "\n".join([*base, *rows]) + "\n"


def sample_text(**replace: str) -> str:
    text = ('month: "2026-10"\nseed: 202610\nratio: 0.1\nsource:\n  file: customers.csv\n  sha256: "00"\n  rows: 40\n'
            "strata: []\ncustomers: []\n")
    for old, new in replace.items():
        text = text.replace(old, new)
    return text


def decisions(amount: str) -> str:
    return ('month: "2026-11"\ndecided_by: 营销部 周建国\ndecided_at: "2026-11-30"\ndecisions:\n'
            f"- case: 26-tanggu-HF-20261125-0001\n  head_amount: {amount}\n  reason: 酌情考核。\n")


# Every field of a visit (tanggu, work order GD2026112500124, not in the orders: a warning at most).
VISIT_FLAGS = (
    "visit", "--category", "repair", "--order", "GD2026112500124", "--unit", "tanggu", "--trigger-kind", "repair",
    "--archived-at", "2026-11-25 14:30", "--account", "0212345678", "--name", "王建华", "--phone", "13800001234",
    "--customer-kind", "residential", "--method", "phone", "--visited-at", "2026-11-26 08:00", "--visitor", "李敏",
    "--topics", "repair", "--reached", "是", "--satisfaction", "satisfied")


def record_case(id: str, content: str | bytes, *, path: str = VISIT, expect: tuple[str, ...] = (),
                subprocess: bool = False, status: int | tuple[int, ...] = 1, why: str = "") -> Case:
    """``validate`` over the template with one file replaced: an error finding naming the file (exit 1)."""
    return Case(id, "validate", AS_OF, status, (path, *expect), plant={path: content}, subprocess=subprocess, why=why)


def validate_option(id: str, *args: str, expect: str) -> Case:
    return Case(id, "validate", args, 2, (expect,))


CASES: list[Case] = [
    # ── records: encodings and bytes ────────────────────────────────────────────────────────────────────
    record_case("record-gbk", VISIT_TEXT.encode("gbk")),
    record_case("record-gb18030-4byte", VISIT_TEXT.replace("王某某", "王某某𠀀").encode("gb18030")),
    record_case("record-utf16-le-bom", VISIT_TEXT.encode("utf-16")),
    record_case("record-utf16-be", VISIT_TEXT.encode("utf-16-be")),
    record_case("record-utf32", VISIT_TEXT.encode("utf-32")),
    # A BOM or line-ending anomaly is reported (as an error or a warning: both name the file).
    record_case("record-doubled-bom", b"\xef\xbb\xbf\xef\xbb\xbf" + VISIT_TEXT.encode(), status=(0, 1)),
    record_case("record-bom-mid-file", visit("visitor: 李敏", "visitor: \ufeff李敏").encode(), status=(0, 1)),
    record_case("record-cr-only-line-endings", VISIT_TEXT.replace("\n", "\r").encode(), status=(0, 1)),
    record_case("record-mixed-line-endings", VISIT_TEXT.replace("\n", "\r", 3).encode(), status=(0, 1)),
    record_case("record-nul-byte", visit("抢修及时", "抢修\x00及时").encode()),
    record_case("record-nul-bytes-only", b"\x00" * 4096),
    record_case("record-invalid-utf8", VISIT_TEXT.encode() + b"opinion2: \xff\xfe\xfd\n"),
    record_case("record-truncated-utf8", VISIT_TEXT.encode()[:-8] + "满".encode()[:2]),
    record_case("record-overlong-utf8", VISIT_TEXT.encode().replace(b"visitor: ", b"visitor: \xc0\xaf")),
    record_case("record-c1-control", visit("抢修及时", "抢修\x1b[2J及时")),
    record_case("record-random-binary", bytes(range(256)) * 16),
    # ── records: size and nesting ───────────────────────────────────────────────────────────────────────
    record_case("record-5000-nested-brackets", visit("topics: [repair]", "topics: " + nested(5000))),
    record_case("record-5000-open-brackets", "topics: " + "[" * 5000 + "\n"),
    record_case("record-5000-nested-braces", visit("topics: [repair]", "topics: " + nested(5000, "{a: ", "}"))),
    record_case("record-3000-nested-block-sequences", visit("topics: [repair]", "topics:\n" + "".join(
        "  " * level + "-\n" for level in range(3000)) + "  " * 3000 + "- repair")),
    record_case("record-nested-subprocess", visit("topics: [repair]", "topics: " + nested(5000)), subprocess=True),
    record_case("record-over-size-limit", VISIT_TEXT + "# " + "填" * 40000 + "\n", expect=("file-too-large",)),
    record_case("record-huge-single-line", "opinion: " + "x" * 2_000_000 + "\n", expect=("file-too-large",)),
    # ── records: numbers ────────────────────────────────────────────────────────────────────────────────
    record_case("record-5000-digit-integer", visit("voltage_kv: 0.4", "voltage_kv: " + "9" * 5000)),
    record_case("record-5000-digit-integer-subprocess", visit("voltage_kv: 0.4", "voltage_kv: " + "9" * 5000),
                subprocess=True),
    record_case("record-20-digit-integer", visit("voltage_kv: 0.4", "voltage_kv: 12345678901234567890")),
    record_case("record-5000-digit-float", visit("voltage_kv: 0.4", "voltage_kv: 0." + "4" * 5000 + "e99999")),
    record_case("record-nan", visit("voltage_kv: 0.4", "voltage_kv: .nan")),
    record_case("record-NaN-capital", visit("voltage_kv: 0.4", "voltage_kv: .NaN")),
    record_case("record-inf", visit("voltage_kv: 0.4", "voltage_kv: .inf")),
    record_case("record-negative-inf", visit("voltage_kv: 0.4", "voltage_kv: -.Inf")),
    record_case("record-float-overflow", visit("voltage_kv: 0.4", "voltage_kv: 1e400")),
    record_case("record-hex-integer", visit("voltage_kv: 0.4", "voltage_kv: 0x" + "f" * 4000)),
    # ── records: YAML features ──────────────────────────────────────────────────────────────────────────
    record_case("record-duplicate-key", visit("visitor: 李敏", "visitor: 李敏\nvisitor: 张三")),
    record_case("record-duplicate-nested-key", visit('  name: 王某某', '  name: 王某某\n  name: 李四')),
    record_case("record-billion-laughs", billion_laughs()),
    record_case("record-alias-to-undefined-anchor", visit("topics: [repair]", "topics: *nowhere")),
    # Were the tag obeyed, the file would appear in the archive and the unchanged-tree check would fail.
    record_case("record-python-object-tag", "!!python/object/apply:os.system ['touch {root}/pwned']\n"),
    record_case("record-python-object-tag-in-value", visit("visitor: 李敏", "visitor: !!python/object/apply:"
                                                           "subprocess.call [[touch, '{root}/pwned']]")),
    record_case("record-python-name-tag", visit("visitor: 李敏", "visitor: !!python/name:os.system")),
    record_case("record-binary-tag", visit("visitor: 李敏", "visitor: !!binary aGVsbG8=")),
    record_case("record-local-tag", visit("visitor: 李敏", "visitor: !staff 李敏")),
    record_case("record-complex-key", "? [a, b]\n: c\n" + VISIT_TEXT),
    record_case("record-two-documents", VISIT_TEXT + "---\n" + VISIT_TEXT),
    record_case("record-zero-width-space-in-id", visit("id: HF-20261125-0001", "id: HF-20261125-0001\u200b")),
    record_case("record-tab-indentation", visit("  name: 王某某", "\tname: 王某某")),
    record_case("record-top-level-list", "- " + VISIT_TEXT.replace("\n", "\n  ")),
    record_case("record-top-level-scalar", "就是一句话\n"),
    record_case("record-null-document", "~\n"),
    record_case("record-surrogate-escape", visit("opinion: 抢修及时，服务态度好。", 'opinion: "\\ud800\\udfff"')),
    record_case("record-invalid-escape", visit("opinion: 抢修及时，服务态度好。", 'opinion: "\\q"')),
    # ── records: values ─────────────────────────────────────────────────────────────────────────────────
    record_case("record-unknown-satisfaction", visit("satisfaction: satisfied", "satisfaction: ecstatic")),
    record_case("record-unknown-customer-kind", visit("kind: residential", "kind: commercial")),
    record_case("record-unknown-unit", visit("unit: tanggu", "unit: nowhere")),
    record_case("record-impossible-date", visit("visited_at: 2026-11-26 08:00", "visited_at: 2026-02-30 08:00")),
    record_case("record-year-99999", visit("archived_at: 2026-11-25T14:30:00+08:00",
                                           "archived_at: 99999-11-25T14:30:00+08:00")),
    record_case("record-timezone-offset-99", visit("archived_at: 2026-11-25T14:30:00+08:00",
                                                   "archived_at: 2026-11-25T14:30:00+99:00")),
    record_case("record-account-as-20-digit-number", visit('account: "0212345678"', "account: 21234567890123456789")),
    # ── records: what is not a regular file inside the repository ───────────────────────────────────────
    Case("symlink-to-file-outside", "validate", AS_OF, 1, ("HF-20261125-0002.yaml", "symlink-not-allowed"),
         plant={"out/secret.yaml": VISIT2_TEXT, VISIT2: Symlink("{out}/secret.yaml")}),
    Case("symlink-to-record-inside", "validate", AS_OF, 1, ("HF-20261125-0002.yaml", "symlink-not-allowed"),
         plant={VISIT2: Symlink("HF-20261125-0001.yaml")}),
    Case("symlink-to-dev-zero", "validate", AS_OF, 1, ("HF-20261125-0002.yaml", "symlink-not-allowed"),
         plant={VISIT2: Symlink("/dev/zero")}, subprocess=True),
    Case("symlink-dangling", "validate", AS_OF, 1, ("HF-20261125-0002.yaml",),
         plant={VISIT2: Symlink("{out}/nothing.yaml")}),
    Case("symlink-loop", "validate", AS_OF, 1, ("HF-20261125-0002.yaml",), plant={VISIT2: Symlink(VISIT2.rsplit("/", 1)[1])}),
    Case("symlinked-folder", "validate", AS_OF, 1, ("records/visits/xinbei", "symlink-not-allowed"),
         plant={"out/folder/2026/11/HF-20261125-0003.yaml": VISIT_TEXT.replace("HF-20261125-0001", "HF-20261125-0003")
                .replace("unit: tanggu", "unit: xinbei"), "records/visits/xinbei": Symlink("{out}/folder")}),
    Case("symlinked-units-file", "validate", AS_OF, 2, ("records/units.yaml", "symlink-not-allowed"),
         plant={"out/units.yaml": (EXAMPLES / "base/records/units.yaml").read_text(encoding="utf-8"),
                "records/units.yaml": Symlink("{out}/units.yaml")}),
    Case("fifo-in-records", "validate", AS_OF, 1, ("HF-20261125-0002.yaml",), plant={VISIT2: Fifo()}, subprocess=True),
    Case("folder-named-like-a-record", "validate", AS_OF, 1, ("HF-20261125-0002.yaml",),
         plant={VISIT2 + "/x.yaml": VISIT_TEXT}),
    # ── configuration files the validator reads ─────────────────────────────────────────────────────────
    Case("policy-broken-yaml", "validate", AS_OF, 2, ("policy.yaml",), plant={"policy.yaml": "sampling: [\n"}),
    Case("policy-missing", "validate", AS_OF, 2, ("policy.yaml",), plant={"policy.yaml": Remove()}),
    Case("policy-gbk", "validate", AS_OF, 2, ("policy.yaml",), plant={"policy.yaml": "# 规则\nsampling: 是\n".encode("gbk")}),
    Case("policy-nested", "validate", AS_OF, 2, ("policy.yaml",), plant={"policy.yaml": "sampling: " + nested(5000)}),
    Case("policy-nan-ratio", "validate", AS_OF, 2, ("policy.yaml",),
         plant={"policy.yaml": policy_text({"sampling.ratio": float("nan")})}),
    Case("units-broken-yaml", "validate", AS_OF, 2, ("records/units.yaml",), plant={"records/units.yaml": "units: [\n"}),
    Case("units-nested", "validate", AS_OF, 2, ("records/units.yaml",), plant={"records/units.yaml": "units: " + nested(5000)}),
    Case("units-empty", "validate", AS_OF, 2, ("records/units.yaml",), plant={"records/units.yaml": ""}),
    Case("calendar-impossible-date", "validate", AS_OF, 2, ("records/calendar.yaml",),
         plant={"records/calendar.yaml": 'corrections:\n  - date: "2026-02-30"\n    workday: false\n'
                                         "    reason: 测试\n    approved_by: 营销部 周建国\n"}),
    Case("calendar-nested", "validate", AS_OF, 2, ("records/calendar.yaml",),
         plant={"records/calendar.yaml": "corrections: " + nested(5000)}),
    Case("disasters-end-before-start", "validate", AS_OF, 2, ("records/disasters.yaml",),
         plant={"records/disasters.yaml": "disasters:\n  - id: DS-2026-09\n    name: 台风\n    start: 2026-09-16 00:00\n"
                "    end: 2026-09-14 23:59\n    units: [tanggu]\n    approved_by: 营销部 周建国\n    document: 文件\n"}),
    Case("disasters-5000-digit-id", "validate", AS_OF, 2, ("records/disasters.yaml",),
         plant={"records/disasters.yaml": "disasters:\n  - id: " + "9" * 5000 + "\n"}),
    Case("decisions-negative-amount", "validate", AS_OF, 1, (DECISIONS,), plant={DECISIONS: decisions("-300")}),
    Case("decisions-amount-as-text", "validate", AS_OF, 1, (DECISIONS,), plant={DECISIONS: decisions("300元")}),
    Case("decisions-nan-amount", "validate", AS_OF, 1, (DECISIONS,), plant={DECISIONS: decisions(".nan")}),
    Case("decisions-5000-digit-amount", "validate", AS_OF, 1, (DECISIONS,), plant={DECISIONS: decisions("9" * 5000)}),
    Case("decisions-unknown-case", "validate", AS_OF, 1, (DECISIONS,), plant={DECISIONS: decisions("300").replace(
        "26-tanggu-HF-20261125-0001", "26-nowhere-GD0")}),
    Case("sample-broken-yaml", "validate", AS_OF, 1, (SAMPLE,), plant={SAMPLE: "customers: [\n"}),
    # ── work orders kept in the archive ─────────────────────────────────────────────────────────────────
    Case("orders-row-in-another-year", "validate", AS_OF, 1, (ORDERS,),
         plant={ORDERS: ORDERS_HEADER + ORDER_ROW + "GD2025112500001,repair,tanggu,0212345670,residential,2025-11-25 10:00:00,\n"}),
    Case("orders-row-in-another-month", "validate", AS_OF, 1, (ORDERS,),
         plant={ORDERS: ORDERS_HEADER + ORDER_ROW + "GD2026102500001,repair,tanggu,0212345670,residential,2026-10-25 10:00:00,\n"}),
    Case("orders-gd-and-GD-duplicate", "validate", AS_OF, 1, (ORDERS,),
         plant={ORDERS: ORDERS_HEADER + ORDER_ROW + ORDER_ROW.replace("GD", "gd")}),
    Case("orders-gbk", "validate", AS_OF, 1, (ORDERS,), plant={ORDERS: (ORDERS_HEADER + ORDER_ROW.replace(
        "residential", "居民")).encode("gbk")}),
    Case("orders-nul-bytes", "validate", AS_OF, 1, (ORDERS,), plant={ORDERS: (ORDERS_HEADER + ORDER_ROW).encode() + b"\x00" * 64}),
    Case("orders-unknown-customer-kind", "validate", AS_OF, 1, (ORDERS,),
         plant={ORDERS: ORDERS_HEADER + ORDER_ROW.replace("residential", "commercial")}),
    # ── validate: options and surroundings ──────────────────────────────────────────────────────────────
    validate_option("validate-as-of-words", "--as-of", "昨天", expect="--as-of"),
    validate_option("validate-as-of-month-13", "--as-of", "2026-13-01T09:00", expect="--as-of"),
    validate_option("validate-as-of-hour-25", "--as-of", "2026-11-27T25:00", expect="--as-of"),
    validate_option("validate-as-of-year-10-digits", "--as-of", "9999999999-01-01T00:00", expect="--as-of"),
    validate_option("validate-as-of-empty", "--as-of", "", expect="--as-of"),
    validate_option("validate-as-of-nul", "--as-of", "2026-11-27\x00T09:00", expect="--as-of"),
    validate_option("validate-jobs-zero", *AS_OF, "--jobs", "0", expect="--jobs"),
    validate_option("validate-jobs-huge", *AS_OF, "--jobs", "99999999999999999999", expect="--jobs"),
    validate_option("validate-format-unknown", *AS_OF, "--format", "xml", expect="--format"),
    validate_option("validate-path-outside-archive", *AS_OF, "/etc/passwd", expect="/etc/passwd"),
    validate_option("validate-base-unknown", *AS_OF, "--base", "origin/没有这个分支", expect="origin/没有这个分支"),
    validate_option("validate-base-option-injection", *AS_OF, "--base", "--output=/tmp/x", expect="--base"),
    validate_option("validate-path-escaping-root", *AS_OF, "records/../../", expect="records/../../"),
    Case("validate-leftover-temp-file-ignored", "validate", AS_OF, 0, ("检查了 6 个文件",),
         plant={"records/visits/tanggu/2026/11/.HF-20261125-0001.yaml.4242.x1y2.tmp": b"\x00half-writ"},
         why="a killed writer's temporary file is never read"),
    Case("validate-leftover-lock-file-ignored", "validate", AS_OF, 0, ("检查了 6 个文件",),
         plant={"records/orders/.2026-11.csv.lock": ""}),
    Case("validate-root-without-records", "validate", (*AS_OF, "--root", "{out}"), 2, ("--root",), root_option=False),
    Case("validate-outside-git", "validate", AS_OF, 0, ("Git",), git=False, subprocess=True,
         why="outside a Git work tree the validator says that the archive-time checks were not made"),
    # ── due.py ──────────────────────────────────────────────────────────────────────────────────────────
    Case("due-unit-chinese-name", "due", (*AS_OF, "--unit", "塘沽供电分公司"), 0, ("塘沽供电分公司",)),
    Case("due-unknown-unit", "due", (*AS_OF, "--unit", "nowhere"), 2, ("nowhere", "records/units.yaml")),
    Case("due-negative-days", "due", (*AS_OF, "--days", "-1"), 2, ("--days",)),
    Case("due-days-not-a-number", "due", (*AS_OF, "--days", "三"), 2, ("--days",)),
    Case("due-days-huge", "due", (*AS_OF, "--days", "99999999999999999999"), 2, ("--days",)),
    Case("due-as-of-bad", "due", ("--as-of", "2026-11-31T09:00"), 2, ("--as-of",)),
    Case("due-invalid-record-named", "due", AS_OF, 0, (VISIT, "没有计入"),
         plant={VISIT: visit("satisfaction: satisfied", "satisfaction: ecstatic")},
         why="its work order is listed as still waiting: the list says which record it could not count"),
    Case("due-nested-record", "due", AS_OF, 0, (VISIT,), plant={VISIT: visit("topics: [repair]", "topics: " + nested(5000))},
         why="a record due cannot read is named, not silently left out of the list"),
    Case("due-5000-digit-record", "due", AS_OF, 0, (VISIT,),
         plant={VISIT: visit("voltage_kv: 0.4", "voltage_kv: " + "9" * 5000)}, subprocess=True),
    Case("due-broken-units", "due", AS_OF, 2, ("records/units.yaml",), plant={"records/units.yaml": "units: [\n"}),
    Case("due-broken-policy", "due", AS_OF, 2, ("policy.yaml",), plant={"policy.yaml": "deadlines: [\n"}),
    Case("due-symlink-to-dev-zero", "due", AS_OF, 0, ("HF-20261125-0002.yaml",),
         plant={VISIT2: Symlink("/dev/zero")}, subprocess=True),
    # ── new_record.py visit / letter ────────────────────────────────────────────────────────────────────
    Case("visit-all-options-real-clock", "new_record", VISIT_FLAGS, 0, ("records/visits/tanggu/2026/11/",),
         writes=NEW_VISITS, subprocess=True, why="the normal case: every field given, no --as-of"),
    Case("visit-quoted-account", "new_record", tuple(
        '"0212345678"' if flag == "0212345678" else flag for flag in VISIT_FLAGS) + AS_OF, 0,
         ("records/visits/tanggu/2026/11/",), writes=NEW_VISITS, why="the prompt says to quote the account"),
    Case("visit-root-is-a-file", "new_record", (*VISIT_FLAGS, *AS_OF, "--root", "{out}/file"), 2, ("--root",),
         plant={"out/file": "x"}, root_option=False),
    Case("visit-unknown-unit", "new_record", ("visit", "--unit", "nowhere", *AS_OF), 2, ("nowhere",)),
    Case("visit-account-with-letters", "new_record", ("visit", "--account", "02123ab678", *AS_OF), 2, ("--account",)),
    Case("visit-voltage-nan", "new_record", (*VISIT_FLAGS, "--voltage-kv", "nan", *AS_OF), 2, ("--voltage-kv",)),
    Case("visit-voltage-inf", "new_record", (*VISIT_FLAGS, "--voltage-kv", "1e999", *AS_OF), 2, ("--voltage-kv",)),
    Case("visit-voltage-5000-digits", "new_record", (*VISIT_FLAGS, "--voltage-kv", "9" * 5000, *AS_OF), 2,
         ("--voltage-kv",)),
    Case("visit-reached-maybe", "new_record", ("visit", "--reached", "也许", *AS_OF), 2, ("--reached",)),
    Case("visit-archived-at-nonsense", "new_record", ("visit", "--archived-at", "2026-11-25T99:99", *AS_OF), 2,
         ("--archived-at",)),
    Case("visit-as-of-bad", "new_record", ("visit", "--as-of", "now"), 2, ("--as-of",)),
    Case("visit-into-symlinked-folder", "new_record", (
        "visit", "--category", "repair", "--order", "GD2026120100001", "--unit", "tanggu", "--trigger-kind", "repair",
        "--archived-at", "2026-12-01 09:00", "--account", "0212345678", "--name", "王建华", "--phone", "13800001234",
        "--customer-kind", "residential", "--method", "phone", "--visited-at", "2026-12-01 12:00", "--visitor", "李敏",
        "--topics", "repair", "--reached", "是", "--satisfaction", "satisfied", "--as-of", "2026-12-01T13:00"), 2,
         ("records/visits/tanggu/2026/12",), plant={"out/elsewhere/keep.txt": "x", "records/visits/tanggu/2026/12":
                                                   Symlink("{out}/elsewhere")}),
    Case("visit-broken-units", "new_record", ("visit", "--unit", "tanggu", *AS_OF), 2, ("records/units.yaml",),
         plant={"records/units.yaml": "units: " + nested(5000)}),
    Case("visit-over-nested-record", "new_record", VISIT_FLAGS + AS_OF, (0, 1), ("records/visits/tanggu/2026/11/",),
         plant={VISIT: visit("topics: [repair]", "topics: " + nested(5000))}, writes=NEW_VISITS,
         why="another record of the archive that cannot be read does not stop the clerk"),
    Case("letter-received-at-impossible", "new_record", ("letter", "--received-at", "2026-02-30", *AS_OF), 2,
         ("--received-at",)),
    Case("letter-unit-path-traversal", "new_record", ("letter", "--unit", "../../../tmp", *AS_OF), 2, ("../../../tmp",)),
    # ── new_record.py amend / void / submission ─────────────────────────────────────────────────────────
    Case("amend-unknown-id", "new_record", ("amend", "HF-20261125-9999", "--set", "visitor=张三", "--by", "李敏",
                                             "--reason", "录错", *AS_OF), 2, ("HF-20261125-9999",)),
    Case("amend-file-outside-archive", "new_record", ("amend", "{out}/x.yaml", "--set", "visitor=张三", "--by", "李敏",
                                                       "--reason", "录错", *AS_OF), 2, ("x.yaml",),
         plant={"out/x.yaml": VISIT_TEXT}),
    Case("amend-set-nan", "new_record", ("amend", VISIT, "--set", "customer.voltage_kv=.nan", "--by", "李敏",
                                          "--reason", "录错", *AS_OF), 2, ("voltage_kv",)),
    Case("amend-set-nested", "new_record", ("amend", VISIT, "--set", "topics=" + nested(5000), "--by", "李敏",
                                             "--reason", "录错", *AS_OF), 2, ("topics",)),
    Case("amend-set-unknown-field", "new_record", ("amend", VISIT, "--set", "evil=1", "--by", "李敏", "--reason", "录错",
                                                   *AS_OF), 2, ("evil",)),
    Case("amend-set-without-equals", "new_record", ("amend", VISIT, "--set", "visitor", "--by", "李敏", "--reason", "录错",
                                                    *AS_OF), 2, ("--set",)),
    Case("amend-without-reason-no-terminal", "new_record", ("amend", VISIT, "--set", "visitor=张三", "--by", "李敏",
                                                             *AS_OF), 2, ("--reason",)),
    Case("amend-symlinked-record", "new_record", ("amend", VISIT2, "--set", "visitor=张三", "--by", "李敏", "--reason",
                                                  "录错", *AS_OF), 2, ("HF-20261125-0002.yaml",),
         plant={"out/secret.yaml": VISIT2_TEXT, VISIT2: Symlink("{out}/secret.yaml")}),
    Case("amend-gbk-record", "new_record", ("amend", VISIT, "--set", "visitor=张三", "--by", "李敏", "--reason", "录错",
                                            *AS_OF), 2, (VISIT,), plant={VISIT: VISIT_TEXT.encode("gbk")}, subprocess=True),
    Case("void-unknown-id", "new_record", ("void", "FH-20261102-9999", "--by", "李敏", "--reason", "录错", *AS_OF), 2,
         ("FH-20261102-9999",)),
    Case("void-nested-record", "new_record", ("void", VISIT, "--by", "李敏", "--reason", "录错", *AS_OF), 2, (VISIT,),
         plant={VISIT: visit("topics: [repair]", "topics: " + nested(5000))}),
    Case("void-5000-digit-record", "new_record", ("void", LETTER, "--by", "李敏", "--reason", "录错", *AS_OF), 2, (LETTER,),
         plant={LETTER: (EXAMPLES / "valid/letter.yaml").read_text(encoding="utf-8") + "extra: " + "9" * 5000 + "\n"}),
    Case("void-utf16-record", "new_record", ("void", VISIT, "--by", "李敏", "--reason", "录错", *AS_OF), 2, (VISIT,),
         plant={VISIT: VISIT_TEXT.encode("utf-16")}),
    Case("submission-unknown-unit", "new_record", ("submission", "--unit", "nowhere", "--month", "2026-11", *AS_OF), 2,
         ("nowhere",)),
    Case("submission-month-13", "new_record", ("submission", "--unit", "tanggu", "--month", "2026-13", *AS_OF), 2,
         ("--month",)),
    # ── import_orders.py ────────────────────────────────────────────────────────────────────────────────
    Case("import-gbk-chinese-headers", "import_orders", ("{out}/export.csv",), 0, ("GBK",),
         plant={"out/export.csv": (CN_HEADER + EXPORT_ROW).encode("gbk")}, writes=WRITES_ORDERS),
    Case("import-gd-and-GD-in-one-export", "import_orders", ("{out}/export.csv",), 1, ("export.csv",),
         plant={"out/export.csv": CN_HEADER + EXPORT_ROW + EXPORT_ROW.replace("GD", "gd")}),
    Case("import-gd-of-an-imported-GD", "import_orders", ("{out}/export.csv",), 1, ("export.csv",),
         plant={"out/export.csv": CN_HEADER + EXPORT_ROW.replace("GD2026112600001", "gd2026112500123")}),
    Case("import-account-lost-leading-zero", "import_orders", ("{out}/export.csv",), 1, ("export.csv", "212345680"),
         plant={"out/export.csv": CN_HEADER + EXPORT_ROW + EXPORT_ROW.replace("600001", "600002").replace(
             "0212345679", "212345680")}),
    Case("import-unknown-customer-kind", "import_orders", ("{out}/export.csv",), 1, ("export.csv", "临时用电户"),
         plant={"out/export.csv": CN_HEADER + EXPORT_ROW.replace("居民", "临时用电户")}),
    Case("import-unknown-unit", "import_orders", ("{out}/export.csv",), 1, ("export.csv", "火星供电所"),
         plant={"out/export.csv": CN_HEADER + EXPORT_ROW.replace("塘沽供电分公司", "火星供电所")}),
    Case("import-formula-account", "import_orders", ("{out}/export.csv",), 1, ("export.csv",),
         plant={"out/export.csv": CN_HEADER + EXPORT_ROW.replace("0212345679", '"=HYPERLINK(""http://x"")"')}),
    Case("import-utf16", "import_orders", ("{out}/export.csv",), 1, ("export.csv",),
         plant={"out/export.csv": (CN_HEADER + EXPORT_ROW).encode("utf-16")}),
    Case("import-nul-bytes", "import_orders", ("{out}/export.csv",), 1, ("export.csv",),
         plant={"out/export.csv": (CN_HEADER + EXPORT_ROW).encode() + b"\x00\x00\x00\n"}),
    Case("import-cr-only", "import_orders", ("{out}/export.csv",), 0, (ORDERS,),
         plant={"out/export.csv": (CN_HEADER + EXPORT_ROW).replace("\n", "\r")}, writes=WRITES_ORDERS),
    Case("import-missing-file", "import_orders", ("{out}/nothing.csv",), 2, ("nothing.csv",)),
    Case("import-wrong-extension", "import_orders", ("{out}/export.txt",), 2, (".txt",),
         plant={"out/export.txt": CN_HEADER + EXPORT_ROW}),
    Case("import-fifo", "import_orders", ("{out}/export.csv",), 2, ("export.csv",), plant={"out/export.csv": Fifo()},
         subprocess=True),
    Case("import-dev-zero-link", "import_orders", ("{out}/export.csv",), 2, ("export.csv",),
         plant={"out/export.csv": Symlink("/dev/zero")}, subprocess=True),
    # A title row above the header: skipped with the row named, or refused; never "the header lacks columns".
    Case("import-xlsx-title-row", "import_orders", ("{out}/export.xlsx",), (0, 1), ("第 1 行", "标题"),
         writes=WRITES_ORDERS,
         plant={"out/export.xlsx": xlsx(CN_HEADER.strip().split(","), EXPORT_ROW.strip().split(","),
                                        title="滨海供电公司归档工单")}),
    Case("import-xlsx-date-only-cell", "import_orders", ("{out}/export.xlsx",), 1, ("export.xlsx", "第 2 行"),
         plant={"out/export.xlsx": xlsx(CN_HEADER.strip().split(","), [
             "GD2026112600001", "故障报修", "tanggu", "0212345679", "居民",
             __import__("datetime").date(2026, 11, 26), ""])}),
    Case("import-xlsx-not-a-zip", "import_orders", ("{out}/export.xlsx",), 2, ("export.xlsx",),
         plant={"out/export.xlsx": b"PK\x03\x04 not really"}),
    Case("import-xlsx-unknown-sheet", "import_orders", ("{out}/export.xlsx", "--sheet", "第九页"), 2, ("第九页",),
         plant={"out/export.xlsx": xlsx(CN_HEADER.strip().split(","), EXPORT_ROW.strip().split(","))}),
    Case("import-into-broken-month-file", "import_orders", ("{out}/export.csv",), 2, (ORDERS,),
         plant={"out/export.csv": CN_HEADER + EXPORT_ROW, ORDERS: (ORDERS_HEADER + ORDER_ROW).encode("utf-16")}),
    Case("import-into-symlinked-month-file", "import_orders", ("{out}/export.csv",), 2, (ORDERS,),
         plant={"out/export.csv": CN_HEADER + EXPORT_ROW, "out/orders.csv": ORDERS_HEADER + ORDER_ROW,
                ORDERS: Symlink("{out}/orders.csv")}),
    Case("import-into-symlinked-orders-folder", "import_orders", ("{out}/export.csv",), 2, ("records/orders",),
         plant={"out/export.csv": CN_HEADER + EXPORT_ROW, "out/orders/2026-11.csv": ORDERS_HEADER + ORDER_ROW,
                "records/orders": Symlink("{out}/orders")}),
    Case("import-subprocess-row-in-bad-time", "import_orders", ("{out}/export.csv",), 1, ("export.csv", "归档时间"),
         plant={"out/export.csv": CN_HEADER + EXPORT_ROW.replace("2026-11-26 10:00", "2026-11-31 10:00")},
         subprocess=True),
    # ── draw_sample.py ──────────────────────────────────────────────────────────────────────────────────
    Case("sample-over-broken-existing-yaml", "draw_sample", ("{out}/customers.csv", "--month", "2026-10", "--verify"),
         2, (SAMPLE,), plant={"out/customers.csv": customers(), SAMPLE: "customers: [\n"}),
    Case("sample-over-existing-missing-keys", "draw_sample", ("{out}/customers.csv", "--month", "2026-10", "--verify"),
         2, (SAMPLE,), plant={"out/customers.csv": customers(), SAMPLE: sample_text(**{"seed: 202610\n": ""})}),
    Case("sample-over-existing-nested", "draw_sample", ("{out}/customers.csv", "--month", "2026-10"),
         2, (SAMPLE,), plant={"out/customers.csv": customers(), SAMPLE: "customers: " + nested(5000)}),
    Case("sample-over-existing-gbk", "draw_sample", ("{out}/customers.csv", "--month", "2026-10", "--verify"),
         2, (SAMPLE,), plant={"out/customers.csv": customers(), SAMPLE: sample_text().encode("utf-16")}),
    Case("sample-unknown-unit", "draw_sample", ("{out}/customers.csv", "--month", "2026-12"), 1,
         ("customers.csv", "nowhere"), plant={"out/customers.csv": customers("0299999999,居民生活,nowhere")}),
    Case("sample-unit-chinese-name", "draw_sample", ("{out}/customers.csv", "--month", "2026-12"), 0,
         ("records/samples/2026-12.yaml",), plant={"out/customers.csv": customers("0299999999,居民生活,塘沽供电分公司")},
         writes=("records/samples/2026-12.yaml", "records/samples/.*", "records/samples")),
    Case("sample-gbk-chinese-headers", "draw_sample", ("{out}/customers.csv", "--month", "2026-12"), 0,
         ("records/samples/2026-12.yaml",),
         plant={"out/customers.csv": customers(header="户号,用电类型,供电单位\n").encode("gbk")},
         writes=("records/samples/2026-12.yaml", "records/samples/.*", "records/samples"), subprocess=True),
    Case("sample-utf16-list", "draw_sample", ("{out}/customers.csv", "--month", "2026-12"), 1, ("customers.csv",),
         plant={"out/customers.csv": customers().encode("utf-16")}),
    Case("sample-nul-in-list", "draw_sample", ("{out}/customers.csv", "--month", "2026-12"), 1, ("customers.csv",),
         plant={"out/customers.csv": customers().encode() + b"\x00\x00"}),
    Case("sample-missing-list", "draw_sample", ("{out}/nothing.csv", "--month", "2026-12"), 2, ("nothing.csv",)),
    Case("sample-list-is-fifo", "draw_sample", ("{out}/customers.csv", "--month", "2026-12"), 2, ("customers.csv",),
         plant={"out/customers.csv": Fifo()}, subprocess=True),
    Case("sample-month-13", "draw_sample", ("{out}/customers.csv", "--month", "2026-13"), 2, ("--month",),
         plant={"out/customers.csv": customers()}),
    Case("sample-seed-not-a-number", "draw_sample", ("{out}/customers.csv", "--month", "2026-12", "--seed", "七"), 2,
         ("--seed",), plant={"out/customers.csv": customers()}),
    Case("sample-broken-policy", "draw_sample", ("{out}/customers.csv", "--month", "2026-12"), 2, ("policy.yaml",),
         plant={"out/customers.csv": customers(), "policy.yaml": "sampling: [\n"}),
    Case("sample-policy-python-tag", "draw_sample", ("{out}/customers.csv", "--month", "2026-12"), 2, ("policy.yaml",),
         plant={"out/customers.csv": customers(),
                "policy.yaml": "sampling: !!python/object/apply:os.system ['touch {root}/pwned']\n"}),
    Case("sample-broken-units", "draw_sample", ("{out}/customers.csv", "--month", "2026-12"), 2, ("records/units.yaml",),
         plant={"out/customers.csv": customers(), "records/units.yaml": "units: [\n"}),
    # ── build_reports.py ────────────────────────────────────────────────────────────────────────────────
    Case("reports-month-13", "build_reports", (*AS_OF, "--month", "2026-13", "--out", "{out}/reports"), 2, ("--month",)),
    Case("reports-out-is-a-file", "build_reports", (*AS_OF, "--month", "2026-11", "--out", "{out}/file"), 2, ("file",),
         plant={"out/file": "x"}),
    Case("reports-submit-unknown-unit", "build_reports", (*AS_OF, "--month", "2026-11", "--submit", "nowhere",
                                                          "--out", "{out}/reports"), 2, ("nowhere",)),
    Case("reports-submit-without-month", "build_reports", (*AS_OF, "--submit", "tanggu", "--out", "{out}/reports"), 2,
         ("--month",)),
    Case("reports-as-of-bad", "build_reports", ("--as-of", "2026-11-27T09:60", "--out", "{out}/reports"), 2, ("--as-of",)),
    Case("reports-broken-policy", "build_reports", (*AS_OF, "--month", "2026-11", "--out", "{out}/reports"), 2,
         ("policy.yaml",), plant={"policy.yaml": "penalties: [\n"}),
    # Fines computed past a decisions file that cannot be applied: refused, or at least the file is named.
    Case("reports-decisions-bad-amount", "build_reports", (*AS_OF, "--month", "2026-11", "--out", "out/reports"),
         (0, 2), (DECISIONS,), plant={DECISIONS: decisions("三百")}, writes=("out/*",)),
    Case("reports-decisions-nan", "build_reports", (*AS_OF, "--month", "2026-11", "--out", "out/reports"), (0, 2),
         (DECISIONS,), plant={DECISIONS: decisions(".nan")}, writes=("out/*",)),
    Case("reports-invalid-record-named", "build_reports", (*AS_OF, "--month", "2026-11", "--out", "out/reports"), 0,
         (VISIT, "没有计入"), plant={VISIT: visit("satisfaction: satisfied", "satisfaction: ecstatic")},
         writes=("out/*",)),
    # The unreadable visit's work order would count as overdue, a fine: refused, or at least the file is named.
    Case("reports-nested-record", "build_reports", (*AS_OF, "--month", "2026-11", "--out", "out/reports"), (0, 2),
         (VISIT,), plant={VISIT: visit("topics: [repair]", "topics: " + nested(5000))}, writes=("out/*",),
         subprocess=True),
    # ── audit.py ────────────────────────────────────────────────────────────────────────────────────────
    Case("audit-month-13", "audit", (*AS_OF, "--month", "2026-13"), 2, ("--month",)),
    Case("audit-as-of-bad", "audit", ("--as-of", "2026-11-27T09:00+25:00", "--month", "2026-11"), 2, ("--as-of",)),
    Case("audit-unknown-record", "audit", (*AS_OF, "--record", "HF-20261125-9999"), 2, ("HF-20261125-9999",)),
    Case("audit-record-path-traversal", "audit", (*AS_OF, "--record", "../../etc/passwd"), 2, ("../../etc/passwd",)),
    Case("audit-outside-git", "audit", (*AS_OF, "--month", "2026-11"), 2, ("Git",), git=False, subprocess=True),
    Case("audit-nested-record", "audit", (*AS_OF, "--month", "2026-11"), 0, ("2026-11 档案审计",),
         plant={VISIT: visit("topics: [repair]", "topics: " + nested(5000))}),
    # ── codeowners.py ───────────────────────────────────────────────────────────────────────────────────
    Case("codeowners-broken-units", "codeowners", ("--check",), 2, ("records/units.yaml",),
         plant={"records/units.yaml": "units: [\n"}),
    Case("codeowners-nested-units", "codeowners", ("--check",), 2, ("records/units.yaml",),
         plant={"records/units.yaml": "units: " + nested(5000)}),
    Case("codeowners-units-gbk", "codeowners", (), 2, ("records/units.yaml",),
         plant={"records/units.yaml": (EXAMPLES / "base/records/units.yaml").read_text(encoding="utf-8").encode("gbk")}),
    Case("codeowners-unit-id-injection", "codeowners", (), 2, ("records/units.yaml",),
         plant={"records/units.yaml": (EXAMPLES / "base/records/units.yaml").read_text(encoding="utf-8").replace(
             "id: xinbei", 'id: "xinbei/** @evil\\n*"')}),
    Case("codeowners-units-python-tag", "codeowners", (), 2, ("records/units.yaml",),
         plant={"records/units.yaml": "units: !!python/object/apply:os.system ['touch {root}/pwned']\n"}),
    Case("codeowners-github-is-a-file", "codeowners", (), 2, (".github",), plant={".github": "x"}, subprocess=True),
    Case("codeowners-target-symlink-outside", "codeowners", (), 2, (".github/CODEOWNERS",),
         plant={"out/CODEOWNERS": "x", ".github/CODEOWNERS": Symlink("{out}/CODEOWNERS")}),
    # ── folders the command may not write into (chmod: skipped when the tests run as root) ─────────────────
    Case("readonly-month-folder-visit", "new_record", VISIT_FLAGS + AS_OF, 2, ("records/visits/tanggu/2026/11",),
         readonly=("records/visits/tanggu/2026/11",)),
    Case("readonly-orders-folder-import", "import_orders", ("{out}/export.csv",), 2, ("records/orders",),
         plant={"out/export.csv": CN_HEADER + EXPORT_ROW}, readonly=("records/orders",)),
    Case("readonly-records-sample", "draw_sample", ("{out}/customers.csv", "--month", "2026-12"), 2,
         ("records/samples",), plant={"out/customers.csv": customers(), "records/samples/keep.txt": ""},
         readonly=("records/samples",)),
    Case("readonly-root-codeowners", "codeowners", (), 2, (".github",), readonly=(".",)),
    Case("readonly-root-validate-still-validates", "validate", AS_OF, 0, ("检查了",), readonly=(".",),
         why="the cache cannot be written: validation goes on without it"),
    # ── mkdocs build (callback_archive/site/plugin.py) ──────────────────────────────────────────────
    Case("mkdocs-as-of-with-offset", "mkdocs", (), 0, ("Documentation built",),
         env={"CALLBACK_AS_OF": "2026-12-10T09:00:00+08:00"}, chinese=False),
    Case("mkdocs-as-of-garbage", "mkdocs", (), 1, ("CALLBACK_AS_OF",), env={"CALLBACK_AS_OF": "下周一"}),
    Case("mkdocs-as-of-list", "mkdocs", (), 1, ("CALLBACK_AS_OF",), env={"CALLBACK_AS_OF": "[2026, 12]"}),
    Case("mkdocs-root-missing", "mkdocs", (), 1, ("CALLBACK_ARCHIVE_ROOT",), env={"CALLBACK_ARCHIVE_ROOT": "{out}/nowhere",
                                                                               "CALLBACK_AS_OF": "2026-11-27T09:00"}),
    Case("mkdocs-broken-policy", "mkdocs", (), 0, (), env={"CALLBACK_AS_OF": "2026-11-27T09:00"}, chinese=False,
         plant={"policy.yaml": "deadlines: [\n"}, site_expect=("policy.yaml 缺失或有误",),
         why="the site is built and its front page says that the rules cannot be read"),
    Case("mkdocs-symlink-outside-not-published", "mkdocs", (), 0, ("Documentation built",),
         env={"CALLBACK_AS_OF": "2026-11-27T09:00"}, site_forbid=("绝密内容",), chinese=False,
         plant={"out/secret.yaml": VISIT2_TEXT.replace("抢修及时", "绝密内容"), VISIT2: Symlink("{out}/secret.yaml")}),
]
