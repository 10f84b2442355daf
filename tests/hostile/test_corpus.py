"""The hostile-input corpus (issue 16, point 7): every case in hostile_cases.CASES, judged the same way.

For each case: the exit status it declares; its fragments (the file or option named) in a message that has
Chinese in it; no "Traceback" anywhere in the output; and nothing in the archive or the folder outside it
changed except the files the case allows the command to write.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from hostile_cases import CASES
from hostile_harness import CJK, COMMANDS, build_template, changed, plant, run, tree_digest


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory.mktemp("hostile") / "template")


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_case(case, template: Path, tmp_path: Path) -> None:
    root, out = tmp_path / "archive", tmp_path / "out"
    shutil.copytree(template, root, symlinks=True)
    out.mkdir()
    plant(case, root, out)
    before_root, before_out = tree_digest(root), tree_digest(out)

    outcome = run(case, root, out)

    text = outcome.output
    assert "Traceback" not in text, text
    assert outcome.status == case.status, f"退出码 {outcome.status}，应为 {case.status}：\n{text}"
    assert CJK.search(text), f"没有中文说明：\n{text}"
    missing = [fragment.replace("{root}", str(root)) for fragment in case.expect
               if fragment.replace("{root}", str(root)) not in text]
    assert not missing, f"输出中没有 {missing}：\n{text}"
    assert changed(before_root, tree_digest(root), case.writes) == [], "档案中不该改动的文件被改动了"
    assert changed(before_out, tree_digest(out), ("site/*", "site")) == [], "档案以外的文件被改动了"
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
