"""The hostile-input corpus (issue 16, point 7): every case in hostile_cases.CASES, judged the same way.

For each case: the exit status it declares; its fragments (the file or option named) in a message that has
Chinese in it; no "Traceback" anywhere in the output; and nothing in the archive or the folder outside it
changed except the files the case allows the command to write.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from callback_archive.safefile import locked
from hostile_cases import CASES
from hostile_harness import CJK, COMMANDS, ORDERS, REPO, TIMEOUT, build_template, changed, plant, run, tree_digest


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory.mktemp("hostile") / "template")


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_case(case, template: Path, tmp_path: Path) -> None:
    if case.readonly and os.geteuid() == 0:
        pytest.skip("以 root 运行：root 不受文件夹权限限制，chmod 无法模拟只读文件夹（以普通用户运行测试时检查）")
    root, out = tmp_path / "archive", tmp_path / "out"
    shutil.copytree(template, root, symlinks=True)
    out.mkdir()
    plant(case, root, out)
    before_root, before_out = tree_digest(root), tree_digest(out)

    outcome = run(case, root, out)

    text = outcome.output
    assert "Traceback" not in text, text
    allowed = case.status if isinstance(case.status, tuple) else (case.status,)
    assert outcome.status in allowed, f"退出码 {outcome.status}，应为 {case.status}：\n{text}"
    assert CJK.search(text) or not case.chinese, f"没有中文说明：\n{text}"
    missing = [fragment.replace("{root}", str(root)) for fragment in case.expect
               if fragment.replace("{root}", str(root)) not in text]
    assert not missing, f"输出中没有 {missing}：\n{text}"
    assert changed(before_root, tree_digest(root), case.writes) == [], "档案中不该改动的文件被改动了"
    assert changed(before_out, tree_digest(out), ("site/*", "site")) == [], "档案以外的文件被改动了"
    for fragment in case.site_expect:
        assert fragment in (out / "site/index.html").read_text(encoding="utf-8"), f"网站首页没有说明 {fragment}"
    for fragment in case.site_forbid:
        published = [str(p) for p in (out / "site").rglob("*") if p.is_file() and fragment.encode() in p.read_bytes()]
        assert not published, f"网站发布了 {fragment}：{published}"


def test_the_corpus_covers_every_command_and_runs_each_as_staff_do() -> None:
    assert len(CASES) >= 100
    assert len({case.id for case in CASES}) == len(CASES), "case ids must be unique"
    commands = Counter(case.command for case in CASES)
    assert set(commands) == set(COMMANDS), set(COMMANDS) - set(commands)
    by_process = {case.command for case in CASES if case.subprocess or case.command == "mkdocs"}
    assert by_process == set(COMMANDS), set(COMMANDS) - by_process


def _export(folder: Path, batch: int, rows: int = 3000) -> Path:
    """An export of ``rows`` work orders of 2026-11-26, their numbers marked with ``batch``."""
    export = folder / f"export-{batch}.csv"
    export.write_text("工单号,业务类型,受理单位,户号,客户类型,归档时间,重点客户类别\n" + "".join(
        f"GD20261126{batch}{n:04d},故障报修,tanggu,02{batch}{n:07d},居民,2026-11-26 10:00,\n" for n in range(rows)),
        encoding="utf-8")
    return export


def test_an_import_waits_for_the_writer_holding_the_month(template: Path, tmp_path: Path) -> None:
    """Another writer (as a second import would) holds the month's lock, read the file before the import started
    and saves its version a moment later: the import must wait for it and add its rows to that version."""
    root = tmp_path / "archive"
    shutil.copytree(template, root, symlinks=True)
    month = root / ORDERS
    other_row = "GD2026112690001,repair,tanggu,0290000001,residential,2026-11-26 09:00:00,\n"
    with locked(month.parent), locked(month):  # whichever the import locks, the month file or its folder
        before = month.read_text(encoding="utf-8")
        importing = subprocess.Popen([sys.executable, str(REPO / "scripts/import_orders.py"), str(_export(tmp_path, 1)),
                                      "--root", str(root)], cwd=root, text=True, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        time.sleep(1.5)
        month.write_text(before + other_row, encoding="utf-8")
    stdout, stderr = importing.communicate(timeout=TIMEOUT)
    assert "Traceback" not in stdout + stderr, stdout + stderr
    assert importing.returncode == 0, stdout + stderr
    after = month.read_text(encoding="utf-8")
    assert "GD2026112690001" in after and after.count("GD202611261") == 3000, "导入没有等另一个写入者，丢了行"


def test_two_imports_into_one_month_at_once_lose_no_row(template: Path, tmp_path: Path) -> None:
    """Two ``import_orders.py`` runs on the same month at the same moment (3,000 different work orders each):
    each either imports all its rows or refuses with exit status 2 naming the month file; no row is lost."""
    root = tmp_path / "archive"
    shutil.copytree(template, root, symlinks=True)
    exports = [_export(tmp_path, batch) for batch in (1, 2)]
    script = str(REPO / "scripts/import_orders.py")
    runs = [subprocess.Popen([sys.executable, script, str(export), "--root", str(root)], cwd=root, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE) for export in exports]
    results = [(run.wait(TIMEOUT), *run.communicate()) for run in runs]

    month = (root / ORDERS).read_text(encoding="utf-8")
    for (status, stdout, stderr), batch in zip(results, (1, 2)):
        assert "Traceback" not in stdout + stderr, stdout + stderr
        assert status in (0, 2), stdout + stderr
        imported = month.count(f"GD20261126{batch}")
        if status == 0:
            assert imported == 3000, f"第 {batch} 批退出码 0，却只有 {imported} 条在 {ORDERS} 中"
        else:
            assert ORDERS in stdout + stderr and CJK.search(stderr), stdout + stderr
            assert imported == 0
    assert any(status == 0 for status, _, _ in results)
    assert [p.name for p in (root / "records/orders").iterdir()] == ["2026-11.csv"], "留下了临时文件或锁文件"
