"""What a validation run leaves in ``.cache/checks/`` for the next one (see incremental.py).

Four files, each rewritten only when its part changed, tied together by tokens so that
parts of different runs are never mixed (a mismatch, a damaged or missing file: the next
run is a full one):

* ``results.marshal``: the findings by group and when each group may change (every run);
* ``snapshot.marshal``: digests of the files and the history, counts, and what changed since
  the listing and the graph were written (small; when a file or a landing changed);
* ``listing.marshal``: every file's content key and landing, each orders file's rows
  (loaded only when a digest differs; rewritten when the changes since grow large);
* ``graph.marshal``: the provider/key tables (made by a full run, or when the overlay grows).

Two more files need no token, each entry checking itself: ``folders.marshal`` (the folders'
listings, by modification time) and ``hot.marshal`` (the cache entries the last run read).
"""

from __future__ import annotations

import hashlib
import marshal
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .cache import CACHE_DIR
from .keygraph import KeyGraph
from ..safefile import WriteError, write_atomic

STATE_DIR = CACHE_DIR.parent / "checks"
FORMAT = 2  # 2: group and data keys are named ("case:GD1", not "o:GD1")


@dataclass
class Results:
    token: str  # the snapshot's
    as_of: float
    groups: dict[str, tuple[tuple[Any, ...], ...]]  # group -> finding rows
    until: dict[str, float]  # group -> first moment its findings may change
    samples: dict[str, str]  # sample file -> its month
    submitted: tuple[str, ...]  # months with a submission
    decided: tuple[str, ...]  # months with decisions


@dataclass
class Snapshot:
    token: str
    fingerprint: str
    manifest_digest: str  # of every file's content key
    history_digest: str  # of the history the landings come from
    counts: dict[str, int]  # counted keys (see groups.COUNTED) -> how many providers give them
    order_years: tuple[int, ...]  # years of the orders files that have rows
    graph_token: str
    graph_overlay: dict[str, tuple[str, ...] | None]  # the graph's changes since its tables were made
    listing_token: str
    # The listing's changes since it was written (None: gone): small, so that a run writes only this file.
    manifest_overlay: dict[str, str | None]
    landings_overlay: dict[str, str | None]
    rows_overlay: dict[str, tuple[str, ...] | None]


@dataclass
class Listing:
    token: str
    manifest: dict[str, str]  # path -> content key
    landings: dict[str, str]  # path -> landing commit
    rows: dict[str, tuple[str, ...]]  # orders file -> its rows' providers


def overlaid(base: dict, overlay: dict) -> dict:
    """``base`` with ``overlay``'s entries put over it (None: removed)."""
    result = dict(base)
    for key, value in overlay.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = value
    return result


def digest(value: Any) -> str:
    """A digest of a plain value (``marshal`` keeps a dict's order, which is the files' or commits' order)."""
    return hashlib.sha1(marshal.dumps(value)).hexdigest()


def new_token() -> str:
    return os.urandom(12).hex()


def _write(root: Path, name: str, value: tuple) -> None:
    target = root / STATE_DIR / name
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, marshal.dumps((FORMAT, *value)), durable=False)
    except (OSError, WriteError):
        pass  # a read-only checkout still validates; the next run is a full one


def _read(root: Path, name: str, fields: int) -> tuple | None:
    try:
        data = marshal.loads((root / STATE_DIR / name).read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if not isinstance(data, tuple) or len(data) != fields + 1 or data[0] != FORMAT:
        return None
    return data[1:]


def load_results(root: Path) -> Results | None:
    data = _read(root, "results.marshal", 7)
    return Results(*data) if data else None


def save_results(root: Path, results: Results) -> None:
    _write(root, "results.marshal", (results.token, results.as_of, results.groups, results.until, results.samples,
                                     results.submitted, results.decided))


def load_snapshot(root: Path, token: str) -> Snapshot | None:
    data = _read(root, "snapshot.marshal", 12)
    return Snapshot(*data) if data and data[0] == token else None


def save_snapshot(root: Path, snapshot: Snapshot) -> None:
    s = snapshot
    _write(root, "snapshot.marshal", (s.token, s.fingerprint, s.manifest_digest, s.history_digest, s.counts,
                                      s.order_years, s.graph_token, s.graph_overlay, s.listing_token,
                                      s.manifest_overlay, s.landings_overlay, s.rows_overlay))


def load_listing(root: Path, token: str) -> Listing | None:
    data = _read(root, "listing.marshal", 4)
    return Listing(*data) if data and data[0] == token else None


def save_listing(root: Path, listing: Listing) -> None:
    _write(root, "listing.marshal", (listing.token, listing.manifest, listing.landings, listing.rows))


def load_graph(root: Path, token: str, overlay: dict[str, tuple[str, ...] | None]) -> KeyGraph | None:
    data = _read(root, "graph.marshal", 7)
    if not data or data[0] != token:
        return None
    names, keys, forward_offsets, forward_ids, backward_offsets, backward_ids = data[1:]
    return KeyGraph(names, keys, (forward_offsets, forward_ids), (backward_offsets, backward_ids), overlay)


def save_graph(root: Path, token: str, graph: KeyGraph) -> None:
    names, keys, forward, backward = graph.tables()
    _write(root, "graph.marshal", (token, names, keys, *forward, *backward))


def load_listings(root: Path) -> dict:
    """The folders' listings of the last run (``archive.discover``); they check themselves against the folders."""
    data = _read(root, "folders.marshal", 1)
    return data[0] if data and isinstance(data[0], dict) else {}


def save_listings(root: Path, listings: dict) -> None:
    _write(root, "folders.marshal", (listings,))


def load_hot(root: Path) -> dict:
    """The cache entries the last run read (``cache.Shards.hot``); each is checked against its file's key."""
    data = _read(root, "hot.marshal", 1)
    return data[0] if data and isinstance(data[0], dict) else {}


def save_hot(root: Path, entries: dict) -> None:
    _write(root, "hot.marshal", (entries,))
