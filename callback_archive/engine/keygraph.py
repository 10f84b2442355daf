"""Which data keys each provider gives, and which providers give each key, stored to load fast.

A big year has 400,000 providers (record files and work-order rows) and 2 million
(provider, key) pairs. Kept as Python dicts of tuples they take a second to load; an
incremental run needs a few hundred of them. So the pairs of the last full run are kept
as two compressed-sparse-row tables of integer ids (``array`` bytes: loading is a copy),
and what changed since is an overlay of plain dicts, folded into the tables when it grows.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from itertools import accumulate, chain
from collections import defaultdict

OVERLAY_LIMIT = 20_000  # providers changed since the tables were made before they are made again


def _csr(rows: list[list[int]]) -> tuple[bytes, bytes]:
    offsets = array("I", [0])
    offsets.extend(accumulate(map(len, rows)))
    return offsets.tobytes(), array("I", chain.from_iterable(rows)).tobytes()


class KeyGraph:
    """Providers and their data keys, both ways: tables of the last full build plus an overlay of changes."""

    def __init__(self, names: list[str], keys: list[str], forward: tuple[bytes, bytes], backward: tuple[bytes, bytes],
                 overlay: dict[str, tuple[str, ...] | None]):
        self.names, self.keys = names, keys
        self._forward = tuple(memoryview(b).cast("I") for b in forward)
        self._backward = tuple(memoryview(b).cast("I") for b in backward)
        self._raw = forward, backward
        self.overlay = overlay  # provider -> its keys now (None: gone)
        self._overlay_by_key: dict[str, set[str]] | None = None

    @classmethod
    def build(cls, provided: dict[str, tuple[str, ...]]) -> "KeyGraph":
        """The tables of these providers; names and keys sorted, so that an id is found by bisection, not a dict
        of 400,000 entries made at every load."""
        names = sorted(provided)
        every_key: set[str] = set()
        for found in provided.values():
            every_key.update(found)
        keys = sorted(every_key)
        key_id = dict(zip(keys, range(len(keys)))).__getitem__
        forward = [list(map(key_id, provided[name])) for name in names]
        backward: list[list[int]] = [[] for _ in keys]
        for number, row in enumerate(forward):
            for k in row:
                backward[k].append(number)
        return cls(names, keys, _csr(forward), _csr(backward), {})

    def tables(self) -> tuple[list[str], list[str], tuple[bytes, bytes], tuple[bytes, bytes]]:
        """What is stored of the graph besides its overlay: names, keys, and the two tables."""
        return self.names, self.keys, self._raw[0], self._raw[1]

    @staticmethod
    def _find(table: list[str], item: str) -> int | None:
        at = bisect_left(table, item)
        return at if at < len(table) and table[at] == item else None

    def _base_keys(self, name: str) -> tuple[str, ...] | None:
        number = self._find(self.names, name)
        if number is None:
            return None
        offsets, ids = self._forward
        return tuple(self.keys[k] for k in ids[offsets[number]:offsets[number + 1]])

    def keys_of(self, name: str) -> tuple[str, ...] | None:
        """The keys ``name`` gives (None: no such provider)."""
        if name in self.overlay:
            return self.overlay[name]
        return self._base_keys(name)

    def providers_of(self, key: str) -> set[str]:
        found: set[str] = set()
        key_id = self._find(self.keys, key)
        if key_id is not None:
            offsets, ids = self._backward
            found = {self.names[n] for n in ids[offsets[key_id]:offsets[key_id + 1]]}
            found.difference_update(self.overlay)  # their keys now are in the overlay
        if self._overlay_by_key is None:
            by_key: dict[str, set[str]] = defaultdict(set)
            for name, keys in self.overlay.items():
                for k in keys or ():
                    by_key[k].add(name)
            self._overlay_by_key = by_key
        return found | self._overlay_by_key.get(key, set())

    def set(self, name: str, keys: tuple[str, ...] | None) -> None:
        """``name`` gives these keys from now on (None: it is gone)."""
        old = self.overlay.get(name) if name in self.overlay else self._base_keys(name)
        self.overlay[name] = keys
        if self._overlay_by_key is not None:
            for k in old or ():
                self._overlay_by_key[k].discard(name)
            for k in keys or ():
                self._overlay_by_key[k].add(name)

    def compacted(self) -> "KeyGraph":
        """The same graph with the overlay folded into the tables, once the overlay is large."""
        if len(self.overlay) < OVERLAY_LIMIT:
            return self
        offsets, ids = self._forward
        provided = {name: tuple(self.keys[k] for k in ids[offsets[n]:offsets[n + 1]])
                    for n, name in enumerate(self.names) if name not in self.overlay}
        provided.update((name, keys) for name, keys in self.overlay.items() if keys is not None)
        return KeyGraph.build(provided)

