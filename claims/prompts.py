"""Versioned prompt templates: one file per task in prompts/ (`<task>.v<N>.md`).

A template has front matter (name, version) and `=== role ===` sections. `{{name}}` placeholders
are filled in one pass, so article text containing braces is never re-interpreted, and data
variables are stripped of the delimiter tags they are wrapped in, so an article cannot close its
own <article> block and speak as the prompt.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PROMPTS_DIR = Path(__file__).resolve().parent / "prompts"
_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)
_SECTION = re.compile(r"^=== (system|user|assistant) ===\n", re.M)
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
_DELIMITER = re.compile(r"</?\s*(?:article|context)\b[^>]*>", re.I)

Message = dict[str, str]


@dataclass(frozen=True)
class Prompt:
    name: str
    version: str
    sha256: str  # of the whole template file: editing a prompt changes every cache key
    sections: tuple[tuple[str, str], ...]  # (role, template text)

    @property
    def label(self) -> str:
        return f"{self.name}.v{self.version}"

    def variables(self) -> set[str]:
        return {m for _, body in self.sections for m in _PLACEHOLDER.findall(body)}

    def render(self, variables: dict[str, str]) -> list[Message]:
        """Messages with placeholders filled; a missing variable is an error, not a blank."""
        missing = self.variables() - variables.keys()
        if missing:
            raise KeyError(f"prompt {self.label} needs {', '.join(sorted(missing))}")
        safe = {k: _DELIMITER.sub("", v) for k, v in variables.items()}
        return [
            {"role": role, "content": _PLACEHOLDER.sub(lambda m: safe[m.group(1)], body)}
            for role, body in self.sections
        ]


def parse(text: str) -> Prompt:
    """Parse a template file's text."""
    front = _FRONT.match(text)
    if not front:
        raise ValueError("prompt template lacks its --- front matter ---")
    meta = dict(
        (k.strip(), v.strip()) for k, v in (ln.split(":", 1) for ln in front.group(1).splitlines() if ":" in ln)
    )
    if "name" not in meta or "version" not in meta:
        raise ValueError("prompt front matter needs name and version")
    body = text[front.end() :]
    parts = _SECTION.split(body)[1:]
    sections = tuple((parts[i], parts[i + 1].strip("\n")) for i in range(0, len(parts), 2))
    if not sections:
        raise ValueError(f"prompt {meta['name']} has no === role === sections")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Prompt(meta["name"], meta["version"], digest, sections)


@cache
def load(task: str, directory: Path = PROMPTS_DIR) -> Prompt:
    """The highest version of `task`'s template in `directory`."""
    found = sorted(
        directory.glob(f"{task}.v*.md"),
        key=lambda p: int(re.sub(r"\D", "", p.name.split(".v", 1)[1]) or 0),
    )
    if not found:
        raise FileNotFoundError(f"no prompt template for task {task!r} in {directory}")
    return parse(found[-1].read_text(encoding="utf-8"))
