"""A study grant from application to published result in a real browser, once in English and once in Russian: the
ministry (an admin) opens a round on its page and sets the ceilings from a CSV; a student applies on a phone — a third
choice in Moscow is refused beside the form and nothing is saved — and ranks three programmes; a rival with better
scores wants the same place; centre staff record the student's scores at the desk; the admin closes the window and
runs the allocation; the student reads their place and, for each programme ranked higher, why not, and accepts; anyone
downloads the round's published files.

Runs on any demo (`caravan demo`; no passkeys, so 127.0.0.1 will do). CARAVAN_GRANTS_OUTPUT, if set, is a folder that
receives each run's `input-<lang>.json` and `result-<lang>.json` for `caravan allocation run` in scripts/test.
"""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote
from uuid import uuid4

import pytest
from playwright.sync_api import Locator, Page, expect

from helpers import DEMO_PASSWORD, JOURNEY_PASSWORD, SCREENSHOTS, api, api_token, main, new_specialist, sign_in

ADMIN = "admin@demo.caravan.test"
CENTRE = "centre.tashkent@demo.caravan.test"
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
RAW_KEY = re.compile(r"\b(?:grant|allocation|error|notice|problem|field|nav)\.[a-z][A-Za-z_-]*(?:\.[A-Za-z_-]+)*\b")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")

WORDS = {
    "en": {"open": "Open a round", "opened": "Round opened", "ceilings": "Save the ceilings of", "saved_ceilings": "Ceilings saved.",
           "group": "At most 2 choices in one federal district (Moscow)", "send": "Send the application", "saved": "Your application is saved",
           "scores": "Save scores of", "scores_saved": "Scores saved.", "freeze": "Close the window of", "run": "Run and publish",
           "published": "The result is published.", "offered": "Place offered", "why": "Why not:", "country": "Uzbekistan",
           "no_place": "it had no grant place open to applicants from your country", "ceiling": "all its places for applicants from Uzbekistan (1) went to applicants it ranks higher",
           "accept": "Accept the place", "accepted": "You accepted the place", "suppressed": "≤15", "apply": "Apply"},
    "ru": {"open": "Объявить отбор", "opened": "Отбор объявлен", "ceilings": "Сохранить потолки отбора", "saved_ceilings": "Потолки сохранены.",
           "group": "Не больше 2 программ в одном федеральном округе (Москва)", "send": "Отправить заявку", "saved": "Заявка сохранена",
           "scores": "Сохранить баллы", "scores_saved": "Баллы сохранены.", "freeze": "Закрыть приём отбора", "run": "Распределить и опубликовать",
           "published": "Итог опубликован.", "offered": "Предложено место", "why": "Почему нет:", "country": "Узбекистан",
           "no_place": "там не было грантовых мест, открытых для заявителей из вашей страны", "ceiling": "все места для заявителей из страны «Узбекистан» (1) получили заявители, которых программа ставит выше",
           "accept": "Принять место", "accepted": "Вы приняли место", "suppressed": "≤15", "apply": "Подать заявку"},
}


def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def submit(page: Page, button: Locator):
    with page.expect_navigation() as navigation:
        button.click()
    return navigation.value


def in_language(page: Page, language: str, path: str) -> None:
    response = page.goto(f"/language/{language}?next={quote(path, safe='/')}")
    assert response is not None and response.ok, f"the language switch answered {response and response.status}"
    expect(page.locator("html")).to_have_attribute("lang", language)


def expect_clean_text(page: Page) -> None:
    """No message key and no ISO date in the words of the page (digests and the seed, shown as code, are left out)."""
    text = main(page).evaluate(
        "m => { const c = m.cloneNode(true); c.querySelectorAll('code, pre, input, textarea, select').forEach(e => e.remove()); return c.innerText; }")
    assert not RAW_KEY.findall(text), f"{page.url} shows raw message keys: {RAW_KEY.findall(text)}"
    assert not ISO_DATE.findall(text), f"{page.url} shows ISO dates in its text: {ISO_DATE.findall(text)}"


