"""Teaching the tagger: macro-F1 on the paragraphs NOT taught, after a few decisions.

    python bench/teach.py THEMES.yaml DOCS/ GOLD.yaml [--seeds 5] [--added 4] [--removed 4]

For each seed: a fresh workspace (`briefing init --themes`, `briefing ingest`), then per
theme `--added` paragraphs that carry it and `--removed` that do not, drawn from the gold
with that seed (not chosen by the tagger), each made a decision with `briefing tag
--excerpt ID --add/--remove THEME`; then `briefing tag`, and `briefing eval GOLD
--exclude-decided --json`. Prints, per seed and as the mean over seeds, macro-F1 before
teaching (on the same untaught paragraphs) and after.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from briefing import ids  # noqa: E402
from briefing.tagging import load_gold  # noqa: E402
from briefing.tagging.evaluate import draw_decisions  # noqa: E402

BRIEFING = str(Path(sys.executable).with_name("briefing"))


def run(*args: str) -> str:
    done = subprocess.run([BRIEFING, *args], capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(f"briefing {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def excerpt_index(workspace: Path) -> dict[tuple[str, str], str]:
    """(file name, canonical text) -> excerpt id, from `sources --json` and `excerpts --json`."""
    files = {s["id"]: s["file"] for s in json.loads(run("-w", str(workspace), "sources", "--json"))}
    return {
        (Path(files[e["source"]]).name, ids.canonical(e["text"])): e["id"]
        for e in json.loads(run("-w", str(workspace), "excerpts", "--json"))
    }


def find(index: dict[tuple[str, str], str], file: str, prefix: str) -> str | None:
    wanted = ids.canonical(prefix)
    return next(
        (i for (f, text), i in index.items() if f == file and text.startswith(wanted)), None
    )


def macro_f1(workspace: Path, gold: Path, exclude_decided: bool) -> float:
    args = ["-w", str(workspace), "eval", str(gold), "--json"]
    report = json.loads(run(*args, *(["--exclude-decided"] if exclude_decided else [])))
    return float(report["macro"]["f1"])


def teach_once(
    themes: Path, docs: Path, gold_path: Path, seed: int, added: int, removed: int, root: Path
) -> tuple[float, float]:
    """(macro-F1 before, after) on the paragraphs left untaught by this seed's decisions."""
    workspace = root / f"seed-{seed}"
    run("init", str(workspace), "--themes", str(themes))
    run("-w", str(workspace), "ingest", str(docs))
    gold = load_gold(gold_path)
    index = excerpt_index(workspace)
    decisions = draw_decisions(gold, seed, added, removed)
    # "Before": the same untaught paragraphs, measured before any decision (a gold file
    # restricted to them).
    taught = {(f, p) for f, p, _, _ in decisions}
    restricted = root / f"gold-untaught-{seed}.json"
    kept = [
        {
            "file": a.file,
            "paragraphs": [
                {"text": p.prefix, "themes": sorted(p.themes)}
                for p in a.paragraphs
                if (a.file, p.prefix) not in taught
            ],
        }
        for a in gold
    ]
    restricted.write_text(json.dumps(kept))  # JSON is YAML
    before = macro_f1(workspace, restricted, exclude_decided=False)
    for file, prefix, theme, kind in decisions:
        excerpt = find(index, file, prefix)
        if excerpt is None:
            raise SystemExit(f"{file}: no excerpt starts with {prefix!r}")
        run("-w", str(workspace), "tag", "--excerpt", excerpt, f"--{kind}", theme)
    run("-w", str(workspace), "tag")
    after = macro_f1(workspace, gold_path, exclude_decided=True)
    return before, after


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("themes", type=Path)
    parser.add_argument("docs", type=Path)
    parser.add_argument("gold", type=Path)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--added", type=int, default=4)
    parser.add_argument("--removed", type=int, default=4)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="briefing-teach-"))
    try:
        results = []
        for seed in range(args.seeds):
            before, after = teach_once(
                args.themes.resolve(),
                args.docs.resolve(),
                args.gold.resolve(),
                seed,
                args.added,
                args.removed,
                root,
            )
            results.append((before, after))
            print(f"seed {seed}: macro-F1 on untaught paragraphs {before:.3f} -> {after:.3f}")
        mean_before = sum(b for b, _ in results) / len(results)
        mean_after = sum(a for _, a in results) / len(results)
        print(f"mean over {len(results)} seeds: {mean_before:.3f} -> {mean_after:.3f}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
