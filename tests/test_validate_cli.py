"""The validator as staff and CI run it: exit codes, usage errors, output formats, the sample archive."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter

from callback_archive.findings import Finding
from callback_archive.render.findings import github_command
from conftest import AS_OF, EXAMPLES, REPO, place, run_validate

VISIT = (EXAMPLES / "valid" / "repair-visit.yaml").read_text(encoding="utf-8")
VISIT_PATH = "records/visits/tanggu/2026/11/HF-20261125-0001.yaml"


def test_sample_archive_validates_with_its_known_late_cases():
    run = run_validate("--root", str(REPO), "--as-of", AS_OF, "--format", "json")
    assert run.status == 0
    counts = Counter(f["code"] for f in run.findings)
    assert counts == {
        # One callback-late is an untimed complaint callback done after its month's cut-off (第二十五条, issue 17),
        # which also makes chadian's September submission differ from the archive; one callback-overdue is an
        # untimed complaint tried but not reached by the cut-off (第二十五条).
        "callback-late": 14, "callback-overdue": 2, "letter-late": 2, "calendar-year-missing": 1,
        "order-missing-callback": 2, "large-customer-plan-overdue": 1, "card-round-below-ratio": 1,
        "sample-below-ratio": 1, "submission-late": 2, "submission-missing": 1, "submission-differs": 3,
    }
    assert json.loads(run.stdout)["summary"]["errors"] == 0


def test_script_runs_from_anywhere_and_prints_chinese(tmp_path):
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "validate.py"), "--as-of", AS_OF, "records/letters"],
        cwd=REPO, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0
    assert "letter-late" in result.stdout and "callback-late" not in result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("检查了 26 个文件")


def test_same_id_twice_is_an_error_on_the_second(archive):
    place(archive, VISIT_PATH, VISIT)
    place(archive, "records/visits/tanggu/2026/11/HF-20261125-0002.yaml", VISIT.replace("0212345678", "0212345679"))
    run = run_validate("--root", str(archive), "--as-of", AS_OF, "--format", "json")
    assert run.status == 1
    codes = sorted((f["code"], f["file"].rsplit("/", 1)[-1]) for f in run.findings)
    assert ("id-duplicate", "HF-20261125-0002.yaml") in codes or ("id-duplicate", "HF-20261125-0001.yaml") in codes
    duplicate = next(f for f in run.findings if f["code"] == "id-duplicate")
    assert "已被" in duplicate["message"] and duplicate["line"] == 1


def test_file_over_64_kib_is_refused_without_parsing(archive):
    place(archive, VISIT_PATH, VISIT + "opinion: " + "很" * 30000 + "\n")
    run = run_validate("--root", str(archive), "--as-of", AS_OF, "--format", "json")
    assert run.status == 1
    [f] = run.findings
    assert f["code"] == "file-too-large" and "64 KiB" in f["message"] and "一个文件只记一条记录" in f["message"]


def test_bad_file_does_not_hide_findings_of_other_files(archive):
    place(archive, VISIT_PATH, "id: [\n")
    place(archive, "records/visits/tanggu/2026/11/HF-20261125-0002.yaml", VISIT.replace("0001", "0002").replace("unit: tanggu", "unit: dagang"))
    run = run_validate("--root", str(archive), "--as-of", AS_OF, "--format", "json")
    assert {f["code"] for f in run.findings} >= {"yaml-syntax", "unit-unknown"}


def test_paths_restrict_the_report_but_not_the_cross_checks(archive):
    place(archive, VISIT_PATH, VISIT)
    other = "records/visits/xinbei/2026/11/HF-20261125-0001.yaml"
    place(archive, other, VISIT.replace("unit: tanggu", "unit: xinbei").replace("GD2026112500123", "GD2026112500124"))
    run = run_validate("--root", str(archive), "--as-of", AS_OF, "--format", "json", str(archive / other))
    assert [f["code"] for f in run.findings] == ["id-duplicate"]
    assert run.findings[0]["file"] == other


def test_units_file_errors_are_configuration_errors(archive):
    place(archive, "records/units.yaml", "units:\n  - id: xinbei\n    name: 新北供电所\n    kind: station\n    head: 吴明\n    reporter: 郑晓燕\n")
    run = run_validate("--root", str(archive), "--as-of", AS_OF, "--format", "json")
    assert run.status == 2
    [f] = run.findings
    assert f["code"] == "units-invalid" and "parent" in f["message"]


def test_bad_as_of_is_a_usage_error(archive):
    run = run_validate("--root", str(archive), "--as-of", "明天")
    assert run.status == 2 and "--as-of 的值无效" in run.stderr


def test_unknown_format_is_a_usage_error_in_chinese(archive):
    run = run_validate("--root", str(archive), "--format", "xml")
    assert run.status == 2 and "无效的取值" in run.stderr


def test_path_outside_the_archive_is_a_usage_error(archive, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere") / "x.yaml"
    outside.write_text("id: x\n", encoding="utf-8")
    run = run_validate("--root", str(archive), str(outside))
    assert run.status == 2 and "不在档案目录" in run.stderr


def test_missing_path_is_a_usage_error(archive):
    run = run_validate("--root", str(archive), str(archive / "records/nothing.yaml"))
    assert run.status == 2 and "路径不存在" in run.stderr


def test_root_without_records_is_a_usage_error(tmp_path):
    run = run_validate("--root", str(tmp_path))
    assert run.status == 2 and "没有 records/" in run.stderr


def test_text_format_names_file_line_severity_and_article(archive):
    place(archive, VISIT_PATH, VISIT.replace("category: repair", "category: 抢修"))
    run = run_validate("--root", str(archive), "--as-of", AS_OF)
    assert run.status == 1
    first = run.stdout.splitlines()[0]
    assert first.startswith(f"{VISIT_PATH}:2: 错误 [第十三条] HF-20261125-0001: ")
    assert first.endswith("（schema-enum）") and "business（业务受理）" in first
    assert run.stdout.splitlines()[-1] == "检查了 3 个文件（当前时间按 2026-11-26 09:00）：1 个错误，0 个警告，未通过。"


def test_github_format_annotates_logs_and_writes_the_job_summary(archive, tmp_path_factory, monkeypatch):
    summary = tmp_path_factory.mktemp("gh") / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    place(archive, VISIT_PATH, VISIT.replace("category: repair", "category: 抢修"))
    run = run_validate("--root", str(archive), "--as-of", AS_OF, "--format", "github")
    assert run.status == 1
    lines = run.stdout.splitlines()
    assert lines[0].startswith(f"::error file={VISIT_PATH},line=2,title=[第十三条] 取值不在允许范围内 schema-enum::")
    assert any(line.startswith(f"{VISIT_PATH}:2: 错误") for line in lines)  # every finding also in the log
    table = summary.read_text(encoding="utf-8")
    assert "| 文件 | 行 | 级别 |" in table and "schema-enum" in table


def test_github_command_escapes_properties_and_data():
    f = Finding("a,b:c.yaml", 3, "warning", None, None, "yaml-syntax", "100% 坏了\r\n第二行")
    assert github_command(f) == "::warning file=a%2Cb%3Ac.yaml,line=3,title=YAML 语法错误 yaml-syntax::100%25 坏了%0D%0A第二行"


def test_json_format_is_the_documented_document(archive):
    place(archive, VISIT_PATH, VISIT.replace('account: "0212345678"', "account: 212345678"))
    document = json.loads(run_validate("--root", str(archive), "--as-of", AS_OF, "--format", "json").stdout)
    [f] = document["findings"]
    assert set(f) == {"file", "line", "severity", "article", "record", "code", "message"}
    assert document["summary"] == {"files": 3, "errors": 1, "warnings": 0, "as_of": "2026-11-26 09:00"}


def test_a_finding_as_a_dict_has_every_field_in_order():
    from dataclasses import asdict

    from callback_archive.findings import finding

    item = finding("id-duplicate", "records/x.yaml", 3, "消息", record="HF-20261101-0001")
    assert list(item.as_dict().items()) == list(asdict(item).items())
