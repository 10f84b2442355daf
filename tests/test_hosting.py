"""Running where the company's Git runs: GitLab CI, Gitea/Forgejo Actions, and the reports each host reads."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
import yaml

from callback_archive.findings import Finding
from callback_archive.render.findings import gitlab_issues
from conftest import AS_OF, EXAMPLES, REPO, place, run_validate

CODE_QUALITY_SCHEMA = json.loads((Path(__file__).parent / "schemas" / "gitlab-codequality.schema.json").read_text(encoding="utf-8"))
VISIT = (EXAMPLES / "valid" / "repair-visit.yaml").read_text(encoding="utf-8")
VISIT_PATH = "records/visits/tanggu/2026/11/HF-20261125-0001.yaml"
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"


def check_jsonschema(schema: str, *files: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(CHECK_JSONSCHEMA), "--builtin-schema", schema, *map(str, files)],
                          capture_output=True, text=True, check=False)


def test_gitlab_ci_validates_against_gitlabs_published_schema(tmp_path):
    assert check_jsonschema("vendor.gitlab-ci", REPO / ".gitlab-ci.yml").returncode == 0
    broken = tmp_path / ".gitlab-ci.yml"  # the check can fail: a misspelt keyword is caught
    broken.write_text((REPO / ".gitlab-ci.yml").read_text(encoding="utf-8").replace("    reports:\n", "    report:\n"),
                      encoding="utf-8")
    assert check_jsonschema("vendor.gitlab-ci", broken).returncode == 1


def test_gitea_workflows_are_valid_github_workflows():
    workflows = sorted((REPO / ".gitea" / "workflows").glob("*.yml"))
    assert [w.name for w in workflows] == ["due-daily.yml", "validate.yml"]
    result = check_jsonschema("vendor.github-workflows", *workflows)
    assert result.returncode == 0, result.stdout + result.stderr


def test_gitlab_pipeline_does_what_the_github_workflows_do():
    config = yaml.safe_load((REPO / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    assert config["variables"]["GIT_DEPTH"] == "0"  # landing times need the whole history
    assert ".cache/" in config["default"]["cache"]["paths"]
    job = config["校验回访档案"]
    script = "\n".join(job["script"])
    assert '--base "origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME"' in script and "git fetch" in script
    assert "--format gitlab" in script and "--format junit" in script and "callback codeowners --check" in script
    assert job["artifacts"]["reports"] == {"codequality": "gl-code-quality-report.json", "junit": "validate-junit.xml"}
    assert job["artifacts"]["when"] == "always"  # the reports matter most when the job fails
    assert "--site-dir public" in "\n".join(config["pages"]["script"])
    assert config["pages"]["rules"][0]["if"] == '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $CI_PIPELINE_SOURCE == "push"'
    assert "callback due" in "\n".join(config["due"]["script"])
    assert config["due"]["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "schedule" && $SCHEDULE_TASK == "due"'}]


def code_quality(root: Path, as_of: str = AS_OF) -> list[dict]:
    run = run_validate("--root", str(root), "--as-of", as_of, "--format", "gitlab")
    assert run.status in (0, 1), run.stderr
    issues = json.loads(run.stdout)
    jsonschema.validate(issues, CODE_QUALITY_SCHEMA)
    return issues


def test_code_quality_report_follows_gitlabs_format_in_chinese(archive):
    place(archive, VISIT_PATH, VISIT.replace("category: repair", "category: 抢修"))
    [issue] = code_quality(archive)
    assert issue["check_name"] == "schema-enum" and issue["severity"] == "major"
    assert issue["location"] == {"path": VISIT_PATH, "lines": {"begin": 2}}
    assert issue["description"].startswith("[第十三条] 取值不在允许范围内：HF-20261125-0001：")
    assert "business（业务受理）" in issue["description"]


def test_code_quality_report_of_a_clean_archive_is_an_empty_list(archive):
    assert code_quality(archive) == []


def test_fingerprints_are_distinct_and_stable_across_runs_days_and_shifted_lines(archive):
    sample = code_quality(REPO)
    assert len(sample) > 20 and {i["severity"] for i in sample} == {"minor"}  # the sample's late cases: warnings
    fingerprints = [i["fingerprint"] for i in sample]
    assert len(set(fingerprints)) == len(fingerprints)
    assert [i["fingerprint"] for i in code_quality(REPO)] == fingerprints
    # A day later the overdue messages say other hours: the same findings keep their fingerprints.
    def where(issue: dict) -> tuple:
        return issue["check_name"], issue["location"]["path"], issue["location"]["lines"]["begin"]

    later = {where(i): i for i in code_quality(REPO, as_of="2026-11-27T15:00")}
    same = [i for i in sample if where(i) in later]
    assert len(same) > 10 and any(later[where(i)]["description"] != i["description"] for i in same)
    assert all(later[where(i)]["fingerprint"] == i["fingerprint"] for i in same)
    # Lines inserted above a finding move it, not its fingerprint.
    place(archive, VISIT_PATH, VISIT.replace("category: repair", "category: 抢修"))
    [before] = code_quality(archive)
    place(archive, VISIT_PATH, "# 补充说明\n# 第二行\n" + VISIT.replace("category: repair", "category: 抢修"))
    [after] = code_quality(archive)
    assert after["location"]["lines"]["begin"] == before["location"]["lines"]["begin"] + 2
    assert after["fingerprint"] == before["fingerprint"]


def test_findings_alike_but_for_their_numbers_get_distinct_fingerprints_by_order():
    def alike(line: int) -> Finding:
        return Finding("records/orders/2026-11.yaml", line, "error", None, None, "order-duplicate", f"第 {line} 行的工单重复")

    first, second = gitlab_issues([alike(3), alike(9)])
    assert first["fingerprint"] != second["fingerprint"]
    moved = gitlab_issues([alike(5), alike(12)])  # both moved down: each keeps its fingerprint
    assert [i["fingerprint"] for i in moved] == [first["fingerprint"], second["fingerprint"]]
    other = gitlab_issues([Finding("records/orders/2026-12.yaml", 3, "error", None, None, "order-duplicate", "第 3 行的工单重复")])
    assert other[0]["fingerprint"] != first["fingerprint"]


def test_junit_report_fails_a_case_per_error_and_carries_the_counts(archive):
    place(archive, VISIT_PATH, VISIT.replace("category: repair", "category: 抢修"))
    place(archive, "records/visits/tanggu/2026/11/HF-20261125-0002.yaml", "id: HF-20261125-0002\nbad: \x01\n")
    run = run_validate("--root", str(archive), "--as-of", AS_OF, "--format", "junit")
    assert run.status == 1
    suites = ET.fromstring(run.stdout)  # well-formed although a message quotes a control character
    [suite] = suites
    failures = suite.findall("testcase/failure")
    assert int(suite.get("failures")) == len(failures) >= 2
    assert int(suite.get("tests")) == len(suite.findall("testcase"))
    assert {f.get("type") for f in failures} >= {"schema-enum"}
    summary = suite.find("testcase[@name='校验结论']/system-out").text
    assert summary.startswith("检查了") and f"{len(failures)} 个错误" in summary and "未通过" in summary


@pytest.mark.parametrize("host", ["GITEA_ACTIONS", "FORGEJO_ACTIONS"])
def test_github_format_under_gitea_actions_is_a_readable_log(archive, tmp_path_factory, monkeypatch, host):
    summary = tmp_path_factory.mktemp("gitea") / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.delenv("GITEA_ACTIONS", raising=False)
    monkeypatch.delenv("FORGEJO_ACTIONS", raising=False)
    monkeypatch.setenv(host, "true")
    place(archive, VISIT_PATH, VISIT.replace("category: repair", "category: 抢修"))
    run = run_validate("--root", str(archive), "--as-of", AS_OF, "--format", "github")
    assert run.status == 1
    assert run.stdout == run_validate("--root", str(archive), "--as-of", AS_OF).stdout  # the text format exactly
    assert "::error" not in run.stdout and not summary.exists()


def test_unknown_format_is_a_usage_error_in_chinese(archive):
    run = run_validate("--root", str(archive), "--format", "gitlub")
    assert run.status == 2 and "gitlab" in run.stderr and "junit" in run.stderr


@pytest.mark.parametrize("form", ["gitlab", "junit"])
def test_ci_run_with_the_real_clock(archive, tmp_path, form):
    """As the pipeline runs it: the installed command, the real clock; the report is well-formed whatever the day."""
    place(archive, VISIT_PATH, VISIT.replace("category: repair", "category: 抢修"))
    result = subprocess.run([str(Path(sys.executable).parent / "callback"), "validate", "--root", str(archive),
                             "--format", form], capture_output=True, text=True, encoding="utf-8", check=False)
    assert result.returncode == 1, result.stderr
    if form == "gitlab":
        issues = json.loads(result.stdout)
        jsonschema.validate(issues, CODE_QUALITY_SCHEMA)
        assert "schema-enum" in {i["check_name"] for i in issues}
    else:
        assert ET.fromstring(result.stdout).find("testsuite/testcase/failure[@type='schema-enum']") is not None


def test_hosting_guide_is_in_the_nav_and_names_only_files_that_exist():
    nav = (REPO / "mkdocs.yml").read_text(encoding="utf-8").split("\nnav:", 1)[1]
    assert "hosting.md" in nav.split("使用指南:", 1)[1]
    page = (REPO / "docs" / "hosting.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`(\.?(?:github|gitlab|gitea|\.gitlab-ci)[^`\s]*)`", page))
    assert {".gitlab-ci.yml", ".gitlab/CODEOWNERS", ".gitea/workflows/validate.yml"} <= named
    for path in named:
        candidates = [REPO / path, REPO / ".github" / "workflows" / path]
        assert any(p.exists() for p in candidates), path
    # The schedules the page tells GitLab administrators to create are the ones the pipeline knows.
    config = yaml.safe_load((REPO / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    for task in re.findall(r"`SCHEDULE_TASK` = `(\w+)`", page):
        assert any(f'$SCHEDULE_TASK == "{task}"' in rule["if"] for job in config.values() if isinstance(job, dict)
                   for rule in job.get("rules", [])), task
