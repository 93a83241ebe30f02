"""The command line: thin commands over `Library`, with the exit codes of DESIGN.md.

0 all done; 1 the work ran but something was refused; 2 a usage or input error.
A `BriefingError` becomes one line on stderr, never a traceback.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import sqlite3
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from briefing.controls import strip_controls
from briefing.errors import BriefingError
from briefing.library import IngestStopped, IngestSummary, Library
from briefing.store import QUERY_SYNTAX
from briefing.workspace import find_workspace, init_workspace

if TYPE_CHECKING:
    from rich.console import Console

app = typer.Typer(
    help="Turn a folder of articles into a sourced briefing memo.",
    add_completion=False,
    invoke_without_command=True,
    no_args_is_help=False,
    rich_markup_mode=None,
)


class _Printer:
    """Where the commands print their lines: stdout or stderr, as they are at each call (a
    test's runner swaps them). Never an escape sequence, whatever a source or file name
    holds: ingest removes control characters from new text, but a store written before
    that, or a file name, may still carry them; so every line printed is cleaned here.

    Text is printed as it is (no markup, no :emoji: codes: source text is data), with tabs
    set to 8-column stops as rich's console sets them. Plain writes, because importing
    rich's console is a good part of a short command's start-up; the progress bar makes
    one when it is needed (`console`).
    """

    def __init__(self, stderr: bool = False) -> None:
        self.stderr = stderr
        self._console: Console | None = None

    def print(self, *objects: Any, markup: bool = False, end: str = "\n") -> None:
        text = " ".join(strip_controls(str(o)) for o in objects)
        if "\t" in text:
            text = _expand_tabs(text)
        stream = sys.stderr if self.stderr else sys.stdout
        try:
            stream.write(text + end)
            stream.flush()
        except BrokenPipeError:  # `briefing search x | head`: stop quietly, as rich did
            with contextlib.suppress(OSError, ValueError):
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, stream.fileno())
            raise SystemExit(1) from None

    @property
    def console(self) -> Console:
        if self._console is None:
            from rich.console import Console as RichConsole  # see the class's docstring

            self._console = RichConsole(stderr=self.stderr, highlight=False, soft_wrap=True)
        return self._console


def _expand_tabs(text: str, size: int = 8) -> str:
    """Each tab as spaces up to the next multiple of `size` terminal cells."""
    from rich.cells import cell_len

    lines = []
    for line in text.split("\n"):
        parts = line.split("\t")
        at, done = 0, []
        for part in parts[:-1]:
            at += cell_len(part) + 1
            pad = (size - at % size) % size
            at += pad
            done.append(part + " " * (1 + pad))
        done.append(parts[-1])
        lines.append("".join(done))
    return "\n".join(lines)


out = _Printer()
err = _Printer(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])


def _fail(message: str, code: int) -> typer.Exit:
    err.print(f"briefing: {message}", markup=False)
    return typer.Exit(code)


def handles_errors(command: F) -> F:
    """Turn a user's mistake into a message and an exit code, never a traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except BriefingError as error:
            raise _fail(error.message, error.exit_code) from None
        except KeyboardInterrupt:
            raise _fail("interrupted; nothing was half-written.", 130) from None
        except sqlite3.Error as error:  # the store is a cache: rebuilding it is the remedy
            raise _fail(
                f"the corpus database failed ({error}); run `briefing rebuild`.", 2
            ) from None
        except OSError as error:  # a full disk, a vanished folder: the system's word, one line
            where = f"{error.filename}: " if error.filename else ""
            raise _fail(f"{where}{error.strerror or error}.", 2) from None

    return wrapper  # type: ignore[return-value]


class State:
    """What the top-level options decided, handed to every command."""

    def __init__(self, workspace: Path | None) -> None:
        self.workspace = workspace


@contextmanager
def opened(ctx: typer.Context, progress_label: str = "Building the corpus") -> Iterator[Library]:
    """The workspace's library, built on first use with a progress bar."""
    state: State = ctx.obj
    workspace = find_workspace(state.workspace)
    with _progress(progress_label) as report:
        library = Library.open(workspace, progress=report, on_wait=_waiting)
    if library.rebuilt_because:
        err.print(
            f"briefing: {library.rebuilt_because}; rebuilt it from the workspace files "
            f"({library.store.count_sources()} sources).",
            markup=False,
        )
    for change in library.built.changed if library.built else []:  # as `rebuild` says them
        err.print(f"changed    {change.path}: {change.reason}", markup=False)
    try:
        if library.needs_retag and ctx.info_name not in {"tag", "rebuild"}:
            err.print(
                "briefing: the tags are out of date (themes.yaml, or briefing's tagger in "
                "an upgrade, changed since the excerpts were tagged); run `briefing tag`.",
                markup=False,
            )
        _warn_starter_theme(library)
        _report_decisions(library)
        _warn_unused_decisions(library.workspace.tags_path, library.tag_problems)
        yield library
    finally:
        library.close()


def _warn_starter_theme(library: Library) -> None:
    """`init`'s example theme left in themes.yaml tags by its placeholder description:
    a newcomer who skipped the editing step gets tags that mean nothing, and is told."""
    import yaml

    from briefing.workspace import STARTER_THEMES

    example = yaml.safe_load(STARTER_THEMES)["themes"][0]
    for theme in library.themes:
        if theme.id == example["id"] and list(theme.keywords) == example["keywords"]:
            err.print(
                f"briefing: {library.workspace.themes_path} still holds the starter's example "
                f"theme '{theme.id}'; write your own themes there (its comments say how), "
                "then run `briefing tag`.",
                markup=False,
            )


def _waiting() -> None:
    err.print(
        "briefing: another briefing run is changing this workspace or its store; waiting for it…",
        markup=False,
    )


def _report_decisions(library: Library) -> None:
    """Say which manual decisions were found again by their text, and which were not."""
    path = library.workspace.tags_path
    for moved in library.refound:
        err.print(
            f"briefing: {path}: excerpt {moved.excerpt_id} is now {moved.found} (found again "
            f"by its text); its decisions ({', '.join(moved.themes)}) moved to it.",
            markup=False,
        )
    for lost in library.unresolved_decisions():
        snippet = " ".join(strip_controls(lost.text or "").split())
        snippet = f" “{snippet[:60]}…”" if len(snippet) > 60 else f" “{snippet}”" if snippet else ""
        err.print(
            f"briefing: warning: {path}: excerpt {lost.excerpt_id} is not in the corpus"
            f"{snippet}; its decisions ({', '.join(lost.themes)}) are kept in tags.yaml but "
            "not applied: ingest its source again, or remove the entry.",
            markup=False,
        )


def _warn_unused_decisions(path: Path, problems: Sequence[str]) -> None:
    """Said once, when tags.yaml changed: a decision that applies to nothing is a slip."""
    for problem in problems[:5]:
        err.print(f"briefing: warning: {path}: {problem}; the decision applies to nothing.",
                  markup=False)  # fmt: skip
    if len(problems) > 5:
        err.print(f"briefing: warning: {path}: {len(problems) - 5} more like these.", markup=False)


@contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int, str], None]]:
    """A progress bar on stderr, shown only once a run is long enough to need one."""
    bar: Any = None  # rich's Progress, made (and imported: it is slow to) on the first need
    task: Any = None

    def report(done: int, total: int, name: str) -> None:
        nonlocal bar, task
        if task is None:
            if total < 20:
                return
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("{task.fields[name]}"),
                console=err.console,
                transient=True,
            )
            bar.start()
            task = bar.add_task(label, total=total, name=name)
        from rich.markup import escape

        bar.update(task, completed=done, total=total, name=escape(strip_controls(name)[-40:]))

    try:
        yield report
    finally:
        if bar is not None:
            bar.stop()


