"""Tagging the whole corpus from what the store keeps: vectors, keyword matches, decisions.

The text of an excerpt is read once, at ingest (or when the keywords change): its vector
and its keyword matches are stored. Tagging the corpus is then a matter of matrix
products over those (`calibrate`), fast enough to run after every ingest, at every
`briefing tag` and after every decision in the TUI.
"""

from __future__ import annotations

import bisect
import contextlib
import itertools
import json
import mmap
import tempfile
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast, overload

import numpy as np
import numpy.typing as npt

from briefing.model import Explanation, ThemeScore
from briefing.tagging.calibrate import DENSE_LIMIT, Calibrated, CorpusMatrix, calibrate
from briefing.tagging.learn import Examples, examples_by_theme
from briefing.tagging.tagger import PhraseHit, Tagger

if TYPE_CHECKING:
    from briefing.tagging.semantic import Matrix

VECTOR_DTYPE = np.float16  # as stored: half the size, and ample for a cosine
_BLOCK = 16384  # corpus rows read at a time (bounds the memory of the raw rows)
MEANING_BLOCK = 16384  # rows per product in Tagger.similarity(whole=True)
SPILL_BYTES = 64 * 1024 * 1024  # vectors past this size are mapped from a file, not held


def vector_bytes(vector: np.ndarray) -> bytes:
    """A vector as the store keeps it."""
    return np.ascontiguousarray(vector, dtype=VECTOR_DTYPE).tobytes()


def hit_rows(
    excerpt_id: str, hits: Sequence[PhraseHit], tagger: Tagger
) -> Iterator[tuple[str, str, float, str]]:
    """Keyword matches as the store keeps them: (excerpt id, theme id, score, found)."""
    for hit in hits:
        found = json.dumps([list(hit.found), list(hit.excluded)], ensure_ascii=False)
        yield excerpt_id, tagger.themes[hit.theme].id, hit.score, found


class PagedVectors(np.memmap):
    """A large corpus's vectors in a temporary file, mapped: every read returns a copy and
    lets the mapped pages go (MADV_DONTNEED), so the process holds only the block it works
    on while the calibration passes over the corpus, not the whole matrix (0.5 KB an
    excerpt: 670 MB at 100,000 articles). The file's pages stay in the page cache, which
    the system reclaims as it needs."""

    @classmethod
    def of(cls, file: IO[bytes], shape: tuple[int, int]) -> PagedVectors:
        return cls(file, dtype=VECTOR_DTYPE, mode="r", shape=shape)

    def __getitem__(self, index: Any) -> Any:
        part = super().__getitem__(index)
        if not isinstance(part, np.ndarray):
            return part
        if isinstance(part, np.memmap) and part.base is not None and len(part) == len(self):
            return part  # a view of all of it (vectors[:n]): still paged
        copy = np.array(part, subok=False)
        mapped = getattr(self, "_mmap", None)
        if mapped is not None and hasattr(mmap, "MADV_DONTNEED"):
            with contextlib.suppress(OSError, ValueError):
                mapped.madvise(mmap.MADV_DONTNEED)
        return copy


class KeptIds(Sequence[str]):
    """The ids of a kept corpus matrix (`tagging.matrixcache`), in order: each read from
    the mapped array when asked, so that no list of a million strings is held (90 MB at
    100,000 articles); `joined` gives them as the "\\n"-joined UTF-8 the matrix keeps."""

    def __init__(self, array: np.ndarray, joined: Path) -> None:
        self.array, self._joined = array, joined

    def __len__(self) -> int:
        return len(self.array)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [str(x) for x in self.array[index]]
        return str(self.array[index])

    def joined(self) -> bytes:
        return self._joined.read_bytes()


def joined_ids(ids: Sequence[str]) -> bytes:
    """The ids joined by newlines, as UTF-8 (read from the kept matrix when it has them)."""
    if isinstance(ids, KeptIds):
        return ids.joined()
    return "\n".join(ids).encode()


def _let_pages_go(array: np.ndarray) -> None:
    """Drop the resident pages of an array mapped from a file (read again if used)."""
    mapped = getattr(array, "_mmap", None)
    if isinstance(array, np.memmap) and mapped is not None and hasattr(mmap, "MADV_DONTNEED"):
        with contextlib.suppress(OSError, ValueError):
            mapped.madvise(mmap.MADV_DONTNEED)


class RowOf(Mapping[str, int]):
    """Excerpt id -> row, by binary search in the corpus's ids (which are in id order):
    no dictionary of a million entries beside the list that already orders them."""

    def __init__(self, ids: Sequence[str]) -> None:
        self._ids = ids

    def __getitem__(self, excerpt_id: str) -> int:
        row = bisect.bisect_left(self._ids, excerpt_id)
        if row == len(self._ids) or self._ids[row] != excerpt_id:
            raise KeyError(excerpt_id)
        return row

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


