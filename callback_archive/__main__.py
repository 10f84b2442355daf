"""``python -m callback_archive validate …``: the ``callback`` command where it is not installed on PATH."""

from .cli.main import run

run()
