"""Real temporary Git repositories for the audit tests, with the dates and authors each commit should have."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

# Isolated from the machine's Git configuration (hooks, signing, default branch).
_ENV = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0"}


class GitRepo:
    """A work tree at ``root`` on branch main; every commit gets the given Beijing time and author."""

    def __init__(self, root: Path):
        self.root = root
        self.git("init", "-q", "-b", "main")
        (root / ".gitignore").write_text(".cache/\n", encoding="utf-8")

    def git(self, *args: str, at: str = "2026-11-26T08:00:00+08:00", author: str = "李敏") -> str:
        env = {
            **os.environ, **_ENV,
            "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": "staff@binhai.example",
            "GIT_COMMITTER_NAME": author, "GIT_COMMITTER_EMAIL": "staff@binhai.example",
            "GIT_AUTHOR_DATE": at, "GIT_COMMITTER_DATE": at,
        }
        result = subprocess.run(["git", "-c", "commit.gpgsign=false", *args], cwd=self.root, env=env,
                                capture_output=True, text=True, check=True)
        return result.stdout.strip()

    def commit(self, message: str, at: str, author: str = "李敏") -> str:
        """Commit everything in the work tree (additions, changes, deletions); returns the hash."""
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message, at=at, author=author)
        return self.head()

    def merge(self, branch: str, number: int, at: str, author: str = "王主任") -> str:
        """Merge a branch into the current one the way GitHub merges a pull request."""
        self.git("merge", "-q", "--no-ff", branch, "-m", f"Merge pull request #{number} from binhai/{branch}", at=at, author=author)
        return self.head()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD")

    def checkout(self, *args: str) -> None:
        self.git("checkout", "-q", *args)