def _is_number(cell: str) -> bool:
    return cell.replace(".", "", 1).isdigit() or cell == "·"


def _table(
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    wide: Sequence[str] = ("title",),
    weights: Sequence[int] = (),
) -> None:
    """Print a plain aligned table; only the `wide` columns are cut to fit, sharing the
    room by `weights` (equal shares when none are given)."""
    rows = [[strip_controls(cell) for cell in row] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in rows)]) for i, c in enumerate(columns)]
    share = dict(zip(wide, weights or [1] * len(wide), strict=True))
    cut = [at for at, column in enumerate(columns) if column in share]
    if cut:
        room = shutil.get_terminal_size((120, 24)).columns - 2 * (len(columns) - 1)
        room -= sum(w for at, w in enumerate(widths) if at not in cut)
        # Narrowest first: what a short column does not need goes to the longer ones.
        left = sorted(cut, key=lambda at: widths[at] / share[columns[at]])
        for index, at in enumerate(left):
            weight = share[columns[at]] / sum(share[columns[a]] for a in left[index:])
            widths[at] = max(12, min(widths[at], int(room * weight)))
            room -= widths[at]
    numeric = [bool(rows) and all(_is_number(r[i]) for r in rows) for i in range(len(columns))]

    def line(cells: Sequence[str]) -> str:
        parts = []
        for cell, width, right in zip(cells, widths, numeric, strict=True):
            cell = cell if len(cell) <= width else cell[: width - 1] + "…"
            parts.append(cell.rjust(width) if right else cell.ljust(width))
        return "  ".join(parts).rstrip()

    sys.stdout.write(line(columns) + "\n")
    for row in rows:
        sys.stdout.write(line(row) + "\n")


