"""Tagging: the taxonomy (themes.yaml), the tagger, manual decisions and evaluation.

The core of briefing calls only what is re-exported here.
"""

from briefing.tagging.evaluate import EvalReport, GoldArticle, ThemeResult, evaluate, load_gold
from briefing.tagging.manual import ManualTags, load_manual_tags, save_manual_tags
from briefing.tagging.semantic import Embedder, WordLlamaEmbedder, default_embedder
from briefing.tagging.tagger import DEFAULT_SETTINGS, Settings, Tagger
from briefing.tagging.taxonomy import load_themes

__all__ = [
    "DEFAULT_SETTINGS",
    "Embedder",
    "EvalReport",
    "GoldArticle",
    "ManualTags",
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
