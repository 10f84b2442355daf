"""Example files: each invalid one must produce exactly its listed codes on its lines, in Chinese; each one with
warnings is archived all the same, with exactly its listed warnings."""

from __future__ import annotations

import re

import pytest
import yaml

from conftest import AS_OF, EXAMPLES, place, run_validate

CASES = yaml.safe_load((EXAMPLES / "cases.yaml").read_text(encoding="utf-8"))
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("case", CASES["invalid"], ids=[c["file"] for c in CASES["invalid"]])
def test_invalid_example(archive, case):
    place(archive, case["path"], (EXAMPLES / "invalid" / case["file"]).read_bytes())
    run = run_validate("--root", str(archive), "--as-of", AS_OF, "--format", "json")
    assert run.status == 1, run.stdout
    got = sorted((f["code"], f["line"]) for f in run.findings)
    want = sorted((e["code"], e["line"]) for e in case["expect"])
    assert got == want, run.stdout
    for f in run.findings:
        assert f["file"] == case["path"]
        assert CJK.search(f["message"]), f["message"]
        assert f["severity"] == "error"
        assert f["article"] is None or f["article"].startswith("第")


@pytest.mark.parametrize("case", CASES["valid"], ids=[c["file"] for c in CASES["valid"]])
def test_valid_example(archive, case):
    place(archive, case["path"], (EXAMPLES / "valid" / case["file"]).read_bytes())
    run = run_validate("--root", str(archive), "--as-of", AS_OF, "--format", "json")
    assert run.findings == []
    assert run.status == 0


@pytest.mark.parametrize("case", CASES["warning"], ids=[c["file"] for c in CASES["warning"]])
def test_warning_example(archive, case):
    place(archive, case["path"], (EXAMPLES / "warning" / case["file"]).read_bytes())
    run = run_validate("--root", str(archive), "--as-of", AS_OF, "--format", "json")
    assert run.status == 0, run.stdout
    assert sorted((f["code"], f["line"]) for f in run.findings) == sorted((e["code"], e["line"]) for e in case["expect"])
    for f in run.findings:
        assert f["file"] == case["path"] and f["severity"] == "warning" and CJK.search(f["message"]), f
