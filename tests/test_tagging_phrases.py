"""Keyword matching: inflections and word boundaries, as a user would expect them."""

from briefing.model import Theme
from briefing.tagging.phrases import ThemeMatcher


def found(keywords: list[str], text: str, exclude: tuple[str, ...] = ()) -> tuple[str, ...]:
    theme = Theme(id="t", label="Zzz", keywords=tuple(keywords), exclude=exclude)
    return ThemeMatcher(theme).match(text).found


def test_plural_possessive_and_verb_forms() -> None:
    assert found(["helicopter"], "Two helicopters landed.") == ("helicopters",)
    assert found(["policy"], "Their policies changed.") == ("policies",)
    assert found(["India"], "India’s view and India's concern") == ("India’s", "India's")
    assert found(["lift"], "Russia lifted the ban") == ("lifted",)
    assert found(["trade"], "trading partners") == ("trading",)


def test_case_and_hyphen_or_space() -> None:
    assert found(["Northern Alliance"], "the northern alliance") == ("northern alliance",)
    assert found(["military-technical"], "military technical ties") == ("military technical",)
    assert found(["Mi-35"], "MI-35 helicopters") == ("MI-35",)


def test_word_boundaries() -> None:
    assert found(["arms"], "It harms no one.") == ()
    assert found(["gas"], "Las Vegas") == ()
    assert found(["Afghan"], "Afghanistan") == ()
    assert found(["oil"], "turmoil and oil") == ("oil",)


def test_exclude_vetoes_overlapping_match_only() -> None:
    assert found(["weapons"], "nuclear weapons", exclude=("nuclear weapons",)) == ()
    assert found(
        ["weapons"], "nuclear weapons and weapons sales", exclude=("nuclear weapons",)
    ) == ("weapons",)


def test_label_parts_are_phrases() -> None:
    theme = Theme(id="e", label="Energy and Gwadar", description="d")
    assert ThemeMatcher(theme).match("the port of Gwadar").found == ("Gwadar",)


def test_patterns() -> None:
    theme = Theme(id="p", label="Zzz", patterns=(r"\bSu-\d+\b",))
    match = ThemeMatcher(theme).match("Su-35 and Su-30 jets")
    assert match.found == ("Su-35", "Su-30") and match.mentions == 2


def test_word_index_finds_what_a_full_scan_finds() -> None:
    """Regexes run only where a phrase can start; that must not change any match."""
    theme = Theme(
        id="t",
        label="Arms, U.S. policy",
        keywords=("arms embargo", "tank", "India's", "Mi-35", "policy", "kelvin", "oil"),
        exclude=("nuclear weapons",),
    )
    texts = [
        "ARMS embargoes, tanks' crews and India’s policies; turmoil, oil.",
        "Zürich’s arms-embargo and U.S. policy on the Mi 35",
        "\u212aelvin and kelvin; İndia's tank",  # Kelvin sign; a letter that lower() lengthens
        "nuclear weapons tank_ arms_embargo tank2 arms",
        "",
    ]
    fast = ThemeMatcher(theme)
    full = ThemeMatcher(theme)
    full._starts = full._exclude_starts = None  # scan every position, as a plain finditer
    for text in texts:
        assert fast.match(text) == full.match(text), text
    assert fast.match(texts[2]).found == ("\u212aelvin", "kelvin", "\u0130ndia's", "tank")
