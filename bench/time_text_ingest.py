"""Milliseconds per article for `read_article` over a folder of text dumps, best of three
passes: `python bench/time_text_ingest.py FOLDER` (e.g. the unpacked eval text dumps)."""

import contextlib
import glob
import sys
import time
from pathlib import Path

from briefing.ingest import read_article

files = sorted(glob.glob(sys.argv[1] + "/*.txt"))
for name in files[:20]:  # warm up: imports, stop lists, the subword vocabulary
    with contextlib.suppress(Exception):
        read_article(Path(name))
best = float("inf")
for _ in range(3):
    start = time.perf_counter()
    for name in files:
        with contextlib.suppress(Exception):  # a refused file still costs its reading
            read_article(Path(name))
    best = min(best, (time.perf_counter() - start) / len(files) * 1000)
print(f"{len(files)} files, best of 3: {best:.2f} ms/article")
