"""The corpus matrix kept beside the store, so that a decision's re-tag reads no row.

Calibrating needs the whole corpus as arrays: ids, documents, positions, vectors, each
excerpt's context-free scores, the corpus's centre. Reading them from SQLite (26,000
rows of vectors and keyword matches at 2,000 articles, 260,000 at 20,000) and working
out the meaning scores and the centre was most of a re-tag after a decision. They are a
function of the stored corpus and the tagger alone, so the first calibration after either
changes writes them as .npy files in `matrix-KEY/` beside the store, and the next ones map
them (no copy, no parse). KEY digests the store's corpus stamp (a token renewed by every
write of excerpts, vectors or keyword matches), the tagger's fingerprints and this
format's version: a changed corpus or taxonomy never finds a stale matrix. It is derived
data: a missing, partial or unreadable one is made again from the store, and one that
cannot be written is simply not kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from briefing.tagging import corpus as _corpus
from briefing.tagging.calibrate import CorpusMatrix, centred
from briefing.tagging.corpus import CorpusInputs, KeptIds, PagedVectors
from briefing.tagging.tagger import Tagger

FORMAT = 5  # bump when what is kept, or how, changes
_DONE = "complete"  # written last: a folder without it is a write that did not finish
_ARRAYS = ("docs", "positions", "has_vector", "phrase", "semantic")
_STALE_TEMP = 3600  # seconds: a temporary folder this old was left by a run that died
_BLOCK = 16384  # rows of vectors written at a time (a mapped matrix is never all read)


def key_of(stamp: str, tagger: Tagger) -> str:
    """The matrix's name for this corpus (its store's stamp) and this tagger."""
    payload = [
        FORMAT,
        stamp,
        tagger.fingerprint,
        tagger.semantic_fingerprint,
        [t.id for t in tagger.themes],
    ]
    return hashlib.sha256(json.dumps(payload).encode()).hexdigest()[:16]


def with_centre(inputs: CorpusInputs) -> CorpusInputs:
    """The inputs with the corpus's centre worked out (`calibrate.centred`), once."""
    if inputs.centre is None and inputs.vectors is not None and len(inputs) > 2:
        corpus = CorpusMatrix(
            inputs.ids,
            inputs.docs,
            inputs.positions,
            inputs.vectors,
            inputs.has_vector,
            inputs.dense,
        )
        inputs.centre = centred(corpus)
        inputs.dense = corpus.dense
    return inputs


