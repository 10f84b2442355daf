"""Tests for callback_archive.schemawalk: the one walk through a JSON Schema that every reader of the schemas uses."""

from __future__ import annotations

import pytest

from callback_archive.schemas import load_schema
from callback_archive.schemawalk import walk

SCHEMA = {
    "type": "object",
    "required": ["id", "customer"],
    "properties": {
        "id": {"title": "编号", "type": "string", "pattern": "^X-[0-9]+$"},
        "customer": {
            "title": "客户",
            "type": "object",
            "required": ["account"],
            "properties": {
                "account": {"title": "户号", "$ref": "#/$defs/digits"},
                "kind": {"type": "string", "enum": ["a", "b"], "enumDescriptions": ["甲"]},
            },
        },
        "topics": {"type": "array", "items": {"type": "string", "enum": ["x", "y"], "enumDescriptions": ["叉", "歪"]}},
        "amendments": {"title": "更正", "type": "array", "items": {"$ref": "#/$defs/amendment"}},
        "years": {
            "type": "object",
            "propertyNames": {"title": "年份"},
            "additionalProperties": {"type": "object", "properties": {"source": {"type": "string"}}},
        },
        "reached": {"type": "boolean"},
        "satisfaction": {"enum": ["satisfied", "dissatisfied"]},
        "follow_up": {"type": "string"},
    },
    "allOf": [
        {
            "if": {"properties": {"reached": {"const": True}}, "required": ["reached"]},
            "then": {"required": ["satisfaction"], "description": "联系上时必填满意度。"},
            "else": {"properties": {"customer": {"required": ["kind"]}}},
        },
        {
            "if": {"properties": {"satisfaction": {"const": "dissatisfied"}}, "required": ["satisfaction"]},
            "then": {"required": ["follow_up"]},
        },
    ],
    "$defs": {
        "digits": {"type": "string", "pattern": "^[0-9]+$", "title": "数字"},
        "amendment": {
            "type": "object",
            "required": ["at"],
            "properties": {
                "at": {"title": "更正时间", "$ref": "#/$defs/digits"},
                "fields": {"type": "array", "items": {"type": "string"}},
            },
            "if": {"required": ["fields"]},
            "then": {"required": ["at"]},
        },
    },
}


def test_paths_depth_first_in_schema_order() -> None:
    assert [f.path for f in walk(SCHEMA).fields] == [
        "id", "customer", "customer.account", "customer.kind", "topics",
        "amendments", "amendments[].at", "amendments[].fields",
        "years", "years.<年份>", "years.<年份>.source",
        "reached", "satisfaction", "follow_up",
    ]


def test_a_reference_is_inlined_and_the_keywords_beside_it_win() -> None:
    account = walk(SCHEMA).field("customer.account")
    assert account is not None
    assert (account.title, account.pattern, account.type) == ("户号", "^[0-9]+$", "string")
    at = walk(SCHEMA).field("amendments[].at")
    assert at is not None and at.title == "更正时间" and at.required and at.repeated


def test_required_types_and_choices() -> None:
    fields = {f.path: f for f in walk(SCHEMA).fields}
    assert [p for p, f in fields.items() if f.required] == ["id", "customer", "customer.account", "amendments[].at"]
    assert fields["satisfaction"].types == ["string"]  # from the values: no declared type
    assert fields["customer"].types == ["object"]
    assert fields["customer.kind"].choices == [("a", "甲"), ("b", None)]
    assert fields["topics"].choices == [("x", "叉"), ("y", "歪")]  # a list's: its items'
    assert fields["topics"].items == SCHEMA["properties"]["topics"]["items"]
    assert not fields["topics"].repeated and fields["years.<年份>"].repeated
    assert fields["years.<年份>"].key == {"title": "年份"}


def test_lists_of_objects_have_the_items_fields_as_children() -> None:
    amendments = walk(SCHEMA).field("amendments")
    assert amendments is not None
    assert list(amendments.children) == ["at", "fields"]
    assert amendments.items is not None and amendments.items["required"] == ["at"]


def test_conditional_requirements() -> None:
    schema = walk(SCHEMA)
    item_rule, reached, dissatisfied = schema.rules  # an inner object's rules come first
    assert item_rule.path == "amendments[]" and item_rule.then.required == ["amendments[].at"]
    assert reached.when == [("reached", (True,))]
    assert reached.then.description == "联系上时必填满意度。"
    assert reached.then.required == ["satisfaction"]
    assert reached.otherwise is not None and reached.otherwise.required == ["customer.kind"]
    assert dissatisfied.when == [("satisfaction", ("dissatisfied",))]
    fields = {f.path: f for f in schema.fields}
    assert fields["satisfaction"].required_when == (reached,)
    assert fields["follow_up"].required_when == (dissatisfied,)
    assert fields["customer.kind"].required_when == (reached,)  # by the else
    assert fields["amendments[].at"].required_when == (item_rule,)
    assert fields["reached"].required_when == ()


def test_a_condition_on_presence_and_a_then_that_narrows_values() -> None:
    schema = {
        "properties": {"kind": {"enum": ["a", "b"]}, "reply": {"type": "string"}},
        "if": {"properties": {"kind": {"enum": ["a", "b"]}, "reply": {"type": "string"}}, "required": ["reply"]},
        "then": {"properties": {"kind": {"const": "a"}}},
    }
    (rule,) = walk(schema).rules
    assert rule.when == [("kind", ("a", "b")), ("reply", None)]
    assert rule.then.values("kind") == ("a",) and rule.then.values("reply") is None


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("customer.account", "customer.account"),
        ("amendments.0.at", "amendments[].at"),
        ("amendments.at", "amendments[].at"),
        ("amendments.3", "amendments"),
        ("topics.1", "topics"),
        ("years.2027.source", "years.<年份>.source"),
        ("customer.nothing", None),
        ("", None),
    ],
)
def test_a_records_dotted_path_finds_its_field(path: str, expected: str | None) -> None:
    found = walk(SCHEMA).at(path)
    assert (found.path if found else None) == expected


def test_references_outside_the_schema_or_to_nothing_are_refused() -> None:
    with pytest.raises(ValueError, match="本文件内的引用"):
        walk({"properties": {"unit": {"$ref": "units.schema.json#/$defs/id"}}})
    with pytest.raises(ValueError, match="不存在"):
        walk({"properties": {"unit": {"$ref": "#/$defs/missing"}}})


def test_the_visit_schema_says_when_satisfaction_and_follow_up_are_required() -> None:
    """What a form built from the schema needs: a field's conditions, in the schema's own words."""
    visit = load_schema("visit").walk
    satisfaction, follow_up = visit.at("satisfaction"), visit.at("follow_up")
    assert satisfaction is not None and follow_up is not None
    assert not satisfaction.required and not follow_up.required
    assert [(r.when, r.then.description) for r in satisfaction.required_when] == [
        ([("reached", (True,))], "联系上客户（reached: true）时必须填写满意度 satisfaction。")
    ]
    assert [r.when for r in follow_up.required_when] == [[("satisfaction", ("dissatisfied",))]]
    narrowing = [r for r in visit.rules if r.then.values("trigger.kind") is not None]
    assert [(r.when, r.then.values("trigger.kind")) for r in narrowing] == [
        ([("category", ("business",)), ("trigger", None)], ("new-install", "change")),
        ([("category", ("repair",)), ("trigger", None)], ("repair",)),
    ]
