"""The two stores find the same excerpts for the same query, in the same order, and show
the same snippets.

One corpus is stored in the embedded SQLite store and in the team's PostgreSQL store;
each query below is run in both. Accents, stems, phrases, prefixes, NEAR of two and
three words, operators and broken syntax: what an analyst sees must not depend on which
store the workspace names.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from briefing import searchpool
from briefing.model import Excerpt, Source
from briefing.store import Store
from tests.corpora import add_source as _add
from tests.corpora import fill_wire

PARAGRAPHS = [
    "The café in Zürich served Pakistani delegates; São Paulo's envoy stayed away.",
    "Cafe owners in Zurich complained about the delegates from Sao Paulo.",
    "Technological cooperation: the technology transfer covers Mi-35 helicopters.",
    "A helicopter crashed; the helicopters were grounded and the pilots were selling nothing.",
    "Russia agreed to sell helicopters to Pakistan last week in Islamabad.",
    "Pakistan and India argued about Kashmir for years; Russia stayed silent on the war.",
    "Russia, after long talks in Moscow and many meetings elsewhere, signed with Pakistan.",
    "Arms sales to the region grew while sales of arms elsewhere fell.",
    "ÉLYSÉE officials said the Élysée would not comment on Ankara's offer.",
    "Defence ministers met; defensive postures and defended borders were discussed.",
    "Одна строка по-русски: Россия и Пакистан подписали соглашение.",
    "ОДНА СТРОКА ПО-РУССКИ, заглавными буквами.",
    "The 3.5 billion dollar deal, the JF-17s and 2014's accord were in the news.",
    "Gas pipeline to Gwadar; pipelines across Balochistan; piping hot rhetoric.",
    "alpha one beta two three four five six seven eight nine ten gamma",
    "gamma alpha beta",
    "beta x alpha x x x x x x x x x x x gamma",
    "Apologies: the ideology and ideological chronology of assembly.",
    "Us and them: it is as it was, said the US envoy.",
    # ranked apart by bm25: how often a word comes, and in how long a paragraph
    "Russia, Russia and again Russia: Pakistan heard of nothing else.",
    "Pakistan and Russia.",
    "Pakistan and Russia.",
    "Helicopters, helicopters: Pakistan wanted helicopters and arms sales.",
]

QUERIES = [
    # accents, folded in both directions
    "cafe",
    "café",
    "CAFÉ",
    "zurich",
    "Zürich",
    "sao paulo",
    "elysee",
    "Élysée",
    # stems (Porter's, where Snowball's differ: technology/technological, ideology, as/us)
    "helicopter",
    "helicopters",
    "selling",
    "sell",
    "technology",
    "technological",
    "ideology",
    "apology",
    "assembly",
    "defence",
    "defend",
    "pipeline",
    "us",
    "as",
    "is",
    # case outside ASCII
    "россия",
    "одна",
    "Строка",
    # numbers and punctuation inside words
    "3.5",
    "3",
    "JF-17s",
    "17s",
    "2014",
    "Mi-35",
    # phrases
    '"arms sales"',
    '"sales arms"',
    '"sales of arms"',
    '"gas pipeline"',
    '"São Paulo"',
    # prefixes
    "helicop*",
    "NEAR(russia russia, 2)",  # one word twice: FTS5 lets the two share a token
    "NEAR(helicop* helicopters, 3)",
    "helicopter*",
    "tech*",
    "pip*",
    "Zür*",
    '"gas pipe*"',
    # NEAR of two and three words, with and without a distance, and with a phrase
    "NEAR(russia pakistan)",
    "NEAR(russia pakistan, 5)",
    "NEAR(russia pakistan, 3)",
    "NEAR(pakistan russia, 5)",
    "NEAR(alpha beta gamma)",
    "NEAR(alpha beta gamma, 11)",
    "NEAR(alpha beta gamma, 12)",
    "NEAR(alpha beta gamma, 13)",
    "NEAR(alpha beta gamma, 10)",
    "NEAR(alpha beta gamma, 0)",
    "NEAR(alpha beta gamma, 1)",
    'NEAR("arms sales" region, 2)',
    "NEAR(heli* pakistan, 5)",
    "near(russia pakistan, 5)",
    # operators, in either case, and broken syntax; FTS5's grammar (NOT binds looser than
    # words side by side: a NOT (b c)), column filters, + and ^
    "russia NOT kashmir india",
    "russia NOT india OR helicopters",
    "text: russia",
    "{text}: russia pakistan",
    "-text: russia",
    "russia + pakistan",
    "^russia",
    "^pakistan OR helicopters",
    '"arms sales" *',
    "NEAR(russia pakistan sell helicopters, 20)",
    "NEAR(russia pakistan sell helicopters islamabad, 30)",
    "kashmir OR helicopters",
    "kashmir or helicopters",
    "russia NOT kashmir",
    "russia not kashmir",
    "(russia OR india) AND pakistan",
    "(russia",
    'Mi-35 "(combat',
    "NOT russia",
    "the",
    "nothingatall",
]


def _fill(store: Store) -> None:
    text = "\n\n".join(PARAGRAPHS)
    excerpts, at = [], 0
    for position, paragraph in enumerate(PARAGRAPHS):
        start = text.index(paragraph, at)
        at = start + len(paragraph)
        excerpts.append(Excerpt(f"x-{position:02d}", "x", position, start, at, paragraph))
    with store.transaction():
        store.add_source(Source("x", "x.txt", text), excerpts)


@pytest.fixture(scope="module")
def both(
    pg_server: object, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Store, Store]]:
    from briefing.pgstore import PgStore

    embedded = Store(tmp_path_factory.mktemp("alike") / "corpus.db")
    team = PgStore(pg_server.new_database())  # type: ignore[attr-defined]
    _fill(embedded)
    _fill(team)  # type: ignore[arg-type]
    yield embedded, team  # type: ignore[misc]
    embedded.close()
    team.close()


@pytest.mark.parametrize("query", QUERIES)
def test_both_stores_find_the_same_excerpts_in_the_same_order_with_the_same_snippets(
    both: tuple[Store, Store], query: str
) -> None:
    """Hits, their order, their snippets and their ranks (FTS5's bm25, which the team
    store computes from the positions of the query's terms and counts it keeps)."""
    embedded, team = both
    expected = [(h.excerpt.id, h.snippet, h.rank) for h in embedded.search(query)]
    found = [(h.excerpt.id, h.snippet, h.rank) for h in team.search(query)]
    assert found == expected


@pytest.mark.parametrize("expanded", [0, 500])
def test_prefixes_rank_alike_whether_their_words_are_few_or_many(
    both: tuple[Store, Store], monkeypatch: pytest.MonkeyPatch, expanded: int
) -> None:
    """A prefix's words are picked out of each excerpt one by one when the corpus has
    few of them, else every term of the excerpt is looked at: the same hits either way."""
    from briefing import pgstore

    monkeypatch.setattr(pgstore._MatchReader, "EXPANDED", expanded)
    embedded, team = both
    for query in [q for q in QUERIES if "*" in q] + ["he* OR helicop*", "NEAR(p* pakistan*, 3)"]:
        expected = [(h.excerpt.id, h.snippet, h.rank) for h in embedded.search(query)]
        assert [(h.excerpt.id, h.snippet, h.rank) for h in team.search(query)] == expected, query


def test_the_queries_above_find_something_and_tell_the_cases_apart(
    both: tuple[Store, Store],
) -> None:
    """The comparison above is worth something only if the queries find excerpts, and
    find different ones (a store that found nothing would agree with an empty one)."""
    embedded, _ = both

    def ids(query: str) -> list[str]:
        return sorted(h.excerpt.id for h in embedded.search(query))

    assert ids("cafe") == ids("café") == ["x-00", "x-01"]
    assert ids("technology") == ["x-02"]
    assert ids("NEAR(alpha beta gamma, 10)") == ["x-15"]
    assert ids("NEAR(alpha beta gamma, 11)") == ["x-14", "x-15"]
    assert ids("NEAR(alpha beta gamma, 13)") == ["x-14", "x-15", "x-16"]
    assert ids("россия") == ["x-10"]
    assert ids("одна") == ["x-10", "x-11"]
    assert sum(1 for q in QUERIES if embedded.search(q)) >= len(QUERIES) - 8


def test_the_team_index_uses_the_embedded_stores_tokenizer(tmp_path: Path) -> None:
    from briefing.searchterms import TOKENIZER

    store = Store(tmp_path / "corpus.db")
    (sql,) = store.db.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'excerpts_fts'"
    ).fetchone()
    store.close()
    assert f"tokenize='{TOKENIZER}'" in " ".join(sql.split())


