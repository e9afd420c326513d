"""The text-layer engine on PDFs made here with PyMuPDF."""

from __future__ import annotations

import struct
from pathlib import Path

import pymupdf

from ocr_pipeline.ocr.text_layer import TextLayerEngine


def _tall_font() -> bytes:
    """PyMuPDF's own TrueType font (Droid Sans Fallback) with the absurd metrics Bethel's
    Cambria carries: 3.1 em above the baseline, 2.5 below (hhea and OS/2 both), its letters
    unchanged."""
    data = bytearray(pymupdf.Font("cjk").buffer)
    count = struct.unpack(">H", data[4:6])[0]
    tables = {}
    for i in range(count):
        tag, _, offset, _ = struct.unpack(">4sIII", data[12 + 16 * i:28 + 16 * i])
        tables[tag.decode()] = offset
    units = struct.unpack(">H", data[tables["head"] + 18:tables["head"] + 20])[0]
    ascent, descent = int(3.1 * units), int(2.5 * units)
    struct.pack_into(">hh", data, tables["hhea"] + 4, ascent, -descent)
    struct.pack_into(">hhh", data, tables["OS/2"] + 68, ascent, -descent, 0)
    struct.pack_into(">HH", data, tables["OS/2"] + 74, ascent, descent)
    return bytes(data)


def test_a_fonts_absurd_metrics_do_not_put_a_body_line_above_its_heading(tmp_path: Path) -> None:
    """Bethel's body type reports boxes 5.6 em tall: the description's first line, set below
    its heading, had a box reaching above the heading's and was read before it."""
    doc = pymupdf.open()
    page = doc.new_page()
    tall = pymupdf.Font(fontbuffer=_tall_font())
    writer = pymupdf.TextWriter(page.rect)
    writer.append((72, 100), "HON 391 Honors Mentoring Project", font=pymupdf.Font("hebo"),
                  fontsize=10)
    for n, text in enumerate(["The goal of this course is to create a service project",
                              "for Honors Program students in the community."]):
        writer.append((72, 114 + 14 * n), text, font=tall, fontsize=10)
    writer.write_text(page)
    pdf = tmp_path / "tall.pdf"
    doc.save(pdf)
    read = next(TextLayerEngine().read_pages(pdf, [1]))
    assert [line.text for line in read.lines] == [
        "HON 391 Honors Mentoring Project",
        "The goal of this course is to create a service project",
        "for Honors Program students in the community."]
    assert all(line.bbox[3] - line.bbox[1] < 2 * 10 for line in read.lines)
