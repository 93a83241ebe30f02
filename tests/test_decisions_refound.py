"""Decisions that outlive their ids: tags.yaml and brief.yaml after the cleaned text changed.

An excerpt's id is derived from its source's cleaned text. When that text changes (a
better cleaner drops a line it used to keep, and `briefing rebuild` re-reads the
originals), every excerpt of the source gets a new id. Here the kept original is edited
the way a new cleaner would change its result, then the corpus is rebuilt with the real
commands: manual tags and pins must follow their excerpts by text, or be reported.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from briefing.cli import app

runner = CliRunner()

ARTICLE = (
    "\n\n".join(
        [
            "Harbour pilots ask for new tugboats",
            "By Ana Ruiz",
            "The harbour pilots' association has asked the port authority to buy two new "
            "tugboats, saying the three it has are too weak to turn the largest container ships "
            "in a strong wind.",
            "Last winter, two ships had to wait outside the breakwater for a day because the tugs "
            "could not hold them against the gusts, the association said in a letter to the "
            "authority's board.",
            "The authority said it would study the request but that its budget for next year was "
            "already committed to dredging the main channel.",
            "A decision is expected before the summer, when the largest ships start calling at "
            "the port every week.",
        ]
    )
    + "\n"
)
# A line the first cleaner kept as body and a better one leaves out (a teaser of another
# story, written as a sentence).
TEASER = "Elsewhere on the coast, the ferry company reported its busiest summer in a decade."


def run(root: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["-w", str(root), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _excerpts(root: Path) -> list[dict]:
    return json.loads(run(root, "excerpts", "--json")[1])


def test_tags_and_pins_follow_their_excerpts_when_ids_change(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    assert run(tmp_path, "init", str(root))[0] == 0
    article = tmp_path / "pilots.txt"
    article.write_text(ARTICLE + "\n" + TEASER + "\n", encoding="utf-8")
    assert run(root, "ingest", str(article))[0] == 0
    theme = json.loads(run(root, "themes", "--json")[1])[0]["id"]
    before = {e["text"]: e["id"] for e in _excerpts(root)}
    winter = next(i for t, i in before.items() if t.startswith("Last winter"))
    budget = next(i for t, i in before.items() if t.startswith("The authority said"))
    assert run(root, "tag", "--excerpt", winter, "--add", theme)[0] == 0
    assert run(root, "tag", "--excerpt", budget, "--remove", theme)[0] == 0
    tags = yaml.safe_load((root / "tags.yaml").read_text(encoding="utf-8"))
    assert tags[winter]["text"].startswith("Last winter, two ships")
    assert tags[winter]["decided"][theme]["by"]  # the OS user
    assert tags[winter]["decided"][theme]["at"][:4].isdigit()
    (root / "brief.yaml").write_text(
        yaml.safe_dump(
            {
                "title": "Port note",
                "themes": [{"id": theme, "pinned": [{"id": winter, "text": tags[winter]["text"]}]}],
            }
        ),
        encoding="utf-8",
    )

    assert any(text.startswith("Elsewhere on the coast") for text in before)
    # A better cleaner drops the teaser: the cleaned text, so every id, changes.
    kept = root / "sources" / "pilots.txt"
    kept.write_text(ARTICLE, encoding="utf-8")
    code, out, err = run(root, "rebuild")
    assert code == 1 and f"{kept}: changed since it was ingested" in err, err  # said, not silent
    after = {e["text"]: e["id"] for e in _excerpts(root)}
    new_winter = next(i for t, i in after.items() if t.startswith("Last winter"))
    new_budget = next(i for t, i in after.items() if t.startswith("The authority said"))
    assert new_winter != winter and new_budget != budget
    assert f"excerpt {winter} is now {new_winter} (found again by its text)" in err

    # tags.yaml now names the new ids, with the same text, who and when.
    moved = yaml.safe_load((root / "tags.yaml").read_text(encoding="utf-8"))
    assert set(moved) == {new_winter, new_budget}
    assert moved[new_winter]["added"] == [theme] and moved[new_budget]["removed"] == [theme]
    assert moved[new_winter]["decided"] == tags[winter]["decided"]
    # ...and the decisions still win over the tagger.
    themed = {e["id"] for e in json.loads(run(root, "excerpts", "--theme", theme, "--json")[1])}
    assert new_winter in themed and new_budget not in themed

    # The pin in brief.yaml is found again by its text: the quote is in the memo.
    code, memo, err = run(
        root, "export", "--brief", str(root / "brief.yaml"), "--format", "md", "-o", "-"
    )
    assert code == 0, err
    assert "Last winter, two ships had to wait outside the breakwater" in memo
    assert f"pinned excerpt {winter} was found again by its text as {new_winter}" in err


def test_a_decision_whose_excerpt_is_gone_is_kept_and_reported(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    assert run(tmp_path, "init", str(root))[0] == 0
    article = tmp_path / "pilots.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    assert run(root, "ingest", str(article))[0] == 0
    theme = json.loads(run(root, "themes", "--json")[1])[0]["id"]
    last = next(e["id"] for e in _excerpts(root) if e["text"].startswith("A decision is expected"))
    assert run(root, "tag", "--excerpt", last, "--add", theme)[0] == 0

    # The paragraph is no longer in the cleaned text at all.
    kept = root / "sources" / "pilots.txt"
    kept.write_text(ARTICLE.rsplit("\n\nA decision", 1)[0] + "\n", encoding="utf-8")
    code, _, err = run(root, "rebuild")
    assert code == 1 and f"{kept}: changed since it was ingested" in err  # said, not silent
    assert f"excerpt {last} is not in the corpus “A decision is expected before the" in err
    assert "kept in tags.yaml but not applied" in err
    tags = yaml.safe_load((root / "tags.yaml").read_text(encoding="utf-8"))
    assert tags[last]["added"] == [theme]  # never dropped
    # Every later command says so too, until the source comes back or the entry goes.
    assert f"excerpt {last} is not in the corpus" in run(root, "sources")[2]
    article.write_text(ARTICLE, encoding="utf-8")
    code, _, err = run(root, "ingest", str(article))
    assert code == 0
    again = {e["id"] for e in json.loads(run(root, "excerpts", "--theme", theme, "--json")[1])}
    assert last in again  # the same text again: the same id, the decision applies
    assert "not in the corpus" not in run(root, "sources")[2]
