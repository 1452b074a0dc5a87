"""The code examples of the README and docs/*.md, and how to run a page's examples as a reader would.

Every fenced ```sh and ```python block runs, in page order, as one bash script (one terminal: a variable an
earlier block sets is there for a later one; a ```python block runs as `python -`). An HTML comment on the
line before a fence says more about that block:

    <!-- example: not run (why) -->   it cannot run here (it installs, starts the server, needs Docker, ...)
    <!-- example: pytest -->          a test file using the pytest plugin: run by pytest against the server
    <!-- example: mx-sdk -->          Python run by MX's own SDK's interpreter (tests/platform/test_sdk.py's)
    <!-- example: answers 408 409 --> statuses from 400 up that this page's requests may get (by design)

Other fences (json, yaml, text, html, none) are shown data, not run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
RUN = ("sh", "python")
# The address the pages write; the test substitutes the running server's.
ADDRESSES = ("http://127.0.0.1:8080", "http://localhost:8080", "localhost:8080")

_FENCE = re.compile(
    r"^(?:<!-- example: (?P<directive>[^>]*) -->\n)?```(?P<lang>[\w-]*)\n(?P<code>.*?)^```$", re.M | re.S
)


@dataclass
class Block:
    page: Path
    line: int
    lang: str
    code: str
    directive: str = ""

    @property
    def skipped(self) -> str | None:
        """Why the block is not run, or None."""
        if self.lang not in RUN:
            return f"a {self.lang or 'plain'} block (shown, not run)"
        found = re.match(r"not run \((.+)\)$", self.directive)
        return found.group(1) if found else None

    @property
    def kind(self) -> str:
        for kind in ("pytest", "mx-sdk"):
            if re.search(rf"\b{kind}\b", self.directive):
                return kind
        return self.lang

    @property
    def answers(self) -> set[int]:
        found = re.search(r"answers ([\d ]+)", self.directive)
        return {int(s) for s in found.group(1).split()} if found else set()


@dataclass
class Page:
    path: Path
    blocks: list[Block] = field(default_factory=list)

    @property
    def runnable(self) -> list[Block]:
        return [b for b in self.blocks if b.skipped is None]

    @property
    def answers(self) -> set[int]:
        return set().union(*(b.answers for b in self.blocks))

    def script(self, base: str, tmp: Path) -> str:
        """The page's runnable blocks as one bash script against `base`."""
        parts = []
        for n, block in enumerate(self.runnable):
            code = block.code
            for address in ADDRESSES:
                code = code.replace(address, base)
            where = f"# --- {block.page.name}:{block.line} ({block.kind})"
            if block.kind == "sh":
                parts.append(f"{where}\n{code}")
            elif block.kind == "pytest":
                test = tmp / f"test_example_{n}.py"
                test.write_text(code)
                parts.append(
                    f'{where}\n(cd "{tmp}" && MOCKNEXUS_URL="{base}" "$DOC_PYTHON" -m pytest -q -p no:cacheprovider '
                    f'-p no:randomly "{test.name}")'
                )
            else:
                interpreter = "$MX_SDK_PYTHON" if block.kind == "mx-sdk" else "$DOC_PYTHON"
                parts.append(f"{where}\n\"{interpreter}\" - <<'DOC_EXAMPLE_PY'\n{code}DOC_EXAMPLE_PY")
        return "\n".join(parts) + "\n"


def page(path: Path) -> Page:
    text = path.read_text()
    found = Page(path)
    for match in _FENCE.finditer(text):
        line = text.count("\n", 0, match.start("lang")) + 1
        found.blocks.append(Block(path, line, match["lang"], match["code"], (match["directive"] or "").strip()))
    return found


def pages() -> list[Page]:
    return [page(p) for p in PAGES]