FoundOf = Callable[[str], Iterable[tuple[str, str]]]
"""An excerpt's stored keyword matches: (theme id, matches as JSON) pairs."""


@dataclass
class CorpusTags:
    """The calibrated tags of every excerpt, with what is needed to explain each one."""

    tagger: Tagger
    corpus: CorpusMatrix
    calibrated: Calibrated
    phrase: np.ndarray  # (rows, themes) phrase scores
    semantic: np.ndarray  # (rows, themes) context-free semantic scores
    found_of: FoundOf  # the stored matches, read from the store when an excerpt is explained
    examples: dict[int, Examples]
    row_of: Mapping[str, int]

    @property
    def id_array(self) -> np.ndarray:
        """The ids as one numpy array (in order), for lookups of many ids at once."""
        if self._id_array is None:
            self._id_array = np.asarray(self.corpus.ids, dtype=str)
        return self._id_array

    _id_array: np.ndarray | None = None

    def rows(self, floor: float) -> Iterator[tuple[str, str, float, int]]:
        """(excerpt id, theme id, score, tagged) for the store: tagged or at least `floor`,
        row by row (a block of rows' indexes at a time, not every kept pair's at once)."""
        score, tagged = self.calibrated.score, self.calibrated.tagged
        theme_ids = [t.id for t in self.tagger.themes]
        ids = self.corpus.ids
        for start in range(0, len(score), _BLOCK):
            part = slice(start, start + _BLOCK)
            keep = tagged[part] | (score[part] >= floor)
            for r, t in zip(*np.nonzero(keep), strict=True):
                r += start
                yield ids[r], theme_ids[t], float(score[r, t]), int(tagged[r, t])

    def explain(self, excerpt_id: str) -> list[ThemeScore]:
        """Per theme, the excerpt's score and which part decided it (no manual decision)."""
        r = self.row_of[excerpt_id]
        stored = dict(self.found_of(excerpt_id))
        out: list[ThemeScore] = []
        for t, theme in enumerate(self.tagger.themes):
            matched, skipped = json.loads(stored.get(theme.id, "[[], []]"))
            found, excluded = tuple(matched), tuple(skipped)
            info = self.calibrated.themes[t]
            basis, note = None, ""
            if self.calibrated.meaning[r, t]:
                basis = "meaning"
                note = _meaning_note(info, r)
            elif self.calibrated.tagged[r, t]:
                basis = "keywords"
                note = "keywords: " + ", ".join(found) if found else "keywords and meaning"
            out.append(
                ThemeScore(
                    theme_id=theme.id,
                    score=float(self.calibrated.score[r, t]),
                    tagged=bool(self.calibrated.tagged[r, t]),
                    explanation=Explanation(
                        phrases=found,
                        excluded=excluded,
                        phrase_score=round(float(self.phrase[r, t]), 4),
                        semantic_score=round(float(self.semantic[r, t]), 4),
                        threshold=self.tagger.threshold(theme),
                        basis=basis,
                        note=note,
                    ),
                )
            )
        return out


def _meaning_note(info: object, r: int) -> str:
    from briefing.tagging.calibrate import ThemeEvidence

    assert isinstance(info, ThemeEvidence)
    parts = []
    z = float(info.z[r]) if info.z is not None else None
    if info.taught_added:
        found = f"{_count(info.taught_added, 'paragraph')} you tagged"
        if info.seeds:
            found += f" and {info.seeds} its keywords found"
    else:
        found = f"the {_count(info.seeds, 'paragraph')} its keywords found"
    if z is not None and z <= 0:
        # No closer to the theme than the corpus's average paragraph: what tagged it is its
        # document (or the analyst's decisions), and the note must not call it close.
        parts.append(f"no closer in meaning to {found} than the average excerpt (z {z:+.1f})")
    elif info.taught_added:
        parts.append(f"close to {found}")
    else:
        parts.append(f"close in meaning to {found}")
    if z is not None and z > 0:
        parts[-1] += f" (z {z:+.1f})"
    if info.doc_seeds is not None and int(info.doc_seeds[r]) > 0:
        others = int(info.doc_seeds[r])
        verb = "carries" if others == 1 else "carry"
        lead = (
            "tagged for its document, where" if z is not None and z <= 0 else "in a document where"
        )
        parts.append(f"{lead} {_count(others, 'other paragraph')} {verb} it")
    if info.reached is not None and info.reached[r]:
        parts.append("tagged this far down because of the paragraphs you added")
    return ", ".join(parts)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


