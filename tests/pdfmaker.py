"""A minimal PDF writer for tests: positioned lines of Helvetica, no tags.

It makes the untagged PDFs (a word processor's or an old printer's) whose
paragraphs, columns and running headers must be found from the layout alone.
"""

from __future__ import annotations

Line = tuple[float, float, float, str]  # (x, y, font size, text); y from the page's bottom


def make_pdf(pages: list[list[Line]], title: str | None = None, tag_first: bool = False) -> bytes:
    """`tag_first`: a structure tree that tags only the first line (a partly tagged PDF)."""
    objects: list[bytes] = []
    page_ids = [4 + 2 * i for i in range(len(pages))]
    tree = 4 + 2 * len(pages)
    marks = f" /MarkInfo << /Marked true >> /StructTreeRoot {tree} 0 R" if tag_first else ""
    objects.append(f"<< /Type /Catalog /Pages 2 0 R{marks} >>".encode())
    kids = " ".join(f"{i} 0 R" for i in page_ids)
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for page_id, lines in zip(page_ids, pages, strict=True):
        shown = [
            f"BT /F1 {size:g} Tf {x:g} {y:g} Td ({_escape(text)}) Tj ET\n"
            for x, y, size, text in lines
        ]
        if tag_first and page_id == page_ids[0] and shown:
            shown[0] = f"/P << /MCID 0 >> BDC {shown[0]} EMC\n"
        stream = "".join(shown).encode("latin-1")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {page_id + 1} 0 R >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"endstream")
    if tag_first:
        objects.append(f"<< /Type /StructTreeRoot /K {tree + 1} 0 R >>".encode())
        objects.append(f"<< /Type /StructElem /S /P /P {tree} 0 R /Pg 4 0 R /K 0 >>".encode())
    info = None
    if title:
        objects.append(f"<< /Title ({_escape(title)}) >>".encode("latin-1"))
        info = len(objects)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    trailer = f"<< /Size {len(objects) + 1} /Root 1 0 R"
    trailer += f" /Info {info} 0 R >>" if info else " >>"
    out += f"trailer\n{trailer}\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def wrap(text: str, width: int) -> list[str]:
    """Words filled into lines of at most `width` characters."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        lines.append(current)
    return lines
