"""The sources for citation managers: CSL-JSON (Zotero, pandoc's citeproc) and BibTeX.

Only what a source says about itself is written; a missing field is left out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from briefing.memo.citations import author_names, source_type
from briefing.model import Source

# Our source types as CSL item types and BibTeX entry types.
_CSL_TYPES = {
    "article": "article-newspaper",
    "blog post": "post-weblog",
    "report": "report",
    "web page": "webpage",
    "e-mail": "personal_communication",
    "document": "document",
}
_BIBTEX_TYPES = {
    "article": "article",
    "blog post": "online",
    "report": "techreport",
    "web page": "online",
    "e-mail": "misc",
    "document": "misc",
}


def csl_items(sources: Sequence[Source]) -> list[dict[str, Any]]:
    """One CSL-JSON item per source (https://citationstyles.org, csl-data.json)."""
    items: list[dict[str, Any]] = []
    for source in sources:
        item: dict[str, Any] = {"id": source.id, "type": _CSL_TYPES[source_type(source)]}
        if source.title:
            item["title"] = source.title
        names = [_csl_name(n) for n in author_names(source)]
        if names:
            item["author"] = names
        if source.outlet:
            item["container-title"] = source.outlet
        if source.date:
            item["issued"] = {"date-parts": [_parts(source.date)]}
        if source.url:
            item["URL"] = source.url
        if source.accessed:
            item["accessed"] = {"date-parts": [_parts(source.accessed)]}
        items.append(item)
    return items


def bibtex(sources: Sequence[Source]) -> str:
    """The sources as BibTeX entries, keyed by their ids."""
    entries: list[str] = []
    for source in sources:
        fields: list[tuple[str, str]] = []
        names = author_names(source)
        if names:
            fields.append(("author", " and ".join(_bib_name(n) for n in names)))
        if source.title:
            fields.append(("title", source.title))
        if source.outlet:
            kind = source_type(source)
            fields.append(("journal" if kind == "article" else "howpublished", source.outlet))
        if source.date:
            parts = _parts(source.date)
            fields.append(("year", str(parts[0])))
            if len(parts) > 1:
                fields.append(("month", str(parts[1])))
            fields.append(("date", source.date))
        if source.url:
            fields.append(("url", source.url))
        if source.accessed:
            fields.append(("urldate", source.accessed))
        body = ",\n".join(f"  {key} = {{{_bib_escape(value)}}}" for key, value in fields)
        kind = _BIBTEX_TYPES[source_type(source)]
        entries.append(
            f"@{kind}{{{source.id},\n{body}\n}}\n" if body else f"@{kind}{{{source.id}}}\n"
        )
    return "\n".join(entries)


def _csl_name(name: str) -> dict[str, str]:
    if "," in name:
        family, given = (p.strip() for p in name.split(",", 1))
        return {"family": family, "given": given} if given else {"family": family}
    parts = name.split()
    if len(parts) < 2:
        return {"literal": name}
    return {"family": parts[-1], "given": " ".join(parts[:-1])}


def _bib_name(name: str) -> str:
    csl = _csl_name(name)
    if "literal" in csl:
        return "{" + csl["literal"] + "}"
    return f"{csl['family']}, {csl['given']}" if "given" in csl else csl["family"]


def _parts(iso: str) -> list[int]:
    return [int(p) for p in iso.split("-")[:3] if p.isdigit()]


def _bib_escape(text: str) -> str:
    """Braces kept balanced and TeX's special characters escaped, so no field breaks out."""
    text = " ".join(text.split()).replace("\\", r"\textbackslash{}")
    text = re.sub(r"([{}&%$#_])", r"\\\1", text)
    return text.replace("~", r"\textasciitilde{}").replace("^", r"\textasciicircum{}")
