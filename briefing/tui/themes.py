"""The app's two colour themes: muted greys with one warm accent, dark and light."""

from __future__ import annotations

from textual.theme import Theme

DARK = Theme(
    name="briefing-dark",
    primary="#7d9bb8",
    secondary="#8a94a6",
    accent="#d8a657",
    warning="#d8a657",
    error="#d4786c",
    success="#8fb573",
    foreground="#d4d4d0",
    background="#1c1e22",
    surface="#23262b",
    panel="#2b2f35",
    dark=True,
)

LIGHT = Theme(
    name="briefing-light",
    primary="#3f6388",
    secondary="#5c6675",
    accent="#a86a12",
    warning="#a86a12",
    error="#b04a3c",
    success="#4f7a32",
    foreground="#2a2c30",
    background="#f4f3ef",
    surface="#ebe9e3",
    panel="#e0ddd5",
    dark=False,
)
