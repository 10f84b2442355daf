"""The site's /admin/ page: the clerks' form (Decap CMS, vendored under vendor/decap-cms/), its configuration
generated from ``schemas/`` (the schemas the validator uses, walked once when compiled: ``RecordSchema.walk``),
and the archive's own rules for the form.

Published as generated files of the site (``admin_files``, among ``site.generate.generated_files``): ``admin/index.html``
and ``admin/archive.js`` from ``callback_archive/site/admin/``; ``admin/config.yml`` (Decap's configuration:
the collections and their fields, written as JSON, which is YAML too); ``admin/archive.json`` (what Decap's
configuration cannot say: where each kind of record is filed, how its id is formed, the conditional rules);
``admin/decap-cms/`` (the vendored bundle). Why Decap and how it is wired: design/clerk-form.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import yaml

from .. import kinds
from ..schemas import load_schema
from ..schemawalk import Field, SchemaWalk

CODE_ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = Path(__file__).resolve().parent / "admin"
VENDOR = CODE_ROOT / "vendor" / "decap-cms"

# Fields a form never offers: a new record has no amendments and is not void (第十一条: amendments go
# through `new_record.py amend`), and a decision may not set the unit's fixed amount (writing it is an error).
NOT_IN_FORM = {"amendments", "void", "decisions[].unit_amount"}
# Free text a person writes in sentences: a text area, not a one-line box.
SENTENCES = {"opinion", "follow_up", "conduct.description", "subject", "reply", "decisions[].reason"}
# Said on every collection's page: the form makes new records only.
NEW_ONLY = ("这里只登记新记录；已入档的记录不能在这里修改，更正和作废见网站“使用指南”的“更正和作废已入库的记录”"
            "（scripts/new_record.py amend / void）。")
_DATE_ONLY = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


Walks = Callable[[str], SchemaWalk]  # a kind's schema, walked


def validators_schema(kind: str) -> SchemaWalk:
    """The schema scripts/validate.py checks ``kind`` against: the form asks for what CI accepts."""
    return load_schema(kind).walk


def _units(root: Path) -> list[tuple[str, str]]:
    """(id, Chinese name) of each unit in records/units.yaml; none when the file cannot be read (the site's
    other pages already report why)."""
    try:
        data = yaml.safe_load((root / "records" / "units.yaml").read_text(encoding="utf-8"))
        return [(str(u["id"]), str(u.get("name", u["id"]))) for u in data["units"]]
    except (OSError, yaml.YAMLError, KeyError, TypeError):
        return []


def _time_format(pattern: str | None) -> str | None:
    """``date`` or ``datetime`` for the schemas' time patterns, None for any other text."""
    if not pattern or not pattern.startswith("^[0-9]{4}-[0-9]{2}-[0-9]{2}"):
        return None
    if pattern == _DATE_ONLY or "([ T]" in pattern:  # the time is optional: a date is enough
        return "date"
    return "datetime"


def _options(choices: list[tuple[Any, str | None]]) -> list[dict[str, Any]]:
    return [{"label": f"{name}（{value}）" if name else str(value), "value": value} for value, name in choices]


