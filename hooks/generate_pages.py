"""MkDocs hook: add the pages that callback_archive.sitegen generates from the repository.

Only wiring lives here; what the pages say is decided in callback_archive.sitegen.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from callback_archive.sitegen import generated_pages  # noqa: E402


def on_files(files: Files, config: MkDocsConfig) -> Files:
    for src_uri, content in generated_pages(REPO_ROOT).items():
        files.append(File.generated(config, src_uri, content=content))
    return files
