"""DeepSeekEngine with the stand-in model (see deepseek_standin.py for why it is a stand-in):
blocks and boxes from the grounding markup, prompt and resolution passing, the generation
guard, repetition handling, and both sources of confidence (token log-probabilities; agreement
with the real Tesseract)."""

from __future__ import annotations

import sys
from pathlib import Path

import pymupdf
import pytest

from ocr_pipeline.errors import EngineUnavailableError, OcrError, PromptError
from ocr_pipeline.ocr.base import ImageOcrEngine, OcrEngine
from ocr_pipeline.ocr.deepseek import (
    PROMPTS,
    RESOLUTIONS,
    RUNAWAY_CONFIDENCE,
    DeepSeekEngine,
    resolve_prompt,
)
from ocr_pipeline.ocr.tesseract import TesseractEngine
from ocr_pipeline_tests.ocr.deepseek_standin import (
    CATALOG_PAGE,
    COURSE_A_BOX,
    FREE_OCR_PAGE,
    RUNAWAY_PAGE,
    GenerativeStandIn,
    PieceTokenizer,
    StandIn,
)
from ocr_pipeline_tests.pdfs import Text, make_pdf

DPI = 100
WIDTH, HEIGHT = 612.0, 792.0


def _engine(model: StandIn, **options: object) -> DeepSeekEngine:
    tokenizer = model.tokenizer if isinstance(model, GenerativeStandIn) else PieceTokenizer()
    return DeepSeekEngine(model=model, tokenizer=tokenizer, model_version="test",
                          device="cpu", **options)  # type: ignore[arg-type]


def _page_png(tmp_path: Path, texts: list[Text]) -> bytes:
    pdf = make_pdf(tmp_path / "page.pdf", [texts])
    with pymupdf.open(pdf) as doc:
        return doc[0].get_pixmap(dpi=DPI, colorspace=pymupdf.csGRAY).tobytes("png")


@pytest.fixture
def blank_png(tmp_path: Path) -> bytes:
    return _page_png(tmp_path, [Text(72, 72, ".")])


def _grid(box: list[int]) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = box
    return (x0 / 999 * WIDTH, y0 / 999 * HEIGHT, x1 / 999 * WIDTH, y1 / 999 * HEIGHT)


def test_grounding_markup_becomes_blocks_with_page_boxes(blank_png: bytes) -> None:
    engine = _engine(StandIn(output=CATALOG_PAGE))
    reading = engine.read(blank_png, page=3, dpi=DPI, prompt=None)
    page = reading.page
    assert (page.page, page.method) == (3, "deepseek")
    assert page.width == pytest.approx(WIDTH, abs=1) and page.height == pytest.approx(HEIGHT, abs=1)
    assert [b.label for b in page.blocks] == ["title", "text", "text", "table"]  # image dropped
    assert page.blocks[1].bbox == pytest.approx(_grid(COURSE_A_BOX), abs=1.0)
    assert page.blocks[0].text == "Chemistry Courses"
    assert " ".join(page.blocks[1].text.split()).startswith(
        "CHEM 101 General Chemistry I (4) Atomic structure")
    assert len(page.blocks[1].lines) > 1  # wrapped to the width of its box
    assert "**" not in page.text and "#" not in page.text and "<td>" not in page.text
    assert page.blocks[3].lines[1].text == "CHEM 101 4"
    for block in page.blocks:
        x0, y0, x1, y1 = block.bbox
        for word in (w for line in block.lines for w in line.words):
            assert x0 - 0.01 <= word.bbox[0] < word.bbox[2] <= x1 + 0.01
            assert y0 - 0.01 <= word.bbox[1] < word.bbox[3] <= y1 + 0.01
    assert all(w.bold for w in page.blocks[0].lines[0].words)
    assert not page.blocks[3].lines[1].words[0].bold
    assert reading.warnings == ()


def test_prompt_and_resolution_are_passed_per_call(blank_png: bytes) -> None:
    model = StandIn(output=CATALOG_PAGE)
    engine = _engine(model, resolution="tiny")
    engine.read(blank_png, page=1, dpi=DPI, prompt=resolve_prompt("tables"))
    engine.read(blank_png, page=1, dpi=DPI, prompt=resolve_prompt(custom="List the course codes."))
    engine.read(blank_png, page=1, dpi=DPI, prompt=None)
    prompts = [call["prompt"] for call in model.calls]
    assert prompts == [PROMPTS["tables"], "<image>\nList the course codes.",
                       PROMPTS["course_catalog"]]
    assert all(call["eval_mode"] and not call["save_results"] for call in model.calls)
    assert (model.calls[0]["base_size"], model.calls[0]["image_size"],
            model.calls[0]["crop_mode"]) == (512, 512, False)
    assert model.calls[0]["image"] == blank_png
    gundam = StandIn(output=CATALOG_PAGE)
    _engine(gundam).read(blank_png, page=1, dpi=DPI, prompt=None)
    assert (gundam.calls[0]["base_size"], gundam.calls[0]["image_size"],
            gundam.calls[0]["crop_mode"]) == (1024, 640, True)
    assert set(RESOLUTIONS) == {"tiny", "small", "base", "large", "gundam"}


def test_prompt_errors_are_specific() -> None:
    with pytest.raises(PromptError, match="unknown prompt type 'poems'"):
        resolve_prompt("poems")
    with pytest.raises(PromptError, match="not both"):
        resolve_prompt("ocr", "Free OCR.")
    with pytest.raises(PromptError, match="empty"):
        resolve_prompt(custom="  ")
    assert resolve_prompt(custom="<image>\nParse the figure.") == "<image>\nParse the figure."


