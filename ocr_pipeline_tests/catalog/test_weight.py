"""Bold in a scan from measured weights, decided on the whole printed line. The weights are
those measured on real scanned headings (Northwestern's run-in titles, Kalamazoo's)."""

from __future__ import annotations

import pytest

from ocr_pipeline.catalog.models import Word
from ocr_pipeline.catalog.weight import bold_flags


def _words(measured: str) -> list[Word]:
    """``"SOCIOL:1.56 Numbers,:1.40"`` -> words with those weights."""
    words, x = [], 72.0
    for token in measured.split():
        text, weight = token.rsplit(":", 1)
        words.append(Word(text=text, bbox=(x, 100, x + 5 * len(text), 108), conf=0.96,
                          size=10.0, weight=float(weight)))
        x += 5 * len(text) + 4
    return words


def _bold(measured: str) -> str:
    words = _words(measured)
    return " ".join(w.text for w, bold in zip(words, bold_flags(words), strict=True) if bold)


@pytest.mark.parametrize(("measured", "bold"), [
    # one step down explains the line: words under HEAVY before it are still the title's
    (("SOCIOL:1.56 321-0:1.53 Numbers,:1.40 Identity,:1.43 and:1.28 Modernity:1.30 "
     "Investiga-:0.92"), "SOCIOL 321-0 Numbers, Identity, and Modernity"),
    # a short word after the step is body text, though a lone short word after bold was
    # taken for the title's numeral before
    (("SOCIOL:1.75 331-0:1.70 Markets,:1.63 Hierarchies,:1.54 and:1.54 Democracies:1.58 "
     "The:1.03"), "SOCIOL 331-0 Markets, Hierarchies, and Democracies"),
    # a one-letter word at the step goes to the side its own measure is nearer
    (("ENGL:1.62 210:1.58 Intermediate:1.66 Poetry:1.61 Workshop:1.59 A:1.02 study:0.98 "
     "of:1.01 poems:0.97"), "ENGL 210 Intermediate Poetry Workshop"),
    ("PHIL:1.62 210:1.58 Game:1.66 Design:1.61 I:1.70 A:1.02 study:0.98 of:1.01 games:0.97",
     "PHIL 210 Game Design I"),
    # a wrapped title's last line: the bold part, then the description
    ("dle:1.46 East:1.86 Key:1.22 debates:0.97 and:0.97 developments:0.94",
     "dle East"),
])
def test_a_heading_line_steps_down_once(measured: str, bold: str) -> None:
    assert _bold(measured) == bold


@pytest.mark.parametrize(("measured", "bold"), [
    # body text with one word measured heavy (a speck on it): that word alone, no step
    ("economic:1.03 and:0.98 social:1.41 status,:1.02 including:0.99 income:1.01", "social"),
    # a line all heavy (a subject heading) is bold throughout
    ("Department:1.62 of:1.41 Sociology:1.58", "Department of Sociology"),
    # the step too small to be bold: nothing
    (("CHEM:1.30 101:1.28 Organic:1.30 Chemistry:1.31 Chemistry:1.05 in:1.0 a:1.0 "
     "changing:1.05 world:1.05"), ""),
    # a line opening light is not a heading's
    ("See:1.0 also:0.98 CHEM:1.52 101:1.50 for:1.01 details:0.99", "CHEM 101"),
])
def test_elsewhere_a_word_is_bold_by_its_own_measure(measured: str, bold: str) -> None:
    assert _bold(measured) == bold


def test_a_one_stroke_numeral_after_the_title_is_the_titles_unless_it_measures_body_weight(
        ) -> None:
    """``British Literature I.`` scanned clean: the numeral's single stem measured 1.45, nearer
    the body's 1.06 than the title's 1.9, yet heavier than body type ever is."""
    assert _bold("ENG:2.22 113:1.86 British:1.77 Literature:1.96 I.:1.45 An:1.14 "
                 "introductory:1.04 study:1.07") == "ENG 113 British Literature I."


def test_an_article_opening_the_run_in_text_is_not_the_titles_though_it_measures_heavy() -> None:
    assert _bold("ENGL:1.84 210:1.71 Intermediate:1.72 Poetry:1.76 Workshop:1.72 A:1.23 "
                 "workshop:1.07 in:1.01 which:1.05") == "ENGL 210 Intermediate Poetry Workshop"