@dataclass
class CorpusInputs:
    """What calibrating the corpus starts from, read from the store (or its cache,
    `tagging.matrixcache`): rows in excerpt-id order, and each row's context-free scores."""

    ids: Sequence[str]  # a list, or the kept matrix's `KeptIds`
    docs: npt.NDArray[np.int64]  # per row, its source's index
    positions: npt.NDArray[np.int64]  # per row, its place in its source
    has_vector: npt.NDArray[np.bool_]
    vectors: npt.NDArray[np.float16] | None  # (rows, dim), or None without vectors
    dense: npt.NDArray[np.float32] | None  # the same as float32, when small (DENSE_LIMIT)
    phrase: npt.NDArray[np.float32]  # (rows, themes) keyword scores
    semantic: npt.NDArray[np.float32]  # (rows, themes) context-free meaning
    centre: tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]] | None = None  # `centred`
    id_array: np.ndarray | None = None  # the ids as one numpy array, when kept

    def __len__(self) -> int:
        return len(self.ids)


def tag_corpus(
    tagger: Tagger,
    count: int,
    rows: Iterable[tuple[str, str, int, bytes | None]],
    hits: Iterable[tuple[str, str, float, str]],
    added: Mapping[str, set[str]],
    removed: Mapping[str, set[str]],
    pinned: Mapping[str, Sequence[str]],
    found_of: FoundOf,
    only: Callable[[CorpusMatrix, dict[int, Examples]], Collection[int] | None] | None = None,
) -> CorpusTags:
    """Calibrate every theme over the corpus.

    `rows`: `count` excerpts as (excerpt id, source id, position, vector bytes or None), in
    excerpt-id order; `hits`: the stored keyword matches; `added`/`removed`: tags.yaml;
    `pinned`: the brief; `found_of`: an excerpt's stored matches (for explanations, which
    are read when asked for rather than held for every excerpt). Both streams are read
    once, straight into arrays. `only`, given the corpus and the examples, names the
    themes to calibrate (None: all of them).
    """
    inputs = read_inputs(tagger, count, rows, hits)
    return tag_inputs(tagger, inputs, added, removed, pinned, found_of, only)


@dataclass(frozen=True)
class RowBlock:
    """A block of the store's (excerpt id, source id, place, vector blob) rows, decoded."""

    ids: tuple[str, ...]
    docs: list[int]  # each row's source, numbered in the order sources first appear
    places: tuple[int, ...]
    whole: list[int]  # the rows, within the block, whose blob is a whole vector
    vectors: npt.NDArray[Any] | None  # (rows, dim) as stored, 0 where not whole; None if dim 0


def row_blocks(
    rows: Iterable[tuple[str, str, int, bytes | None]], size: int, dim: int
) -> Iterator[RowBlock]:
    """The rows in blocks of `size`, column by column (one join and one frombuffer per
    block of vectors): a Python step per row and per column is most of a re-tag's time.
    The corpus matrix read in memory (`read_inputs`) and the one kept on disk
    (`matrixcache`) both read their rows here, so both hold the same bits."""
    width = dim * np.dtype(VECTOR_DTYPE).itemsize
    source_index: dict[str, int] = {}
    stream = iter(rows)
    while block := list(itertools.islice(stream, size)):
        block_ids, sources, places, blobs = zip(*block, strict=True)
        docs = [source_index.setdefault(x, len(source_index)) for x in sources]
        whole: list[int] = []
        vectors = None
        if dim:
            whole = [i for i, b in enumerate(blobs) if b is not None and len(b) == width]
            vectors = np.zeros((len(block), dim), dtype=VECTOR_DTYPE)
            if whole:
                data = b"".join([blobs[i] for i in whole])
                vectors[whole] = np.frombuffer(data, dtype=VECTOR_DTYPE).reshape(-1, dim)
        yield RowBlock(block_ids, docs, places, whole, vectors)


