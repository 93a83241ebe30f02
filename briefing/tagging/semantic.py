"""Semantic similarity: catches paragraphs about a theme that use none of its words.

The embedder sits behind a small protocol so it can be swapped (and faked in
tests). The default one is WordLlama, whose weights ship inside its wheel; it is
loaded once per process, on first use, and never downloads anything.
"""

from __future__ import annotations

import logging
import pathlib
import threading
import warnings
from collections.abc import Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

Matrix = npt.NDArray[np.float32]


class Embedder(Protocol):
    """Turns texts into L2-normalised row vectors (one row per text)."""

    def embed(self, texts: Sequence[str]) -> Matrix:
        """Embed `texts`; rows have unit length."""
        ...


class EmbedderUnavailable(RuntimeError):
    """The default embedder could not be loaded; scoring falls back to phrases alone."""


class WordLlamaEmbedder:
    """WordLlama (256 dimensions), loaded from the files inside the installed package."""

    def __init__(self) -> None:
        import wordllama
        from safetensors import safe_open
        from wordllama.inference import WordLlamaInference
        from wordllama.wordllama import WordLlama

        root = pathlib.Path(wordllama.__file__).parent
        tokenizer = WordLlama.load_tokenizer(
            root / "tokenizers" / "l2_supercat_tokenizer_config.json"
        )
        with safe_open(root / "weights" / "l2_supercat_256.safetensors", framework="np") as f:
            weights = f.get_tensor("embedding.weight")
        self._model = WordLlamaInference(weights, tokenizer)

    def count_tokens(self, text: str) -> int:
        """How many sub-word tokens a phrase takes: a proxy for how rare, so how specific."""
        return len(self._model.tokenizer.encode(text, add_special_tokens=False).ids)

    def embed(self, texts: Sequence[str]) -> Matrix:
        if not texts:
            return np.zeros((0, 256), dtype=np.float32)
        vectors = np.asarray(
            self._model.embed(list(texts), norm=True, batch_size=32), dtype=np.float32
        )
        return vectors.reshape(len(texts), -1)


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
