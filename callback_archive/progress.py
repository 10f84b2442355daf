"""Progress bars for long runs (importing, sampling, a cold read of a big year), for a person at a terminal only.

Drawn on stderr when it is a terminal, never into a log, a pipe or a machine-readable report:
a command whose output is for programs (``validate.py --format json``) calls :func:`keep_quiet`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sized
from typing import TypeVar

from tqdm import tqdm

_T = TypeVar("_T")
_quiet = False


def keep_quiet() -> None:
    """No progress bar for the rest of this run."""
    global _quiet
    _quiet = True


def progress_wanted() -> bool:
    """Progress is drawn only for a person watching a terminal, never into a log or a pipe."""
    return not _quiet and sys.stderr.isatty()


def with_progress(items: Iterable[_T], label: str, shown: bool, *, unit: str = "行", total: int | None = None) -> Iterable[_T]:
    """``items``, with a progress bar on stderr while they are worked through when ``shown``.

    The bar is cleared as soon as the last of ``total`` items is taken, so a caller that takes
    exactly ``total`` items and never asks for the end leaves no bar behind its own output.
    """
    if not shown:
        return items
    if total is None and isinstance(items, Sized):
        total = len(items)
    bar = tqdm(total=total, desc=label, unit=unit, file=sys.stderr, leave=False, mininterval=0.5, dynamic_ncols=True)
    return _advancing(items, bar)


def _advancing(items: Iterable[_T], bar: tqdm) -> Iterator[_T]:
    try:
        for item in items:
            bar.update()
            if bar.n == bar.total:
                bar.close()
            yield item
    finally:
        bar.close()