def _json(data: Any) -> None:
    # JSON escapes C0 controls itself; C1 controls (a terminal may read U+009B as CSI) are
    # written as \u escapes too, so the data stays the same and the terminal stays safe.
    text = json.dumps(data, ensure_ascii=False, indent=2)
    sys.stdout.write(_C1.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


_C1 = re.compile("[\x7f-\x9f]")


@app.callback()
def main_options(
    ctx: typer.Context,
    workspace: Annotated[
        Path | None,
        typer.Option(
            "--workspace",
            "-w",
            help="The workspace folder (else $BRIEFING_WORKSPACE, the current folder, the sample).",
        ),
    ] = None,
) -> None:
    """Turn a folder of articles into a sourced briefing memo; with no command, open the app."""
    ctx.obj = State(workspace)
    if ctx.invoked_subcommand is None:
        tui(ctx)


@app.command()
@handles_errors
def tui(ctx: typer.Context) -> None:
    """Open the app on the workspace."""
    from briefing.tui import run_app

    with opened(ctx) as library:
        run_app(library)


@app.command(short_help="Create a workspace: a starter themes.yaml, or the team's.")
@handles_errors
def init(
    directory: Annotated[Path, typer.Argument(help="The folder to make a workspace of.")],
    themes: Annotated[
        Path | None,
        typer.Option(help="A themes.yaml to start from (default: a one-theme starter)."),
    ] = None,
    store: Annotated[
        str | None,
        typer.Option(
            help="A team's PostgreSQL store, postgresql://USER@HOST:PORT/DB (no password: "
            "~/.pgpass or $PGPASSWORD); default: this workspace's own SQLite file."
        ),
    ] = None,
) -> None:
    """Create a workspace with a starter themes.yaml (or the team's, with --store)."""
    from briefing.stores import check_address, team_taxonomy, write_settings

    if store is not None:  # checked, and the server reached, before anything is created
        team_taxonomy(check_address(store, "--store"))
    workspace = init_workspace(directory, themes, starter=True)
    out.print(f"Created workspace {workspace.root}", markup=False)
    if store is not None:
        write_settings(workspace, store)
        Library.open(workspace, on_wait=_waiting).close()  # brings in the team's taxonomy
        out.print(f"Store: {store} (named in {workspace.root / 'briefing.yaml'})", markup=False)
        out.print(
            f"Themes: the team's taxonomy is in {workspace.themes_path}; edit it and run "
            "`briefing tag` to publish it to everyone.",
            markup=False,
        )
    elif themes is None:
        out.print(f"Next: write your themes in {workspace.themes_path}", markup=False)
    out.print(f"Then: briefing -w {workspace.root} ingest PATH...", markup=False)


@app.command(short_help="Read, clean, cut and tag articles: files, folders, web pages.")
@handles_errors
def ingest(
    ctx: typer.Context,
    paths: Annotated[
        list[str] | None,
        typer.Argument(help="Files, folders (read recursively) or web pages (http(s)://...)."),
    ] = None,
    urls: Annotated[
        Path | None,
        typer.Option("--urls", help="A file of web page addresses, one a line (# comments)."),
    ] = None,
) -> None:
    """Read, clean, cut and tag articles (.txt .md .html .mhtml .pdf .docx .eml, web pages)."""
    from briefing.ingest.fetch import is_url

    named = list(paths or [])
    pages = [p for p in named if is_url(p)]
    if urls is not None:
        pages += _url_list(urls)
    files = [Path(p) for p in named if not is_url(p)]
    if not files and not pages:
        raise BriefingError("nothing to ingest: name files, folders or URLs, or --urls FILE.")
    try:
        with opened(ctx) as library, _progress("Ingesting") as report:
            summary = library.ingest(files, progress=report, urls=pages)
    except IngestStopped as stopped:
        _print_summary(stopped.summary)
        stored = len(stopped.summary.added)
        kept = f"{stored} source{'s' if stored != 1 else ''} stored before it stopped"
        message = stopped.message.rstrip(".")
        raise _fail(f"{message}; {kept}, nothing else kept.", stopped.exit_code) from None
    _print_summary(summary)
    found = summary.added or summary.duplicates or summary.refused or summary.skipped
    if not found and not summary.assets:  # a wrong or empty folder: more than a row of zeros
        folders = ", ".join(str(f) for f in files if f.is_dir()) or "what was named"
        err.print(f"briefing: no files found in {folders}.", markup=False)
    if summary.refused:
        raise typer.Exit(1)


def _url_list(path: Path) -> list[str]:
    """The addresses in a --urls file: one a line; blank lines and # comments skipped."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as error:
        raise BriefingError(f"{path}: cannot read the list of URLs ({error.strerror}).") from None
    found = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    return found


def _print_summary(summary: IngestSummary) -> None:
    for source in summary.added:
        out.print(
            f"added      {source.id}  {source.file}  {source.title or '(no title)'}", markup=False
        )
    for path, existing in summary.duplicates:
        out.print(f"duplicate  {existing}  {path}", markup=False)
    for skipped in summary.skipped:
        out.print(f"skipped    {skipped.path}: {skipped.reason}", markup=False)
    for refusal in summary.refused:
        err.print(f"refused    {refusal.path}: {refusal.reason}", markup=False)
    count = len(summary.skipped) + len(summary.assets)
    assets = f" ({len(summary.assets)} not articles: scripts, styles, images...)"
    out.print(
        f"{len(summary.added)} added, {len(summary.duplicates)} duplicate, "
        f"{len(summary.refused)} refused, {count} skipped{assets if summary.assets else ''}",
        markup=False,
    )


@app.command()
@handles_errors
def sources(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
    as_csl: Annotated[
        bool, typer.Option("--csl", help="CSL-JSON, for Zotero and other citation managers.")
    ] = False,
    as_bibtex: Annotated[bool, typer.Option("--bibtex", help="BibTeX entries.")] = False,
) -> None:
    """List the sources with their metadata."""
    from briefing.memo.citations import author_names, source_type

    with opened(ctx) as library:
        counts = library.store.source_excerpt_counts()
        every = library.store.sources()
        rows = [
            {
                "id": s.id,
                "title": s.title,
                "author": s.author,
                "authors": author_names(s),
                "outlet": s.outlet,
                "date": s.date,
                "url": s.url,
                "accessed": s.accessed,
                "type": source_type(s),
                "file": Path(s.file).name,
                "excerpts": counts.get(s.id, 0),
            }
            for s in every
        ]
    if as_csl:
        from briefing.memo.csl import csl_items

        _json(csl_items(every))
        return
    if as_bibtex:
        from briefing.memo.csl import bibtex

        sys.stdout.write(strip_controls(bibtex(every)))
        return
    if as_json:
        _json(rows)
        return
    if not rows:  # a header over nothing reads like a fault
        err.print("briefing: no sources yet; `briefing ingest PATH...` adds some.", markup=False)
        return
    columns = ("id", "date", "excerpts", "author", "outlet", "title", "url")
    cells = [tuple(str(row[c] or "—") for c in columns) for row in rows]
    _table(columns, cells, wide=("title", "url"), weights=(3, 2))


@app.command()
@handles_errors
def excerpts(
    ctx: typer.Context,
    theme: Annotated[
        str | None, typer.Option(help="Only excerpts carrying this theme, best first.")
    ] = None,
    source: Annotated[str | None, typer.Option(help="Only excerpts of this source id.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:
    """List excerpts with their themes and scores."""
    with opened(ctx) as library:
        if theme is not None:
            library.theme(theme)
            found = [item.excerpt for item in library.store.excerpts_for_theme(theme)]
            if source is not None:
                found = [e for e in found if e.source_id == source]
        else:
            found = library.store.excerpts(source)
        if source is not None and library.store.source(source) is None:
            raise BriefingError(f"no source {source!r}; `briefing sources` lists them.")
        ids = [e.id for e in found]
        themes = library.store.themes_of(ids)
        scores = library.store.scores_of(ids)
    rows = [
        {
            "id": e.id,
            "source": e.source_id,
            "text": e.text,
            "themes": sorted(themes[e.id]),
            "scores": {k: round(v, 3) for k, v in sorted(scores[e.id].items())},
        }
        for e in found
    ]
    if as_json:
        _json(rows)
        return
    for e in found:
        tags = ", ".join(sorted(themes[e.id])) or "—"
        out.print(f"{e.id}  {e.source_id}  [{tags}]", markup=False)
        out.print(f"    {e.text[:160]}{'…' if len(e.text) > 160 else ''}", markup=False)
    out.print(f"{len(found)} excerpts", markup=False)


@app.command()
@handles_errors
def search(
    ctx: typer.Context,
    query: Annotated[
        str, typer.Argument(help='Words (stemmed), "a phrase", OR, NOT, prefix*, NEAR(a b, 5).')
    ],
    theme: Annotated[str | None, typer.Option(help="Only excerpts carrying this theme.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many results.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:
    """Full-text search over every excerpt."""
    with opened(ctx) as library:
        if theme is not None:
            library.theme(theme)
        hits = library.store.search(query, theme, limit)
    rows = [
        {
            "id": h.excerpt.id,
            "source": h.source.id,
            "title": h.source.title,
            "text": h.excerpt.text,
            "snippet": h.snippet,
        }
        for h in hits
    ]
    pool_note = hits.pool_note()  # the hits are the best of the newest matches only
    if as_json:
        _json(rows)
        if pool_note:  # beside the list, which stays what it was
            err.print(f"briefing: note: {pool_note}", markup=False)
        return
    for row in rows:
        out.print(f"{row['id']}  {row['title'] or row['source']}", markup=False)
        out.print(f"    {row['snippet']}", markup=False)
    out.print(f"{len(rows)} result{'' if len(rows) == 1 else 's'}", markup=False)
    if pool_note:
        out.print(pool_note[0].upper() + pool_note[1:] + ".", markup=False)
    if not rows:
        with opened(ctx) as library:
            close = library.store.suggest(query)
        if close:
            out.print(f"Did you mean: {', '.join(close)}?", markup=False)
        out.print(QUERY_SYNTAX, markup=False)


@app.command()
@handles_errors
def themes(
    ctx: typer.Context,
    matrix: Annotated[
        bool, typer.Option("--matrix", help="Sources by themes: where coverage is thin.")
    ] = False,
    suggest: Annotated[
        bool,
        typer.Option(
            "--suggest",
            help="Per theme: words its keywords miss, and excerpts no keyword matches.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:
    """List the themes with their excerpt and source counts."""
    with opened(ctx) as library:
        if matrix:
            _theme_matrix(library, as_json)
            return
        if suggest:
            _suggest(library, as_json)
            return
        counts = library.store.theme_counts()
        themes = library.themes
        reach = library.keyword_reach()
    rows = [
        {
            "id": t.id,
            "label": t.label,
            "description": t.description,
            "excerpts": counts[t.id].excerpts if t.id in counts else 0,
            "sources": counts[t.id].sources if t.id in counts else 0,
        }
        for t in themes
    ]
    if as_json:
        _json(rows)
        return
    cells = [(str(r["id"]), str(r["label"]), str(r["excerpts"]), str(r["sources"])) for r in rows]
    _table(("id", "label", "excerpts", "sources"), cells, wide=("label",))
    for theme in themes:
        matched, closest = reach.get(theme.id, (0, 0))
        if closest and matched < LOW_REACH * closest:
            err.print(
                f"briefing: theme '{theme.id}': its keywords match only {matched} of the "
                f"{closest} excerpts closest to it in meaning; `briefing themes --suggest` "
                "lists words to add.",
                markup=False,
            )


def _suggest(library: Library, as_json: bool) -> None:
    """Per theme, what its keywords miss: words to add, excerpts to review."""
    found = library.suggest()
    texts = library.store.excerpt_texts([i for s in found for i, _ in s.excerpts])
    if as_json:
        _json(
            [
                {
                    "theme": s.theme_id,
                    "reach": {"matched": s.reach.matched, "closest": s.reach.closest},
                    "phrases": [{"phrase": p, "score": v} for p, v in s.phrases],
                    "excerpts": [
                        {"id": i, "score": round(v, 4), "text": texts.get(i, "")}
                        for i, v in s.excerpts
                    ],
                }
                for s in found
            ]
        )
        return
    for s in found:
        out.print(
            f"{s.theme_id}: keywords match {s.reach.matched} of the {s.reach.closest} "
            "excerpts closest to it in meaning",
            markup=False,
        )
        if s.phrases:
            out.print(
                "  words and phrases its keywords miss (paste under keywords:):", markup=False
            )
            for phrase, _ in s.phrases:
                out.print(f"      - {phrase}", markup=False)
        if s.excerpts:
            out.print("  best-ranked excerpts no keyword matches:", markup=False)
            for excerpt_id, score in s.excerpts:
                snippet = " ".join(texts.get(excerpt_id, "").split())[:100]
                out.print(f"    {excerpt_id}  {score:.2f}  {snippet}", markup=False)


def _theme_matrix(library: Library, as_json: bool) -> None:
    """Sources by themes, counting excerpts: an empty cell is thin coverage."""
    grid = library.store.theme_matrix()
    ids = [t.id for t in library.themes]
    sources = library.store.source_titles()  # ids and titles: no article text is read
    if as_json:
        _json(
            [
                {"source": s, "title": title,
                 "themes": {i: grid.get(s, {}).get(i, 0) for i in ids}}
                for s, title in sources
            ]
        )  # fmt: skip
        return
    cells = [
        (s, *(str(grid.get(s, {}).get(i, 0) or "·") for i in ids), title or "—")
        for s, title in sources
    ]
    _table(("source", *ids, "title"), cells)


@app.command(short_help="Re-tag every excerpt, explain a tag, or decide one by hand.")
@handles_errors
def tag(
    ctx: typer.Context,
    explain: Annotated[str | None, typer.Option(help="Show why an excerpt has its themes.")] = None,
    add: Annotated[str | None, typer.Option(help="With --excerpt: add this theme by hand.")] = None,
    remove: Annotated[
        str | None, typer.Option(help="With --excerpt: remove this theme by hand.")
    ] = None,
    reset: Annotated[
        str | None, typer.Option(help="With --excerpt: forget the manual decision on this theme.")
    ] = None,
    excerpt: Annotated[
        str | None, typer.Option(help="The excerpt id for --add, --remove or --reset.")
    ] = None,
    theirs: Annotated[
        bool,
        typer.Option(
            "--theirs",
            help="Team store: take the published taxonomy into themes.yaml (yours is kept "
            "as themes.mine.yaml), when someone published after you last took it.",
        ),
    ] = False,
) -> None:
    """Re-tag every excerpt (after themes.yaml changed), explain a tag, or decide one by hand."""
    with opened(ctx) as library:
        if theirs:
            _take_theirs(library)
            return
        if explain is not None:
            _explain(library, explain)
            return
        decisions = [(t, d) for t, d in ((add, "added"), (remove, "removed"), (reset, None)) if t]
        if decisions:
            if excerpt is None:
                raise BriefingError("--add, --remove and --reset need --excerpt ID.")
            for theme_id, decision in decisions:
                library.set_manual_tag(excerpt, theme_id, decision)
                out.print(f"{excerpt}: {theme_id} {decision or 'back to the tagger'}", markup=False)
            # Learn from it now, as the TUI does (a fraction of a second from the kept corpus
            # matrix); after a change to themes.yaml, `opened` asked for `briefing tag`.
            if not library.needs_retag:
                library.calibrate()
            return
        if excerpt is not None:  # alone it decides nothing: say so rather than re-tag all
            raise BriefingError(
                f"--excerpt {excerpt} needs --add THEME, --remove THEME or --reset THEME "
                "(or --explain ID to see why it has its themes)."
            )
        if library.profiles_stale and library.store.count_excerpts():
            err.print(
                "Reading every excerpt's sentences again for the memo (the taxonomy changed "
                "since they were read): this takes a while on a large corpus.",
                markup=False,
            )
        with _progress("Tagging") as report:
            count = library.retag(progress=report)
        if not library.tag_problems:  # else `opened` said them already
            _warn_unused_decisions(library.workspace.tags_path, library.unused_decisions())
    out.print(f"Tagged {count} excerpts.", markup=False)


def _take_theirs(library: Library) -> None:
    taken = library.store.take_taxonomy(library.workspace)
    if taken is None:
        raise BriefingError("no team taxonomy to take: this workspace's themes.yaml is the one.")
    kept, by, at = taken
    if kept is not None:
        out.print(f"Your themes.yaml is kept as {kept}.", markup=False)
    out.print(
        f"themes.yaml is now the team's taxonomy, published by {by or 'someone'} at {at} UTC.",
        markup=False,
    )


LOW_REACH = 0.5  # below this share of reach, `briefing themes` warns (as tagging.suggest)


def _explain(library: Library, excerpt_id: str) -> None:
    excerpt, scores = library.explain(excerpt_id)
    source = library.store.source(excerpt.source_id)
    out.print(f"{excerpt.id}  {source.title if source else excerpt.source_id}", markup=False)
    out.print(f"    {excerpt.text[:240]}{'…' if len(excerpt.text) > 240 else ''}", markup=False)
    for score in scores:
        why = score.explanation
        mark = "✔" if score.tagged else "·"
        out.print(
            f"{mark} {score.theme_id:<20} score {score.score:.2f} (threshold {why.threshold:.2f}; "
            f"phrases {why.phrase_score:.2f}, semantic {why.semantic_score:.2f})"
            + (f"  manual: {why.manual}" if why.manual else ""),
            markup=False,
        )
        if why.note:
            out.print(f"      {why.note}", markup=False)
        if why.phrases:
            out.print(f"      matched: {', '.join(why.phrases)}", markup=False)
        if why.excluded:
            out.print(f"      excluded by: {', '.join(why.excluded)}", markup=False)


@app.command(name="eval", short_help="Precision, recall and F1 against a hand-labelled file.")
@handles_errors
def eval_(
    ctx: typer.Context,
    gold: Annotated[Path, typer.Argument(help="A hand-labelled file (format: eval/THEMES.md).")],
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
    exclude_decided: Annotated[
        bool,
        typer.Option(
            "--exclude-decided",
            help="Score only the paragraphs without a manual decision in tags.yaml.",
        ),
    ] = False,
) -> None:
    """Precision, recall and F1 of the tags against a hand-labelled gold file."""
    with opened(ctx) as library:
        report = library.evaluate(gold, exclude_decided=exclude_decided)
    if as_json:
        _json(report.to_dict())
        return
    cells = [
        (r.theme_id, f"{r.precision:.3f}", f"{r.recall:.3f}", f"{r.f1:.3f}", str(r.support))
        for r in report.themes
    ]
    cells.append(
        (
            "macro",
            f"{report.macro_precision:.3f}",
            f"{report.macro_recall:.3f}",
            f"{report.macro_f1:.3f}",
            str(report.paragraphs),
        )
    )
    _table(("theme", "precision", "recall", "F1", "support"), cells, wide=("theme",))
    if report.skipped:
        err.print(
            f"briefing: {report.skipped} gold paragraphs with a manual decision were left out.",
            markup=False,
        )
    if report.missing:
        err.print(
            f"briefing: {report.missing} gold paragraphs were not found among the excerpts "
            "(counted as untagged).",
            markup=False,
        )


class Format(StrEnum):  # memo.templates.FORMATS, as Typer needs it
    md = "md"
    pdf = "pdf"
    docx = "docx"


@app.command()
@handles_errors
def export(
    ctx: typer.Context,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="md, pdf or docx (Word).")],
    brief: Annotated[
        Path | None, typer.Option(help="A brief.yaml (default: the workspace's).")
    ] = None,
    theme: Annotated[
        list[str] | None, typer.Option(help="A theme to include, in order; repeat for several.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="The file to write ('-': stdout for md).")
    ] = None,
) -> None:
    """Export the memo to Markdown, PDF or Word."""
    with opened(ctx) as library:
        chosen = library.load_brief(brief)
        if theme:
            from briefing.memo import default_brief

            for theme_id in theme:
                library.theme(theme_id)
            chosen = (
                chosen.restricted_to(theme)
                if brief is not None
                else default_brief(library.themes, theme)
            )
        library.refuse_empty_brief(chosen, brief)
        if output is not None and str(output) == "-":
            if fmt is not Format.md:
                raise BriefingError(f"a {fmt.value} file cannot go to the terminal; give -o FILE.")
            document = library.build_memo(chosen)
            sys.stdout.write(library.render_document(document, "md").decode("utf-8"))
            problems = document.problems
        else:
            target, problems = library.export(chosen, fmt.value, output)
            out.print(f"Wrote {target}", markup=False)
    for problem in problems:
        err.print(f"briefing: {problem.severity}: {problem}", markup=False)
    if any(problem.is_warning for problem in problems):
        raise typer.Exit(1)


@app.command(short_help="Check every quote of a Markdown memo against its source.")
@handles_errors
def verify(
    ctx: typer.Context,
    memo: Annotated[Path, typer.Argument(help="A Markdown memo exported by briefing.")],
) -> None:
    """Check every quote in a Markdown memo against the source its note cites."""
    try:
        text = memo.read_text(encoding="utf-8")
    except UnicodeDecodeError:  # a PDF or Word export, most likely: only Markdown is checked
        raise BriefingError(
            f"{memo}: not a Markdown memo (not text); verify the .md export of the same brief."
        ) from None
    except OSError as error:
        raise BriefingError(f"{memo}: cannot read it ({error.strerror or error}).") from error
    with opened(ctx) as library:
        problems, checked = library.verify(text)
    if not checked:  # a memo always quotes: nothing found means the wrong file
        raise BriefingError(
            f"{memo}: no quote with a note in it; verify reads a Markdown memo exported by "
            "briefing (`briefing export -f md`)."
        )
    for problem in problems:
        err.print(f"{memo}: {problem}", markup=False)
    if problems:
        verb = "does" if len(problems) == 1 else "do"
        out.print(
            f"{len(problems)} of {checked} quotes {verb} not match their sources.", markup=False
        )
        raise typer.Exit(1)
    out.print(f"All {checked} quotes match their sources.", markup=False)


@app.command()
@handles_errors
def rebuild(ctx: typer.Context) -> None:
    """Recreate the corpus database from the workspace's files."""
    workspace = find_workspace(ctx.obj.workspace)
    with _progress("Rebuilding") as report:
        library = Library.open(workspace, progress=report, rebuild=True, on_wait=_waiting)
    try:
        out.print(
            f"Rebuilt {library.store.count_sources()} sources, "
            f"{library.store.count_excerpts()} excerpts.",
            markup=False,
        )
        _report_decisions(library)
        refused = library.built.refused if library.built else []
        changed = library.built.changed if library.built else []
        _warn_unused_decisions(workspace.tags_path, library.tag_problems)
    finally:
        library.close()
    for refusal in refused:
        err.print(f"refused    {refusal.path}: {refusal.reason}", markup=False)
    for change in changed:  # never a silent change of the text quotes are drawn from
        err.print(f"changed    {change.path}: {change.reason}", markup=False)
    if refused or changed:
        raise typer.Exit(1)


@app.command(short_help="Write the corpus to plain files: sources, tags, themes.")
@handles_errors
def dump(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(help="A new or empty folder to write to.")],
) -> None:
    """Write the corpus to plain files: sources/ (with .meta.yaml), tags.yaml, themes.yaml."""
    with opened(ctx) as library:
        count = library.dump(directory)
    out.print(f"Dumped {count} sources, tags.yaml and themes.yaml to {directory}", markup=False)


@app.command(short_help="Fill an empty store from a dump.")
@handles_errors
def load(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(help="A folder written by `briefing dump`.")],
) -> None:
    """Fill an empty store from a dump (its themes, decisions and sources)."""
    with opened(ctx) as library, _progress("Loading") as report:
        summary = library.load(directory, progress=report)
    _print_summary(summary)
    if summary.refused:
        raise typer.Exit(1)


def main() -> None:
    """The console script."""
    app()
