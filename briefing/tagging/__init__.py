"""Tagging: the taxonomy (themes.yaml), the tagger, manual decisions and evaluation.

The core of briefing calls only what is re-exported here.
"""

from typing import TYPE_CHECKING

from briefing.lazy import lazy_attributes
from briefing.tagging.evaluate import EvalReport, GoldArticle, ThemeResult, evaluate, load_gold
from briefing.tagging.manual import ManualTags, Stamp, load_manual_tags, save_manual_tags
from briefing.tagging.taxonomy import load_themes

if TYPE_CHECKING:
    from briefing.tagging.semantic import Embedder, WordLlamaEmbedder, default_embedder
    from briefing.tagging.tagger import DEFAULT_SETTINGS, Settings, Tagger

# The tagger and the embedder pull in numpy (and the model on first use): they load when
# first asked for, so a command that only reads the store never imports them.
_LAZY = {
    "Embedder": "briefing.tagging.semantic",
    "WordLlamaEmbedder": "briefing.tagging.semantic",
    "default_embedder": "briefing.tagging.semantic",
    "DEFAULT_SETTINGS": "briefing.tagging.tagger",
    "Settings": "briefing.tagging.tagger",
    "Tagger": "briefing.tagging.tagger",
}


__getattr__ = lazy_attributes(__name__, _LAZY)


__all__ = [
    "DEFAULT_SETTINGS",
    "Embedder",
    "EvalReport",
    "GoldArticle",
    "ManualTags",
    "Stamp",
    "Settings",
    "Tagger",
    "ThemeResult",
    "WordLlamaEmbedder",
    "default_embedder",
    "evaluate",
    "load_gold",
    "load_manual_tags",
    "load_themes",
    "save_manual_tags",
]
