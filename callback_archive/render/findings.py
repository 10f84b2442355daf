"""One reporter per output format; each turns findings into text for a person or a machine."""

from __future__ import annotations

import hashlib
import json
import re
from json.encoder import encode_basestring
import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Callable, Iterable, TextIO

from ..findings import CODES, SEVERITY_LABELS, Finding
from ..guide import code_page_url


@dataclass(frozen=True)
class Summary:
    files: int
    errors: int
    warnings: int
    as_of: str

    @classmethod
    def of(cls, findings: list[Finding], files: int, as_of: str) -> "Summary":
        errors = sum(1 for f in findings if f.severity == "error")
        return cls(files=files, errors=errors, warnings=len(findings) - errors, as_of=as_of)

    def sentence(self) -> str:
        verdict = "通过" if self.errors == 0 else "未通过"
        return f"检查了 {self.files} 个文件（当前时间按 {self.as_of}）：{self.errors} 个错误，{self.warnings} 个警告，{verdict}。"


def text_line(f: Finding) -> str:
    """``path:line: 错误 [第十三条] message（code）``."""
    where = f"{f.file}:{f.line}" if f.line else f.file
    article = f" [{f.article}]" if f.article else ""
    record = f" {f.record}:" if f.record else ""
    return f"{where}: {SEVERITY_LABELS[f.severity]}{article}{record} {f.message}（{f.code}）"


def notice_line(f: Finding) -> str:
    return f"注意：{f.message}（{f.code}）"


def page_note(f: Finding, site_url: str | None, before: str = "\n") -> str:
    """Where the code's page is (``before`` it, a line break), or nothing when the site's address is not known."""
    return f"{before}说明页：{code_page_url(site_url, f.code)}" if site_url else ""


def report_text(findings: list[Finding], summary: Summary, out: TextIO, notices: Iterable[Finding] = (),
                site_url: str | None = None) -> None:
    for f in findings:
        print(text_line(f), file=out)
    for f in notices:
        print(notice_line(f), file=out)
    print(summary.sentence(), file=out)


def _json_scalar(value: object) -> str:
    if isinstance(value, str):
        return encode_basestring(value)
    return json.dumps(value)


def _json_object(values: dict, indent: str) -> str:
    inner = indent + "  "
    return "{\n" + ",\n".join(f"{inner}{encode_basestring(k)}: {_json_scalar(v)}" for k, v in values.items()) + \
        f"\n{indent}}}"


def report_json(findings: list[Finding], summary: Summary, out: TextIO, notices: Iterable[Finding] = (),
                site_url: str | None = None) -> None:
    """The same text as ``json.dump(…, ensure_ascii=False, indent=2)``, written a finding at a time: the pure-Python
    encoder that ``indent`` needs took half a second for the 10,000 findings of a big year."""
    listed = ",\n".join("    " + _json_object(f.as_dict(), "    ") for f in findings)
    out.write('{\n  "findings": ' + (f"[\n{listed}\n  ]" if findings else "[]") + ",\n")
    noticed = ",\n".join("    " + _json_object(f.as_dict(), "    ") for f in notices)
    if noticed:  # only when there are any: the output of a run in Git stays as it was
        out.write(f'  "notices": [\n{noticed}\n  ],\n')
    out.write('  "summary": ' + _json_object(summary.__dict__, "  ") + "\n}\n")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_command(f: Finding, site_url: str | None = None) -> str:
    """A workflow command that GitHub shows on the finding's line of the pull request, with its code's page."""
    title = " ".join(part for part in (f.article and f"[{f.article}]", CODES[f.code].title, f.code) if part)
    props = [f"file={_escape_property(f.file)}"]
    if f.line:
        props.append(f"line={f.line}")
    props.append(f"title={_escape_property(title)}")
    return f"::{f.severity} {','.join(props)}::{_escape_data(f.message + page_note(f, site_url))}"


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def markdown_table(findings: Iterable[Finding], site_url: str | None = None) -> str:
    rows = ["| 文件 | 行 | 级别 | 条款 | 记录 | 代码 | 说明 |", "|---|---|---|---|---|---|---|"]
    for f in findings:
        code = f"[{f.code}]({code_page_url(site_url, f.code)})" if site_url else f.code
        rows.append(
            f"| {_cell(f.file)} | {f.line or ''} | {SEVERITY_LABELS[f.severity]} | {_cell(f.article)} | "
            f"{_cell(f.record)} | {code} | {_cell(f.message)} |"
        )
    return "\n".join(rows)


def report_github(findings: list[Finding], summary: Summary, out: TextIO, notices: Iterable[Finding] = (),
                  site_url: str | None = None) -> None:
    """Annotations (GitHub shows only 10 of each kind per step), the full log, and the job summary.

    Gitea and Forgejo Actions (``GITEA_ACTIONS`` or ``FORGEJO_ACTIONS`` set) run the same workflow but show neither
    annotations nor the job summary: there the workflow commands would only clutter the log, so the log is all they get."""
    if os.environ.get("GITEA_ACTIONS") or os.environ.get("FORGEJO_ACTIONS"):
        report_text(findings, summary, out, notices)
        return
    for f in findings:
        print(github_command(f, site_url), file=out)
    for f in notices:
        print(f"::notice title={_escape_property(CODES[f.code].title + ' ' + f.code)}::"
              f"{_escape_data(f.message + page_note(f, site_url))}", file=out)
    for f in findings:
        print(text_line(f), file=out)
    for f in notices:
        print(notice_line(f), file=out)
    print(summary.sentence(), file=out)
    summary_path = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_path:
        with open(summary_path, "a", encoding="utf-8") as handle:
            handle.write(f"## 回访档案校验\n\n{summary.sentence()}\n\n")
            for f in notices:
                handle.write(f"> {notice_line(f)}\n\n")
            if findings:
                handle.write(markdown_table(findings, site_url) + "\n")


