"""The memo rebuilt theme by theme (as the app does on each key) is the memo built whole."""

from __future__ import annotations

from briefing.library import Library
from briefing.memo import build_memo
from briefing.memo.document import SectionCache


def test_a_memo_rebuilt_after_each_edit_is_the_memo_built_whole(sample_library: Library) -> None:
    library = sample_library
    brief = library.load_brief()
    cache = SectionCache()
    seen: list[str] = []

    def same(step: str) -> None:
        kept = build_memo(brief, library.themes, library.store, cache=cache)
        whole = build_memo(brief, library.themes, library.store)
        assert kept == whole, step
        markdown = library.render_document(kept, "md")
        assert markdown == library.render_document(whole, "md"), step
        seen.append(markdown.decode())

    same("first build")
    first, second = brief.chosen()[0], brief.chosen()[1]
    quoted = build_memo(brief, library.themes, library.store).sections[0].quotes[0]
    excerpt = library.store.excerpt(quoted.excerpt_id)
    assert excerpt is not None
    first.include = False
    same("first theme out")
    first.include = True
    same("first theme back in")
    first.exclude(excerpt)
    same("its first quote excluded")
    second.pin(excerpt)  # now quoted by the second theme: the first must not quote it
    same("pinned in the second theme")
    first.include_excerpt(excerpt.id)
    same("included again in the first")
    second.unpin(excerpt.id)
    second.max_excerpts = 1
    same("the second theme quotes one")
    second.max_excerpts = 6
    same("and six")
    brief.summary = ""
    same("no summary: drafted from the sections")
    assert seen[0] == seen[2], "back where it started: the same memo"
    assert len(set(seen)) > 3, "the edits changed the memo"


def test_a_theme_taken_out_frees_its_quote_for_the_next_theme() -> None:
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "memo"))
    from memo_corpus import MemoryCorpus

    from briefing.memo import Brief, BriefTheme
    from briefing.model import Theme

    themes = [Theme("a", "Ports", keywords=("port",)), Theme("b", "Loans", keywords=("loan",))]
    corpus = MemoryCorpus()
    shared = "The port was built with a loan from the state bank last year."
    corpus.add_source([shared], title="Shared", tags=[[("a", 0.9), ("b", 0.9)]])
    corpus.add_source(["A second loan was signed in May."], title="Other", tags=[[("b", 0.5)]])
    brief = Brief(
        title="Memo",
        summary="Ours.",
        themes=[BriefTheme("a", max_excerpts=1), BriefTheme("b", max_excerpts=1)],
    )
    cache = SectionCache()

    def loans_quote() -> str:
        kept = build_memo(brief, themes, corpus, cache=cache)
        assert kept == build_memo(brief, themes, corpus)
        return " ".join(kept.sections[-1].quotes[0].fragments)

    assert "second loan" in loans_quote()  # the shared paragraph is quoted under Ports
    brief.themes[0].include = False
    assert "state bank" in loans_quote()  # Ports out: Loans quotes it now
    brief.themes[0].include = True
    assert "second loan" in loans_quote()
