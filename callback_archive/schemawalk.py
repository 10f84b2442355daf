"""One walk through a JSON Schema (draft 2020-12): every field with its path, and every conditional rule.

The schemas in ``schemas/`` are the one definition of the record format. The validator's Chinese
messages, the fields page, the record command's prompts, the Chinese names of codes and the site's
letter blocks all read them through :func:`walk`, so a ``$ref``, a list of objects, a free-keyed
object or an ``if``/``then`` rule means the same thing to each of them.

Paths are written as on the fields page: ``customer.phone``; ``amendments[].at`` for a field of each
item of a list; ``years.<年份>`` for the values of a free-keyed object (the key's ``propertyNames``
title, else 键). A record's own dotted path (``amendments.0.at``) is looked up with
:meth:`SchemaWalk.at`. ``allOf`` is read for its conditional rules (the schemas put nothing else there).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Schema = dict[str, Any]


def json_type(value: Any) -> str:
    """The JSON type of a parsed value (``boolean`` before ``integer``: Python's bool is an int)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def types(schema: Schema) -> list[str]:
    """The types a schema allows: as declared, else an object's if it has properties, else its values'."""
    declared = schema.get("type")
    if isinstance(declared, str):
        return [declared]
    if isinstance(declared, list):
        return declared
    if "properties" in schema:
        return ["object"]
    values = schema.get("enum", [schema["const"]] if "const" in schema else [])
    return list(dict.fromkeys(json_type(v) for v in values))


def named_values(schema: Schema) -> list[tuple[Any, str | None]]:
    """``enum`` paired with the non-standard, parallel ``enumDescriptions`` (as VS Code's YAML extension reads it)."""
    values = schema.get("enum", [])
    names = schema.get("enumDescriptions", [])
    return [(v, names[i] if i < len(names) else None) for i, v in enumerate(values)]


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


@dataclass(frozen=True, eq=False)
class Field:
    """One field of a schema where it stands in a record, its schema resolved (``$ref`` inlined)."""

    path: str  # customer.phone | amendments[].at | years.<年份>; "" for the record itself
    name: str  # the last part: phone | at | <年份>
    schema: Schema
    required: bool  # required wherever its parent object is there
    repeated: bool  # one per item of a list or per key of a free-keyed object
    children: dict[str, Field]  # by name: an object's properties (a list's: its items'), then a free key's values
    items: Schema | None  # a list's item schema, resolved
    key: Schema | None = None  # for the values of a free-keyed object: its ``propertyNames``, resolved
    required_when: tuple[Rule, ...] = ()  # the rules whose ``then`` or ``else`` require it

    @property
    def types(self) -> list[str]:
        return types(self.schema)

    @property
    def type(self) -> str:
        """The declared type (``string`` when none is declared)."""
        declared = self.schema.get("type", "string")
        return declared if isinstance(declared, str) else declared[0]

    @property
    def title(self) -> str:
        return self.schema.get("title", "")

    @property
    def description(self) -> str:
        return self.schema.get("description", "")

    @property
    def pattern(self) -> str | None:
        return self.schema.get("pattern")

    @property
    def choices(self) -> list[tuple[Any, str | None]]:
        """(value, Chinese name) of each value the field, or each item of a list, may take (``enum``)."""
        return named_values((self.items or {}) if "array" in self.types else self.schema)

    @property
    def free(self) -> Field | None:
        """The values of a free-keyed object (``additionalProperties`` with a schema), if it has any."""
        return next((child for child in self.children.values() if child.key is not None), None)


@dataclass(frozen=True)
class Branch:
    """The ``if``, ``then`` or ``else`` of a rule: its description and each object it constrains, in order."""

    description: str
    nodes: tuple[tuple[str, Schema], ...]  # (path, resolved schema): the branch itself, then its properties, depth first

    @property
    def required(self) -> list[str]:
        """The paths the branch requires (``required`` at any depth; a ``not`` is no requirement)."""
        return [_join(path, name) for path, node in self.nodes for name in node.get("required", [])]

    def values(self, path: str) -> tuple[Any, ...] | None:
        """The values the branch allows at ``path`` (its ``const`` or ``enum``), None when it says nothing."""
        node = dict(self.nodes).get(path, {})
        if "const" in node:
            return (node["const"],)
        return tuple(node["enum"]) if "enum" in node else None


@dataclass(frozen=True)
class Rule:
    """One ``if``/``then``/``else`` of an object (its own, or one of its ``allOf``)."""

    path: str  # the object it belongs to: "" for the record, ``customer``, ``amendments[]``
    condition: Branch
    then: Branch
    otherwise: Branch | None

    @property
    def when(self) -> list[tuple[str, tuple[Any, ...] | None]]:
        """What the condition tests: (path, the values it must have) for each compared field, in order,
        then (path, None) for each field it only needs to be there."""
        compared = [(path, self.condition.values(path)) for path, _ in self.condition.nodes[1:]]
        tests = [(path, values) for path, values in compared if values is not None]
        tested = {path for path, _ in tests}
        return tests + [(path, None) for path in self.condition.required if path not in tested]


@dataclass(frozen=True)
class SchemaWalk:
    """A schema's fields (depth first, in the schema's order) and its rules (inner objects' first)."""

    root: Field
    fields: tuple[Field, ...]
    rules: tuple[Rule, ...]

    def field(self, path: str) -> Field | None:
        """The field of a path as written here (``amendments[].at``)."""
        return next((f for f in self.fields if f.path == path), None)

    def at(self, path: str) -> Field | None:
        """The field of a record's dotted path: ``amendments.0.at``, also ``amendments.at``; list indexes
        and the keys of a free-keyed object are any index and any key."""
        trail = self.trail(path)
        return trail[-1] if trail else None

    def trail(self, path: str) -> list[Field]:
        """The fields from the top down to a record's dotted path (as :meth:`at`), or [] when it has none."""
        trail: list[Field] = []
        node = self.root
        for part in path.split("."):
            child = node.children.get(part) or node.free
            if child is None and part.isdigit() and trail:
                continue  # an item of a list: its fields are the list's children
            if child is None:
                return []
            trail.append(node := child)
        return trail


def resolve(root: Schema, schema: Schema) -> Schema:
    """``schema`` with its local ``$ref`` (into ``root``) inlined; keywords beside the ``$ref`` win, as in draft 2020-12."""
    ref = schema.get("$ref")
    if ref is None:
        return schema
    if not ref.startswith("#/"):
        raise ValueError(f"记录格式说明只支持本文件内的引用（#/...），无法解析：{ref}")
    target: Any = root
    try:
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
    except (KeyError, IndexError, TypeError):
        raise ValueError(f"引用指向的定义不存在：{ref}") from None
    siblings = {k: v for k, v in schema.items() if k != "$ref"}
    return {**resolve(root, target), **siblings}


class _Walker:
    def __init__(self, root: Schema):
        self.root = root
        self.rules: list[Rule] = []

    def resolve(self, schema: Schema) -> Schema:
        return resolve(self.root, schema)

    def branch(self, schema: Schema, path: str) -> Branch:
        nodes: list[tuple[str, Schema]] = []

        def visit(node: Schema, where: str) -> None:
            node = self.resolve(node)
            nodes.append((where, node))
            for name, sub in node.get("properties", {}).items():
                visit(sub, _join(where, name))

        visit(schema, path)
        return Branch(self.resolve(schema).get("description", ""), tuple(nodes))

    def object_fields(self, schema: Schema, path: str, prefix: str, repeated: bool,
                      conditions: dict[str, tuple[Rule, ...]]) -> dict[str, Field]:
        """The fields of an object at ``path``; ``prefix`` is how their paths begin (``a.``, ``a[].``);
        ``conditions``: the rules of the objects around it, by the path they require."""
        rules = []
        for rule in (schema, *schema.get("allOf", [])):
            rule = self.resolve(rule)
            if "if" in rule:
                otherwise = self.branch(rule["else"], path) if "else" in rule else None
                rules.append(Rule(path, self.branch(rule["if"], path), self.branch(rule.get("then", {}), path), otherwise))
        conditions = dict(conditions)
        for rule in rules:
            for branch in filter(None, (rule.then, rule.otherwise)):
                for required in branch.required:
                    conditions[required] = (*conditions.get(required, ()), rule)
        required = set(schema.get("required", []))
        children = {
            name: self.field(prefix + name, name, sub, name in required, repeated, conditions)
            for name, sub in schema.get("properties", {}).items()
        }
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            key = self.resolve(schema.get("propertyNames", {}))
            name = f"<{key.get('title', '键')}>"
            children[name] = self.field(prefix + name, name, extra, False, True, conditions, key)
        self.rules += rules
        return children

    def field(self, path: str, name: str, schema: Schema, required: bool, repeated: bool,
              conditions: dict[str, tuple[Rule, ...]], key: Schema | None = None) -> Field:
        schema = self.resolve(schema)
        kinds = types(schema)
        children: dict[str, Field] = {}
        if "object" in kinds:
            children.update(self.object_fields(schema, path, path + ".", repeated, conditions))
        items = self.resolve(schema["items"]) if "array" in kinds and isinstance(schema.get("items"), dict) else None
        if items is not None and "object" in types(items):
            item_fields = self.object_fields(items, path + "[]", path + "[].", True, conditions)
            children.update({n: f for n, f in item_fields.items() if n not in children})
        return Field(path, name, schema, required, repeated, children, items, key, conditions.get(path, ()))


def walk(schema: Schema) -> SchemaWalk:
    """Every field and rule of a schema. Raises ValueError (Chinese) for a ``$ref`` outside the schema or to nothing."""
    walker = _Walker(schema)
    root = walker.resolve(schema)
    record = Field("", "", root, True, False, walker.object_fields(root, "", "", False, {}), None)
    fields: list[Field] = []

    def flatten(node: Field) -> None:
        for child in node.children.values():
            fields.append(child)
            flatten(child)

    flatten(record)
    return SchemaWalk(record, tuple(fields), tuple(walker.rules))