class _FormBuilder:
    """Decap fields for one collection; ``required`` and ``choices`` are the collection's (its category's rules)."""

    def __init__(self, required: set[str], choices: dict[str, tuple], units: list[tuple[str, str]]):
        self.required, self.choices, self.units = required, choices, units

    def fields(self, parent: Field, parent_present: bool = True) -> list[dict[str, Any]]:
        return [self.field(child, parent_present) for child in parent.children.values()
                if child.path not in NOT_IN_FORM and child.key is None]

    def field(self, field: Field, parent_present: bool) -> dict[str, Any]:
        required = parent_present and (field.required or field.path in self.required)
        spec: dict[str, Any] = {"name": field.name, "label": field.title or field.name, "required": required}
        hint = field.description
        if field.required_when and field.path not in self.required:
            hint = "；".join(filter(None, [hint, *(rule.then.description for rule in field.required_when)]))
        if hint:
            spec["hint"] = hint
        if field.path == "id":
            return {**spec, "widget": "hidden", "required": False,
                    "hint": "保存时自动编号（见本页说明），不必填写。"}
        if "object" in field.types:
            return {**spec, "widget": "object", "collapsed": False, "fields": self.fields(field, required)}
        if "array" in field.types:
            if field.children:  # a list of objects
                return {**spec, "widget": "list", "collapsed": False, "fields": self.fields(field, True),
                        "min": field.schema.get("minItems", 0)}
            spec.update(widget="select", multiple=True, options=_options(field.choices))
            if field.schema.get("minItems"):
                spec["min"] = field.schema["minItems"]
            return spec
        if field.type == "boolean":
            return {**spec, "widget": "boolean", "default": False}
        if field.type in ("number", "integer"):
            spec.update(widget="number", value_type="int" if field.type == "integer" else "float")
            if "minimum" in field.schema:
                spec["min"] = field.schema["minimum"]
            return spec
        allowed = self.choices.get(field.path)
        if field.path == "unit" and self.units:
            return {**spec, "widget": "select", "options": [{"label": f"{name}（{uid}）", "value": uid}
                                                            for uid, name in self.units]}
        if field.choices:
            choices = [(v, n) for v, n in field.choices if allowed is None or v in allowed]
            if len(choices) == 1:
                spec["default"] = choices[0][0]
            return {**spec, "widget": "select", "options": _options(choices)}
        moment = _time_format(field.pattern)
        if moment == "date":
            return {**spec, "widget": "datetime", "format": "YYYY-MM-DD", "date_format": "YYYY-MM-DD",
                    "time_format": False}
        if moment == "datetime":
            # Stored as 2026-11-25T14:30:00+08:00: the offset is the clerk's computer's (China: +08:00).
            return {**spec, "widget": "datetime", "format": "YYYY-MM-DDTHH:mm:ssZ", "date_format": "YYYY-MM-DD",
                    "time_format": "HH:mm"}
        spec["widget"] = "text" if field.path in SENTENCES else "string"
        if field.pattern:
            example = (field.schema.get("examples") or [None])[0]
            spec["pattern"] = [field.pattern, f"格式不对，应如 {example}" if example else "格式不对"]
        return spec


def _category_rules(walked: SchemaWalk, category: str) -> tuple[set[str], dict[str, tuple]]:
    """What a visit category's own rules add: required paths, and the values a field is limited to.
    A category's rule tests the category (and at most that the trigger is there)."""
    required: set[str] = set()
    choices: dict[str, tuple] = {}
    for rule in walked.rules:
        tests = dict(rule.when)
        if rule.path or category not in (tests.get("category") or ()) or set(tests) - {"category", "trigger"}:
            continue
        required.update(rule.then.required)
        for path, _ in rule.then.nodes:
            values = rule.then.values(path)
            if values is not None and path != "category":
                choices[path] = values
    return required, choices


def _form_rules(walked: SchemaWalk, fixed: dict[str, Any]) -> list[dict[str, Any]]:
    """The record's conditional rules that Decap's fields cannot express, for the check before saving
    (archive.js): when the tested fields have these values, these fields are required or forbidden."""
    rules = []
    for rule in walked.rules:
        when = rule.when
        if rule.path or not when:
            continue
        if any(path in fixed for path, _ in when):
            continue  # a category's rule: its collection's fields already say it
        forbidden = [f"{path}.{name}" if path else name for path, node in rule.then.nodes
                     for name in node.get("not", {}).get("required", [])]
        required = rule.then.required
        if required or forbidden:
            # A tested path without values: the rule applies when the field is filled in (null in archive.json).
            rules.append({"when": {path: None if values is None else list(values) for path, values in when},
                          "require": required,
                          "forbid": forbidden, "message": rule.then.description})
    return rules


def _collection(name: str, label: str, folder: str, fields: list[dict[str, Any]], description: str,
                slug: str = "{{fields.id}}") -> dict[str, Any]:
    return {"name": name, "label": label, "label_singular": label, "description": description, "folder": folder,
            "create": True, "delete": False, "editor": {"preview": False}, "extension": "yaml", "format": "yaml", "slug": slug,
            "identifier_field": slug.removeprefix("{{fields.").removesuffix("}}"),
            "summary": slug, "fields": fields}


def _placement(kind: str) -> dict[str, Any]:
    """Where a record of ``kind`` is filed and how its id is formed (第十条; the kind registry), for archive.js."""
    spec = kinds.by_name(kind)
    return {"kind": kind, "prefix": spec.id_prefix, "day_field": spec.id_day_field, "folder": f"records/{spec.folder}",
            "month_from": list(spec.start_fields)}


