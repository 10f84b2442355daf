"""scripts/new_record.py as a clerk and a hostile user meet it (issue 16): the real clock, no lost byte,
no write outside the repository, no traceback, and the clerk's flow (work order first, a summary to correct)."""

from __future__ import annotations

import errno
import os
import re
import resource
import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from callback_archive.cli import new as new_record_cli
from callback_archive.new_record import (
    before_at_precision,
    find_order,
    parse_answer,
    prompt_description,
    record_fields,
    same_at_precision,
)
from callback_archive.timeutil import BEIJING, parse_time
from conftest import REPO
from test_new_record import AS_OF, ENV, VISIT_FLAGS, _add_order, assert_valid, converse, read, run, written

SCRIPT = ("scripts/new_record.py",)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A light copy of the repository: code, schemas and the archive's lists, without the sample records."""
    ignore = shutil.ignore_patterns("__pycache__")
    for name in ("callback_archive", "scripts", "schemas"):
        shutil.copytree(REPO / name, tmp_path / name, ignore=ignore)
    shutil.copy(REPO / "policy.yaml", tmp_path / "policy.yaml")
    shutil.copytree(REPO / "records", tmp_path / "records", ignore=shutil.ignore_patterns("visits", "letters"))
    (tmp_path / "records" / "visits").mkdir()
    (tmp_path / "records" / "letters").mkdir()
    return tmp_path