def vectors_missing(folder: Path, key: str) -> bool | None:
    """Whether some excerpt of the kept matrix `key` has no vector; None: none kept."""
    try:
        meta = json.loads((folder / f"matrix-{key}" / _DONE).read_text(encoding="utf-8"))
        return bool(meta["missing"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def load(folder: Path, key: str) -> CorpusInputs | None:
    """The kept matrix named `key`, mapped; None when there is none whole."""
    place = folder / f"matrix-{key}"
    try:
        meta = json.loads((place / _DONE).read_text(encoding="utf-8"))
        rows = int(meta["rows"])
        arrays = {name: np.load(place / f"{name}.npy", mmap_mode="r") for name in _ARRAYS}
        id_array = np.load(place / "ids.npy", mmap_mode="r")
        # The ids as read from the mapped array, one when asked: a list of every id is
        # 90 MB of Python strings at 100,000 articles.
        ids = KeptIds(id_array, place / "ids.txt")
        vectors = dense = None
        centre = None
        if meta["vectors"]:
            # One float32 file serves as both: the same values as the stored float16.
            dense = _mapped(place / "vectors.npy", np.float32)
            vectors = cast("npt.NDArray[np.float16]", dense)
            if meta["centre"]:
                centre = (np.load(place / "mean.npy"), np.load(place / "norms.npy"))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if any(len(a) != rows for a in [*arrays.values(), id_array]):
        return None
    return CorpusInputs(
        ids,
        arrays["docs"],
        arrays["positions"],
        arrays["has_vector"],
        vectors,
        dense,
        arrays["phrase"],
        arrays["semantic"],
        centre,
        id_array,
    )


def _mapped(path: Path, dtype: type[np.floating[Any]]) -> Any:
    """Vectors, mapped; a large corpus's through `PagedVectors`, which lets each block's
    pages go once read (the process never holds the whole matrix)."""
    mapped = np.load(path, mmap_mode="r")
    if mapped.dtype != dtype or mapped.ndim != 2:
        raise ValueError(f"{path}: not a matrix of vectors")
    if mapped.nbytes <= _corpus.SPILL_BYTES or not len(mapped):
        return mapped
    paged = PagedVectors(path, dtype=dtype, mode="r", offset=mapped.offset, shape=mapped.shape)
    del mapped
    return paged


def save(folder: Path, key: str, inputs: CorpusInputs) -> None:
    """Keep the inputs as the matrix named `key`, in place of any other kept matrix."""
    final = folder / f"matrix-{key}"
    joined = "\n".join(inputs.ids)
    if joined.count("\n") != max(len(inputs) - 1, 0):
        return  # ids that would not split back
    if load(folder, key) is not None:
        return  # kept whole already (by another process)
    try:
        temporary = Path(tempfile.mkdtemp(prefix="matrix-tmp-", dir=folder))
    except OSError:
        return
    try:
        (temporary / "ids.txt").write_bytes(joined.encode("utf-8"))
        np.save(temporary / "ids.npy", _id_array(inputs))
        for name in _ARRAYS:
            np.save(temporary / f"{name}.npy", np.asarray(getattr(inputs, name)))
        if inputs.vectors is not None:
            # As float32 (the same values as the stored float16), whatever the corpus's
            # size: mapped, it costs disk, not memory (twice the float16's: 270 MB at
            # 20,000 articles), and spares the calibration a conversion of every block
            # of a large corpus at every product.
            _save_blocks(temporary / "vectors.npy", inputs.vectors, np.float32)
        if inputs.centre is not None:
            np.save(temporary / "mean.npy", inputs.centre[0])
            np.save(temporary / "norms.npy", inputs.centre[1])
        meta = {
            "rows": len(inputs),
            "missing": bool(len(inputs)) and not bool(np.all(inputs.has_vector)),
            "vectors": inputs.vectors is not None,
            "centre": inputs.centre is not None,
        }
        (temporary / _DONE).write_text(json.dumps(meta), encoding="utf-8")
        shutil.rmtree(final, ignore_errors=True)  # a damaged or unfinished one
        os.rename(temporary, final)
    except OSError:  # a full disk, a race with another process: the store still has it all
        shutil.rmtree(temporary, ignore_errors=True)
        return
    _forget_others(folder, final)


class _Unkept(Exception):
    """The corpus cannot be kept as a matrix (an id that would not split back, a corpus
    that changed while it was read): it is read into memory instead."""


def build(
    folder: Path,
    key: str,
    tagger: Tagger,
    count: int,
    rows: Iterable[tuple[str, str, int, bytes | None]],
    hits: Iterable[tuple[str, str, float, str]],
) -> CorpusInputs | None:
    """Read the store's rows (as `corpus.read_inputs` takes them) straight into the kept
    matrix `key`, block by block, and map it; None when it cannot be kept (the caller then
    reads the corpus into memory). The same arrays, to the bit, as `read_inputs` followed
    by `with_centre` and `save`, but the process never holds more than a block of rows:
    no list of every id, no whole matrix of vectors, no dictionary of every excerpt."""
    try:
        temporary = Path(tempfile.mkdtemp(prefix="matrix-tmp-", dir=folder))
    except OSError:
        return None
    final = folder / f"matrix-{key}"
    try:
        _write(temporary, tagger, count, rows, hits)
        shutil.rmtree(final, ignore_errors=True)  # a damaged or unfinished one
        os.rename(temporary, final)
    except (OSError, _Unkept):
        shutil.rmtree(temporary, ignore_errors=True)
        return None
    _forget_others(folder, final)
    return load(folder, key)


def _write(
    place: Path,
    tagger: Tagger,
    count: int,
    rows: Iterable[tuple[str, str, int, bytes | None]],
    hits: Iterable[tuple[str, str, float, str]],
) -> None:
    themes = tagger.themes
    theme_index = {t.id: i for i, t in enumerate(themes)}
    k = len(themes)
    theme_vectors = tagger.theme_vectors
    dim = int(theme_vectors.shape[1]) if theme_vectors is not None else 0
    docs = np.zeros(count, dtype=np.int64)
    positions = np.zeros(count, dtype=np.int64)
    has_vector = np.zeros(count, dtype=bool)
    phrase = np.zeros((count, k), dtype=np.float32)
    semantic = np.zeros((count, k), dtype=np.float32)
    longest = 1
    n = 0
    with contextlib.ExitStack() as closing:
        id_file = closing.enter_context(open(place / "ids.txt", "wb"))
        vector_file = closing.enter_context(open(place / "vectors.npy", "wb")) if dim else None
        if vector_file is not None:
            _header(vector_file, (count, dim), np.float32)
        # Blocks of MEANING_BLOCK rows from the first: `Tagger.similarity` then makes the
        # same products, block for block, as `read_inputs` does over the whole corpus.
        for block in _corpus.row_blocks(rows, _corpus.MEANING_BLOCK, dim):
            end = n + len(block.ids)
            if end > count:
                raise _Unkept("the corpus grew while it was being read")
            if any("\n" in excerpt_id for excerpt_id in block.ids):
                raise _Unkept("an id that would not split back")
            id_file.write((("\n" if n else "") + "\n".join(block.ids)).encode("utf-8"))
            longest = max(longest, *map(len, block.ids))
            docs[n:end] = block.docs
            positions[n:end] = block.places
            if vector_file is not None and block.vectors is not None:
                has_vector[np.asarray(block.whole, dtype=np.int64) + n] = True
                semantic[n:end] = tagger.meaning(cast("Any", block.vectors), whole=True)
                vector_file.write(block.vectors.astype(np.float32).tobytes())
            n = end
    if n != count:
        raise _Unkept("the corpus changed while it was being read")
    semantic[~has_vector] = 0.0
    _write_id_array(place, n, longest)
    id_array = np.load(place / "ids.npy", mmap_mode="r")
    stream_hits = iter(hits)
    while hit_block := list(itertools.islice(stream_hits, _BLOCK)):
        hit_ids = np.asarray([row[0] for row in hit_block], dtype=str)
        at = np.searchsorted(id_array, hit_ids) if n else np.zeros(len(hit_ids), np.int64)
        found = at < n
        found[found] = id_array[at[found]] == hit_ids[found]
        at_rows: list[int] = []
        at_themes: list[int] = []
        scores: list[float] = []
        for (_, theme_id, score, _), r, ok in zip(hit_block, at.tolist(), found, strict=True):
            t = theme_index.get(theme_id)
            if ok and t is not None:
                at_rows.append(r)
                at_themes.append(t)
                scores.append(score)
        phrase[at_rows, at_themes] = scores
    del id_array
    for name, array in (
        ("docs", docs),
        ("positions", positions),
        ("has_vector", has_vector),
        ("phrase", phrase),
        ("semantic", semantic),
    ):
        np.save(place / f"{name}.npy", array)
    vectors = has_vector.any()
    if not vectors:
        (place / "vectors.npy").unlink(missing_ok=True)
    centre = None
    if vectors and n > 2:
        mapped = _mapped(place / "vectors.npy", np.float32)
        ids = KeptIds(np.load(place / "ids.npy", mmap_mode="r"), place / "ids.txt")
        kept = CorpusInputs(ids, docs, positions, has_vector, mapped, mapped, phrase, semantic)
        centre = with_centre(kept).centre
        del kept, mapped
    if centre is not None:
        np.save(place / "mean.npy", centre[0])
        np.save(place / "norms.npy", centre[1])
    meta = {
        "rows": n,
        "missing": bool(n) and not bool(np.all(has_vector)),
        "vectors": bool(vectors),
        "centre": centre is not None,
    }
    (place / _DONE).write_text(json.dumps(meta), encoding="utf-8")


def _write_id_array(place: Path, n: int, longest: int) -> None:
    """ids.npy from ids.txt, a block at a time (as `np.asarray(ids, dtype=str)` makes it)."""
    dtype = np.dtype(f"<U{longest}")
    with open(place / "ids.txt", "rb") as lines, open(place / "ids.npy", "wb") as out:
        _header(out, (n,), dtype)
        while n and (block := list(itertools.islice(lines, _BLOCK))):
            text = b"".join(block).decode("utf-8").split("\n")
            if text[-1] == "":
                text.pop()
            out.write(np.asarray(text, dtype=dtype).tobytes())


def _header(out: Any, shape: tuple[int, ...], dtype: Any) -> None:
    header: dict[str, Any] = {
        "descr": np.lib.format.dtype_to_descr(np.dtype(dtype)),
        "fortran_order": False,
        "shape": shape,
    }
    np.lib.format.write_array_header_2_0(out, header)


def _id_array(inputs: CorpusInputs) -> np.ndarray:
    """The ids as one numpy array (as `CorpusTags.id_array` makes it)."""
    return np.asarray(inputs.ids, dtype=str)


def _save_blocks(path: Path, vectors: np.ndarray, dtype: type[np.floating[Any]]) -> None:
    with open(path, "wb") as out:
        _header(out, tuple(vectors.shape), dtype)
        for start in range(0, len(vectors), _BLOCK):
            out.write(np.ascontiguousarray(vectors[start : start + _BLOCK], dtype=dtype).tobytes())


def _forget_others(folder: Path, kept: Path) -> None:
    """Remove the matrices of other corpora and taxonomies (and dead runs' leftovers)."""
    now = time.time()
    for other in folder.glob("matrix-*"):
        if other == kept or not other.is_dir():
            continue
        if other.name.startswith("matrix-tmp-"):
            with contextlib.suppress(OSError):
                if now - other.stat().st_mtime < _STALE_TEMP:
                    continue  # another process may be writing it
        shutil.rmtree(other, ignore_errors=True)
