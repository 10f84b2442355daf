"""A help page per finding code (guide.render_code_pages), and the reports that link to it when the site is known."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
import yaml

from callback_archive import guide
from callback_archive.articles import article_anchor
from callback_archive.findings import CODES, SEVERITY_LABELS, Finding
from callback_archive.render.findings import REPORTERS, Summary, github_command, gitlab_issues, text_line
from callback_archive.site import generate as sitegen
from conftest import AS_OF, EXAMPLES, REPO, place, run_validate

CASES = yaml.safe_load((EXAMPLES / "cases.yaml").read_text(encoding="utf-8"))
PAGES = guide.render_code_pages()
SHOWN = [*CASES["invalid"], *CASES["warning"]]
SITE = "https://archive.example.cn/"
VISIT_PATH = "records/visits/tanggu/2026/11/HF-20261125-0001.yaml"
CODE_QUALITY_SCHEMA = json.loads((Path(__file__).parent / "schemas" / "gitlab-codequality.schema.json").read_text(encoding="utf-8"))


def test_the_site_publishes_a_page_per_code_and_the_list_links_to_each() -> None:
    generated = sitegen.generated_pages(REPO)
    assert {path: generated[path] for path in PAGES} == PAGES
    assert set(PAGES) == {"codes.md", *(f"codes/{code}.md" for code in CODES)}
    listed = re.findall(r"^\| \[`([a-z0-9-]+)`\]\(codes/\1\.md\) \|", PAGES["codes.md"], re.MULTILINE)
    assert listed == list(CODES)


def test_code_pages_stay_out_of_the_navigation() -> None:
    nav = (REPO / "mkdocs.yml").read_text(encoding="utf-8").split("\nnav:", 1)[1]
    assert "codes/" not in nav  # the list links to them; the other pages' navigation stays as it was


@pytest.mark.parametrize("code", list(CODES))
def test_a_code_page_says_meaning_severity_article_and_fix(code: str) -> None:
    spec = CODES[code]
    page = PAGES[guide.code_page(code)]
    assert page.split("---\n\n", 1)[1].startswith(f"# {code}：{spec.title}\n")
    assert f"**级别**：{SEVERITY_LABELS[spec.severity]}，{guide.SEVERITY_MEANINGS[spec.severity]}" in page
    if spec.article:
        assert f"[{spec.article}](../rules.md#{article_anchor(spec.article)})" in page
    assert f"## 怎么改\n\n{guide.FIXES[code]}\n" in page
    assert "[返回校验信息一览](../codes.md)" in page


def test_every_code_has_a_fix() -> None:
    assert set(guide.FIXES) == set(CODES)


def test_links_between_code_pages_and_to_the_rules_exist() -> None:
    rules = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    for path, page in PAGES.items():
        for target in re.findall(r"\]\(([^)#]+\.md)(?:#[^)]*)?\)", page):
            resolved = (Path(path).parent / target).as_posix().replace("codes/../", "")
            assert resolved in PAGES or (REPO / "docs" / resolved).is_file(), (path, target)
        for anchor in re.findall(r"rules\.md#(article-\d+)", page):
            assert f"{{#{anchor}}}" in rules


@pytest.mark.parametrize("case", SHOWN, ids=[c["file"] for c in SHOWN])
def test_every_example_is_on_the_page_of_each_code_it_produces(case: dict) -> None:
    warning = case in CASES["warning"]
    wrong = (EXAMPLES / ("warning" if warning else "invalid") / case["file"]).read_bytes()
    for code in {e["code"] for e in case["expect"]}:
        page = PAGES[guide.code_page(code)]
        heading = "有警告的记录" if warning else "错误的记录"
        section = page.split(f"### {heading}：{case['file']}\n", 1)[1].split("\n### ", 1)[0]
        assert f"文件 `{case['path']}`" in section
        try:
            text = wrong.decode("utf-8")
        except UnicodeDecodeError:
            assert "不是 UTF-8 编码" in section
        else:
            shown = "\n".join(text.lstrip("\ufeff").splitlines())  # single CRs shown as line breaks, extra BOMs said
            assert shown.strip() in section if shown.strip() else "空文件" in section
        for expected in case["expect"]:
            assert f"第 {expected['line']} 行 " in section or expected["line"] is None
        if warning:
            assert "这是警告：记录照常归档，不需要改正" in section and "改正后" not in section
        elif "right" in case:
            right = (EXAMPLES / "valid" / case["right"]).read_text(encoding="utf-8-sig")
            assert f"#### 改正后\n\n与错误的记录相比：" in section and right.strip() in section
        else:
            assert "不应放在 `records/` 中" in section


def test_each_right_record_is_a_tested_valid_example() -> None:
    valid = {case["file"] for case in CASES["valid"]}
    assert not [case for case in CASES["warning"] if "right" in case]  # archived all the same: nothing to correct
    for case in CASES["invalid"]:
        if "right" in case:
            assert case["right"] in valid
        else:  # only a file that is no record at all has no right form
            assert case["expect"] == [{"code": "file-not-record", "line": None}] and case["path"].endswith(".txt")


def test_codes_without_an_example_say_so_and_show_no_record() -> None:
    with_examples = {e["code"] for case in SHOWN for e in case["expect"]}
    for code in CODES:
        page = PAGES[guide.code_page(code)]
        if code in with_examples:
            assert "### 错误的记录：" in page or "### 有警告的记录：" in page
        else:
            assert "这个代码还没有示例文件" in page and "```" not in page


def test_the_changes_name_the_lines_the_encoding_and_the_place() -> None:
    by_code = guide.examples_by_code()
    said = {example.name: guide._changes(example, example.right) for examples in by_code.values()
            for example in examples if example.right}
    assert said["unknown-key.yaml"] == "与错误的记录相比：改写第 17 行。"
    assert said["duplicate-key.yaml"] == "与错误的记录相比：删去原来的第 18 行。"
    assert said["repair-without-trigger.yaml"] == "与错误的记录相比：补上第 11–14 行。"
    assert said["gbk-encoding.yaml"] == "与错误的记录相比：内容用 UTF-8 编码另存。"
    assert said["wrong-month-folder.yaml"] == f"与错误的记录相比：文件移到 `{VISIT_PATH}`。"
    assert said["cr-line-endings.yaml"] == "与错误的记录相比：换行改为 LF。"
    assert said["double-bom.yaml"] == "与错误的记录相比：删去开头多余的 BOM 标记。"


# The site's address.

def test_site_url_comes_from_the_variable_then_mkdocs_yml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(guide.SITE_URL_VARIABLE, raising=False)
    assert guide.site_url(tmp_path) is None  # no mkdocs.yml
    (tmp_path / "mkdocs.yml").write_text("site_name: 档案\nextra:\n  x: !ENV [X, 1]\n"
                                         "markdown_extensions:\n  - emoji:\n      emoji_index: !!python/name:material.e\n",
                                         encoding="utf-8")
    assert guide.site_url(tmp_path) is None  # tags are read leniently
    (tmp_path / "mkdocs.yml").write_text(f"site_url: {SITE}\nx: !ENV X\n", encoding="utf-8")
    assert guide.site_url(tmp_path) == SITE
    monkeypatch.setenv(guide.SITE_URL_VARIABLE, "https://other.example.cn")
    assert guide.site_url(tmp_path) == "https://other.example.cn"
    assert guide.code_page_url("https://other.example.cn", "yaml-tag") == "https://other.example.cn/codes/yaml-tag/"
    assert guide.code_page_url(SITE, "yaml-tag") == "https://archive.example.cn/codes/yaml-tag/"


def test_a_broken_mkdocs_yml_is_no_site_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(guide.SITE_URL_VARIABLE, raising=False)
    for content in (b"site_url: [\n", b"\xff\xfe", b"- a list\n"):
        (tmp_path / "mkdocs.yml").write_bytes(content)
        assert guide.site_url(tmp_path) is None
    assert guide.site_url(REPO) is None  # this repository names no address yet: the reports stay as they were


# The reports.

FINDINGS = [Finding(VISIT_PATH, 17, "error", "第十一条", "HF-20261125-0001", "schema-unknown-key", "未知字段 vistor"),
            Finding(VISIT_PATH, None, "warning", "第十四条", "HF-20261125-0001", "callback-late", "回访超时 2 小时")]
NOTICES = [Finding("records", None, "warning", "第十一条", None, "history-unavailable", "不在 Git 仓库中")]
SUMMARY = Summary.of(FINDINGS, 1, "2026-11-26 09:00")


def _report(fmt: str, site_url: str | None, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.delenv("GITEA_ACTIONS", raising=False)
    monkeypatch.delenv("FORGEJO_ACTIONS", raising=False)
    out = io.StringIO()
    REPORTERS[fmt](FINDINGS, SUMMARY, out, NOTICES, site_url=site_url)
    return out.getvalue()


@pytest.mark.parametrize("fmt", sorted(REPORTERS))
def test_every_format_names_each_findings_code(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    output = _report(fmt, None, monkeypatch)
    for f in FINDINGS:
        assert text_line(f).endswith(f"（{f.code}）")
        assert f"（{f.code}）" in output or f'"code": "{f.code}"' in output, fmt


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_text_and_json_do_not_change_with_the_site(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _report(fmt, SITE, monkeypatch) == _report(fmt, None, monkeypatch)


def test_github_annotations_link_each_code_page(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert github_command(FINDINGS[0]) == github_command(FINDINGS[0], None)
    assert github_command(FINDINGS[0], SITE) == (github_command(FINDINGS[0])
                                                 + "%0A说明页：https://archive.example.cn/codes/schema-unknown-key/")
    output = _report("github", SITE, monkeypatch).splitlines()
    assert output[2] == "::notice title=不在 Git 仓库中，未检查档案建立时间 history-unavailable::不在 Git 仓库中" \
                        "%0A说明页：https://archive.example.cn/codes/history-unavailable/"
    assert output[3:] == _report("github", None, monkeypatch).splitlines()[3:]  # the log lines as before
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    REPORTERS["github"](FINDINGS, SUMMARY, io.StringIO(), NOTICES, site_url=SITE)
    assert "| [callback-late](https://archive.example.cn/codes/callback-late/) |" in summary.read_text(encoding="utf-8")


def test_gitlab_and_junit_carry_the_link(monkeypatch: pytest.MonkeyPatch) -> None:
    issues = gitlab_issues(FINDINGS, SITE)
    jsonschema.validate(issues, CODE_QUALITY_SCHEMA)
    plain = gitlab_issues(FINDINGS)
    assert [i["fingerprint"] for i in issues] == [i["fingerprint"] for i in plain]
    assert issues[0]["description"] == plain[0]["description"] + " 说明页：https://archive.example.cn/codes/schema-unknown-key/"
    suite = ET.fromstring(_report("junit", SITE, monkeypatch))
    failure = suite.find(".//failure")
    assert failure.text.endswith("（schema-unknown-key）\n说明页：https://archive.example.cn/codes/schema-unknown-key/")
    assert suite.findall(".//system-out")[-1].text.endswith("说明页：https://archive.example.cn/codes/callback-late/")


def test_validate_links_to_the_pages_when_the_site_is_known(archive: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    place(archive, VISIT_PATH, (EXAMPLES / "invalid" / "unknown-key.yaml").read_bytes())
    monkeypatch.delenv(guide.SITE_URL_VARIABLE, raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    before = run_validate("--root", str(archive), "--as-of", AS_OF, "--format", "github").stdout
    assert "说明页" not in before
    (archive / "mkdocs.yml").write_text(f"site_url: {SITE}\n", encoding="utf-8")
    after = run_validate("--root", str(archive), "--as-of", AS_OF, "--format", "github").stdout
    assert "%0A说明页：https://archive.example.cn/codes/schema-unknown-key/" in after
    assert after.replace("%0A说明页：https://archive.example.cn/codes/schema-unknown-key/", "") \
        .replace("%0A说明页：https://archive.example.cn/codes/schema-required/", "") \
        .replace("%0A说明页：https://archive.example.cn/codes/history-unavailable/", "") == before
