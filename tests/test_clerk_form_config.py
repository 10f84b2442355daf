"""The /admin/ form's configuration is generated from schemas/ (through the schema walker) at every site build:
a changed schema changes the form, and the vendored Decap CMS is exactly what the pin file says."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from callback_archive.cli import update_cms
from callback_archive.schemawalk import walk
from callback_archive.site.admin import admin_files, cms_config, validators_schema
from conftest import REPO


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """An archive with its units (the form's unit choices) and no schemas: the form follows the validator's."""
    shutil.copytree(REPO / "records", tmp_path / "records", ignore=shutil.ignore_patterns("visits", "letters"))
    return tmp_path


def _collection(config: dict, name: str) -> dict:
    return next(c for c in config["collections"] if c["name"] == name)


def _field(fields: list[dict], path: str) -> dict:
    head, _, rest = path.partition(".")
    found = next(f for f in fields if f["name"] == head)
    return _field(found["fields"], rest) if rest else found


def test_the_form_follows_the_schemas(archive: Path) -> None:
    config = cms_config(archive)
    assert config["locale"] == "zh_Hans" and config["backend"]["name"] == "archive-local"
    names = [c["name"] for c in config["collections"]]
    assert names == ["visit-business", "visit-repair", "visit-large-customer", "visit-card", "visit-other",
                     "letter", "decisions"]
    repair = _collection(config, "visit-repair")["fields"]
    assert [f["name"] for f in repair][:4] == ["id", "category", "unit", "customer"]
    assert "amendments" not in [f["name"] for f in repair] and "void" not in [f["name"] for f in repair]
    assert _field(repair, "category") == {**_field(repair, "category"), "widget": "hidden", "default": "repair"}
    # 第十四、十五条: a repair callback needs its trigger, whose kind can only be repair.
    assert _field(repair, "trigger")["required"] is True
    assert [o["value"] for o in _field(repair, "trigger.kind")["options"]] == ["repair"]
    business = _collection(config, "visit-business")["fields"]
    assert [o["value"] for o in _field(business, "trigger.kind")["options"]] == ["new-install", "change"]
    assert _field(_collection(config, "visit-other")["fields"], "trigger")["required"] is False
    assert _field(_collection(config, "visit-card")["fields"], "round")["required"] is True
    account = _field(repair, "customer.account")
    assert account["label"] == "户号" and account["required"] and account["pattern"][0] == "^[0-9]{6,20}$"
    assert _field(repair, "visited_at")["format"] == "YYYY-MM-DDTHH:mm:ssZ"
    topics = _field(repair, "topics")
    assert topics["widget"] == "select" and topics["multiple"] and topics["min"] == 1
    assert {"label": "供电抢修（repair）", "value": "repair"} in topics["options"]
    assert "联系上客户" in _field(repair, "satisfaction")["hint"]
    letter = _collection(config, "letter")["fields"]
    assert _field(letter, "received_at")["format"] == "YYYY-MM-DD"
    assert "unit_amount" not in [f["name"] for f in _field(_collection(config, "decisions")["fields"], "decisions")["fields"]]


def test_a_changed_schema_changes_the_published_form(archive: Path) -> None:
    before = admin_files(archive)
    schema = json.loads((REPO / "schemas" / "visit.schema.json").read_text(encoding="utf-8"))
    schema["properties"]["method"]["enum"].append("wechat")
    schema["properties"]["method"]["enumDescriptions"].append("微信")
    schema["allOf"].append({"if": {"properties": {"method": {"const": "wechat"}}, "required": ["method"]},
                            "then": {"required": ["opinion"], "description": "微信回访须记录客户意见。"}})
    after = admin_files(archive, walks=lambda kind: walk(schema) if kind == "visit" else validators_schema(kind))
    assert after["admin/config.yml"] != before["admin/config.yml"]
    method = _field(_collection(json.loads(after["admin/config.yml"]), "visit-repair")["fields"], "method")
    assert {"label": "微信（wechat）", "value": "wechat"} in method["options"]
    rules = json.loads(after["admin/archive.json"])["visit-repair"]["rules"]
    assert {"when": {"method": ["wechat"]}, "require": ["opinion"], "forbid": [],
            "message": "微信回访须记录客户意见。"} in rules


def test_the_site_publishes_the_form_and_the_pinned_bundle(archive: Path) -> None:
    files = admin_files(archive, {"name": "gitlab", "repo": "binhai/callbacks", "branch": "main"})
    config = json.loads(files["admin/config.yml"])
    assert config["backend"] == {"name": "archive-gitlab", "repo": "binhai/callbacks", "branch": "main"}
    assert config["publish_mode"] == "editorial_workflow"
    assert "publish_mode" not in json.loads(admin_files(archive, {"name": "gitea", "repo": "a/b"})["admin/config.yml"])
    assert {"admin/index.html", "admin/archive.js", "admin/decap-cms/decap-cms.js", "admin/decap-cms/LICENSE"} <= set(files)
    assert not [name for name in files if name.endswith(".map")]
    assert update_cms.check() == []
    pin = json.loads(update_cms.PIN.read_text(encoding="utf-8"))
    assert pin["version"] == "3.16.3" and len(pin["tarball_sha256"]) == 64


def test_the_vendored_bundle_check_finds_a_changed_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "decap-cms"
    shutil.copytree(update_cms.VENDOR, copy)
    (copy / "decap-cms.js").write_text("changed", encoding="utf-8")
    (copy / "extra.js").write_text("", encoding="utf-8")
    monkeypatch.setattr(update_cms, "VENDOR", copy)
    assert update_cms.check() == ["多出 extra.js（不在固定文件中）", "decap-cms.js 与固定的 SHA-256 不符"]


# --- the Git host of the form, given to the page generator or to the MkDocs plugin -------------------------------

def _generate(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "callback_archive.site.generate", *args],
                          cwd=REPO, capture_output=True, text=True, timeout=300)


def test_the_page_generator_writes_the_form_with_its_git_host(archive: Path, tmp_path: Path) -> None:
    """Another site generator gets /admin/ from ``site.generate --out`` as MkDocs gets it from the plugin."""
    host = tmp_path / "cms.yaml"
    host.write_text("name: gitlab\nrepo: binhai/callbacks\nbranch: main\n", encoding="utf-8")
    result = _generate("--out", str(tmp_path / "out"), "--root", str(archive), "--cms", str(host))
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out" / "admin"
    assert json.loads((out / "config.yml").read_text(encoding="utf-8"))["backend"] == {
        "name": "archive-gitlab", "repo": "binhai/callbacks", "branch": "main"}
    assert (out / "decap-cms" / "decap-cms.js").read_bytes() == (update_cms.VENDOR / "decap-cms.js").read_bytes()
    assert {"index.html", "archive.js", "archive.json"} <= {p.name for p in out.iterdir()}
    usage = _generate("--help")
    assert usage.returncode == 0 and "--cms 设置文件" in usage.stdout and "显示本帮助并退出" in usage.stdout


@pytest.mark.parametrize("content, message", [
    ("gitlab\n", "至少有 name"),
    ("repo: a/b\n", "至少有 name"),
    ("name: [gitlab\n", "第 2 行不是有效的 YAML"),
    ("name: gitlab\nname: github\n", "第 2 行：字段重复（name）"),
    ("name: 吉特\n".encode("gbk"), "不是 UTF-8 编码的文本"),
    ("name: " + "[" * 5000 + "]" * 5000 + "\n", "嵌套超过"),
    ("folder", "不是普通文件"),
    ("link", "符号链接"),
    (None, "无法读取"),
])
def test_a_bad_git_host_file_is_refused_in_chinese(archive: Path, tmp_path: Path, content, message) -> None:
    host = tmp_path / "cms.yaml"
    if content == "folder":
        host.mkdir()
    elif content == "link":
        (tmp_path / "real.yaml").write_text("name: gitlab\n", encoding="utf-8")
        host.symlink_to(tmp_path / "real.yaml")
    elif isinstance(content, str):
        host.write_text(content, encoding="utf-8")
    elif content is not None:
        host.write_bytes(content)
    result = _generate("--out", str(tmp_path / "out"), "--root", str(archive), "--cms", str(host))
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_bad_git_host_in_mkdocs_yml_stops_the_build_in_chinese(tmp_path: Path) -> None:
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    assert "\n  - callback-archive\n" in config
    config = config.replace("\n  - callback-archive\n", "\n  - callback-archive:\n      cms: gitlab\n")
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    for beside in REPO.iterdir():  # what mkdocs.yml names beside itself (docs, overrides, watched folders)
        if beside.name != "mkdocs.yml":
            (tmp_path / beside.name).symlink_to(beside)
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(tmp_path / "mkdocs.yml"),
                             "--site-dir", str(tmp_path / "site")], cwd=REPO, capture_output=True, text=True,
                            timeout=300, env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "CALLBACK_ARCHIVE_ROOT": str(REPO)})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "mkdocs.yml 中 callback-archive 插件的 cms：登记表单的 Git 网站设置（cms）应是一组设置，至少有 name" in result.stderr
