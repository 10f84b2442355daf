"""Writing generated YAML files (samples, submissions) that our strict reader reads back unchanged."""

from __future__ import annotations

import re
from typing import Any

import yaml

# Text that a YAML 1.1 or 1.2 reader could take for a number, a time or a yes/no: always quoted.
_LOOKS_TYPED = re.compile(r"[-+0-9.:_eE]*[0-9][-+0-9.:_eE]*|y|n|yes|no|on|off|true|false|null|~|", re.IGNORECASE)


class _Dumper(yaml.CSafeDumper):
    pass


def _represent_str(dumper: yaml.Dumper, value: str) -> yaml.Node:
    style = '"' if _LOOKS_TYPED.fullmatch(value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(data: Any) -> str:
    """Block-style YAML with Chinese kept as is and every number-like text double-quoted
    (``"0212345678"``), so that the file reads back unchanged through yamlread."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False, width=120)