def _make_team_store_of_schema(db: Any, version: int) -> None:
    """The tables an older briefing made: its first `version` migrations, and its mark."""
    from briefing import pgstore

    for script in pgstore.MIGRATIONS[:version]:
        db.execute(script)
    db.execute("CREATE TABLE briefing_schema (version INTEGER)")
    db.execute("INSERT INTO briefing_schema VALUES (%s)", (version,))


def test_a_team_store_indexed_by_postgresqls_stemmer_is_indexed_again(pg_url: str) -> None:
    """A store made before schema 4 held Snowball's stems; opening it indexes its
    excerpts again with FTS5's terms, and its suggestions' vocabulary with them."""
    import psycopg

    from briefing import pgstore

    with psycopg.connect(pg_url, autocommit=True) as db:
        _make_team_store_of_schema(db, 3)
        db.execute("INSERT INTO sources(id, file, text) VALUES ('s', 's.txt', 'x')")
        db.execute(
            'INSERT INTO excerpts(id, source_id, position, start, "end", text) '
            "VALUES ('s-0', 's', 0, 0, 1, 'The technology of the Élysée.')"
        )
    store = pgstore.PgStore(pg_url)
    try:
        assert store.schema_version == pgstore.SCHEMA_VERSION
        assert [h.excerpt.id for h in store.search("technological elysee")] == ["s-0"]
        assert store.suggest("technolgy") == ["technology"]
    finally:
        store.close()


