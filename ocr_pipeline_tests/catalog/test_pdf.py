from pathlib import Path

import pymupdf
import pytest

from ocr_pipeline.catalog.pdf import CatalogPdf
from ocr_pipeline.errors import (
    CorruptPdfError,
    EmptyPdfError,
    EncryptedPdfError,
    InputError,
    NotAPdfError,
    PageTooLargeError,
)
from ocr_pipeline_tests.pdfs import Text, make_image_only, make_pdf

BODY = [Text(72, 100 + 14 * i, f"Line {i} of a course description with enough words.") for i in range(10)]

# A structurally valid PDF whose page tree holds no pages (PyMuPDF refuses to write one).
ZERO_PAGES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def test_good_pdf_opens_with_page_count_and_hash(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "ok.pdf", [BODY, BODY])
    with CatalogPdf(path) as pdf:
        assert pdf.page_count == 2
        assert len(pdf.sha256) == 64
        assert pdf.render_gray(1, dpi=72).width == 612


@pytest.mark.parametrize(
    ("name", "content", "error", "words"),
    [
        ("junk.pdf", b"this is not a pdf at all", NotAPdfError, "no %PDF header"),
        ("empty.pdf", b"", NotAPdfError, "empty"),
        ("zero.pdf", ZERO_PAGES, EmptyPdfError, "no pages"),
    ],
)
def test_bad_bytes_raise_specific_errors(tmp_path: Path, name: str, content: bytes,
                                         error: type[InputError], words: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(error) as info:
        CatalogPdf(path)
    assert path.name in str(info.value) and words in str(info.value)


def test_truncated_pdf_is_corrupt(tmp_path: Path) -> None:
    good = make_pdf(tmp_path / "good.pdf", [BODY] * 3).read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(good[: len(good) // 2])
    with pytest.raises(CorruptPdfError, match="truncated"):
        CatalogPdf(path)


def test_garbage_after_header_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "garbage.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n")
    with pytest.raises((CorruptPdfError, EmptyPdfError)):
        CatalogPdf(path)


def test_encrypted_pdf_is_refused(tmp_path: Path) -> None:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "secret course list")
    path = tmp_path / "locked.pdf"
    doc.save(path, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="u", owner_pw="o")
    with pytest.raises(EncryptedPdfError, match="locked.pdf"):
        CatalogPdf(path)


def test_absurd_page_size_is_refused(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "huge.pdf", [BODY], width=20_000, height=800)
    with pytest.raises(PageTooLargeError, match="20000 x 800"):
        CatalogPdf(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(NotAPdfError, match="no such file"):
        CatalogPdf(tmp_path / "absent.pdf")


def test_file_size_limit(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "ok.pdf", [BODY])
    with pytest.raises(InputError, match="too large"):
        CatalogPdf(path, max_bytes=100)


def test_classification(tmp_path: Path) -> None:
    born = make_pdf(tmp_path / "born.pdf", [BODY, []])
    scan = make_image_only(born, tmp_path / "scan.pdf", dpi=100)
    invisible = make_pdf(
        tmp_path / "inv.pdf", [[Text(t.x, t.y, t.text, render_mode=3) for t in BODY]]
    )
    cid = make_pdf(tmp_path / "cid.pdf", [[Text(72, 100 + 14 * i, "(cid:12)(cid:13)(cid:14) (cid:15)x")
                                           for i in range(10)]])
    with CatalogPdf(born) as pdf:
        assert pdf.classify(1).kind == "born_digital"
        blank = pdf.classify(2)
        assert (blank.kind, blank.reason) == ("born_digital", "blank page")
    with CatalogPdf(scan) as pdf:
        page_class = pdf.classify(1)
        assert (page_class.kind, page_class.reason) == ("scanned", "no text layer")
    with CatalogPdf(invisible) as pdf:
        assert pdf.classify(1).reason.startswith("invisible text layer")
    with CatalogPdf(cid) as pdf:
        page_class = pdf.classify(1)
        assert page_class.kind == "scanned" and page_class.bad_ratio > 0.5


def test_render_any_page_at_chosen_dpi(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "many.pdf", [BODY] * 30)
    with CatalogPdf(path) as pdf:
        sizes = {pdf.render_gray(n, dpi=100).width for n in (1, 15, 30)}
    assert sizes == {850}
