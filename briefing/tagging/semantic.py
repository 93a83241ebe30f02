"""Semantic similarity: catches paragraphs about a theme that use none of its words.

The embedder sits behind a small protocol so it can be swapped (and faked in
tests). The default one is WordLlama, whose weights ship inside its wheel; it is
loaded once per process, on first use, and never downloads anything.

WordLlama is only a token-embedding table averaged over a text's tokens, so we
run it ourselves rather than through `WordLlamaInference`: that class pads each
batch to its longest text, gathers the padding too, and tokenises whole
paragraphs, which together made embedding ~15x slower than it needs to be.
"""

from __future__ import annotations

import importlib.util
import logging
import pathlib
import re
import threading
import warnings
from bisect import bisect_left
from collections.abc import Sequence
from itertools import accumulate, chain
from typing import Protocol

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

Matrix = npt.NDArray[np.float32]

_MARK = "\u2581"  # SentencePiece's word mark: the tokenizer's normaliser turns " " into it
_PIECE = re.compile(f"{_MARK}*[^{_MARK}]+|{_MARK}+")  # a word with the marks before it
TOKENIZER_FILE = "l2_supercat_tokenizer_config.json"
WEIGHTS_FILE = "l2_supercat_256.safetensors"
_CHUNK = 1024  # texts tokenised at a time (bounds the memory of the word lists)
_CACHE_LIMIT = 100_000  # distinct words remembered (~20 MB); cleared, not evicted, when full


class Embedder(Protocol):
    """Turns texts into L2-normalised row vectors (one row per text)."""

    def embed(self, texts: Sequence[str]) -> Matrix:
        """Embed `texts`; rows have unit length."""
        ...


class EmbedderUnavailable(RuntimeError):
    """The default embedder could not be loaded; scoring falls back to phrases alone."""


def _normalise(text: str) -> str:
    """What the WordLlama tokenizer's normaliser makes of a text (checked at load)."""
    return _MARK + text.replace(" ", _MARK) if text else ""


def _pieces(text: str) -> list[str]:
    """`_PIECE.findall(_normalise(text))`: each word with the marks before it. A text of
    words one space apart, with no mark of its own, is cut by str.split (no regex pass
    over it): each word then has one mark before it."""
    if not text or "  " in text or text[0] == " " or text[-1] == " " or _MARK in text:
        return _PIECE.findall(_normalise(text))
    return (_MARK + text.replace(" ", " " + _MARK)).split(" ")


def _package_dir(name: str) -> pathlib.Path:
    """Where an installed package lives, without importing it.

    Importing `wordllama` costs ~0.25 s (it pulls in requests and friends) and
    we need only its two data files.
    """
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"the '{name}' package is not installed")
    return pathlib.Path(next(iter(spec.submodule_search_locations)))