@pytest.fixture(scope="module")
def wire(
    pg_server: object, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Store, Store]]:
    """300 sources in both stores, stored in another order than their ids sort in: random
    paragraphs of a few words (bm25 tells them apart), and one wire paragraph in each
    (300 equal ranks: ties broken by excerpt id); a theme tagged on some, one excerpt
    added to it by hand and one removed."""
    from briefing.pgstore import PgStore

    embedded = Store(tmp_path_factory.mktemp("wire") / "corpus.db")
    team = PgStore(pg_server.new_database())  # type: ignore[attr-defined]
    for store in (embedded, team):
        fill_wire(store)
    yield embedded, team  # type: ignore[misc]
    embedded.close()
    team.close()


@pytest.mark.parametrize("pool", [searchpool.SEARCH_POOL, 50, 7])
def test_both_stores_rank_alike_in_a_pool_within_a_theme_and_among_equal_ranks(
    wire: tuple[Store, Store], monkeypatch: pytest.MonkeyPatch, pool: int
) -> None:
    """The same hits in the same order with the same ranks, at any limit, within a theme
    or not, and when a word matches more excerpts than the search pool (here made small):
    ranked among the same newest matches."""
    monkeypatch.setattr(searchpool, "SEARCH_POOL", pool)
    embedded, team = wire
    # The NEAR group past the tsquery's placements is not matched as all of its words:
    words = "gas india talks deal signed"
    near = {h.excerpt.id for h in embedded.search(f"NEAR({words}, 6)", None, -1)}
    anywhere = {h.excerpt.id for h in embedded.search(words, None, -1)}
    assert near < anywhere
    for query in (f"NEAR({words}, 6)", words, "pakistan", '"arms deal"'):  # every match
        expected = [(h.excerpt.id, h.rank) for h in embedded.search(query, None, -1)]
        assert [(h.excerpt.id, h.rank) for h in team.search(query, None, -1)] == expected
    for query in [
        "pakistan",
        "russia pakistan",
        '"arms deal"',
        "heli*",
        "pa*",
        "NEAR(gas india, 3)",
        "NEAR(gas india talks deal signed, 6)",  # past the tsquery's placements: positions
        "NEAR(gas india talks, 1)",
        "gas OR india NOT talks",
    ]:
        for theme_id in (None, "arms"):
            for limit in (1, 2, 20, 500):
                expected = [
                    (h.excerpt.id, h.snippet, h.rank)
                    for h in embedded.search(query, theme_id, limit)
                ]
                team_hits = team.search(query, theme_id, limit)
                found = [(h.excerpt.id, h.snippet, h.rank) for h in team_hits]
                assert found == expected, (query, theme_id, limit)
                assert expected or theme_id is not None
                told = embedded.search(query, theme_id, limit)
                assert team_hits.pool == told.pool, (query, theme_id, limit)
                if told.matches is not None:  # a word: counted by both
                    assert team_hits.pool_note() == told.pool_note(), (query, theme_id, limit)