def read_inputs(
    tagger: Tagger,
    count: int,
    rows: Iterable[tuple[str, str, int, bytes | None]],
    hits: Iterable[tuple[str, str, float, str]],
) -> CorpusInputs:
    """The corpus and its context-free scores from the store's rows (see `tag_corpus`)."""
    themes = tagger.themes
    theme_index = {t.id: i for i, t in enumerate(themes)}
    k = len(themes)
    theme_vectors = tagger.theme_vectors
    dim = int(theme_vectors.shape[1]) if theme_vectors is not None else 0
    ids: list[str] = []
    docs = np.zeros(count, dtype=np.int64)
    positions = np.zeros(count, dtype=np.int64)
    has_vector = np.zeros(count, dtype=bool)
    width = dim * np.dtype(VECTOR_DTYPE).itemsize
    with contextlib.ExitStack() as closing:
        # Unlinked already; the mapping outlives the handle.
        spill = (
            closing.enter_context(tempfile.TemporaryFile())
            if dim and count * width > SPILL_BYTES
            else None
        )
        vectors = np.zeros((count, dim), dtype=VECTOR_DTYPE) if dim and spill is None else None
        if spill is not None:
            writer = closing.enter_context(open(spill.fileno(), "wb", closefd=False))
        n = 0
        for block in row_blocks(rows, _BLOCK, dim):
            end = n + len(block.ids)
            if end > count:
                raise ValueError("the corpus grew while it was being read")
            ids.extend(block.ids)
            docs[n:end] = block.docs
            positions[n:end] = block.places
            if block.vectors is not None:
                has_vector[np.asarray(block.whole, dtype=np.int64) + n] = True
                if spill is not None:
                    writer.write(block.vectors.tobytes())
                else:
                    vectors[n:end] = block.vectors  # type: ignore[index]
            n = end
        if spill is not None:
            writer.flush()
            vectors = PagedVectors.of(spill, (n, dim)) if n else None
    docs, positions, has_vector = docs[:n], positions[:n], has_vector[:n]
    if vectors is not None:
        vectors = vectors[:n] if has_vector.any() else None
    row_of = RowOf(ids)
    phrase = np.zeros((n, k), dtype=np.float32)
    stream_hits = iter(hits)
    while hit_block := list(itertools.islice(stream_hits, _BLOCK)):
        at_rows: list[int] = []
        at_themes: list[int] = []
        scores: list[float] = []
        for excerpt_id, theme_id, score, _ in hit_block:
            r, t = row_of.get(excerpt_id), theme_index.get(theme_id)
            if r is not None and t is not None:
                at_rows.append(r)
                at_themes.append(t)
                scores.append(score)
        phrase[at_rows, at_themes] = scores
    semantic = np.zeros((n, k), dtype=np.float32)
    dense = None  # one float32 copy, shared with the calibration, when it is small enough
    if vectors is not None and vectors.size <= DENSE_LIMIT:
        dense = vectors.astype(np.float32)
    if vectors is not None:
        # In the blocks `Tagger.similarity` uses for a whole corpus (so the same products),
        # one at a time: its (rows, keywords) similarities are never all held.
        source = vectors if dense is None else dense
        for start in range(0, n, MEANING_BLOCK):
            part = cast("Matrix", source[start : start + MEANING_BLOCK])
            semantic[start : start + len(part)] = tagger.meaning(part, whole=True)
        semantic[~has_vector] = 0.0
    return CorpusInputs(ids, docs, positions, has_vector, vectors, dense, phrase, semantic)


def tag_inputs(
    tagger: Tagger,
    inputs: CorpusInputs,
    added: Mapping[str, set[str]],
    removed: Mapping[str, set[str]],
    pinned: Mapping[str, Sequence[str]],
    found_of: FoundOf,
    only: Callable[[CorpusMatrix, dict[int, Examples]], Collection[int] | None] | None = None,
) -> CorpusTags:
    """Calibrate every theme (or those `only` names) from the corpus's inputs."""
    themes = tagger.themes
    theme_index = {t.id: i for i, t in enumerate(themes)}
    ids, vectors, phrase, semantic = inputs.ids, inputs.vectors, inputs.phrase, inputs.semantic
    row_of = RowOf(ids)
    s = tagger.settings
    if vectors is not None:
        base = s.phrase_weight * phrase + (1 - s.phrase_weight) * semantic
    else:
        base = phrase.copy()
    base = np.round(base, 4).astype(np.float32)
    # Read again only to explain an excerpt: a mapped matrix's pages can go meanwhile.
    _let_pages_go(phrase)
    _let_pages_go(semantic)
    thresholds = [tagger.threshold(t) for t in themes]
    keyword_tagged = base >= np.asarray(thresholds, dtype=np.float32)[None, :]
    examples = examples_by_theme(row_of, theme_index, added, removed, pinned)
    corpus = CorpusMatrix(
        ids, inputs.docs, inputs.positions, vectors, inputs.has_vector, inputs.dense, inputs.centre
    )
    wanted = only(corpus, examples) if only is not None else None
    calibrated = calibrate(
        corpus, base, keyword_tagged, tagger.theme_vectors, thresholds, examples,
        s.calibration, wanted,
    )  # fmt: skip
    return CorpusTags(
        tagger, corpus, calibrated, phrase, semantic, found_of, examples, row_of, inputs.id_array
    )