class WordLlamaEmbedder:
    """WordLlama (256 dimensions), loaded from the files inside the installed package.

    A text's vector is the mean of its tokens' rows, L2-normalised: the same as
    `WordLlamaInference.embed(texts, norm=True)` (bit for bit, on the sample).
    """

    def __init__(self) -> None:
        from safetensors import safe_open
        from tokenizers import Tokenizer

        root = _package_dir("wordllama")
        tokenizer = Tokenizer.from_file(str(root / "tokenizers" / TOKENIZER_FILE))
        tokenizer.no_padding()
        tokenizer.no_truncation()
        with safe_open(root / "weights" / WEIGHTS_FILE, framework="np") as f:
            table = f.get_tensor("embedding.weight")  # float16 on disk
        # Kept as float16, as shipped (half the memory of float32, in every process that
        # embeds); each batch widens the rows of its distinct tokens once (see `embed`).
        self._table = np.ascontiguousarray(table, dtype=np.float16)
        self.dim = int(self._table.shape[1])
        # Word cache. The normaliser only prepends a mark and turns spaces into marks,
        # there is no pre-tokeniser, and no vocabulary token has a mark after another
        # character, so BPE never merges across a word start: a text's tokens are its
        # words' tokens, joined. Words repeat a lot in news, so tokenising each
        # distinct word once is ~10x cheaper than tokenising whole paragraphs. The
        # checks keep this exact should the tokenizer file ever change.
        probe = " Two  words\tand\u2019 more "
        normaliser = tokenizer.normalizer
        self._by_word = (
            normaliser is not None
            and normaliser.normalize_str(probe) == _normalise(probe)
            and tokenizer.pre_tokenizer is None
            and not any(_MARK in token.lstrip(_MARK) for token in tokenizer.get_vocab())
        )
        if self._by_word:
            tokenizer.normalizer = None  # fed words that are normalised already
        self._tokenizer = tokenizer
        self._words: dict[str, tuple[int, ...]] = {}

    def count_tokens(self, text: str) -> int:
        """How many sub-word tokens a phrase takes: a proxy for how rare, so how specific."""
        return len(self._token_ids([text])[0])

    def _token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Each text's token ids, exactly as the tokenizer would give them.

        One `encode` at a time, never `encode_batch`: the batch call hands work to a
        thread pool whose idle threads spin, and on two cores that spinning halved
        the speed of everything else in the process (the tagger's own regexes).
        """
        if not self._by_word:
            return [self._tokenizer.encode(t, add_special_tokens=False).ids for t in texts]
        return self._piece_ids([_pieces(t) for t in texts])

    def _piece_ids(self, split: Sequence[Sequence[str]]) -> list[list[int]]:
        """The token ids of texts given as their words (`pieces`)."""
        words = self._words
        new = set(chain.from_iterable(split))
        new.difference_update(words)
        if new:
            if len(words) + len(new) > _CACHE_LIMIT:
                words = self._words = {}
            encode = self._tokenizer.encode
            words.update((w, tuple(encode(w, add_special_tokens=False).ids)) for w in new)
        get = words.__getitem__
        return [list(chain.from_iterable(map(get, pieces))) for pieces in split]

    def pieces(self, texts: Sequence[str]) -> list[list[str]] | None:
        """Each text cut into the words the tokenizer reads one by one (with the marks
        before each), or None when this tokenizer does not read word by word."""
        if not self._by_word:
            return None
        return [_pieces(t) for t in texts]

    @staticmethod
    def part_pieces(
        text: str, pieces: Sequence[str], edges: Sequence[int], start: int, end: int
    ) -> Sequence[str] | None:
        """The `pieces` of `text[start:end]`, taken from those of `text` (`edges`: where
        each of them begins, then where the last ends: `piece_edges`). None unless the
        part's edges fall where its text's words begin and end."""
        # The normalised text is a mark, then the text with its spaces made marks: the
        # part's normalised form is the normalised text's [start, end + 1). Its words are
        # the text's between them when both are edges of the text's words (a word begins
        # at a mark after a non-mark): the part begins after a lone space (or at 0) and
        # ends before a space that follows a non-space (or at the end).
        first, last = bisect_left(edges, start), bisect_left(edges, end + 1)
        if end <= start or last >= len(edges) or edges[first] != start or edges[last] != end + 1:
            return None
        return pieces[first:last]

    @staticmethod
    def piece_edges(pieces: Sequence[str]) -> list[int]:
        """Where each of a text's `pieces` begins in its normalised form, then its end."""
        return [0, *accumulate(map(len, pieces))]

    def embed(self, texts: Sequence[str]) -> Matrix:
        """Mean of token rows, normalised; a text without tokens gets a zero vector."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        lengths: list[int] = []
        for first in range(0, len(texts), _CHUNK):
            lengths += self._sums(self._token_ids(texts[first : first + _CHUNK]), out[first:])
        return _means(out, lengths)

    def embed_pieces(self, split: Sequence[Sequence[str]]) -> Matrix:
        """`embed` of texts given as their `pieces`."""
        out = np.zeros((len(split), self.dim), dtype=np.float32)
        lengths: list[int] = []
        for first in range(0, len(split), _CHUNK):
            lengths += self._sums(self._piece_ids(split[first : first + _CHUNK]), out[first:])
        return _means(out, lengths)

    def _sums(self, ids: list[list[int]], out: Matrix) -> list[int]:
        """Each text's token rows summed into its row of `out`; how many each has.

        Each text is summed on its own: its ~100 rows stay in cache, and a text's
        vector cannot depend on what else is in the batch. (Gathering a whole batch
        and using `np.add.reduceat` was ~8x slower.)
        """
        lengths = list(map(len, ids))
        flat = np.fromiter(chain.from_iterable(ids), dtype=np.intp, count=sum(lengths))
        # The chunk's distinct tokens' rows, widened once (float16 to float32 is exact):
        # gathering float16 rows and widening them text by text was 4x the sums' cost.
        met, flat = np.unique(flat, return_inverse=True)
        table = self._table[met].astype(np.float32)
        end = 0
        for i, length in enumerate(lengths):
            start, end = end, end + length
            if length:
                np.add.reduce(table[flat[start:end]], axis=0, out=out[i])
        return lengths


def _means(out: Matrix, lengths: list[int]) -> Matrix:
    """Sums of token rows (`out`, in place) divided by their counts, then normalised."""
    counts = np.asarray(lengths, dtype=np.float32).reshape(-1, 1)
    np.maximum(counts, 1.0, out=counts)
    out /= counts
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    return out


_lock = threading.Lock()
_default: WordLlamaEmbedder | None = None
_failed: str | None = None


def default_embedder() -> Embedder | None:
    """The shared WordLlama embedder, or None (with one warning) if it cannot load."""
    global _default, _failed
    with _lock:
        if _default is None and _failed is None:
            try:
                _default = WordLlamaEmbedder()
            except Exception as exc:  # any failure: degrade, do not crash the ingest
                _failed = f"{type(exc).__name__}: {exc}"
                message = (
                    f"semantic scoring is off ({_failed}); themes are scored on phrases alone. "
                    "Reinstall the 'wordllama' package to turn it back on."
                )
                log.warning(message)
                warnings.warn(message, RuntimeWarning, stacklevel=2)
        return _default