def test_both_stores_say_when_the_hits_are_the_best_of_the_newest_matches_only(
    wire: tuple[Store, Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    """More matches than the pool: the user is told how many were ranked and of how many
    (where the store counts them cheaply: a word in both, a phrase or prefix in the team
    store, which keeps their counts; past COUNTED the embedded store stops counting)."""
    monkeypatch.setattr(searchpool, "SEARCH_POOL", 50)
    narrow = "add words or a theme to narrow"
    embedded, team = wire
    for store in wire:
        every = len(store.search("pakistan", None, -1))
        assert every > 200
        told = f"{every} matches: these are the best of the 50 newest; {narrow}"
        assert store.search("pakistan", None, 20).pool_note() == told
        assert store.search("russia pakistan", None, 20).pool_note() == (
            f"at least 50 matches: these are the best of the 50 newest; {narrow}"
        )
        # In a theme the pool grew until it held enough of the theme's excerpts.
        themed = store.search("pakistan", "arms", 20).pool_note()
        assert themed is not None and themed.startswith(f"{every} matches: "), every
        assert themed.endswith("; add words to narrow") and "of the 50 newest" not in themed
        assert store.search("pakistan", None, -1).pool_note() is None  # all: every match
    phrase = len(team.search('"arms deal"', None, -1))
    assert team.search('"arms deal"', None, 20).pool_note() == (
        f"{phrase} matches: these are the best of the 50 newest; {narrow}"
    )
    assert embedded.search('"arms deal"', None, 20).pool_note() == (
        f"at least 50 matches: these are the best of the 50 newest; {narrow}"
    )
    monkeypatch.setattr(searchpool, "COUNTED", 100)
    assert embedded.search("pakistan", None, 20).pool_note() == (
        f"more than 100 matches: these are the best of the 50 newest; {narrow}"
    )
    monkeypatch.setattr(searchpool, "SEARCH_POOL", 5000)
    assert all(store.search("pakistan", None, 20).pool_note() is None for store in wire)


def test_counts_kept_for_ranking_follow_the_sources_added_since(
    pg_url: str, tmp_path: Path
) -> None:
    """A phrase's or a prefix's count of excerpts (its IDF) is kept by the team store
    after a search and brought up to date by the next one: ranks stay FTS5's as the
    corpus grows."""
    from briefing.pgstore import PgStore

    embedded = Store(tmp_path / "corpus.db")
    team = PgStore(pg_url)
    queries = ['"arms sales"', "helicop*", "russia pakistan", "NEAR(russia pakistan, 3)"]
    try:
        for store in (embedded, team):
            _fill(store)  # type: ignore[arg-type]
        for round_ in range(3):
            for query in queries:
                expected = [(h.excerpt.id, h.rank) for h in embedded.search(query)]
                assert [(h.excerpt.id, h.rank) for h in team.search(query)] == expected
                assert expected
            more = [
                f"Arms sales of helicopters to Pakistan, round {round_}.",
                "Russia and Pakistan: arms sales, helicopters, arms sales again.",
            ]
            for store in (embedded, team):
                _add(store, f"more{round_}", more)  # type: ignore[arg-type]
    finally:
        embedded.close()
        team.close()


def test_a_team_store_made_before_token_counts_ranks_as_sqlite_once_opened(
    pg_url: str, tmp_path: Path
) -> None:
    """A store of schema 4 kept no excerpt's length in tokens: opening it counts them
    (and the corpus's totals), so its ranks are FTS5's at once."""
    import psycopg

    from briefing import pgstore
    from briefing.searchterms import SearchTerms

    embedded = Store(tmp_path / "corpus.db")
    _fill(embedded)
    with psycopg.connect(pg_url, autocommit=True) as db:
        _make_team_store_of_schema(db, 4)
        db.execute("INSERT INTO sources(id, file, text) VALUES ('x', 'x.txt', 'x')")
        excerpts = embedded.excerpts()
        indexed = SearchTerms().tsvectors([e.text for e in excerpts])
        for e, (tsv, _) in zip(excerpts, indexed, strict=True):
            db.execute(
                'INSERT INTO excerpts(id, source_id, position, start, "end", text, tsv) '
                "VALUES (%s, 'x', %s, %s, %s, %s, %s::tsvector)",
                (e.id, e.position, e.start, e.end, e.text, tsv),
            )
        db.execute(
            "INSERT INTO vocabulary(word, ndoc) "
            "SELECT word, ndoc FROM ts_stat('SELECT tsv FROM excerpts')"
        )
    team = pgstore.PgStore(pg_url)
    try:
        assert team.schema_version == pgstore.SCHEMA_VERSION
        for query in ("russia", '"arms sales"', "helicop*", "pakistan OR russia"):
            expected = [(h.excerpt.id, h.rank) for h in embedded.search(query)]
            assert [(h.excerpt.id, h.rank) for h in team.search(query)] == expected
    finally:
        team.close()
        embedded.close()


def test_an_analyst_who_may_only_read_searches_phrases_as_the_others(
    pg_url: str, tmp_path: Path
) -> None:
    """A database role that may only read (no write of kept phrase counts) finds and
    ranks a phrase and a prefix as the SQLite store does."""
    from urllib.parse import urlsplit

    import psycopg

    from briefing.pgstore import PgStore

    embedded = Store(tmp_path / "corpus.db")
    _fill(embedded)
    writer = PgStore(pg_url)
    _fill(writer)  # type: ignore[arg-type]
    writer.close()
    role = "reader_" + urlsplit(pg_url).path.strip("/")  # (roles are the server's)
    with psycopg.connect(pg_url, autocommit=True) as db:
        db.execute(f'CREATE ROLE "{role}" LOGIN')  # type: ignore[arg-type]
        db.execute(f'GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{role}"')  # type: ignore[arg-type]
    reader = PgStore(pg_url.replace("briefing@", f"{role}@"))
    try:
        for query in ('"arms sales"', "helicop*"):
            expected = [(h.excerpt.id, h.rank) for h in embedded.search(query)]
            assert expected
            assert [(h.excerpt.id, h.rank) for h in reader.search(query)] == expected
    finally:
        reader.close()
        embedded.close()


def test_the_cli_and_the_app_say_when_the_hits_are_the_best_of_the_newest_only(
    sample_library: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the user reads: `search` prints the note under its results, `search --json`
    keeps its list and says it on stderr, the app's search screen shows it."""
    from textual.pilot import Pilot
    from typer.testing import CliRunner

    from briefing.cli import app as cli
    from briefing.library import Library
    from briefing.tui.app import BriefingApp
    from tests.test_tui_workflow import drive, settle

    assert isinstance(sample_library, Library)
    every = len(sample_library.store.search("russia", None, -1))
    monkeypatch.setattr(searchpool, "SEARCH_POOL", 10)
    note = f"{every} matches: these are the best of the 10 newest; add words or a theme to narrow"
    where = ["-w", str(sample_library.workspace.root)]
    shown = CliRunner().invoke(cli, [*where, "search", "russia"])
    assert shown.exit_code == 0 and shown.stdout.endswith(f"\n10 results\n{note}.\n")
    listed = CliRunner().invoke(cli, [*where, "search", "russia", "--json"])
    assert listed.exit_code == 0 and len(json.loads(listed.stdout)) == 10
    assert f"briefing: note: {note}" in listed.stderr
    narrow = CliRunner().invoke(cli, [*where, "search", "helicopters"])
    assert "newest" not in narrow.stdout + narrow.stderr  # fewer matches than the pool

    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*"russia", "enter")
        await settle(pilot)
        assert str(app.screen.query_one("#search-note").render()).startswith(f"10 shown · {note}")

    drive(sample_library, script)
