"""scripts/new_record.py end to end in a temporary copy of the repository: flags, prompts, amend, void."""

from __future__ import annotations

import csv
import difflib
import os
import re
import select
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from callback_archive.new_record import (
    InputError,
    allocate_id,
    normalize_time,
    record_fields,
    yaml_scalar,
)
from callback_archive.yamlread import parse_yaml
from conftest import REPO, run_validate

AS_OF = "2026-11-26T10:00"
ENV = {**os.environ, "PYTHONUTF8": "1"}
COPIED = ("callback_archive", "scripts", "schemas", "records", "policy.yaml")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy of the repository: code, schemas and the sample archive."""
    ignore = shutil.ignore_patterns("__pycache__")
    for name in COPIED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=ignore)
        else:
            shutil.copy(source, tmp_path / name)
    return tmp_path


def run(root: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "scripts/new_record.py", *args, "--as-of", AS_OF], cwd=root, env=ENV,
                          input=stdin, capture_output=True, text=True, encoding="utf-8", check=False)


def converse(root: Path, args: list[str], answers: dict[str, Any]) -> tuple[int, str]:
    """Run the prompts as a person would: read each question, answer the one whose title it starts with.

    Questions not in ``answers`` get an empty line (take the default, or skip an optional field).
    A list answers the same question again after a refusal; a callable answers from the transcript so far.
    Returns the status and the transcript.
    """
    queues = {key: list(value) if isinstance(value, list) else [value] for key, value in answers.items()}
    process = subprocess.Popen([sys.executable, "scripts/new_record.py", *args, "--as-of", AS_OF], cwd=root, env=ENV,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    stream = process.stdout.fileno()
    transcript = b""
    deadline = time.monotonic() + 60
    for _ in range(400):
        ready, _, _ = select.select([stream], [], [], 0.1)
        if ready:
            chunk = os.read(stream, 65536)
            if not chunk:
                break
            transcript += chunk
            continue
        last = transcript.decode("utf-8", "replace").rsplit("\n", 1)[-1]
        if last.endswith("：") and process.poll() is None:
            key = next((k for k in queues if last.startswith(k)), None)
            answer = queues[key].pop(0) if key and queues[key] else ""
            answer = answer(transcript.decode()) if callable(answer) else answer
            transcript += f"{answer}\n".encode()
            process.stdin.write(f"{answer}\n".encode())
            process.stdin.flush()
        assert time.monotonic() < deadline, transcript.decode()
    process.wait(timeout=30)
    return process.returncode, transcript.decode()


def written(output: str) -> str:
    match = re.search(r"已写入 (\S+\.yaml)", output)
    assert match, output
    return match.group(1)


def next_id(root: Path, prefix: str) -> str:
    used = [int(p.stem.rsplit("-", 1)[1]) for p in (root / "records").rglob(f"{prefix}-*.yaml")]
    return f"{prefix}-{max(used, default=0) + 1:04d}"


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in (root / "records").rglob("*") if p.is_file()}


def assert_valid(root: Path, relpath: str) -> None:
    result = run_validate("--root", str(root), "--as-of", AS_OF, "--format", "json", str(root / relpath))
    assert [f for f in result.findings if f["severity"] == "error"] == [], result.stdout


def read(root: Path, relpath: str) -> dict:
    parsed = parse_yaml((root / relpath).read_text(encoding="utf-8"))
    assert parsed.problems == []
    return parsed.data


VISIT_FLAGS = [
    "visit", "--category", "repair", "--order", "GD2026112600777", "--unit", "tanggu", "--trigger-kind", "repair",
    "--archived-at", "2026-11-26 08:10", "--account", "0212345678", "--name", "王建华", "--phone", "13800001234",
    "--customer-kind", "residential", "--voltage-kv", "0.4", "--groups", "repair,hotline", "--method", "phone",
    "--visited-at", "2026-11-26 09:30", "--visitor", "李敏", "--topics", "repair, billing", "--reached", "是",
    "--satisfaction", "dissatisfied", "--opinion", "抢修及时: 但停电 # 太久", "--follow-up", "班组长 3 日内回电说明原因",
]
VISIT_DATA = {
    "category": "repair",
    "unit": "tanggu",
    "customer": {"account": "0212345678", "name": "王建华", "phone": "13800001234", "kind": "residential",
                 "voltage_kv": 0.4, "groups": ["repair", "hotline"]},
    "trigger": {"order": "GD2026112600777", "kind": "repair", "archived_at": "2026-11-26T08:10:00+08:00"},
    "method": "phone",
    "visited_at": "2026-11-26 09:30",
    "visitor": "李敏",
    "topics": ["repair", "billing"],
    "reached": True,
    "satisfaction": "dissatisfied",
    "opinion": "抢修及时: 但停电 # 太久",
    "follow_up": "班组长 3 日内回电说明原因",
}


# --- a new visit -----------------------------------------------------------------------------


def test_visit_from_flags_is_written_tidy_valid_and_reads_back_exactly(repo: Path) -> None:
    record_id = next_id(repo, "HF-20261126")
    result = run(repo, *VISIT_FLAGS)
    assert result.returncode == 0, result.stderr
    relpath = written(result.stdout)
    assert relpath == f"records/visits/tanggu/2026/11/{record_id}.yaml"
    assert read(repo, relpath) == {"id": record_id, **VISIT_DATA}
    text = (repo / relpath).read_text(encoding="utf-8")
    first = text.splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../../../../schemas/visit.schema.json"
    assert ((repo / relpath).parent / first.split("=", 1)[1]).resolve() == (repo / "schemas" / "visit.schema.json").resolve()
    assert "category: repair  # 档案分类（第十三条）：供电抢修\n" in text
    assert '  account: "0212345678"  # 户号\n' in text and '  phone: "13800001234"' in text
    assert "unit: tanggu  # 责任单位（第九条）：塘沽供电分公司\n" in text
    assert "检查了 1 个文件" in result.stdout and "0 个错误" in result.stdout
    assert f"git add {relpath}" in result.stdout
    assert f'git commit -m "登记回访 {record_id}（塘沽供电分公司，工单 GD2026112600777）"' in result.stdout
    assert "git push" in result.stdout
    assert_valid(repo, relpath)


def _add_order(root: Path, row: dict[str, str]) -> None:
    path = root / "records" / "orders" / "2026-11.csv"
    header = ["order", "kind", "unit", "account", "customer_kind", "archived_at"]
    if path.exists():
        header = next(csv.reader(path.read_text(encoding="utf-8").splitlines()))
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(",".join(header) + "\n", encoding="utf-8")
    with path.open("a", encoding="utf-8", newline="") as handle:
        csv.DictWriter(handle, fieldnames=header, restval="").writerow(row)


def test_work_order_fills_the_trigger_and_a_second_attempt_repeats_the_first(repo: Path) -> None:
    _add_order(repo, {"order": "GD2026112699001", "kind": "repair", "unit": "xinbei", "account": "0011223344",
                      "customer_kind": "non-residential", "archived_at": "2026-11-26 07:45"})
    common = ["visit", "--order", "GD2026112699001", "--name", "滨海某厂", "--visitor", "李敏", "--reached", "否"]
    first = run(repo, *common, "--visited-at", "2026-11-26 09:00", "--opinion", "电话无人接听")
    assert first.returncode == 0, first.stderr
    assert "已从工单文件 records/orders/2026-11.csv 读取工单 GD2026112699001" in first.stdout
    data = read(repo, written(first.stdout))
    assert data["category"] == "repair" and data["unit"] == "xinbei" and data["method"] == "phone"
    assert data["trigger"] == {"order": "GD2026112699001", "kind": "repair", "archived_at": "2026-11-26T07:45:00+08:00"}
    assert data["customer"] == {"account": "0011223344", "name": "滨海某厂", "kind": "non-residential"}
    assert data["topics"] == ["repair"] and data["reached"] is False and "satisfaction" not in data
    second = run(repo, *common, "--visited-at", "2026-11-26 09:40", "--opinion", "仍无人接听")
    assert second.returncode == 0, second.stderr
    assert "已从上一次回访 " + written(first.stdout) in second.stdout
    again = read(repo, written(second.stdout))
    assert again["trigger"] == data["trigger"] and again["customer"] == data["customer"]
    assert int(again["id"][-4:]) == int(data["id"][-4:]) + 1
    assert_valid(repo, written(second.stdout))


def test_without_an_orders_file_the_clerk_types_the_trigger(repo: Path) -> None:
    shutil.rmtree(repo / "records" / "orders", ignore_errors=True)
    result = run(repo, "visit", "--category", "repair", "--order", "GD2026112699002", "--name", "王建华", "--visitor", "李敏",
                 "--reached", "否", "--visited-at", "2026-11-26 09:00", "--account", "0212345678",
                 "--customer-kind", "residential", "--unit", "tanggu")
    assert result.returncode == 2
    assert "缺少 --trigger-kind、--archived-at" in result.stderr or "缺少 --archived-at" in result.stderr
    assert "没有写入任何文件" in result.stderr


BAD_FLAGS = [
    ("--category", "repairs", "repair（供电抢修）"),
    ("--reached", "也许", "请填写 是 或 否"),
    ("--visited-at", "2026-02-30 10:00", "不存在"),
    ("--visited-at", "2026-11-26", "要写到分钟"),
    ("--visited-at", "2026-11-27 10:00", "晚于当前时间"),
    ("--visited-at", "2026-11-26 08:00", "早于业务归档时间"),
    ("--unit", "dagang", "tanggu（塘沽供电分公司）"),
    ("--customer-kind", "居民", "residential（居民客户）"),
    ("--account", "0212-345678", "格式不对"),
    ("--voltage-kv", "十千伏", "不是数字"),
    ("--topics", "repair,weather", "quality（供电质量）"),
    ("--trigger-kind", "complaint", "只能是 repair"),
]


@pytest.mark.parametrize("flag,value,hint", BAD_FLAGS, ids=[f"{f}={v}" for f, v, _ in BAD_FLAGS])
def test_bad_flag_value_is_told_in_chinese_and_nothing_is_written(repo: Path, flag: str, value: str, hint: str) -> None:
    before = snapshot(repo)
    args = list(VISIT_FLAGS)
    args[args.index(flag) + 1] = value
    result = run(repo, *args)
    assert result.returncode == 2
    assert flag in result.stderr and hint in result.stderr, result.stderr
    assert "没有写入任何文件" in result.stderr
    assert snapshot(repo) == before


def test_bad_flag_stops_the_prompts_before_they_start(repo: Path) -> None:
    before = snapshot(repo)
    result = run(repo, "visit", "-i", "--category", "weather", stdin="\n" * 40)
    assert result.returncode == 2 and "--category" in result.stderr and "登记回访记录" not in result.stdout
    assert snapshot(repo) == before


def test_missing_flags_are_named(repo: Path) -> None:
    args = [a for a in VISIT_FLAGS if a not in ("--visitor", "李敏")]
    result = run(repo, *args)
    assert result.returncode == 2
    assert "缺少 --visitor" in result.stderr and "回访人" in result.stderr and "-i" in result.stderr


def test_interactive_prompts_fed_through_stdin(repo: Path) -> None:
    record_id = next_id(repo, "HF-20261126")
    status, transcript = converse(repo, ["visit", "-i", "--unit", "tanggu"], {
        "档案分类": ["9", "供电抢修"],
        "工单号": "GD2026112600888",
        "归档时间": "2026/11/26 8:05",
        "户号": ["212345678x", "0212345678"],
        "客户名称": "王建华",
        "联系电话": "138 0000 1234",
        "用电类型": "1",
        "回访人": "李敏",
        "是否联系上": ["也许", "是"],
        "满意度": "基本满意",
        "客户意见": "停电时间长",
    })
    assert status == 0, transcript
    assert "  2. repair  供电抢修" in transcript
    assert "！“9”不是可选的值" in transcript
    assert "！“也许”不是是/否" in transcript
    assert "格式不对" in transcript  # the account, re-asked
    assert "【责任单位" not in transcript  # given as an option: never asked again
    assert "业务类型 [默认：repair 故障报修]：" in transcript  # the only kind a repair callback can have
    assert "回访时间 [默认：2026-11-26 10:00]：" in transcript
    assert "写入？[Y/n/改第几项" in transcript
    relpath = written(transcript)
    assert relpath == f"records/visits/tanggu/2026/11/{record_id}.yaml"
    assert read(repo, relpath) == {
        "id": record_id,
        "category": "repair",
        "unit": "tanggu",
        "customer": {"account": "0212345678", "name": "王建华", "phone": "13800001234", "kind": "residential"},
        "trigger": {"order": "GD2026112600888", "kind": "repair", "archived_at": "2026-11-26T08:05:00+08:00"},
        "method": "phone",
        "visited_at": "2026-11-26 10:00",
        "visitor": "李敏",
        "topics": ["repair"],
        "reached": True,
        "satisfaction": "basic",
        "opinion": "停电时间长",
    }
    assert_valid(repo, relpath)


def test_prompts_cancelled_by_end_of_input_write_nothing(repo: Path) -> None:
    before = snapshot(repo)
    result = run(repo, "visit", "-i", stdin="供电抢修\n")
    assert result.returncode == 2 and "已取消" in result.stderr
    assert snapshot(repo) == before


# --- a new letter ----------------------------------------------------------------------------


def test_letter_from_flags_keeps_a_bare_date(repo: Path) -> None:
    record_id = next_id(repo, "FH-20261120")
    result = run(repo, "letter", "--unit", "marketing", "--kind", "投诉", "--received-at", "2026/11/20",
                 "--reply-required", "是", "--sender-name", "张建民", "--sender-group", "npc-deputy",
                 "--sender-phone", "022-25801234", "--subject", "反映小区频繁停电")
    assert result.returncode == 0, result.stderr
    relpath = written(result.stdout)
    assert relpath == f"records/letters/marketing/2026/11/{record_id}.yaml"
    assert read(repo, relpath) == {
        "id": record_id, "unit": "marketing", "kind": "complaint", "received_at": "2026-11-20", "reply_required": True,
        "sender": {"name": "张建民", "group": "npc-deputy", "phone": "022-25801234"}, "subject": "反映小区频繁停电",
    }
    assert (repo / relpath).read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=../../../../../schemas/letter.schema.json\n")
    assert_valid(repo, relpath)


def test_letter_interactive_asks_for_the_reply_once_replied(repo: Path) -> None:
    status, transcript = converse(repo, ["letter", "-i"], {
        "责任单位": "营销部",
        "来函类型": "2",
        "收函日期": "2026-11-10",
        "是否要求复函": "是",
        "来函人姓名或单位": "赵某",
        "来函人类别": "社会公众",
        "来函事由": "举报窃电",
        "复函日期": "2026-11-20",
        "复函内容摘要": "已查实并处理。",
        "来函原件位置": "档案盒 FH-2026-09",
        "回函原件位置": "档案盒 FH-2026-09",
    })
    assert status == 0, transcript
    data = read(repo, written(transcript))
    assert data["kind"] == "report" and data["sender"] == {"name": "赵某", "group": "public"}
    assert data["replied_at"] == "2026-11-20" and data["reply"] == "已查实并处理。"
    assert data["originals"] == {"incoming": "档案盒 FH-2026-09", "reply": "档案盒 FH-2026-09"}
    assert_valid(repo, written(transcript))


# --- amend and void --------------------------------------------------------------------------


def _changes(before: str, after: str) -> tuple[list[str], list[str]]:
    removed, added = [], []
    for line in difflib.ndiff(before.splitlines(keepends=True), after.splitlines(keepends=True)):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


def test_amend_changes_only_the_lines_of_the_fields_and_appends_an_amendment(repo: Path) -> None:
    relpath = written(run(repo, *VISIT_FLAGS).stdout)
    before = (repo / relpath).read_text(encoding="utf-8")
    result = run(repo, "amend", relpath, "--set", "satisfaction=basic", "--set", "customer.phone=022-25801234",
                 "--by", "王静", "--reason", "客户来电更正")
    assert result.returncode == 0, result.stderr
    after = (repo / relpath).read_text(encoding="utf-8")
    removed, added = _changes(before, after)
    assert removed == ['  phone: "13800001234"  # 联系电话\n', "satisfaction: dissatisfied  # 满意度：不满意\n"]
    assert added[:2] == ['  phone: "022-25801234"  # 联系电话\n', "satisfaction: basic  # 满意度：基本满意\n"]
    assert after.endswith("".join(added[2:])) and added[2].startswith("amendments:")
    data = read(repo, relpath)
    assert data["amendments"] == [{"at": "2026-11-26 10:00", "by": "王静", "reason": "客户来电更正",
                                   "fields": ["satisfaction", "customer.phone"]}]
    assert f'git commit -m "更正回访 {data["id"]}：客户来电更正"' in result.stdout
    assert_valid(repo, relpath)
    second = run(repo, "amend", data["id"], "--set", "opinion=补记", "--by", "李敏", "--reason", "补记意见")
    assert second.returncode == 0, second.stderr
    removed, added = _changes(after, (repo / relpath).read_text(encoding="utf-8"))
    assert removed == ['opinion: "抢修及时: 但停电 # 太久"  # 客户意见（第二十一条）\n']
    assert added[0] == "opinion: 补记  # 客户意见（第二十一条）\n" and added[1].startswith("  - at: ")
    assert [a["reason"] for a in read(repo, relpath)["amendments"]] == ["客户来电更正", "补记意见"]


def test_amend_a_hand_written_letter_inside_braces_and_with_windows_line_ends(repo: Path) -> None:
    relpath = "records/letters/marketing/2026/11/FH-20261102-0001.yaml"
    original = (repo / relpath).read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    (repo / relpath).write_bytes(original)
    result = run(repo, "amend", relpath, "--set", "sender.name=张建明", "--by", "孙丽", "--reason", "来函人姓名录错")
    assert result.returncode == 0, result.stderr
    after = (repo / relpath).read_bytes()
    assert after.count(b"\n") == after.count(b"\r\n")
    before_lines, after_lines = original.split(b"\r\n"), after.split(b"\r\n")
    assert after_lines[len(before_lines) - 1].startswith(b"amendments:")  # appended after the last line
    changed = [(a, b) for a, b in zip(before_lines[:-1], after_lines) if a != b]
    assert len(changed) == 1 and changed[0][1] == changed[0][0].replace("张建民".encode(), "张建明".encode())
    assert read(repo, relpath)["amendments"][0]["fields"] == ["sender.name"]
    assert_valid(repo, relpath)


@pytest.mark.parametrize("change,hint", [
    ("unit=hangu", "不能移动"),
    ("trigger.archived_at=2026-10-30 08:00", "不能移动"),
    ("satisfaction=great", "satisfied（满意）"),
    ("nosuch=1", "字段可以是"),
    ("reached=否", "不能填写满意度"),
])
def test_amend_refuses_what_it_cannot_do_and_writes_nothing(repo: Path, change: str, hint: str) -> None:
    relpath = written(run(repo, *VISIT_FLAGS).stdout)
    before = snapshot(repo)
    result = run(repo, "amend", relpath, "--set", change, "--by", "王静", "--reason", "试")
    assert result.returncode == 2 and hint in result.stderr, result.stderr
    assert snapshot(repo) == before


def test_void_keeps_the_record_and_says_who_and_why(repo: Path) -> None:
    relpath = written(run(repo, *VISIT_FLAGS).stdout)
    before = (repo / relpath).read_text(encoding="utf-8")
    result = run(repo, "void", relpath, "--by", "王静", "--reason", "重复登记")
    assert result.returncode == 0, result.stderr
    after = (repo / relpath).read_text(encoding="utf-8")
    assert after.startswith(before)
    assert read(repo, relpath)["void"] == {"at": "2026-11-26 10:00", "by": "王静", "reason": "重复登记"}
    assert_valid(repo, relpath)
    again = run(repo, "void", relpath, "--by", "王静", "--reason", "重复登记")
    assert again.returncode == 2 and "已经作废" in again.stderr


# --- the library -----------------------------------------------------------------------------


def test_ids_count_every_file_of_the_day_across_the_archive(tmp_path: Path) -> None:
    for relpath in ("records/visits/tanggu/2026/11/HF-20261126-0003.yaml", "records/visits/hangu/2026/10/HF-20261126-0007.yaml",
                    "records/letters/marketing/2026/11/FH-20261126-0009.yaml"):
        (tmp_path / relpath).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relpath).write_text("id: x\n", encoding="utf-8")
    assert allocate_id(tmp_path, "visit", date(2026, 11, 26)) == "HF-20261126-0008"
    assert allocate_id(tmp_path, "letter", date(2026, 11, 26)) == "FH-20261126-0010"
    assert allocate_id(tmp_path, "visit", date(2026, 11, 27)) == "HF-20261127-0001"


@pytest.mark.parametrize("text", ["no", "yes", "0123", "1:30", "true", "null", "~", "", " 空格", "a: b", "#1", "x #y", "- x",
                                  "@王", "*a", "&a", "!x", '"引号"', "[1]", "{a}", "多\n行", "0.4", "1e3", "王建华"])
def test_any_text_is_written_so_that_it_reads_back_as_itself(text: str) -> None:
    written_text = yaml_scalar(text)
    parsed = parse_yaml(f"k: {written_text}  # 注释\nl: [{yaml_scalar(text, flow=True)}]\n")
    assert parsed.problems == [] and parsed.data == {"k": text, "l": [text]}


def test_plain_text_stays_plain() -> None:
    assert yaml_scalar("王建华") == "王建华"
    assert yaml_scalar("2026-11-26 10:00") == "2026-11-26 10:00"
    assert yaml_scalar("0212345678", quoted=True) == '"0212345678"'


@pytest.mark.parametrize("path,typed,expected", [
    ("visited_at", "2026/11/26 9:05", "2026-11-26 09:05"),
    ("visited_at", "2026年11月26日 9时5分", "2026-11-26 09:05"),
    ("visited_at", "2026-11-26T10:00:00+08:00", "2026-11-26 10:00"),
    ("trigger.archived_at", "2026-11-26 08:10", "2026-11-26T08:10:00+08:00"),
    ("trigger.archived_at", "2026-11-26T00:10:00Z", "2026-11-26T08:10:00+08:00"),
])
def test_times_are_written_as_the_archive_writes_them(path: str, typed: str, expected: str) -> None:
    field = next(f for f in record_fields("visit") if f.path == path)
    assert normalize_time("visit", field, typed) == expected


def test_a_letter_date_stays_a_date_but_a_visit_needs_the_minute() -> None:
    received = next(f for f in record_fields("letter") if f.path == "received_at")
    assert normalize_time("letter", received, "2026/11/2") == "2026-11-02"
    visited = next(f for f in record_fields("visit") if f.path == "visited_at")
    with pytest.raises(InputError, match="要写到分钟"):
        normalize_time("visit", visited, "2026-11-26")


def test_submission_is_written_from_the_archive_and_checked(repo: Path) -> None:
    result = run(repo, "submission", "--unit", "chadian", "--month", "2026-10")
    assert result.returncode == 0, result.stdout + result.stderr
    path = repo / "records/submissions/2026-10/chadian.yaml"
    data = parse_yaml(path.read_text(encoding="utf-8")).data
    assert (data["unit"], data["scope"], data["submitted_at"], data["submitted_by"]) == ("chadian", "unit", "2026-11-26 10:00", "何婷")
    assert "已超过" not in result.stdout and "git add records/submissions/2026-10/chadian.yaml" in result.stdout
    again = run(repo, "submission", "--unit", "chadian", "--month", "2026-10")
    assert again.returncode == 2 and "已存在" in again.stderr and "没有写入任何文件" in again.stderr
    bad = run(repo, "submission", "--unit", "dagang", "--month", "2026-10")
    assert bad.returncode == 2 and "dagang" in bad.stderr
