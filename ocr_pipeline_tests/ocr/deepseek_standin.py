"""A stand-in for DeepSeek-OCR's model object, and outputs recorded in its real markup.

This is the one fake in the OCR tests, and it is here because no real one can run: the
weights (6.7 GB) cannot be downloaded on these machines and there is no GPU. The stand-in
honours the contract of the model's remote code: ``infer(tokenizer, prompt=..., image_file=...,
output_path=..., base_size=..., image_size=..., crop_mode=..., save_results=...,
eval_mode=True)`` returns the decoded text. ``GenerativeStandIn`` also goes through
``generate`` the way the real ``infer`` does (with the real code's hard-coded
``no_repeat_ngram_size=35, max_new_tokens=8192``), stops at ``max_new_tokens`` and calls the
logits processors it is given with each step's scores, as transformers does.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import numpy as np

TITLE_BOX = [80, 60, 600, 90]
COURSE_A_BOX = [80, 120, 920, 260]
COURSE_B_BOX = [80, 280, 920, 420]

CATALOG_PAGE = (
    "<|ref|>title<|/ref|><|det|>[[80, 60, 600, 90]]<|/det|>\n"
    "# Chemistry Courses \n\n"
    "<|ref|>text<|/ref|><|det|>[[80, 120, 920, 260]]<|/det|>\n"
    "**CHEM 101 General Chemistry I (4)** Atomic structure, bonding and stoichiometry. "
    "Laboratory work covers titration and calorimetry. \n\n"
    "<|ref|>image<|/ref|><|det|>[[700, 600, 900, 800]]<|/det|>\n \n\n"
    "<|ref|>text<|/ref|><|det|>[[80, 280, 920, 420]]<|/det|>\n"
    "**CHEM 102 General Chemistry II (4)** Equilibrium, kinetics and thermodynamics. "
    "Prerequisite: CHEM 101. \n\n"
    "<|ref|>table<|/ref|><|det|>[[80, 450, 920, 560]]<|/det|>\n"
    "<table><tr><td>Course</td><td>Credits</td></tr><tr><td>CHEM 101</td><td>4</td></tr>"
    "</table>"
)
"""A catalog page under the markdown grounding prompt: title, two entries, a figure, a table."""

RUNAWAY_PAGE = (
    "<|ref|>title<|/ref|><|det|>[[80, 60, 600, 90]]<|/det|>\n# Course Fees \n\n"
    "<|ref|>text<|/ref|><|det|>[[80, 120, 920, 200]]<|/det|>\n"
    "Fees are charged per credit hour and posted each semester by the bursar. \n\n"
    "<|ref|>table<|/ref|><|det|>[[80, 220, 920, 900]]<|/det|>\n<table>"
    "<tr><td>Course</td><td>Fee</td></tr><tr><td>CHEM 101</td><td>$40</td></tr>"
    + "".join(f"<tr><td>{n}</td><td></td><td></td><td></td></tr>" for n in range(1, 400))
)
"""The model losing its place in a table: empty rows with a counter until the token limit."""

FREE_OCR_PAGE = "CHEM 101 General Chemistry I (4)\nAtomic structure and bonding."
"""The ``Free OCR.`` prompt: plain text, no boxes."""


class PieceTokenizer:
    """Splits text into whitespace-led pieces; enough of a tokenizer for ``decode``."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.ids: dict[str, int] = {}

    def encode(self, text: str) -> list[int]:
        out = []
        for piece in re.findall(r"\s*\S+|\s+$", text):
            if piece not in self.ids:
                self.ids[piece] = len(self.pieces)
                self.pieces.append(piece)
            out.append(self.ids[piece])
        return out

    def decode(self, ids: list[int]) -> str:
        return "".join(self.pieces[int(i)] for i in ids)


class Scores:
    """One step's logits, with the two tensor methods a logits processor may use."""

    def __init__(self, row: np.ndarray) -> None:
        self.row = row

    def log_softmax(self, dim: int) -> Scores:
        shifted = self.row - self.row.max(axis=dim, keepdims=True)
        return Scores(shifted - np.log(np.exp(shifted).sum(axis=dim, keepdims=True)))

    def max(self, dim: int) -> SimpleNamespace:
        return SimpleNamespace(values=self.row.max(axis=dim), indices=self.row.argmax(axis=dim))


@dataclass
class StandIn:
    """``infer`` returns the recorded output for every image; the calls are kept."""

    output: str
    calls: list[dict[str, Any]] = field(default_factory=list)

    def infer(self, tokenizer: Any, *, prompt: str = "", image_file: str = "",
              output_path: str = "", base_size: int = 1024, image_size: int = 640,
              crop_mode: bool = True, test_compress: bool = False, save_results: bool = False,
              eval_mode: bool = False) -> str | None:
        with open(image_file, "rb") as handle:
            image = handle.read()
        self.calls.append({"prompt": prompt, "base_size": base_size, "image_size": image_size,
                           "crop_mode": crop_mode, "eval_mode": eval_mode,
                           "save_results": save_results, "image": image})
        text = self.decode(tokenizer)
        return text.strip() if eval_mode else None

    def decode(self, tokenizer: Any) -> str:
        return self.output


@dataclass
class GenerativeStandIn(StandIn):
    """Also generates token by token; a piece containing one of ``doubtful`` gets
    probability ``doubt``, every other piece 0.99."""

    doubtful: tuple[str, ...] = ()
    doubt: float = 0.3
    tokenizer: PieceTokenizer = field(default_factory=PieceTokenizer)
    """The tokenizer to hand the engine too: generation and decoding share its pieces."""
    generate_kwargs: list[dict[str, Any]] = field(default_factory=list)

    def decode(self, tokenizer: Any) -> str:
        prompt_ids = [0, 0, 0]  # the real infer puts the prompt and image tokens first
        output_ids = self.generate([prompt_ids], no_repeat_ngram_size=35, max_new_tokens=8192,
                                   temperature=0.0, use_cache=True)
        return tokenizer.decode(output_ids[0][len(prompt_ids):])

    def generate(self, input_ids: list[list[int]], **kwargs: Any) -> list[list[int]]:
        self.generate_kwargs.append(kwargs)
        tokenizer = self.tokenizer
        target = tokenizer.encode(self.output)[: kwargs["max_new_tokens"]]
        vocab = max(len(tokenizer.pieces), 2)
        sequence = list(input_ids[0])
        for token in target:
            sure = self.doubt if any(d in tokenizer.pieces[token] for d in self.doubtful) else 0.99
            row = np.full((1, vocab), math.log((1 - sure) / (vocab - 1)))
            row[0, token] = math.log(sure)
            for processor in kwargs.get("logits_processor") or []:
                processor([sequence], Scores(row))
            sequence.append(token)
        return [sequence]
