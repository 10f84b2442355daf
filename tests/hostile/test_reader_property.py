"""Property test of the record reader (issue 16, point 7): random bytes, and real files of every kind mutated at
random, go through what reading one file does (``archive.read_payload``: size, encoding, YAML, schema, times,
the typed record) and through ``yamlread.parse_yaml``. Whatever comes out may be any finding; nothing may raise
(``parse_yaml`` reports text that is not YAML by its one documented exception, ``YamlSyntaxError``).

Bounded and deterministic for CI: a fixed number of examples, derandomised, no example database.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callback_archive.engine.loader import classify, read_payload
from callback_archive.yamlread import YamlSyntaxError, parse_yaml
from conftest import EXAMPLES, REPO

# Real files of every kind the reader knows, each with the archive path it is read at.
SEEDS: list[tuple[str, bytes]] = [
    *(("records/visits/tanggu/2026/11/HF-20261125-0001.yaml", path.read_bytes())
      for path in sorted((EXAMPLES / "invalid").glob("*.yaml")) if "letter" not in path.name),
    ("records/visits/tanggu/2026/11/HF-20261125-0001.yaml", (EXAMPLES / "valid/repair-visit.yaml").read_bytes()),
    ("records/letters/marketing/2026/11/FH-20261102-0001.yaml", (EXAMPLES / "valid/letter.yaml").read_bytes()),
    *((relpath, (REPO / relpath).read_bytes()) for relpath in (
        "records/units.yaml", "records/calendar.yaml", "records/disasters.yaml", "records/large-customers.yaml",
        "records/key-customers.yaml", "records/plans/2026.yaml", "records/rounds/LXK-2026-01.yaml",
        "records/samples/2026-10.yaml", "records/submissions/2026-10/tanggu.yaml", "records/decisions/2026-10.yaml",
    )),
    ("records/orders/2026-11.csv", (REPO / "records/orders/2026-11.csv").read_bytes()[:4000]),
]
# What a hostile editor or a broken export puts into a file.
HOSTILE = [
    b".nan", b".inf", b"-.Inf", b"9" * 5000, b"0x" + b"f" * 300, b"[" * 3000, b"{a: " * 2000, b"- " * 2000,
    b"*a", b"&a ", b"!!python/object/apply:os.system ['true']", b"!!binary aGk=", b"? [a]\n: b\n", b"<<: *a",
    b"\t", b"\x00", b"\r", b"\r\n", b"\xef\xbb\xbf", b"\xff\xfe", b"\xc0\xaf", "满".encode()[:2], "王".encode("gbk"),
    b"---\n", b"...\n", b"%YAML 1.1\n", b'"\\ud800"', b"'", b'"', b"#", b": ", b"\n  ", b"~", b"2026-02-30",
    b"2026-11-25T14:30:00+99:00", b"99999-01-01", b"yes", b"1:30", b"=HYPERLINK(\"http://x\")", "\u202e".encode(),
]

mutation = st.one_of(
    st.tuples(st.just("insert"), st.integers(0, 10**6), st.sampled_from(HOSTILE)),
    st.tuples(st.just("replace"), st.integers(0, 10**6), st.sampled_from(HOSTILE)),
    st.tuples(st.just("bytes"), st.integers(0, 10**6), st.binary(min_size=1, max_size=16)),
    st.tuples(st.just("delete"), st.integers(0, 10**6), st.integers(1, 64)),
    st.tuples(st.just("duplicate-line"), st.integers(0, 10**6), st.just(0)),
    st.tuples(st.just("truncate"), st.integers(0, 10**6), st.just(0)),
)


def mutate(raw: bytes, steps: list[tuple[str, int, object]]) -> bytes:
    """Apply the mutations in turn; positions wrap around the current length."""
    for kind, where, what in steps:
        at = where % (len(raw) + 1)
        if kind == "insert":
            raw = raw[:at] + what + raw[at:]
        elif kind == "replace":  # the value after the colon on the line at ``at``
            start = raw.rfind(b"\n", 0, at) + 1
            colon, end = raw.find(b": ", start), raw.find(b"\n", at)
            end = len(raw) if end < 0 else end
            raw = raw[:colon + 2] + what + raw[end:] if 0 <= colon < end else raw[:at] + what + raw[at:]
        elif kind == "bytes":
            raw = raw[:at] + what + raw[at + len(what):]
        elif kind == "delete":
            raw = raw[:at] + raw[at + what:]
        elif kind == "duplicate-line":
            start, end = raw.rfind(b"\n", 0, at) + 1, raw.find(b"\n", at)
            end = len(raw) if end < 0 else end + 1
            raw = raw[:end] + raw[start:end] + raw[end:]
        else:
            raw = raw[:at]
    return raw


def read_as_the_archive_does(relpath: str, raw: bytes) -> None:
    kind = classify(relpath)
    assert kind is not None, relpath
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder, relpath)
        target.parent.mkdir(parents=True)
        target.write_bytes(raw)
        findings, _ = read_payload(Path(folder), relpath, kind)
    assert isinstance(findings, tuple)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return
    try:
        parse_yaml(text)
    except YamlSyntaxError:
        pass


PROPERTY = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@PROPERTY
@given(seed=st.sampled_from(SEEDS), steps=st.lists(mutation, min_size=1, max_size=4))
def test_mutated_real_files_are_reported_never_raised(seed: tuple[str, bytes], steps) -> None:
    relpath, raw = seed
    read_as_the_archive_does(relpath, mutate(raw, steps))


@PROPERTY
@given(relpath=st.sampled_from(sorted({relpath for relpath, _ in SEEDS})), raw=st.binary(max_size=4096))
def test_random_bytes_are_reported_never_raised(relpath: str, raw: bytes) -> None:
    read_as_the_archive_does(relpath, raw)
