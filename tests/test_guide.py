"""The staff guide: the generated list of finding codes, and the guide's commands and links (each code's own
page: test_code_pages.py)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from callback_archive import guide
from callback_archive.site import generate as sitegen
from callback_archive.articles import article_url
from callback_archive.findings import CODES, SEVERITY_LABELS
from conftest import REPO

GUIDE = (REPO / "docs" / "guide.md").read_text(encoding="utf-8")


def test_codes_page_has_a_row_for_every_code_with_its_article_and_a_fix() -> None:
    page = guide.render_codes_page()
    rows = {line.split("`")[1]: line for line in page.splitlines() if line.startswith("| [`")}
    assert list(rows) == list(CODES)
    for code in CODES.values():
        row = rows[code.code]
        assert f"| {SEVERITY_LABELS[code.severity]} |" in row and code.title.replace("|", "\\|") in row
        assert (f"]({article_url(code.article)})" in row) if code.article else "| — |" in row
        assert row.rstrip(" |").split("|")[-1].strip()  # every code says what to do


def test_every_fix_belongs_to_a_known_code() -> None:
    assert set(guide.FIXES) <= set(CODES)


def test_site_generates_the_codes_page_and_lists_both_pages() -> None:
    assert sitegen.generated_pages(REPO)["codes.md"] == guide.render_codes_page() == guide.render_code_pages()["codes.md"]
    nav = (REPO / "mkdocs.yml").read_text(encoding="utf-8").split("\nnav:", 1)[1]
    assert "使用指南: guide.md" in nav and "校验信息一览: codes.md" in nav
    assert "(codes.md)" in GUIDE and "(fields.md)" in GUIDE


def test_every_command_in_the_guide_exists_and_answers_help() -> None:
    callback = str(Path(sys.executable).parent / "callback")  # the guide's command, installed by make setup
    commands = sorted(set(re.findall(r"callback ([a-z-]+)", GUIDE)))
    assert "new" in commands and "due" in commands and "validate" in commands
    for command in commands:
        result = subprocess.run([callback, command, "--help"], capture_output=True, text=True, encoding="utf-8",
                                check=False)
        assert result.returncode == 0 and "用法" in result.stdout, command
    for command in set(re.findall(r"callback new (\w+)", GUIDE)):
        help_text = subprocess.run([callback, "new", command, "--help"], capture_output=True, text=True,
                                   encoding="utf-8", check=False)
        assert help_text.returncode == 0, command


def test_guide_links_only_to_articles_that_exist() -> None:
    for number in re.findall(r"\(rules\.md#article-(\d+)\)", GUIDE):
        assert 1 <= int(number) <= 30
