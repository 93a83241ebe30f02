"""A workspace opened for work: ids that last, re-ingest, metadata corrections, rebuild."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from briefing import ids
from briefing.errors import InputError
from briefing.files import WriteRefused, write_atomic
from briefing.library import Library
from briefing.workspace import Workspace
from tests.paths import SAMPLE_SOURCES

DIPLOMAT = "001_d8cb56e269939328.txt"


def _ids(library: Library) -> list[str]:
    return [e.id for e in library.store.excerpts()]


def test_the_same_article_twice_is_one_source(workspace: Workspace, tmp_path: Path) -> None:
    copy = tmp_path / "renamed.txt"
    shutil.copy(SAMPLE_SOURCES / DIPLOMAT, copy)
    library = Library.open(workspace)
    first = library.ingest([SAMPLE_SOURCES / DIPLOMAT])
    again = library.ingest([copy, SAMPLE_SOURCES / DIPLOMAT])
    assert len(first.added) == 1 and not again.added
    assert [source_id for _, source_id in again.duplicates] == [first.added[0].id] * 2
    assert library.store.count_sources() == 1
    assert sorted(p.name for p in workspace.sources_dir.iterdir()) == [DIPLOMAT]


def test_excerpt_ids_survive_an_edit_to_another_paragraph() -> None:
    source = ids.source_id("whatever")
    before = ids.excerpt_ids(source, ["First paragraph.", "Second paragraph."])
    after = ids.excerpt_ids(source, ["First paragraph, edited.", "Second paragraph."])
    assert before[1] == after[1] and before[0] != after[0]
    repeated = ids.excerpt_ids(source, ["Same.", "Same."])
    assert repeated[1] == repeated[0] + "-2"


def test_manual_decisions_survive_reingest_and_rebuild(sample_library: Library) -> None:
    excerpt = sample_library.store.excerpts_for_theme("arms-sales")[0].excerpt
    sample_library.set_manual_tag(excerpt.id, "arms-sales", "removed")
    sample_library.set_manual_tag(excerpt.id, "energy-gwadar", "added")
    before = _ids(sample_library)

    sample_library.ingest([SAMPLE_SOURCES])
    sample_library.close()
    rebuilt = Library.open(sample_library.workspace, rebuild=True)
    assert _ids(rebuilt) == before
    themes = rebuilt.store.themes_of([excerpt.id])[excerpt.id]
    assert "arms-sales" not in themes and "energy-gwadar" in themes
    rebuilt.retag()
    themes = rebuilt.store.themes_of([excerpt.id])[excerpt.id]
    assert "arms-sales" not in themes and "energy-gwadar" in themes
    rebuilt.close()


def test_tags_yaml_edited_by_hand_is_picked_up(sample_library: Library) -> None:
    excerpt = sample_library.store.excerpts()[0]
    sample_library.workspace.tags_path.write_text(
        f"{excerpt.id}:\n  added: [energy-gwadar]\n", encoding="utf-8"
    )
    sample_library.close()
    reopened = Library.open(sample_library.workspace)
    assert "energy-gwadar" in reopened.store.themes_of([excerpt.id])[excerpt.id]
    reopened.close()


def test_metadata_correction_is_a_file_and_survives_rebuild(sample_library: Library) -> None:
    source = sample_library.store.source_by_file("000_e7d3e13910267424.txt")
    assert source is not None and source.date is None
    corrected = sample_library.correct_metadata(source.id, date="2014-11-24", author="A. Writer")
    assert (corrected.date, corrected.author) == ("2014-11-24", "A. Writer")
    meta = sample_library.workspace.sources_dir / "000_e7d3e13910267424.meta.yaml"
    assert "2014-11-24" in meta.read_text(encoding="utf-8")
    sample_library.close()
    rebuilt = Library.open(sample_library.workspace, rebuild=True)
    again = rebuilt.store.source(source.id)
    assert again is not None and (again.date, again.author) == ("2014-11-24", "A. Writer")
    assert again.title == source.title
    rebuilt.close()


def test_a_bad_metadata_file_refuses_its_source_only(workspace: Workspace, inbox: Path) -> None:
    shutil.copy(SAMPLE_SOURCES / DIPLOMAT, inbox / "a.txt")
    (inbox / "a.meta.yaml").write_text("date: last tuesday\n", encoding="utf-8")
    shutil.copy(SAMPLE_SOURCES / "002_9a91196a474aa1b4.txt", inbox / "b.txt")
    (inbox / "b.meta.yaml").write_text("outlet: Mainstream Weekly\n", encoding="utf-8")
    library = Library.open(workspace)
    summary = library.ingest([inbox])
    stored = [library.store.source(s.id) for s in summary.added]
    assert [s.outlet for s in stored if s is not None] == ["Mainstream Weekly"]
    assert len(summary.refused) == 1
    assert "a.meta.yaml" in summary.refused[0].reason and "YYYY-MM-DD" in summary.refused[0].reason


def test_wrong_date_in_correction_is_refused(sample_library: Library) -> None:
    source = sample_library.store.sources()[0]
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        sample_library.correct_metadata(source.id, date="yesterday")
    assert sample_library.store.source(source.id) == source


def test_write_atomic_keeps_the_old_file_when_writing_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "brief.yaml"
    target.write_text("old", encoding="utf-8")

    def disk_full(_: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.fsync", disk_full)
    with pytest.raises(WriteRefused, match="No space left on device"):
        write_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["brief.yaml"]


def test_write_atomic_gives_a_new_file_ordinary_permissions(tmp_path: Path) -> None:
    target = tmp_path / "memo.md"
    write_atomic(target, "memo")
    assert target.stat().st_mode & 0o777 == 0o666 & ~_umask()
    target.chmod(0o640)
    write_atomic(target, "memo, again")
    assert target.stat().st_mode & 0o777 == 0o640


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def test_many_files_read_in_parallel_give_what_one_by_one_gives(
    tmp_path: Path, inbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files are read in worker processes; however many, order, ids and refusals stay the same."""
    from briefing.ingest import parallel
    from briefing.workspace import init_workspace

    samples = sorted(SAMPLE_SOURCES.iterdir())
    files = 4 * parallel.CHUNK + 6
    for number in range(files):
        text = samples[number % len(samples)].read_text(encoding="utf-8")
        text = text.replace("Islamabad", f"Islamabad-{number}")  # a different article each
        (inbox / f"a{number:03}.txt").write_text(text, encoding="utf-8")
    (inbox / "a999.txt").write_text("", encoding="utf-8")

    def ingest(name: str) -> tuple[list[str], list[str], list[str]]:
        library = Library.open(init_workspace(tmp_path / name))
        summary = library.ingest([inbox])
        excerpts = [e.id for e in library.store.excerpts()]
        library.close()
        return [s.id for s in summary.added], [r.path for r in summary.refused], excerpts

    monkeypatch.setattr(parallel, "WORKERS", 3)
    in_parallel = ingest("parallel")
    assert len(in_parallel[0]) == files
    assert in_parallel[1] == [str(inbox / "a999.txt")]
    monkeypatch.setattr(parallel, "WORKERS", 1)
    assert ingest("one-by-one") == in_parallel


