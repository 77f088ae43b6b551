"""The observatory in a real browser, on a phone and on a desktop, in English and in Russian: anyone opens the
programme's figures without an account — the funnel, the other parts, demand and supply, the trend, permits against
the law's clock, the quoted figures with their sources — each table with its definition, a chart drawn on the server
(no script), a text table that reads as cards on a phone, and a CSV download with the same figures ("≤15" where the
page has it); the analyst signs in, is offered the exact figures and downloads one; a specialist is refused them.

Runs on any demo (`caravan demo`).
"""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from helpers import DEMO_PASSWORD, main, sign_in

PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
RAW_KEY = re.compile(r"\b(?:observatory|funnel|demand|supply|permits|parts|trend|quoted|nav)\.[a-z][A-Za-z_-]*(?:\.[A-Za-z_-]+)*\b")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")

WORDS = {
    "en": {"title": "The observatory: the programme in figures", "funnel": "The funnel: from an account to an arrival",
           "accounts": "Specialists' accounts", "zubov": "Igor Zubov", "deficit": "170,000", "exact": "See the exact figures",
           "exact_title": "The observatory: exact figures (analysts)", "download": "Download “The funnel: from an account to an arrival” as CSV"},
    "ru": {"title": "Обсерватория: программа в цифрах", "funnel": "Воронка: от учётной записи до въезда",
           "accounts": "Учётные записи специалистов", "zubov": "Игорь Зубов", "deficit": "170\u00a0000", "exact": "Открыть точные цифры",
           "exact_title": "Обсерватория: точные цифры (для аналитиков)", "download": "Скачать «Воронка: от учётной записи до въезда» в CSV"},
}


def in_language(page: Page, language: str, path: str) -> None:
    response = page.goto(f"/language/{language}?next={quote(path, safe='/')}")
    assert response is not None and response.ok
    expect(page.locator("html")).to_have_attribute("lang", language)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_anyone_reads_the_figures_and_the_analyst_the_exact_ones(new_context, language: str) -> None:
    words = WORDS[language]
    for viewport in (PHONE, DESKTOP):
        page = new_context(viewport=viewport).new_page()
        in_language(page, language, "/observatory")
        expect(page.locator("h1")).to_have_text(words["title"])
        expect(page.get_by_role("heading", name=words["funnel"])).to_be_visible()
        text = main(page).inner_text()
        assert words["zubov"] in text and words["deficit"] in text
        assert "≤15" in text, "the demo has small counts, shown as ≤15"
        assert not RAW_KEY.findall(text), f"raw keys: {RAW_KEY.findall(text)}"
        assert not ISO_DATE.findall(text), f"ISO dates in the words: {ISO_DATE.findall(text)}"
        # Charts are SVG drawn on the server, each with a title; the page runs no script.
        charts = page.locator("figure.chart svg[role=img]")
        assert charts.count() >= 4
        assert page.locator("script").count() == 0
        widths = page.evaluate("({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")
        assert widths["scroll"] <= widths["inner"], f"sideways scrolling at {viewport['width']} px: {widths}"
        if viewport is PHONE:
            # A table reads as cards: each figure says which column it is.
            label = page.locator("#funnel tbody tr").first.locator(".stack-label").first
            expect(label).to_be_visible()
        else:
            with page.expect_download() as download:
                page.get_by_role("link", name=words["download"]).click()
            rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
            assert rows[1][0] == words["accounts"]
            shown = page.locator("#funnel tbody tr").first.locator("td").first.inner_text()
            assert shown.split(": ")[-1].replace("\u00a0", "").replace(",", "").replace(" ", "") == rows[1][1], \
                "the file has the page's figure"
        page.close()

    # The analyst: the public page offers the exact figures; their file is a download like any other.
    page = new_context(viewport=PHONE).new_page()
    sign_in(page, "analyst@demo.caravan.test", DEMO_PASSWORD)
    in_language(page, language, "/observatory")
    page.get_by_role("link", name=words["exact"]).click()
    expect(page.locator("h1")).to_have_text(words["exact_title"])
    assert "≤15" not in main(page).inner_text()
    widths = page.evaluate("({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")
    assert widths["scroll"] <= widths["inner"]

    # A specialist is refused the exact figures.
    other = new_context(viewport=PHONE).new_page()
    sign_in(other, "aziz.karimov@demo.caravan.test", DEMO_PASSWORD)
    response = other.goto("/observatory/exact")
    assert response is not None and response.status == 403
