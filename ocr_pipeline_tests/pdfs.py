"""Small real PDFs for tests, typeset with PyMuPDF."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pymupdf


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    font: str = "helv"
    size: float = 10.0
    render_mode: int = 0


def make_pdf(path: Path, pages: list[list[Text]], *, width: float = 612, height: float = 792) -> Path:
    doc = pymupdf.open()
    for items in pages:
        page = doc.new_page(width=width, height=height)
        for item in items:
            page.insert_text(
                (item.x, item.y), item.text, fontname=item.font, fontsize=item.size,
                render_mode=item.render_mode,
            )
    doc.save(path)
    doc.close()
    return path


def make_image_only(src: Path, dst: Path, *, dpi: int = 200) -> Path:
    """Rebuild ``src`` as a scan: every page becomes a picture of itself, no text layer."""
    doc = pymupdf.open(src)
    out = pymupdf.open()
    for page in doc:
        pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
        new = out.new_page(width=page.rect.width, height=page.rect.height)
        new.insert_image(new.rect, stream=pix.tobytes("png"))
    out.save(dst)
    return dst


def entry(x: float, y: float, heading: str, body: list[str], *, indent: float = 9.0,
          leading: float = 11.0, size: float = 9.0) -> tuple[list[Text], float]:
    """A catalog entry: bold heading at ``x``, body lines indented; returns texts and next y."""
    texts = [Text(x, y, heading, font="hebo", size=size)]
    for line in body:
        y += leading
        texts.append(Text(x + indent, y, line, size=size))
    return texts, y + leading * 1.8