def test_meta_yaml_sets_authors_as_a_list_and_the_url(workspace: Workspace, inbox: Path) -> None:
    shutil.copy(SAMPLE_SOURCES / DIPLOMAT, inbox / "a.txt")
    (inbox / "a.meta.yaml").write_text(
        "authors:\n  - Jane Doe\n  - John Roe\nurl: https://example.org/2014/pact\n",
        encoding="utf-8",
    )
    library = Library.open(workspace)
    [added] = library.ingest([inbox]).added
    source = library.store.source(added.id)
    assert source is not None
    assert source.authors == ["Jane Doe", "John Roe"]
    assert source.author == "Jane Doe and John Roe"
    assert source.url == "https://example.org/2014/pact"
    library.close()


def test_an_author_line_in_meta_yaml_is_also_the_list(sample_library: Library) -> None:
    source = sample_library.store.sources()[0]
    corrected = sample_library.correct_metadata(source.id, author="Ann Poe, Jane Doe and Jo Roe")
    assert corrected.authors == ["Ann Poe", "Jane Doe", "Jo Roe"]
    assert corrected.author == "Ann Poe, Jane Doe and Jo Roe"
    again = sample_library.correct_metadata(source.id, author="Jane Doe")
    assert (again.author, again.authors) == ("Jane Doe", ["Jane Doe"])
    meta = sample_library.workspace.sources_dir / Path(source.file).with_suffix(".meta.yaml").name
    assert "authors" not in meta.read_text(encoding="utf-8")  # one name: one line, not two


def test_a_url_that_is_not_an_address_is_refused_with_its_line(sample_library: Library) -> None:
    source = sample_library.store.sources()[0]
    sample_library.correct_metadata(source.id, title="Kept")
    meta = sample_library.workspace.sources_dir / Path(source.file).with_suffix(".meta.yaml").name
    before = meta.read_text(encoding="utf-8")
    with pytest.raises(InputError, match=r"meta\.yaml:2: url 'example dot org'"):
        sample_library.correct_metadata(source.id, url="example dot org")
    assert meta.read_text(encoding="utf-8") == before  # the last good file stays