# GitLab's Code Quality severities (info, minor, major, critical, blocker) for ours: an error stops the merge, a
# warning (late, but archived all the same) does not. See schemas/vendor/gitlab-codequality.schema.json.
GITLAB_SEVERITY = {"error": "major", "warning": "minor"}
_DIGITS = re.compile(r"\d+")


def _description(f: Finding) -> str:
    article = f"[{f.article}] " if f.article else ""
    record = f"{f.record}：" if f.record else ""
    return f"{article}{CODES[f.code].title}：{record}{f.message}（{f.code}）"


def gitlab_issues(findings: list[Finding], site_url: str | None = None) -> list[dict]:
    """GitLab Code Quality issues. The fingerprint is how GitLab tells a new finding from one the target branch
    already has, so it is made of what stays when lines shift or the day changes: code, file, record and the message
    with its numbers blanked (line numbers, hours left). Findings still alike are told apart by their order."""
    issues = []
    seen: dict[str, int] = {}
    for f in findings:
        key = "\0".join((f.code, f.file, f.record or "", _DIGITS.sub("#", f.message)))
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        fingerprint = hashlib.sha256(f"{key}\0{occurrence}".encode("utf-8")).hexdigest()
        issues.append({
            "description": _description(f) + page_note(f, site_url, " "),
            "check_name": f.code,
            "fingerprint": fingerprint,
            "severity": GITLAB_SEVERITY[f.severity],
            "location": {"path": f.file, "lines": {"begin": f.line or 1}},
        })
    return issues


def report_gitlab(findings: list[Finding], summary: Summary, out: TextIO, notices: Iterable[Finding] = (),
                  site_url: str | None = None) -> None:
    """The Code Quality report (``artifacts:reports:codequality``): GitLab shows each finding on its diff line.
    One issue a line: the C encoder keeps a year's ten thousand findings fast, and the file stays readable."""
    issues = gitlab_issues(findings, site_url)  # only findings: the notices are about the run, and GitLab's CI always has Git
    out.write("[\n" + ",\n".join(json.dumps(i, ensure_ascii=False) for i in issues) + "\n]\n" if issues else "[]\n")


# Characters XML 1.0 cannot hold (a message may quote a broken file's bytes): shown as \uNNNN instead.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def report_junit(findings: list[Finding], summary: Summary, out: TextIO, notices: Iterable[Finding] = (),
                 site_url: str | None = None) -> None:
    """A JUnit XML report (``artifacts:reports:junit``): GitLab lists it on the merge request. Each error is a
    failed test case, each warning a passed one that says it (JUnit has no warnings), and one case carries the
    summary sentence with the counts."""
    errors = sum(1 for f in findings if f.severity == "error")
    suite = ET.Element("testsuite", name="回访档案校验", tests=str(len(findings) + 1), failures=str(errors),
                       errors="0", skipped="0")
    overall = ET.SubElement(suite, "testcase", classname="回访档案", name="校验结论")
    ET.SubElement(overall, "system-out").text = "\n".join([summary.sentence(), *(notice_line(f) for f in notices)])
    for f in findings:
        where = f"第 {f.line} 行" if f.line else "整个文件"
        record = f" {f.record}" if f.record else ""
        case = ET.SubElement(suite, "testcase", classname=_xml_text(f.file), name=_xml_text(f"{where}{record} {f.code}"))
        if f.severity == "error":
            failure = ET.SubElement(case, "failure", type=f.code, message=_xml_text(_description(f)))
            failure.text = _xml_text(text_line(f) + page_note(f, site_url))
        else:
            ET.SubElement(case, "system-out").text = _xml_text(text_line(f) + page_note(f, site_url))
    suites = ET.Element("testsuites", name="回访档案校验", tests=suite.get("tests"), failures=str(errors))
    suites.append(suite)
    ET.indent(suites)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n")


# Each reporter also takes ``notices``: what the run could not check (``history-unavailable``), told in every
# format for people and CI logs (a line before the summary, ``notices`` in JSON, a notice on GitHub, the summary
# case's output in JUnit; GitLab's Code Quality holds issues on lines only, and GitLab's CI always has Git) and
# counted in none. And ``site_url``, the site's address (``guide.site_url``) or None: where the site is known, the
# formats read in a merge request (GitHub, GitLab, JUnit) add the address of each code's page; the text and JSON
# formats never change with it (each line or finding already names its code).
REPORTERS: dict[str, Callable[..., None]] = {
    "text": report_text,
    "json": report_json,
    "github": report_github,
    "gitlab": report_gitlab,
    "junit": report_junit,
}
