"""Web pages fetched for ingest: a URL in, a file to read out.

The fetched bytes are saved to a local file named after the page, with the
suffix of what the server sent (HTML or PDF), so that ingest reads it like any
other file and keeps it in sources/: `rebuild` never needs the network. Stdlib
urllib only: a timeout, a size limit, redirects followed (the final URL kept).
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

TIMEOUT = 20.0  # seconds per request
MAX_BYTES = 20 * 1024 * 1024
_KINDS = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "application/pdf": ".pdf",
    "text/plain": ".txt",
    "text/markdown": ".md",
    "message/rfc822": ".eml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
}
_USER_AGENT = "briefing/0.1 (article ingest; +https://pypi.org/project/briefing)"


class FetchError(Exception):
    """The URL could not be fetched; the message says why."""


@dataclass(frozen=True)
class Fetched:
    url: str  # the final URL, after redirects
    accessed: str  # ISO date of the fetch
    path: Path  # the saved bytes


def is_url(text: str) -> bool:
    """Whether a command-line argument is a web address (any scheme: ftp:// too, so that
    it is refused as an address, not looked for as a file)."""
    return bool(re.match(r"^[a-z][a-z0-9+.-]*://", str(text), re.IGNORECASE))


def _fetchable(url: str) -> bool:
    return bool(re.match(r"^https?://[^/\s]+", url, re.IGNORECASE))


def fetch(url: str, folder: Path, timeout: float = TIMEOUT, max_bytes: int = MAX_BYTES) -> Fetched:
    """Fetch `url` into a file under `folder`; raise FetchError saying why it failed."""
    if not _fetchable(url):
        raise FetchError("not a web address briefing fetches (http:// or https://, with a host)")
    request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT, "Accept": "*/*"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            final = response.geturl()
            kind = response.headers.get_content_type()
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise FetchError(f"too large ({int(length):,} bytes; the limit is {max_bytes:,})")
            data = response.read(max_bytes + 1)
    except urllib.error.HTTPError as error:
        raise FetchError(f"the server answered {error.code} {error.reason}") from error
    except urllib.error.URLError as error:
        raise FetchError(f"cannot fetch it ({error.reason})") from error
    except TimeoutError as error:
        raise FetchError(f"no answer within {timeout:g} s") from error
    except (OSError, ValueError) as error:
        raise FetchError(f"cannot fetch it ({error})") from error
    if len(data) > max_bytes:
        raise FetchError(f"too large (over {max_bytes:,} bytes)")
    if not _fetchable(final):
        raise FetchError(f"redirected to {final}, which is not a web page")
    suffix = _KINDS.get(kind) or _suffix_of(final) or _sniff(data)
    if suffix is None:
        raise FetchError(f"the server sent {kind}, not a page briefing reads")
    folder.mkdir(parents=True, exist_ok=True)
    path = _free(folder / f"{_name(final)}{suffix}")
    path.write_bytes(data)
    return Fetched(final, date.today().isoformat(), path)


def _suffix_of(url: str) -> str | None:
    suffix = Path(urlsplit(url).path).suffix.lower()
    return suffix if suffix in set(_KINDS.values()) | {".htm"} else None


def _sniff(data: bytes) -> str | None:
    head = data[:1024].lstrip().lower()
    if head.startswith(b"%pdf"):
        return ".pdf"
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head:
        return ".html"
    return None


def _name(url: str) -> str:
    """A file name from the URL: host and last path segment, safe on every system."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    last = Path(segments[-1]).stem if segments else "index"
    name = f"{parts.hostname or 'page'}-{last}"
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")[:80] or "page"


def _free(path: Path) -> Path:
    number = 2
    candidate = path
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
        number += 1
    return candidate