def test_text_without_grounding_is_one_page_block(blank_png: bytes) -> None:
    reading = _engine(StandIn(output=FREE_OCR_PAGE)).read(
        blank_png, page=1, dpi=DPI, prompt=PROMPTS["ocr"])
    (block,) = reading.page.blocks
    assert block.bbox == pytest.approx((0, 0, WIDTH, HEIGHT), abs=1)
    assert [line.text for line in block.lines][:1] == ["CHEM 101 General Chemistry I (4)"]


def test_generation_guard_applies_the_engines_limits(blank_png: bytes) -> None:
    model = GenerativeStandIn(output=CATALOG_PAGE)
    engine = _engine(model, max_new_tokens=40, no_repeat_ngram_size=20)
    reading = engine.read(blank_png, page=1, dpi=DPI, prompt=None)
    (kwargs,) = model.generate_kwargs
    assert (kwargs["max_new_tokens"], kwargs["no_repeat_ngram_size"]) == (40, 20)
    assert any("max_new_tokens=40" in w for w in reading.warnings)
    assert reading.page.blocks[-1].lines[0].words[0].conf == RUNAWAY_CONFIDENCE


def test_token_logprobs_give_block_confidence(blank_png: bytes) -> None:
    model = GenerativeStandIn(output=CATALOG_PAGE, doubtful=("thermodynamics",), doubt=0.05)
    page = _engine(model).read(blank_png, page=1, dpi=DPI, prompt=None).page
    confs = [block.lines[0].words[0].conf for block in page.blocks]
    assert confs[1] == pytest.approx(0.99, abs=0.005)  # geometric mean of 0.99s
    assert confs[2] < 0.9  # the block holding the doubtful token
    assert confs[3] == pytest.approx(0.99, abs=0.005)


def test_runaway_repetition_is_cut_and_reported(blank_png: bytes) -> None:
    reading = _engine(StandIn(output=RUNAWAY_PAGE)).read(blank_png, page=1, dpi=DPI, prompt=None)
    assert len(reading.warnings) == 1 and "runaway repetition" in reading.warnings[0]
    table = reading.page.blocks[-1]
    assert table.label == "table"
    assert len(table.text) < 600  # a few rows survive, not 400
    assert "Fees are charged" in reading.page.blocks[1].text
    assert table.lines[0].words[0].conf == RUNAWAY_CONFIDENCE
    assert reading.page.blocks[1].lines[0].words[0].conf > RUNAWAY_CONFIDENCE


def test_without_logprobs_confidence_is_agreement_with_tesseract(tmp_path: Path) -> None:
    x0, y0 = COURSE_A_BOX[0] / 999 * WIDTH + 4, COURSE_A_BOX[1] / 999 * HEIGHT + 14
    texts = [
        Text(x0, y0, "CHEM 101 General Chemistry I (4) Atomic structure, bonding", size=11),
        Text(x0, y0 + 16, "and stoichiometry. Laboratory work covers titration and", size=11),
        Text(x0, y0 + 32, "calorimetry.", size=11),
        Text(x0, 250, "HIST 210 Medieval Europe (3) Feudal society, the church", size=11),
        Text(x0, 266, "and the rise of towns from 800 to 1400.", size=11),
    ]
    image = _page_png(tmp_path, texts)
    engine = _engine(StandIn(output=CATALOG_PAGE), referee=TesseractEngine(workers=1))
    page = engine.read(image, page=1, dpi=DPI, prompt=None).page
    confs = {block.text.split()[0] + block.text.split()[1]: block.lines[0].words[0].conf
             for block in page.blocks if block.label == "text"}
    assert confs["CHEM101"] > 0.8  # printed as the model read it
    assert confs["CHEM102"] < 0.3  # the model's text is not what is printed there


def test_read_pages_reads_pdf_pages_with_the_engines_prompt(tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "two.pdf", [[Text(72, 72, "one")], [Text(72, 72, "two")]])
    model = StandIn(output=CATALOG_PAGE)
    engine = _engine(model, prompt=PROMPTS["markdown"])
    assert isinstance(engine, OcrEngine) and isinstance(engine, ImageOcrEngine)
    pages = list(engine.read_pages(pdf, [2, 1], dpi=72))
    assert [p.page for p in pages] == [2, 1]
    assert [c["prompt"] for c in model.calls] == [PROMPTS["markdown"]] * 2
    assert pages[0].engine_version == "deepseek-ocr-test-gundam"


def test_infer_failures_are_ocr_errors(blank_png: bytes) -> None:
    class Broken(StandIn):
        def infer(self, tokenizer: object, **kwargs: object) -> str | None:
            raise RuntimeError("CUDA out of memory")

    with pytest.raises(OcrError, match="CUDA out of memory"):
        _engine(Broken(output="")).read(blank_png, page=1, dpi=DPI, prompt=None)
    engine = _engine(StandIn(output="x"))
    engine.model.infer = lambda tokenizer, **kw: None  # type: ignore[method-assign]
    with pytest.raises(OcrError, match="eval_mode"):
        engine.read(blank_png, page=1, dpi=DPI, prompt=None)


def test_load_needs_model_path_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(EngineUnavailableError, match="MODEL_PATH is not set"):
        DeepSeekEngine.load(model_path=None)
    with pytest.raises(EngineUnavailableError, match="no DeepSeek-OCR model there"):
        DeepSeekEngine.load(model_path=tmp_path)
    (tmp_path / "config.json").write_text("{}")
    monkeypatch.setitem(sys.modules, "torch", None)  # as on a machine without the gpu extra
    with pytest.raises(EngineUnavailableError, match=r"needs torch and transformers"):
        DeepSeekEngine.load(model_path=tmp_path)