def cms_collections(root: Path, walks: Walks = validators_schema) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Decap's collections and, by collection, what archive.js needs: kind, id prefix, filing rule, rules.
    The units come from the archive at ``root``."""
    units = _units(root)
    visit, letter, decisions = (walks(kind) for kind in ("visit", "letter", "decisions"))
    collections, archive = [], {}
    for value, name in visit.field("category").choices:  # one collection per 第十三条 category
        required, choices = _category_rules(visit, value)
        fields = _FormBuilder(required, choices, units).fields(visit.root)
        for spec in fields:
            if spec["name"] == "category":
                spec.update(widget="hidden", default=value, required=True)
                spec.pop("options", None)
        placement = _placement("visit")
        collections.append(_collection(f"visit-{value}", f"回访·{name}", placement["folder"], fields,
                                       f"登记一次{name}回访（联系不上也要登记，每次尝试一条）。{NEW_ONLY}"))
        archive[f"visit-{value}"] = {**placement, "rules": _form_rules(visit, {"category": value})}
    placement = _placement("letter")
    collections.append(_collection("letter", "复函", placement["folder"],
                                   _FormBuilder(set(), {}, units).fields(letter.root),
                                   f"登记一封重点客户来函及其复函（第十六条）。{NEW_ONLY}"))
    archive["letter"] = {**placement, "rules": _form_rules(letter, {})}
    collections.append(_collection("decisions", "考核决定", "records/decisions",
                                   _FormBuilder(set(), {}, units).fields(decisions.root),
                                   f"营销部对一个月考核案例的决定（第二十四至二十六条），每月一个文件。{NEW_ONLY}",
                                   slug="{{fields.month}}"))
    archive["decisions"] = {"kind": "decisions", "folder": "records/decisions", "name_from": "month",
                            "rules": _form_rules(decisions, {})}
    return collections, archive


def check_backend(backend: object) -> dict[str, Any] | None:
    """The Git host of the form as given (the plugin's option ``cms``, or the file of ``site.generate --cms``):
    None, or a mapping with at least a ``name``. ValueError in Chinese otherwise."""
    if backend is None:
        return None
    if not (isinstance(backend, dict) and isinstance(backend.get("name"), str)):
        raise ValueError("登记表单的 Git 网站设置（cms）应是一组设置，至少有 name（github、gitlab、gitea 或 bitbucket），"
                         "见 docs/clerk-form.md。")
    return backend


def cms_config(root: Path, backend: dict[str, Any] | None = None, walks: Walks = validators_schema) -> dict[str, Any]:
    """Decap's configuration. ``backend``: the Git host (the plugin's option ``cms``, see docs/clerk-form.md);
    without one the form talks to decap-server on the clerk's own computer (local mode)."""
    collections, _ = cms_collections(root, walks)
    host = dict(backend or {"name": "local", "proxy_url": "http://localhost:8081/api/v1"})
    name = str(host.pop("name", "local"))
    workflow = name in ("github", "gitlab", "bitbucket")
    return {
        "locale": "zh_Hans",
        "backend": {"name": f"archive-{name}", **host},
        **({"publish_mode": "editorial_workflow"} if workflow else {}),
        "media_folder": "records/.media",  # Decap requires one; no field of the form uploads files
        "site_url": "../",
        "collections": collections,
    }


def admin_files(root: Path, backend: dict[str, Any] | None = None,
                walks: Walks = validators_schema) -> dict[str, str | bytes]:
    """Every file of /admin/ by its path in the site."""
    _, archive = cms_collections(root, walks)
    files: dict[str, str | bytes] = {
        # JSON is YAML: Decap would read it, but archive.js reads it itself (JSON.parse), since intranet web
        # servers seldom send .yml files as YAML and Decap then ignores them.
        "admin/config.yml": json.dumps(cms_config(root, backend, walks), ensure_ascii=False, indent=1) + "\n",
        "admin/archive.json": json.dumps(archive, ensure_ascii=False, indent=1) + "\n",
    }
    for template in sorted(TEMPLATES.iterdir()):
        files[f"admin/{template.name}"] = template.read_text(encoding="utf-8")
    for vendored in sorted(VENDOR.iterdir()):
        files[f"admin/decap-cms/{vendored.name}"] = vendored.read_bytes()
    return files
