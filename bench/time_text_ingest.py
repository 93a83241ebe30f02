"""Milliseconds per article for read_article over a folder of text dumps (default: the
unpacked ../shared/eval/web/text dumps in /tmp/wt9c-corpus); best of three passes."""

import glob
import sys
import time
from pathlib import Path

from briefing.ingest import read_article

files = sorted(glob.glob((sys.argv[1] if len(sys.argv) > 1 else "/tmp/wt9c-corpus") + "/*.txt"))
for f in files[:20]:
    try:
        read_article(Path(f))
    except Exception:
        pass
best = None
for rep in range(3):
    t = time.perf_counter()
    for f in files:
        try:
            read_article(Path(f))
        except Exception:
            pass
    d = (time.perf_counter() - t) / len(files) * 1000
    best = d if best is None else min(best, d)
print(f"{len(files)} files, best of 3: {best:.2f} ms/article")
