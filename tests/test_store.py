"""The stores: schema, writing, theme queries with manual decisions, search.

Every test that takes `store` runs against both implementations: the embedded SQLite
store and the team's PostgreSQL store on a real server (skipped, with its reason, where
PostgreSQL is not installed).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefing import searchpool
from briefing.errors import WorkspaceError
from briefing.model import Excerpt, Source, ThemeScore
from briefing.store import SCHEMA_VERSION, Store
from tests.corpora import add_source as _add
from tests.corpora import fill_wire


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        opened = Store(tmp_path / "corpus.db")
    else:
        from briefing.pgstore import PgStore

        opened = PgStore(request.getfixturevalue("pg_url"))  # type: ignore[assignment]
    yield opened
    opened.close()


def test_new_store_has_current_schema(store: Store) -> None:
    from briefing import pgstore

    current = SCHEMA_VERSION if isinstance(store, Store) else pgstore.SCHEMA_VERSION
    assert store.schema_version == current


def test_new_sqlite_store_uses_wal(tmp_path: Path) -> None:
    store = Store(tmp_path / "corpus.db")
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_store_from_a_newer_briefing_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "corpus.db"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(WorkspaceError, match="newer briefing"):
        Store(path)


def test_corrupt_store_says_to_rebuild(tmp_path: Path) -> None:
    path = tmp_path / "corpus.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(WorkspaceError, match="briefing rebuild"):
        Store(path)


def test_excerpt_offsets_and_reading_order(store: Store) -> None:
    _add(store, "a", ["First paragraph here.", "Second one."], title="A")
    _add(store, "b", ["Other source."])
    source = store.source("a")
    assert source is not None and source.title == "A"
    for excerpt in store.excerpts("a"):
        assert source.text[excerpt.start : excerpt.end] == excerpt.text
    assert [e.id for e in store.excerpts()] == ["a-0", "a-1", "b-0"]
    assert store.source_excerpt_counts() == {"a": 2, "b": 1}


def test_theme_query_applies_manual_decisions(store: Store) -> None:
    first, second = _add(store, "a", ["About helicopters.", "About pipelines."])
    with store.transaction():
        store.set_scores(
            [
                (first.id, [ThemeScore("arms", 0.9, True), ThemeScore("energy", 0.1, False)]),
                (second.id, [ThemeScore("arms", 0.5, True)]),
            ]
        )
    assert [i.excerpt.id for i in store.excerpts_for_theme("arms")] == [first.id, second.id]

    store.replace_manual([(first.id, "arms", "removed"), (second.id, "energy", "added")])
    assert [i.excerpt.id for i in store.excerpts_for_theme("arms")] == [second.id]
    energy = store.excerpts_for_theme("energy")
    assert [(i.excerpt.id, i.manual) for i in energy] == [(second.id, True)]
    assert store.themes_of([first.id, second.id]) == {
        first.id: {},
        second.id: {"arms": 0.5, "energy": 1.0},
    }
    counts = store.theme_counts()
    assert (counts["arms"].excerpts, counts["energy"].excerpts) == (1, 1)
    assert store.theme_excerpt_counts() == {"arms": 1, "energy": 1}


def test_search_ranks_and_highlights(store: Store) -> None:
    _add(store, "a", ["Russia sells helicopters to Pakistan.", "Gas pipelines to Gwadar."])
    hits = store.search("helicopters")
    assert [h.excerpt.id for h in hits] == ["a-0"]
    assert "[helicopters]" in hits[0].snippet
    assert [h.excerpt.id for h in store.search('"gas pipelines"')] == ["a-1"]


def test_search_survives_queries_that_are_not_fts_syntax(store: Store) -> None:
    _add(store, "a", ["Mi-35 helicopters (combat) for Pakistan."])
    assert [h.excerpt.id for h in store.search("Mi-35 (combat")] == ["a-0"]
    assert store.search("   ") == []


def test_search_filtered_by_theme(store: Store) -> None:
    first, second = _add(store, "a", ["Pakistan buys arms.", "Pakistan buys gas."])
    with store.transaction():
        store.set_scores([(first.id, [ThemeScore("arms", 0.9, True)])])
    assert [h.excerpt.id for h in store.search("Pakistan", theme_id="arms")] == [first.id]


def test_find_excerpt_by_text_ignores_whitespace(store: Store) -> None:
    _add(store, "a", ["The defence pact was signed in Islamabad on Thursday."])
    found = store.find_excerpt_by_text("The  defence pact was\nsigned in Islamabad on Thursday.")
    assert found is not None and found.id == "a-0"
    assert store.find_excerpt_by_text("Nothing like this exists anywhere") is None


def test_an_older_store_is_migrated_and_keeps_its_data(tmp_path: Path) -> None:
    from briefing.store import MIGRATIONS

    path = tmp_path / "corpus.db"
    with sqlite3.connect(path) as db:
        db.executescript(MIGRATIONS[0])
        db.execute("PRAGMA user_version = 1")
        db.execute("INSERT INTO settings(key, value) VALUES ('tagger', 'abc')")
    store = Store(path)
    assert store.schema_version == SCHEMA_VERSION
    # The sentence table starts empty: the tagger's fingerprint goes, so the next open re-tags.
    assert store.get_setting("tagger") is None
    assert store.theme_counts() == {}


def test_authors_and_url_are_kept_one_by_one(store: Store) -> None:
    with store.transaction():
        store.add_source(
            Source(
                "s",
                "s.txt",
                "Text.",
                author="Jane Doe and John Roe",
                authors=["Jane Doe", "John Roe"],
                url="https://example.org/a/1",
            ),
            [],
        )
    kept = store.source("s")
    assert kept is not None
    assert (kept.authors, kept.url) == (["Jane Doe", "John Roe"], "https://example.org/a/1")


def test_search_syntax_stems_phrases_prefixes_and_near(store: Store) -> None:
    """What QUERY_SYNTAX promises, in both stores."""
    _add(
        store,
        "a",
        [
            "Russia agreed to sell helicopters to Pakistan last week.",
            "Pakistan and India argued about Kashmir for years; Russia stayed silent on the war.",
            "Arms sales to the region grew.",
        ],
    )

    def found(query: str) -> list[str]:
        return sorted(h.excerpt.id for h in store.search(query))

    assert found("helicopter") == ["a-0"]  # the stem finds the plural
    assert found("selling") == ["a-0"]  # and "sell" from "selling"
    assert found("helicop*") == ["a-0"]
    assert found('"arms sales"') == ["a-2"]
    assert found('"sales arms"') == []
    assert found("NEAR(russia pakistan, 5)") == ["a-0"]  # 5 words between in a-0, 7 in a-1
    assert found("russia pakistan") == ["a-0", "a-1"]
    assert found("kashmir OR helicopters") == ["a-0", "a-1"]
    assert found("russia NOT kashmir") == ["a-0"]
    assert found("the") == ["a-1", "a-2"]  # no stop words: every word is searchable
    assert found("(russia") == ["a-0", "a-1"]  # broken syntax falls back to the words


def test_scores_and_decisions_by_theme_are_ordered_alike(store: Store) -> None:
    """Ties break on the excerpt id in byte order in both stores (the memo depends on it)."""
    excerpts = _add(store, "s", ["Zeta one.", "alpha two.", "Beta three.", "_under four."])
    with store.transaction():
        store.set_scores([(e.id, [ThemeScore("t", 0.5, True)]) for e in excerpts])
    ids = [item.excerpt.id for item in store.excerpts_for_theme("t")]
    assert ids == sorted(ids, key=lambda i: i.encode())
    assert [i.excerpt.id for i in store.excerpts_for_theme("t", limit=2)] == ids[:2]


def test_a_decision_is_recorded_with_who_and_when(store: Store, tmp_path: Path) -> None:
    from briefing.tagging.manual import Stamp
    from briefing.workspace import init_workspace

    workspace = init_workspace(tmp_path / "ws")
    (first,) = _add(store, "a", ["About helicopters."])
    tags = store.manual_tags(workspace)
    tags.add(first.id, "arms", first.text, Stamp("ana", "2026-11-27T10:00:00+00:00"))
    store.save_manual_tags(workspace, tags)
    again = store.manual_tags(workspace)
    assert again.decision(first.id, "arms") == "added"
    assert again.stamps[first.id]["arms"] == Stamp("ana", "2026-11-27T10:00:00+00:00")
    assert again.texts[first.id] == first.text


def test_a_team_store_from_a_newer_briefing_or_another_program_is_refused(pg_url: str) -> None:
    import psycopg

    from briefing import pgstore

    pgstore.PgStore(pg_url).close()
    with psycopg.connect(pg_url, autocommit=True) as db:
        db.execute("UPDATE briefing_schema SET version = version + 1")
    with pytest.raises(WorkspaceError, match="newer briefing"):
        pgstore.PgStore(pg_url)
    with psycopg.connect(pg_url, autocommit=True) as db:
        db.execute("DROP SCHEMA public CASCADE")
        db.execute("CREATE SCHEMA public")
        db.execute("CREATE TABLE invoices (id int)")
    with pytest.raises(WorkspaceError, match="not briefing's"):
        pgstore.PgStore(pg_url)


def test_an_empty_search_suggests_words_of_the_corpus(store: Store) -> None:
    _add(store, "a", ["Russia sells helicopters to Pakistan.", "More helicopters."])
    assert store.search("helicoptr") == []
    assert store.suggest("helicoptr") == ["helicopters"]


def test_a_reader_sees_the_tags_before_a_retag_until_it_commits(store: Store) -> None:
    """One analyst re-tags while another reads: the reader never sees a half-done re-tag."""
    from briefing.pgstore import PgStore

    first, second = _add(store, "a", ["About helicopters.", "About pipelines."])
    with store.transaction():
        store.set_scores([(first.id, [ThemeScore("arms", 0.9, True)])])
    reader = Store(store.path) if isinstance(store, Store) else PgStore(store.url)
    try:
        assert [i.excerpt.id for i in reader.excerpts_for_theme("arms")] == [first.id]
        with store.transaction(), store.rewriting_scores():
            store.set_score_rows([(second.id, "arms", 0.8, 1)])
            assert [i.excerpt.id for i in reader.excerpts_for_theme("arms")] == [first.id]
            assert [h.excerpt.id for h in reader.search("helicopters")] == [first.id]
        assert [i.excerpt.id for i in reader.excerpts_for_theme("arms")] == [second.id]
    finally:
        reader.close()


def _counted_from_every_tag(store: Store) -> tuple[dict[str, tuple[int, int]], dict]:
    """Theme counts and the matrix aggregated over the effective_tags view: the rule the
    kept counts must agree with."""
    counts = {
        row[0]: (row[1], row[2])
        for row in store.db.execute(
            "SELECT ef.theme_id, count(*), count(DISTINCT e.source_id) FROM effective_tags ef"
            " JOIN excerpts e ON e.id = ef.excerpt_id GROUP BY ef.theme_id"
        )
    }
    matrix: dict[str, dict[str, int]] = {}
    for source_id, theme_id, n in store.db.execute(
        "SELECT e.source_id, ef.theme_id, count(*) FROM effective_tags ef"
        " JOIN excerpts e ON e.id = ef.excerpt_id GROUP BY 1, 2"
    ):
        matrix.setdefault(source_id, {})[theme_id] = n
    return counts, matrix


def _kept(store: Store) -> tuple[dict[str, tuple[int, int]], dict]:
    counts = {t: (c.excerpts, c.sources) for t, c in store.theme_counts().items()}
    assert store.theme_excerpt_counts() == {t: c[0] for t, c in counts.items()}
    return counts, store.theme_matrix()


def test_kept_theme_counts_follow_every_kind_of_write(store: Store) -> None:
    """Counts kept at write time agree with an aggregate over every tag, after tagging,
    re-tagging, decisions made and undone, and a source arriving after its decisions."""
    import random

    rng = random.Random(7)
    themes = ["arms", "energy", "india"]
    excerpts: list[Excerpt] = []
    for s in range(6):
        excerpts += _add(store, f"s{s}", [f"Paragraph {s} {p} text." for p in range(4)])

    def scores_for(ids: list[str]) -> list[tuple[str, list[ThemeScore]]]:
        return [(i, [ThemeScore(t, rng.random(), rng.random() < 0.4) for t in themes]) for i in ids]

    with store.transaction():
        store.set_scores(scores_for([e.id for e in excerpts]))
    assert _kept(store) == _counted_from_every_tag(store)
    assert store.theme_counts()  # something was tagged

    for _ in range(5):
        decisions = [
            (rng.choice(excerpts).id, rng.choice(themes), rng.choice(["added", "removed"]))
            for _ in range(rng.randrange(0, 8))
        ]
        with store.transaction():
            store.replace_manual(decisions)
        assert _kept(store) == _counted_from_every_tag(store)
        with store.transaction(), store.rewriting_scores():
            store.set_score_rows(
                (i, s.theme_id, s.score, int(s.tagged))
                for i, scored in scores_for([e.id for e in excerpts])
                for s in scored
            )
        assert _kept(store) == _counted_from_every_tag(store)

    # A decision's re-tag writes one theme's changed rows only: the counts follow it too.
    energy = [(e.id, 0.9, int(n % 2 == 0)) for n, e in enumerate(excerpts[:7])]
    with store.transaction():
        store.change_theme_scores("energy", energy, [excerpts[8].id])
    assert _kept(store) == _counted_from_every_tag(store)

    # A decision on an excerpt not stored yet (as during a rebuild) counts once it arrives.
    late = Excerpt("late-0", "late", 0, 0, 12, "Late source.")
    with store.transaction():
        store.replace_manual([("late-0", "energy", "added")])
    before = store.theme_counts()
    with store.transaction():
        store.add_source(Source("late", "late.txt", "Late source."), [late])
    assert _kept(store) == _counted_from_every_tag(store)
    assert store.theme_counts()["energy"].excerpts == before["energy"].excerpts + 1
    store.replace_manual([])  # outside a transaction, as a single statement would be
    assert _kept(store) == _counted_from_every_tag(store)


def test_a_store_of_schema_4_gets_its_theme_counts_on_migration(tmp_path: Path) -> None:
    from briefing.store import MIGRATIONS

    path = tmp_path / "corpus.db"
    with sqlite3.connect(path) as db:
        for script in MIGRATIONS[:4]:
            db.executescript(script)
        db.execute("PRAGMA user_version = 4")
        db.execute("INSERT INTO sources(id, file, text, added) VALUES ('s', 's.txt', 'A. B.', 1)")
        for n, eid in enumerate(["e1", "e2"]):
            db.execute(
                "INSERT INTO excerpts(id, source_id, position, start, end, text) "
                "VALUES (?, 's', ?, 0, 2, 'A.')",
                (eid, n),
            )
        db.execute("INSERT INTO scores VALUES ('e1', 'arms', 0.9, 1), ('e2', 'arms', 0.3, 0)")
        db.execute("INSERT INTO manual VALUES ('e2', 'energy', 'added')")
    store = Store(path)
    assert store.schema_version == SCHEMA_VERSION
    assert _kept(store) == _counted_from_every_tag(store)
    assert {t: c.excerpts for t, c in store.theme_counts().items()} == {"arms": 1, "energy": 1}


def _search_by_sorting_every_match(
    store: Store, query: str, theme_id: str | None, limit: int, pool: int | None = None
) -> list[tuple[str, str, float]]:
    """The search rule as one statement that ranks and sorts every match: best rank first,
    ties by excerpt id (what `search` returned before it kept only the best few). With a
    `pool`, only the newest `pool` matches (within a theme: the newest pool, then 4 times
    that and so on, until it holds `limit` of the theme's excerpts)."""
    sql = (
        "SELECT e.id, snippet(excerpts_fts, 0, '[', ']', '…', 24), f.rank "
        "FROM excerpts_fts f JOIN excerpts e ON e.n = f.rowid WHERE excerpts_fts MATCH :q "
        "AND f.rowid >= :floor "
    )
    if theme_id is not None:
        sql += "AND e.id IN (SELECT excerpt_id FROM effective_tags WHERE theme_id = :t) "
    sql += "ORDER BY f.rank, e.id LIMIT :limit"
    newest = [
        row[0]
        for row in store.db.execute(
            "SELECT rowid FROM excerpts_fts WHERE excerpts_fts MATCH ? ORDER BY rowid DESC",
            (query,),
        )
    ]
    while True:
        floor = newest[pool - 1] if pool is not None and len(newest) >= pool else 0
        rows = store.db.execute(
            sql, {"q": query, "t": theme_id, "limit": limit, "floor": floor}
        ).fetchall()
        if floor == 0 or theme_id is None or len(rows) >= limit:
            return [(row[0], row[1], row[2]) for row in rows]
        pool = 4 * (pool or 0)


@pytest.mark.parametrize("pool", [searchpool.SEARCH_POOL, 50, 7])
def test_search_keeps_the_order_of_sorting_every_match(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pool: int
) -> None:
    """Long runs of equal ranks (wire copies) are cut exactly where a full sort cuts them;
    words matching more than the search pool are ranked among their newest matches (the
    pool is made small here: 500 excerpts), and their ranks are those of the full sort.

    SQLite only: the reference is FTS5's own SQL (the PostgreSQL store's search is one
    `ORDER BY rank DESC, id LIMIT n`)."""

    monkeypatch.setattr(searchpool, "SEARCH_POOL", pool)
    store = Store(tmp_path / "corpus.db")
    fill_wire(store)
    for query in [
        "pakistan",
        "russia pakistan",
        '"arms deal"',
        "heli*",
        "pa*",
        "NEAR(gas india, 3)",
    ]:
        for theme_id in (None, "arms"):
            for limit in (1, 2, 20, 500):
                expected = _search_by_sorting_every_match(store, query, theme_id, limit, pool)
                found = store.search(query, theme_id, limit)
                assert [(h.excerpt.id, h.snippet, h.rank) for h in found] == expected, (
                    query,
                    theme_id,
                    limit,
                )
                every = _search_by_sorting_every_match(store, query, theme_id, 10_000)
                ranks = {excerpt: rank for excerpt, _, rank in every}
                assert all(h.rank == ranks[h.excerpt.id] for h in found)
                matches = _search_by_sorting_every_match(store, query, None, 10_000)
                if len(matches) <= pool:
                    assert expected == every[:limit]


def test_a_themes_best_excerpts_break_ties_by_id_at_any_limit(store: Store) -> None:
    """Wire copies score alike: the list cut at any length is the start of one order, best
    score first and then excerpt id, with the user's additions first."""
    import random

    rng = random.Random(5)
    order = list(range(60))
    rng.shuffle(order)  # stored in another order than their ids sort in
    for s in order:
        _add(store, f"s{s:02d}", ["The same wire paragraph.", f"Own paragraph {s}."])
    ids = [e.id for e in store.excerpts()]
    with store.transaction():
        store.set_scores(
            [(i, [ThemeScore("arms", 0.9 if i.endswith("-0") else 0.5, True)]) for i in ids]
        )
    store.replace_manual([("s07-1", "arms", "added"), ("s03-0", "arms", "removed")])
    full = [i.excerpt.id for i in store.excerpts_for_theme("arms")]
    tagged = sorted(
        (i for i in ids if i not in ("s07-1", "s03-0")),
        key=lambda i: (-(0.9 if i.endswith("-0") else 0.5), i),
    )
    assert full == ["s07-1", *tagged]
    for limit in (1, 2, 5, 30, 61, 200):
        assert [i.excerpt.id for i in store.excerpts_for_theme("arms", limit)] == full[:limit]


def test_sentence_profiles_outlive_a_calibration_and_go_only_when_cleared(store: Store) -> None:
    """Profiles follow the taxonomy, not the calibration: rewriting every score, or one
    theme's changed rows, keeps them; only the taxonomy's change clears them."""
    from briefing.model import SentenceProfile

    first, second = _add(store, "a", ["Helicopters. More of them.", "Pipelines."])
    profile = SentenceProfile(first.id, ((0, 12), (13, 26)), {"arms": (0.7, 0.2)}, bytes(128))
    with store.transaction():
        store.set_sentence_profiles([profile])
    with store.transaction(), store.rewriting_scores():
        store.set_score_rows([(first.id, "arms", 0.9, 1)])
    with store.transaction():
        store.change_theme_scores("arms", [(second.id, 0.6, 1)], [first.id])
    assert store.sentence_profiles([first.id, second.id]) == {first.id: profile}
    with store.transaction():
        store.clear_sentence_profiles()
    assert store.sentence_profiles([first.id]) == {}
