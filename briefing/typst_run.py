"""Typesetting one memo with Typst in a child process: `python -m briefing.typst_run ROOT`.

The parent (memo/pdf.py) sends the memo's JSON on stdin and reads the PDF on stdout. A
child process can be given a time limit and an environment of its own: its proxy is a
closed local port, so a template that slips a package import past the parent's check
fails at once instead of downloading code, and the parent's environment is never touched.
"""

from __future__ import annotations

import sys
from pathlib import Path

TEMPLATE = "memo.typ"  # as in memo/pdf.py; this module stays outside briefing.memo, whose
# imports would cost the child a quarter of a second
TYPST_FAILED = 3  # the exit code that says: Typst's message is on stderr


def main(root: Path) -> int:
    import typst

    memo = sys.stdin.buffer.read().decode("utf-8")
    empty = root / ".packages"  # no local or cached packages either
    empty.mkdir(exist_ok=True)
    try:
        pdf = typst.compile(
            str(root / TEMPLATE),
            root=str(root),
            format="pdf",
            sys_inputs={"memo": memo},
            font_paths=[],
            ignore_system_fonts=True,
            package_path=str(empty),
            package_cache_path=str(empty),
        )
    except typst.TypstError as error:
        sys.stderr.write(str(error))
        return TYPST_FAILED
    sys.stdout.buffer.write(bytes(pdf))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