def no_traceback(result: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in result.stdout + result.stderr, result.stderr


def temporaries(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.name.endswith(".tmp") or p.name.endswith(".lock")]


# --- the real clock ------------------------------------------------------------------------------


def test_visit_with_every_option_on_the_real_clock_exits_0_and_validates(repo: Path) -> None:
    now = datetime.now(BEIJING)
    visited, archived = now - timedelta(hours=3), now - timedelta(hours=5)
    args = list(VISIT_FLAGS)
    args[args.index("--visited-at") + 1] = f"{visited:%Y-%m-%d %H:%M}"
    args[args.index("--archived-at") + 1] = f"{archived:%Y-%m-%d %H:%M}"
    result = subprocess.run([sys.executable, *SCRIPT, *args], cwd=repo, env=ENV, capture_output=True, text=True,
                            encoding="utf-8", check=False)  # no --as-of: the clock as it ticks
    assert result.returncode == 0, result.stdout + result.stderr
    relpath = written(result.stdout)
    assert "0 个错误" in result.stdout and "git add " + relpath in result.stdout
    check = subprocess.run([sys.executable, "scripts/validate.py", relpath], cwd=repo, env=ENV, capture_output=True,
                           text=True, encoding="utf-8", check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    assert read(repo, relpath)["visitor"] == "李敏"
    for command in (["amend", relpath, "--set", "satisfaction=basic"], ["void", relpath]):
        changed = subprocess.run([sys.executable, *SCRIPT, *command, "--by", "王静", "--reason", "试"], cwd=repo, env=ENV,
                                 capture_output=True, text=True, encoding="utf-8", check=False)
        assert changed.returncode == 0, changed.stdout + changed.stderr
        assert "0 个错误" in changed.stdout
    data = read(repo, relpath)
    assert data["satisfaction"] == "basic" and data["void"]["by"] == "王静"
    assert parse_time(data["void"]["at"]) >= parse_time(data["amendments"][0]["at"]) >= parse_time(data["visited_at"])


# --- no lost byte ----------------------------------------------------------------------------------


def _fail(name: str):
    def fail(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(args[-1]))
    fail.__name__ = name
    return fail


@pytest.mark.parametrize("command", ["amend", "void"])
@pytest.mark.parametrize("broken", ["replace", "fsync"])
def test_a_failed_rewrite_leaves_the_record_byte_for_byte(repo: Path, command: str, broken: str,
                                                        monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    relpath = written(run(repo, *VISIT_FLAGS).stdout)
    original = (repo / relpath).read_bytes()
    monkeypatch.setattr(os, broken, _fail(broken))
    extra = ["--set", "satisfaction=basic"] if command == "amend" else []
    status = new_record_cli.main([command, str(repo / relpath), *extra, "--by", "王静", "--reason", "试",
                                  "--root", str(repo), "--as-of", AS_OF])
    assert status == 2
    assert "磁盘已满" in capsys.readouterr().err
    assert (repo / relpath).read_bytes() == original
    assert temporaries(repo) == []


def test_a_failed_new_record_leaves_nothing(repo: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setattr(os, "link", _fail("link"))
    status = new_record_cli.main([*VISIT_FLAGS, "--root", str(repo), "--as-of", AS_OF])
    assert status == 2
    assert "磁盘已满" in capsys.readouterr().err
    assert [p for p in (repo / "records" / "visits").rglob("*") if p.is_file()] == []


def test_a_size_limit_during_amend_leaves_the_record_byte_for_byte(repo: Path) -> None:
    relpath = written(run(repo, *VISIT_FLAGS).stdout)
    original = (repo / relpath).read_bytes()
    limit = len(original) + 16  # the amended text is longer than this

    def limit_file_size() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    result = subprocess.run([sys.executable, *SCRIPT, "amend", relpath, "--set", "opinion=客户补充说明了很多很多情况",
                             "--by", "王静", "--reason", "补记", "--as-of", AS_OF], cwd=repo, env=ENV,
                            capture_output=True, text=True, encoding="utf-8", check=False, preexec_fn=limit_file_size)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "文件超出允许的大小" in result.stderr and "原文件未改动" in result.stderr
    no_traceback(result)
    assert (repo / relpath).read_bytes() == original
    assert temporaries(repo) == []


def test_a_second_record_never_overwrites_the_first(repo: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    first = written(run(repo, *VISIT_FLAGS).stdout)
    original = (repo / first).read_bytes()
    monkeypatch.setattr(new_record_cli, "allocate_id", lambda *_: Path(first).stem)  # two clerks, one number
    status = new_record_cli.main([*VISIT_FLAGS, "--root", str(repo), "--as-of", AS_OF])
    assert status == 2
    assert "同名文件已存在" in capsys.readouterr().err
    assert (repo / first).read_bytes() == original


def test_amend_waits_for_another_writer_then_says_so(repo: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    from callback_archive import safefile

    relpath = written(run(repo, *VISIT_FLAGS).stdout)
    original = (repo / relpath).read_bytes()
    monkeypatch.setitem(safefile.locked.__wrapped__.__kwdefaults__, "wait", 0.2)
    with safefile.locked(repo / relpath, wait=0.2):
        status = new_record_cli.main(["amend", str(repo / relpath), "--set", "satisfaction=basic", "--by", "王静", "--reason", "试",
                                      "--root", str(repo), "--as-of", AS_OF])
    assert status == 2
    assert "正在被另一个程序写入" in capsys.readouterr().err
    assert (repo / relpath).read_bytes() == original


# --- the repository boundary -----------------------------------------------------------------------


def test_a_symlinked_folder_never_makes_new_record_write_outside(repo: Path, tmp_path_factory) -> None:
    outside = tmp_path_factory.mktemp("outside")
    (repo / "records" / "visits" / "tanggu").symlink_to(outside, target_is_directory=True)
    result = run(repo, *VISIT_FLAGS)
    assert result.returncode == 2
    assert "仓库以外" in result.stderr and "没有写入任何文件" in result.stderr
    no_traceback(result)
    assert list(outside.rglob("*")) == []


def test_amend_refuses_a_record_linked_from_outside(repo: Path, tmp_path_factory) -> None:
    relpath = written(run(repo, *VISIT_FLAGS).stdout)
    outside = tmp_path_factory.mktemp("outside") / "record.yaml"
    shutil.move(repo / relpath, outside)
    original = outside.read_bytes()
    (repo / relpath).symlink_to(outside)
    result = run(repo, "amend", relpath, "--set", "satisfaction=basic", "--by", "王静", "--reason", "试")
    assert result.returncode == 2 and "档案以外" in result.stderr, result.stderr
    no_traceback(result)
    assert outside.read_bytes() == original


# --- hostile records --------------------------------------------------------------------------------


HOSTILE = {
    "nested": b"id: HF-20261126-0009\nopinion: " + b"[" * 5000 + b"\n",
    "utf16": "id: HF-20261126-0009\nopinion: 好\n".encode("utf-16"),
    "gbk": "id: HF-20261126-0009\nopinion: 停电太久\n".encode("gbk"),
    "binary": bytes(range(256)) * 4,
    "huge": b"id: HF-20261126-0009\nopinion: " + b"x" * 200_000 + b"\n",
    "not-a-mapping": b"- 1\n- 2\n",
}


@pytest.mark.parametrize("content", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize("command", ["amend", "void"])
def test_a_hostile_record_is_refused_in_chinese(repo: Path, command: str, content: bytes) -> None:
    relpath = "records/visits/tanggu/2026/11/HF-20261126-0009.yaml"
    (repo / relpath).parent.mkdir(parents=True)
    (repo / relpath).write_bytes(content)
    extra = ["--set", "satisfaction=basic"] if command == "amend" else []
    result = run(repo, command, "HF-20261126-0009", *extra, "--by", "王静", "--reason", "试")
    assert result.returncode == 2, result.stdout + result.stderr
    assert re.search(r"有格式错误|超过 \d+ KiB", result.stderr), result.stderr
    assert relpath in result.stderr and "没有写入任何文件" in result.stderr
    no_traceback(result)
    assert (repo / relpath).read_bytes() == content


@pytest.mark.parametrize("given,hint", [
    ("records/visits/nosuch.yaml", "文件不存在"),
    ("records/visits", "文件不存在"),
    ("HF-20261126-0099", "找不到编号"),
    ("policy.yaml", "不是回访或复函记录"),
    ("HF-20261126-0008", "找不到编号"),  # a FIFO of that name: never opened
])
def test_amend_of_what_is_not_a_record_is_refused(repo: Path, given: str, hint: str) -> None:
    (repo / "records/visits/tanggu").mkdir()
    os.mkfifo(repo / "records/visits/tanggu/HF-20261126-0008.yaml")
    result = run(repo, "amend", given, "--set", "satisfaction=basic", "--by", "王静", "--reason", "试")
    assert result.returncode == 2 and hint in result.stderr, result.stderr
    no_traceback(result)


@pytest.mark.parametrize("value", ["nan", "inf", "+inf", "1e999", "1_0", "1" * 5000, "0x10"])
def test_a_number_no_record_needs_is_refused_in_chinese(repo: Path, value: str) -> None:
    args = list(VISIT_FLAGS)
    args[args.index("--voltage-kv") + 1] = value
    result = run(repo, *args)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "--voltage-kv" in result.stderr and "不是数字" in result.stderr and "没有写入任何文件" in result.stderr
    assert len(result.stderr) < 500  # the 5,000 digits are not echoed back
    no_traceback(result)
    assert list((repo / "records" / "visits").rglob("*.yaml")) == []


def test_an_option_that_is_not_utf8_is_refused_in_chinese(repo: Path) -> None:
    args = [a.encode() for a in VISIT_FLAGS]
    args[args.index("--name".encode()) + 1] = "王建华".encode("gbk")
    result = subprocess.run([sys.executable, *SCRIPT, *args, b"--as-of", AS_OF.encode()], cwd=repo, env=ENV,
                            capture_output=True, check=False)
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == 2 and "--name" in stderr and "不是 UTF-8" in stderr, stderr
    assert "Traceback" not in stderr
    assert list((repo / "records" / "visits").rglob("*.yaml")) == []


def test_a_typed_answer_that_is_not_utf8_is_asked_again(repo: Path) -> None:
    args = [a for a in VISIT_FLAGS if a not in ("--name", "王建华")]
    feed = b"\n" + "王建华".encode("gbk") + b"\n" + "王建华\n\n\n".encode()  # no disaster, the name twice, write
    result = subprocess.run([sys.executable, *SCRIPT, *args, "-i", "--as-of", AS_OF], cwd=repo, env=ENV, input=feed,
                            capture_output=True, check=False)
    stdout = result.stdout.decode("utf-8")
    assert result.returncode == 0, stdout + result.stderr.decode("utf-8")
    assert "不是 UTF-8" in stdout
    assert read(repo, written(stdout))["customer"]["name"] == "王建华"


def test_a_name_the_system_cannot_hold_is_refused(repo: Path, capsys) -> None:
    status = new_record_cli.main(["amend", "a\0b", "--set", "satisfaction=basic", "--by", "王静", "--reason", "试",
                                  "--root", str(repo), "--as-of", AS_OF])
    assert status == 2 and "文件不存在" in capsys.readouterr().err


def test_a_hostile_earlier_visit_of_the_same_order_is_passed_over(repo: Path) -> None:
    bad = repo / "records/visits/tanggu/2026/11/HF-20261125-0001.yaml"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(b"trigger: {order: GD2026112699001}\nopinion: " + b"[" * 5000 + b"\n")
    (bad.parent / "HF-20261125-0002.yaml").write_bytes("trigger: {order: GD2026112699001}\n".encode("utf-16"))
    os.mkfifo(bad.parent / "HF-20261125-0003.yaml")  # reading it would wait for ever
    (bad.parent / "HF-20261125-0004.yaml").write_bytes(b"trigger: {order: GD2026112699001}\n" + b"#" * 100_000)
    _add_order(repo, ORDER)
    answers, source = find_order(repo, ORDER["order"])  # the orders file, as if the broken visits were not there
    assert source == "工单文件 records/orders/2026-11.csv" and answers["unit"] == "xinbei"


# --- the clerk's flow -------------------------------------------------------------------------------


ORDER = {"order": "GD2026112699001", "kind": "repair", "unit": "xinbei", "account": "0011223344",
         "customer_kind": "non-residential", "archived_at": "2026-11-26 07:45:30"}


def _number_of(title: str):
    """An answer to 写入？: the number the summary table gives the field ``title``."""
    def answer(transcript: str) -> str:
        tables = transcript.rsplit("将写入 ", 1)[-1]
        return re.search(rf"^\s+(\d+)\. {title}", tables, re.M).group(1)
    return answer


def test_the_work_order_comes_first_and_fills_the_defaults_and_a_field_is_corrected_before_writing(repo: Path) -> None:
    _add_order(repo, ORDER)
    status, transcript = converse(repo, ["visit", "-i", "--visitor", "李敏"], {
        "工单号": "GD2026112699001",
        "客户名称": ["滨海某厂", "滨海某某厂"],  # the second time: asked again from the summary
        "回访时间": "2026-11-26 07:45",  # the minute the order was archived in: not "before" it
        "是否联系上": "是",
        "满意度": "满意",
        "写入？": [_number_of("客户名称"), "x", ""],
    })
    assert status == 0, transcript
    asked = re.findall(r"^【(.+?)】", transcript, re.M)
    assert asked[0] == "工单号" and "回访人" not in asked  # the order first; an option is never asked
    assert "档案分类（第十三条） [默认：repair 供电抢修]：" in transcript
    assert "责任单位（第九条） [默认：xinbei" in transcript
    assert "业务类型 [默认：repair 故障报修]：" in transcript
    assert "归档时间 [默认：2026-11-26T07:45:30+08:00]：" in transcript
    assert "户号 [默认：0011223344]：" in transcript
    assert "用电类型 [默认：non-residential" in transcript
    assert "早于业务归档时间" not in transcript
    assert "写入？[Y/n/改第几项" in transcript and "！请直接回车" in transcript
    data = read(repo, written(transcript))
    assert data["customer"]["name"] == "滨海某某厂" and data["visitor"] == "李敏"
    assert data["trigger"] == {"order": "GD2026112699001", "kind": "repair", "archived_at": "2026-11-26T07:45:30+08:00"}
    assert data["unit"] == "xinbei" and data["customer"]["account"] == "0011223344"
    assert_valid(repo, written(transcript))


def test_a_change_at_the_summary_that_rules_out_another_answer_removes_it(repo: Path) -> None:
    args = [a for a in VISIT_FLAGS if a not in ("--follow-up", "班组长 3 日内回电说明原因")]
    args[args.index("--satisfaction") + 1] = "satisfied"
    status, transcript = converse(repo, [*args, "-i"], {"写入？": [_number_of("是否联系上"), ""], "是否联系上": "否"})
    assert status == 0, transcript
    assert "不能填写满意度" in transcript and "已去掉“满意度”" in transcript
    data = read(repo, written(transcript))
    assert data["reached"] is False and "satisfaction" not in data
    assert_valid(repo, written(transcript))


def test_an_optional_answer_can_be_emptied_at_the_summary(repo: Path) -> None:
    status, transcript = converse(repo, [*VISIT_FLAGS, "-i"], {"写入？": [_number_of("联系电话"), ""], "联系电话": "-"})
    assert status == 0, transcript
    assert "phone" not in read(repo, written(transcript))["customer"]


def test_declining_at_the_summary_writes_nothing(repo: Path) -> None:
    status, transcript = converse(repo, [*VISIT_FLAGS, "-i"], {"写入？": "n"})
    assert status == 2 and "已取消" in transcript
    assert [p for p in (repo / "records" / "visits").rglob("*.yaml")] == []


def test_an_archive_time_to_the_minute_takes_the_orders_seconds_and_validates_without_a_mismatch(repo: Path) -> None:
    _add_order(repo, ORDER)
    args = ["visit", "--order", ORDER["order"], "--archived-at", "2026-11-26 07:45", "--name", "滨海某厂",
            "--visitor", "李敏", "--reached", "否", "--visited-at", "2026-11-26 07:45", "--account", '"0011223344"']
    result = run(repo, *args)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "visit-order-mismatch" not in result.stdout and "visit-before-trigger" not in result.stdout
    data = read(repo, written(result.stdout))
    assert data["trigger"]["archived_at"] == "2026-11-26T07:45:30+08:00"
    assert data["customer"]["account"] == "0011223344"


def test_the_account_prompt_tells_the_truth_about_quotes_and_a_quoted_answer_is_taken(repo: Path) -> None:
    status, transcript = converse(repo, [*[a for a in VISIT_FLAGS if a not in ("--account", "0212345678")], "-i"],
                                  {"户号": "“0212345678”", "写入？": ""})
    assert status == 0, transcript
    question = transcript.split("【户号】", 1)[1].split("\n", 1)[0]
    assert "必须加引号" not in question and "自动加上引号" in question
    assert read(repo, written(transcript))["customer"]["account"] == "0212345678"


# --- the pure parts ----------------------------------------------------------------------------------


FIELDS = {f.path: f for f in record_fields("visit")}


@pytest.mark.parametrize("typed", ['"0212345678"', "'0212345678'", "“0212345678”", "‘0212345678’", " 0212 345678 "])
def test_quoted_or_spaced_accounts_are_the_digits(typed: str) -> None:
    assert parse_answer("visit", FIELDS["customer.account"], typed) == "0212345678"


def test_a_quote_inside_free_text_is_kept() -> None:
    assert parse_answer("visit", FIELDS["opinion"], '客户说"还行"') == '客户说"还行"'
    assert parse_answer("visit", FIELDS["opinion"], '"整句引用"') == "整句引用"


def test_prompt_descriptions_never_ask_for_quotes() -> None:
    for field in record_fields("visit") + record_fields("letter"):
        assert "必须加引号" not in prompt_description(field), field.path
    assert prompt_description(FIELDS["customer.account"]).startswith("营销系统中的客户户号，只含数字")
    assert prompt_description(FIELDS["visitor"]) == FIELDS["visitor"].description


@pytest.mark.parametrize("typed,known,same", [
    ("2026-11-26 07:45", "2026-11-26T07:45:30+08:00", True),
    ("2026-11-26 07:46", "2026-11-26T07:45:30+08:00", False),
    ("2026-11-26 07:45:10", "2026-11-26T07:45:30+08:00", False),
    ("2026-11-26 07:45:30", "2026-11-26T07:45:30+08:00", True),
    ("2026-11-25T23:45Z", "2026-11-26T07:45:30+08:00", True),
    ("不是时间", "2026-11-26T07:45:30+08:00", False),
])
def test_times_agree_at_the_precision_both_have(typed: str, known: str, same: bool) -> None:
    assert same_at_precision(typed, known) is same


@pytest.mark.parametrize("visited,archived,before", [
    ("2026-11-26 07:45", "2026-11-26 07:45:30", False),
    ("2026-11-26 07:44", "2026-11-26 07:45:30", True),
    ("2026-11-26 07:45:10", "2026-11-26 07:45:30", True),
])
def test_before_is_judged_at_the_precision_both_have(visited: str, archived: str, before: bool) -> None:
    assert before_at_precision(parse_time(visited), visited, parse_time(archived), archived) is before
