"""Teaching the tagger: macro-F1 on the paragraphs NOT taught, after a few decisions.

    python bench/teach.py THEMES.yaml DOCS/ GOLD.yaml [--seeds 5] [--added 4] [--removed 4]
                          [--in-process]

For each seed: a fresh workspace (`briefing init --themes`, `briefing ingest`), then per
theme `--added` paragraphs that carry it and `--removed` that do not, drawn from the gold
with that seed (not chosen by the tagger), each made a decision with `briefing tag
--excerpt ID --add/--remove THEME`; then `briefing tag`, and `briefing eval GOLD
--exclude-decided --json`. Prints, per seed and as the mean over seeds, macro-F1 before
teaching (on the same untaught paragraphs) and after.

With `--in-process`, the corpus is ingested once by the CLI and each seed's decisions are
calibrated in this process from the stored rows (`tag_corpus`, as `briefing tag` does)
and scored with the same rule as `eval --exclude-decided`: the same figures in seconds
rather than minutes, so that 20 seeds are cheap (5 seeds are too few to tell a setting
from luck: a draw moves Arctic's mean by up to 0.02).
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


def teach_in_process(
    themes: Path, docs: Path, gold_path: Path, seeds: int, added: int, removed: int, root: Path
) -> list[tuple[float, float]]:
    """(macro-F1 before, after) per seed, calibrated in this process (see the docstring)."""
    from briefing.library import Library
    from briefing.tagging.corpus import tag_corpus
    from briefing.tagging.evaluate import evaluate
    from briefing.workspace import Workspace

    workspace = root / "in-process"
    run("init", str(workspace), "--themes", str(themes))
    run("-w", str(workspace), "ingest", str(docs))
    library = Library.open(Workspace(workspace))
    gold = load_gold(gold_path)
    index = {
        (Path(source.file).name, ids.canonical(e.text)): e.id
        for source in library.store.sources()
        for e in library.store.excerpts(source.id)
    }
    rows, hits = list(library.store.corpus_rows()), list(library.store.phrase_rows())
    theme_ids = [t.id for t in library.tagger.themes]

    def macro(add: dict[str, set[str]], remove: dict[str, set[str]], decided: set[str]) -> float:
        tags = tag_corpus(
            library.tagger, len(rows), iter(rows), iter(hits), add, remove, {}, lambda _: []
        )

        def predict(file: str, prefix: str) -> set[str] | None:
            excerpt = find(index, file, prefix)
            if excerpt is None:
                return None
            row = tags.row_of[excerpt]
            found = {t for i, t in enumerate(theme_ids) if tags.calibrated.tagged[row, i]}
            return (found | add.get(excerpt, set())) - remove.get(excerpt, set())

        return evaluate(gold, predict, lambda f, p: find(index, f, p) in decided).macro_f1

    results = []
    for seed in range(seeds):
        add: dict[str, set[str]] = {}
        remove: dict[str, set[str]] = {}
        for file, prefix, theme, kind in draw_decisions(gold, seed, added, removed):
            excerpt = find(index, file, prefix)
            if excerpt is None:
                raise SystemExit(f"{file}: no excerpt starts with {prefix!r}")
            (add if kind == "add" else remove).setdefault(excerpt, set()).add(theme)
        decided = set(add) | set(remove)
        results.append((macro({}, {}, decided), macro(add, remove, decided)))
    library.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("themes", type=Path)
    parser.add_argument("docs", type=Path)
    parser.add_argument("gold", type=Path)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--added", type=int, default=4)
    parser.add_argument("--removed", type=int, default=4)
    parser.add_argument("--in-process", action="store_true", help="calibrate in this process")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="briefing-teach-"))
    paths = (args.themes.resolve(), args.docs.resolve(), args.gold.resolve())
    try:
        if args.in_process:
            results = teach_in_process(*paths, args.seeds, args.added, args.removed, root)
            for seed, (before, after) in enumerate(results):
                print(f"seed {seed}: macro-F1 on untaught paragraphs {before:.3f} -> {after:.3f}")
        else:
            results = []
            for seed in range(args.seeds):
                before, after = teach_once(*paths, seed, args.added, args.removed, root)
                results.append((before, after))
                print(f"seed {seed}: macro-F1 on untaught paragraphs {before:.3f} -> {after:.3f}")
        mean_before = sum(b for b, _ in results) / len(results)
        mean_after = sum(a for _, a in results) / len(results)
        print(f"mean over {len(results)} seeds: {mean_before:.3f} -> {mean_after:.3f}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
