"""The pieces of a source screen: an excerpt block, and the explanation of its tags."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Static

from briefing.model import Excerpt, ThemeScore

HUES = 8  # .hue-0 … .hue-7 in app.tcss: one colour per theme, in taxonomy order


class ExcerptBlock(Static):
    """One excerpt in its article, coloured by its first theme; focusable to explain it."""

    can_focus = True
    BINDINGS = [
        Binding("down,j", "app.focus_next", "Next", show=False),
        Binding("up,k", "app.focus_previous", "Previous", show=False),
    ]

    class Focused(Message):
        """The reader moved to this excerpt: its tags should be explained."""

        def __init__(self, excerpt_id: str) -> None:
            super().__init__()
            self.excerpt_id = excerpt_id

    def __init__(self, excerpt: Excerpt, labels: list[str], hue: int | None) -> None:
        classes = "excerpt-block " + (f"hue-{hue}" if hue is not None else "untagged")
        super().__init__(self._content(excerpt, labels), classes=classes, id=f"x-{excerpt.id}")
        self.excerpt_id = excerpt.id

    @staticmethod
    def _content(excerpt: Excerpt, labels: list[str]) -> Text:
        text = Text()
        if labels:
            text.append(" · ".join(labels), style="bold")
            text.append("\n")
        text.append(excerpt.text)
        return text

    def on_focus(self) -> None:
        self.post_message(self.Focused(self.excerpt_id))


def explanation_text(scores: list[ThemeScore], labels: dict[str, str]) -> Text:
    """Per theme: given or not, the score against the threshold, and the evidence."""
    text = Text()
    ranked = sorted(scores, key=lambda s: (not s.tagged, -s.score))
    for score in ranked:
        why = score.explanation
        mark = "✓" if score.tagged else "·"
        text.append(
            f"{mark} {labels.get(score.theme_id, score.theme_id)}\n",
            style="bold" if score.tagged else "dim",
        )
        text.append(f"   score {score.score:.2f}", style="dim")
        if why.threshold:
            text.append(f" · threshold {why.threshold:.2f}", style="dim")
        text.append("\n")
        if why.manual:
            text.append(f"   {why.manual} by hand (tags.yaml)\n", style="italic")
        if why.phrases:
            text.append(f"   phrases: {', '.join(why.phrases)}\n")
        if why.excluded:
            text.append(f"   excluded by: {', '.join(why.excluded)}\n", style="dim")
        if why.semantic_score:
            text.append(
                f"   semantic {why.semantic_score:.2f} · phrases {why.phrase_score:.2f}\n",
                style="dim",
            )
        text.append("\n")
    return text
