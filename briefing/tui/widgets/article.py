"""The pieces of a source screen: an excerpt block, and the explanation of its tags."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Static

from briefing.model import Excerpt, ThemeScore

HUES = 8  # .hue-0 … .hue-7 in app.tcss: one colour per theme, in taxonomy order
# The same colours as $hue-0 … $hue-7 in app.tcss, for the legend drawn as one wrapping line.
HUE_COLOURS = (
    "#7d9bb8",
    "#b58fb0",
    "#c4956a",
    "#7fae8f",
    "#c2b36a",
    "#8f95c9",
    "#c47f7f",
    "#6fb0b5",
)


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
        self.excerpt = excerpt
        self.excerpt_id = excerpt.id

    def relabel(self, labels: list[str], hue: int | None) -> None:
        """The excerpt's themes changed (a manual decision): its label and colour follow."""
        self.update(self._content(self.excerpt, labels))
        for i in range(HUES):
            self.remove_class(f"hue-{i}")
        self.remove_class("untagged")
        self.add_class(f"hue-{hue}" if hue is not None else "untagged")

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


def legend_text(labels: list[tuple[str, int]]) -> Text:
    """Every theme with its colour, on lines that wrap between themes, never inside one."""
    text = Text()
    for i, (label, hue) in enumerate(labels):
        if i:
            text.append("   ")
        text.append(f"▌{label}".replace(" ", "\u00a0"), style=HUE_COLOURS[hue % HUES])
    return text


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