def fits_phone(page: Page, name: str) -> None:
    page.screenshot(path=str(screenshot_dir() / name), full_page=True)
    widths = page.evaluate("({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")
    assert widths["scroll"] <= widths["inner"] + 1, f"{page.url} scrolls sideways at {widths['inner']} px ({widths['scroll']} px wide)"


def programmes_by_group(base_url: str) -> dict[str, list[str]]:
    """The demo's bachelor's programmes by district group, by id."""
    groups: dict[str, list[str]] = {}
    for programme in api(base_url, "GET", "/grants/programmes?level=bachelor"):
        groups.setdefault(programme["districtGroup"], []).append(programme["id"])
    return groups


@pytest.mark.parametrize("language", ["en", "ru"])
def test_a_student_applies_and_reads_the_published_result_with_why_not(new_context, base_url: str, language: str) -> None:
    words = WORDS[language]
    tag = uuid4().hex[:6]
    title = f"Journey {tag}"
    groups = programmes_by_group(base_url)
    moscow, petersburg, volga = groups["moscow"], groups["saint-petersburg"], groups["volga"]
    no_place, one_place, within_reach = moscow[0], petersburg[0], volga[0]
    today = date.today()

    # ---- The ministry opens the round and splits its quota -----------------------------------------
    admin = new_context(viewport=DESKTOP).new_page()
    assert sign_in(admin, ADMIN, DEMO_PASSWORD).ok
    in_language(admin, language, "/admin/grants")
    form = main(admin).locator('form[action="/admin/grants/rounds"]')
    form.locator("#r-title").fill(title)
    form.locator("#r-opens").fill((today - timedelta(days=1)).isoformat())
    form.locator("#r-closes").fill((today + timedelta(days=10)).isoformat())
    form.locator("#r-answer").fill((today + timedelta(days=20)).isoformat())
    form.locator("#r-quotas").fill("UZ 10")
    response = submit(admin, form.get_by_role("button", name=words["open"]))
    assert response is not None and response.ok
    expect(main(admin).get_by_role("status")).to_contain_text(words["opened"])
    card = main(admin).locator("section.card", has=admin.get_by_role("link", name=title, exact=True))
    card.locator("textarea[name=csv]").fill(f"programme,country,ceiling\n{no_place},UZ,0\n{one_place},UZ,1\n{within_reach},UZ,2\n")
    submit(admin, card.get_by_role("button", name=re.compile(re.escape(words["ceilings"]))))
    expect(main(admin).get_by_role("status")).to_contain_text(words["saved_ceilings"])
    expect_clean_text(admin)
    round_id = next(r["id"] for r in api(base_url, "GET", "/grants/rounds") if r["title"] == title)

    # ---- A rival with better scores wants the one Uzbek place at the Petersburg programme ------------
    rival_email = new_specialist(base_url, prefix=f"rival-{language}", name="Соперник")
    rival = api_token(base_url, rival_email, JOURNEY_PASSWORD)
    rival_application = api(base_url, "PUT", f"/grants/rounds/{round_id}/application", {
        "name": "Соперник", "country": "UZ", "level": "bachelor", "schoolCertificate": "AT 7654321", "choices": [one_place]}, rival)
    centre = api_token(base_url, CENTRE, DEMO_PASSWORD)
    api(base_url, "PUT", f"/grants/applications/{rival_application['id']}/scores",
        {"scores": {"math": 100, "informatics": 100, "physics": 100, "russian": 100}}, centre)

    # ---- The student applies on a phone ---------------------------------------------------------------
    name = f"Дильноза {tag}"
    student_email = new_specialist(base_url, prefix=f"student-{language}", name=name)
    student = new_context(viewport=PHONE).new_page()
    assert sign_in(student, student_email, JOURNEY_PASSWORD).ok
    in_language(student, language, "/grants")
    link = main(student).get_by_role("link", name=title, exact=True)
    submit(student, link)
    submit(student, main(student).get_by_role("link", name=words["apply"]))
    form = main(student).locator(f'form[method=post][action="/grants/rounds/{round_id}/application"]')
    form.locator("#name").fill(name)
    form.locator("#country").select_option("UZ")
    form.locator("#schoolCertificate").fill("AT 1234567")
    for index, programme in enumerate(moscow[:3], start=1):
        form.locator(f"#choice{index}").select_option(programme)
    response = submit(student, form.get_by_role("button", name=words["send"]))
    assert response is not None and response.status == 422
    expect(main(student).get_by_role("alert")).to_contain_text(words["group"])
    assert api(base_url, "GET", "/grants/applications", token=api_token(base_url, student_email, JOURNEY_PASSWORD)) == []
    fits_phone(student, f"grants-apply-error-{language}-375.png")
    form = main(student).locator(f'form[method=post][action="/grants/rounds/{round_id}/application"]')
    for index, programme in enumerate([no_place, one_place, within_reach], start=1):
        form.locator(f"#choice{index}").select_option(programme)
    form.locator("#choice4").select_option("")
    submit(student, form.get_by_role("button", name=words["send"]))
    expect(main(student).get_by_role("status")).to_contain_text(words["saved"])
    expect_clean_text(student)

    # ---- Centre staff record the student's scores at the desk -------------------------------------------
    desk = new_context(viewport=DESKTOP).new_page()
    assert sign_in(desk, CENTRE, DEMO_PASSWORD).ok
    in_language(desk, language, f"/grants/desk?round={round_id}&q={tag}")
    card = main(desk).locator("section.card", has_text=name)
    expect(card).to_have_count(1)
    for subject, score in (("math", "70"), ("informatics", "75"), ("physics", "60"), ("russian", "80")):
        card.locator(f"input[name={subject}]").fill(score)
    submit(desk, card.get_by_role("button", name=re.compile(re.escape(words["scores"]))))
    expect(main(desk).get_by_role("status")).to_contain_text(words["scores_saved"])
    assert f"q={tag}" in desk.url, "the desk keeps its search after saving"

    # ---- The ministry closes the window and publishes the run ---------------------------------------------
    in_language(admin, language, "/admin/grants")
    card = main(admin).locator("section.card", has=admin.get_by_role("link", name=title, exact=True))
    submit(admin, card.get_by_role("button", name=re.compile(re.escape(words["freeze"]))))
    card = main(admin).locator("section.card", has=admin.get_by_role("link", name=title, exact=True))
    submit(admin, card.get_by_role("button", name=re.compile(re.escape(words["run"]))))
    expect(main(admin).get_by_role("status")).to_contain_text(words["published"])

    # ---- The student reads the result and why not, and accepts -----------------------------------------------
    in_language(student, language, "/grants/mine")
    result = main(student).locator("section.card", has=student.get_by_role("link", name=title, exact=True))
    expect(result).to_contain_text(words["offered"])
    items = result.locator("ol li")
    expect(items).to_have_count(3)
    expect(items.nth(0)).to_contain_text(words["why"])
    expect(items.nth(0)).to_contain_text(words["no_place"])
    expect(items.nth(1)).to_contain_text(words["ceiling"])
    expect(items.nth(2)).not_to_contain_text(words["why"])
    expect_clean_text(student)
    fits_phone(student, f"grants-result-{language}-375.png")
    submit(student, result.get_by_role("button", name=words["accept"]))
    expect(main(student).get_by_role("status")).to_contain_text(words["accepted"])

    # ---- Anyone sees the cut-offs (small counts suppressed) and downloads the published files -----------------------
    public = new_context(viewport=PHONE, locale="ru-RU" if language == "ru" else "en-US").new_page()
    public.goto(f"/grants/rounds/{round_id}")
    expect(main(public).locator("table")).to_contain_text(words["suppressed"])
    expect_clean_text(public)
    fits_phone(public, f"grants-round-{language}-375.png")
    output = os.environ.get("CARAVAN_GRANTS_OUTPUT", "").strip()
    for file in ("input", "result"):
        with public.expect_download() as download:
            main(public).locator(f'a[href="/grants/rounds/{round_id}/{file}.json"]').click()
        if output:
            Path(output).mkdir(parents=True, exist_ok=True)
            download.value.save_as(str(Path(output) / f"{file}-{language}.json"))
