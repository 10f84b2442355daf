"""scripts/draw_sample.py as staff run it: the marketing system's exports, unit names, broken samples, two at once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from conftest import REMOVE, REPO, place
from test_import_orders_hostile import stderr_on_a_terminal

SCRIPT = REPO / "scripts" / "draw_sample.py"
SAMPLE = "records/samples/2026-10.yaml"
CN_HEADER = "户号,用电类别,所在单位,客户名称\r\n"
EN_HEADER = "account,usage_type,unit\n"


def customers_cn(count: int = 30) -> str:
    units = ("塘沽供电分公司", "tanggu", "营销部")
    return CN_HEADER + "".join(f"02{n:08d},{'居民生活' if n % 3 else '一般工商业'},{units[n % 3]},客户{n}\r\n" for n in range(count))


def customers_en(count: int = 30) -> str:
    return EN_HEADER + "".join(f"02{n:08d},{'居民生活' if n % 3 else '一般工商业'},tanggu\n" for n in range(count))


def run_script(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=False)


def write_list(folder: Path, content: bytes, name: str = "客户清单.csv") -> Path:
    path = folder / name
    path.write_bytes(content)
    return path


def draw_args(path: Path, archive: Path, *more: str) -> list[str]:
    return [str(path), "--month", "2026-10", "--root", str(archive), *more]


def assert_refused(result: subprocess.CompletedProcess, status: int, *messages: str) -> None:
    assert result.returncode == status, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    for message in messages:
        assert message in result.stderr, result.stderr


def test_gbk_export_with_chinese_headers_and_unit_names_is_drawn_and_verified(archive, tmp_path):
    path = write_list(tmp_path, customers_cn().encode("gbk"))
    result = run_script(*draw_args(path, archive))
    assert result.returncode == 0, result.stderr
    assert "居民生活：20 户，抽取 2 户" in result.stdout and f"已写入 {SAMPLE}（种子 202610" in result.stdout
    data = yaml.safe_load((archive / SAMPLE).read_text(encoding="utf-8"))
    assert {c["unit"] for c in data["customers"]} <= {"tanggu", "marketing"}  # names stored as unit ids
    assert data["source"]["rows"] == 30 and data["source"]["file"] == "客户清单.csv"
    verified = run_script(*draw_args(path, archive, "--verify"))
    assert verified.returncode == 0 and "核对通过" in verified.stdout
    assert [p.name for p in (archive / "records/samples").iterdir()] == ["2026-10.yaml"]  # no lock, no temporary left


def test_utf8_with_bom_and_english_headers_give_the_same_customers(archive, tmp_path):
    english = run_script(*draw_args(write_list(tmp_path, b"\xef\xbb\xbf" + customers_en().encode()), archive))
    assert english.returncode == 0, english.stderr
    drawn = yaml.safe_load((archive / SAMPLE).read_text(encoding="utf-8"))["customers"]
    (archive / SAMPLE).unlink()
    gb18030 = run_script(*draw_args(write_list(tmp_path, customers_en().replace("tanggu", "塘沽供电分公司").encode("gb18030")), archive))
    assert gb18030.returncode == 0
    assert yaml.safe_load((archive / SAMPLE).read_text(encoding="utf-8"))["customers"] == drawn


def test_a_unit_not_in_units_yaml_is_refused_with_its_row(archive, tmp_path):
    text = customers_cn().replace("02" + "00000002,居民生活,营销部", "0200000002,居民生活,大港供电分公司")
    result = run_script(*draw_args(write_list(tmp_path, text.encode("gbk")), archive))
    assert_refused(result, 1, "draw_sample.py：错误：客户清单.csv 第 4 行：所在单位“大港供电分公司”不在 records/units.yaml 中（已有：")
    assert not (archive / "records/samples").exists()


def test_bad_rows_and_headers_name_the_file_and_row(archive, tmp_path):
    cases = [
        ("户号,所在单位\n0212345678,tanggu\n", "客户清单.csv 第 1 行：表头缺少列 用电类别：表头应包含 户号（或 客户编号、account）；用电类别（或"),
        (customers_cn(3) + "0200000001,居民生活,tanggu,重复\r\n", "客户清单.csv 第 5 行：户号 0200000001 与第 3 行重复"),
        (customers_cn(3) + "12345,居民生活,tanggu,短\r\n", "客户清单.csv 第 5 行：户号“12345”应为 6 到 20 位数字"),
        (customers_cn(3) + "0200000009,,tanggu,空\r\n", "客户清单.csv 第 5 行：用电类别是空的"),
        (CN_HEADER, "客户清单.csv：只有表头，没有客户。"),
    ]
    for text, message in cases:
        assert_refused(run_script(*draw_args(write_list(tmp_path, text.encode("gbk")), archive)), 1, message)
    garbled = write_list(tmp_path, "户号,用电类别,所在单位\n".encode() + b"\x80\x80\xff\n")
    assert_refused(run_script(*draw_args(garbled, archive)), 1, "客户清单.csv 第 2 行：文件既不是 UTF-8 也不是 GBK 编码")
    assert not (archive / "records/samples").exists()


def test_title_row_above_the_header_is_skipped(archive, tmp_path):
    result = run_script(*draw_args(write_list(tmp_path, ("2026年10月客户清单,,,\r\n" + customers_cn()).encode("gbk")), archive))
    assert result.returncode == 0, result.stderr
    assert yaml.safe_load((archive / SAMPLE).read_text(encoding="utf-8"))["source"]["rows"] == 30


def test_a_broken_existing_sample_is_a_chinese_error_not_a_traceback(archive, tmp_path):
    path = write_list(tmp_path, customers_cn().encode("gbk"))
    place(archive, SAMPLE, "month: \"2026-10\"\nseed: [1,\n")
    assert_refused(run_script(*draw_args(path, archive, "--verify")), 2, f"draw_sample.py：错误：{SAMPLE} 第 ", "YAML 语法错误", "无法核对抽样名单")
    place(archive, SAMPLE, "month: \"2026-10\"\nseed: 202610\nratio: 0.1\n")
    assert_refused(run_script(*draw_args(path, archive, "--verify")), 2, f"{SAMPLE}", "缺少", "无法核对抽样名单")
    place(archive, SAMPLE, "[" * 5000)
    assert_refused(run_script(*draw_args(path, archive, "--verify")), 2, f"{SAMPLE}", "无法核对抽样名单")
    before = (archive / SAMPLE).read_bytes()
    assert_refused(run_script(*draw_args(path, archive)), 2, f"{SAMPLE} 已存在：抽样名单一经抽出不得重抽覆盖")
    assert (archive / SAMPLE).read_bytes() == before
    assert_refused(run_script(str(path), "--month", "2026-11", "--root", str(archive), "--verify"), 2, "没有 records/samples/2026-11.yaml，无从核对")


def test_a_broken_policy_is_a_chinese_error(archive, policy_with, tmp_path):
    policy_with({"sampling": REMOVE})
    result = run_script(*draw_args(write_list(tmp_path, customers_cn().encode("gbk")), archive))
    assert_refused(result, 2, "policy.yaml", "无法取得抽样比例")
    assert not (archive / SAMPLE).exists()


def test_two_draws_at_once_write_one_sample_and_refuse_the_other(archive, tmp_path):
    first = write_list(tmp_path, customers_cn().encode("gbk"), "a.csv")
    second = write_list(tmp_path, customers_en(40).encode(), "b.csv")
    runs = [subprocess.Popen([sys.executable, str(SCRIPT), *draw_args(p, archive)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for p in (first, second)]
    results = [(run.wait(timeout=60), *run.communicate()) for run in runs]
    assert sorted(r[0] for r in results) == [0, 2], results
    [(_, _, err)] = [r for r in results if r[0] == 2]
    assert "已存在" in err or "正在被另一个程序写入" in err
    [(_, out, _)] = [r for r in results if r[0] == 0]
    written = yaml.safe_load((archive / SAMPLE).read_text(encoding="utf-8"))
    assert f"SHA-256 {written['source']['sha256'][:12]}" in out  # the file is the one the successful run drew


def test_help_lists_the_accepted_headers():
    result = run_script("--help")
    text = "".join(result.stdout.split())  # help is wrapped to the terminal's width
    assert result.returncode == 0 and "户号（或客户编号、account）；用电类别（或用电类型、usage_type）" in text and "GBK" in text


def test_progress_is_shown_on_a_terminal_only(archive, tmp_path):
    path = write_list(tmp_path, customers_en(20000).encode())
    piped = run_script(*draw_args(path, archive))
    assert piped.returncode == 0 and piped.stderr == ""
    (archive / SAMPLE).unlink()
    status, shown = stderr_on_a_terminal([sys.executable, str(SCRIPT), *draw_args(path, archive)])
    assert status == 0 and "检查客户清单".encode() in shown and b"/20000" in shown
