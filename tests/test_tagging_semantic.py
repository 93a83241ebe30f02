"""The WordLlama embedder: our own tokenising and pooling must equal the library's."""

from __future__ import annotations

import numpy as np
import pytest
from tokenizers import Tokenizer

from briefing.tagging.semantic import TOKENIZER_FILE, WordLlamaEmbedder, _package_dir

TEXTS = [
    "Russia lifted its arms embargo on Pakistan’s Mi-35 helicopters.",
    "  two  spaces,\ttabs\nand new lines ",
    "Zürich, İstanbul and 😀 emoji",
    "a",
    " ",
]


@pytest.fixture(scope="module")
def embedder() -> WordLlamaEmbedder:
    return WordLlamaEmbedder()


def reference_tokenizer() -> Tokenizer:
    """The tokenizer as the wordllama package sets it up (normaliser included)."""
    return Tokenizer.from_file(str(_package_dir("wordllama") / "tokenizers" / TOKENIZER_FILE))


def test_word_cache_tokenises_like_the_tokenizer(embedder: WordLlamaEmbedder) -> None:
    encodings = reference_tokenizer().encode_batch(TEXTS, add_special_tokens=False)
    expected = [e.ids for e in encodings]
    assert embedder._by_word
    assert embedder._token_ids(TEXTS) == expected
    assert embedder._token_ids(TEXTS) == expected  # from the cache, this time


def test_embedding_equals_wordllama(embedder: WordLlamaEmbedder) -> None:
    from wordllama.inference import WordLlamaInference

    reference = WordLlamaInference(embedder._table.copy(), reference_tokenizer())
    texts = TEXTS[:4]
    expected = np.asarray(reference.embed(texts, norm=True, batch_size=32), dtype=np.float32)
    got = embedder.embed(texts)
    assert got.dtype == np.float32 and got.shape == (4, 256)
    np.testing.assert_allclose(got, expected, atol=1e-6)
    assert np.array_equal(np.vstack([embedder.embed([t]) for t in texts]), got)


def test_text_without_tokens_gets_zero_vector(embedder: WordLlamaEmbedder) -> None:
    vectors = embedder.embed(["", "arms"])
    assert not vectors[0].any() and abs(float(np.linalg.norm(vectors[1])) - 1) < 1e-5
