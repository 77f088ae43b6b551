"""Founding a company online in a real browser, once in English and once in Russian: two digital residents of the
demo (the Bishkek freelancer and his co-founder) each add a passkey made by Chromium's virtual authenticator; the
freelancer fills the application step by step (a Latin name and too little capital are refused beside the field,
nothing saved), adds the co-founder with a third of the shares, and both sign with their passkeys; submitted, the
registry officer sees every check passed and registers it; anyone finds it in the register and its extract checks
out (downloaded for `caravan verify`); the director applies for IT accreditation, the ministry (an admin) applies
the rules and accredits it; the director invites an HR account, which accepts and posts a vacancy.

THIS MODULE NEEDS A SERVER ON localhost (passkeys refuse IP addresses; the server checks the origin against
CARAVAN_BASE_URL) and is skipped unless CARAVAN_COMPANY_JOURNEY=1:

    CARAVAN_DATA_DIR=$(mktemp -d) CARAVAN_BCRYPT_COST=4 CARAVAN_BASE_URL=http://localhost:8622 \\
        .build/debug/caravan demo --port 8622 &
    CARAVAN_COMPANY_JOURNEY=1 CARAVAN_BASE_URL_UNDER_TEST=http://localhost:8622 .venv/bin/pytest -q tests-browser/test_company_journey.py

Each run names its company with a fresh word, so the journey runs again on the same server. CARAVAN_COMPANY_OUTPUT,
if set, is a folder that receives each run's downloaded extract (`extract-<lang>.json`) for `caravan verify` in
scripts/test. Screenshots (the wizard and the company page at 375 px) go to tests-browser/screenshots.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import quote, urlsplit
from uuid import uuid4

import pytest
from playwright.sync_api import Locator, Page, expect

from helpers import DEMO_PASSWORD, JOURNEY_PASSWORD, SCREENSHOTS, api, api_token, main, sign_in, unique_email

if os.environ.get("CARAVAN_COMPANY_JOURNEY") != "1":
    pytest.skip(
        "the company journey needs a server on localhost (CARAVAN_BASE_URL=http://localhost:PORT); "
        "set CARAVAN_COMPANY_JOURNEY=1 to run it against one",
        allow_module_level=True,
    )

FOUNDER = "aibek.freelancer@demo.caravan.test"
COFOUNDER = "gulnara.cofounder@demo.caravan.test"
REGISTRY = "registry@demo.caravan.test"
MINISTRY = "admin@demo.caravan.test"
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
VIRTUAL_AUTHENTICATOR = {
    "protocol": "ctap2", "transport": "internal", "hasResidentKey": True, "hasUserVerification": True,
    "isUserVerified": True, "automaticPresenceSimulation": True,
}
RAW_KEY = re.compile(r"\b(?:company|registry|accreditation|error|notice|problem|field|okved|address|nav)\.[a-z][A-Za-z_-]*(?:\.[A-Za-z_-]+)*\b")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")

# What each language says where the journey reads words.
WORDS = {
    "en": {"latin": "Cyrillic", "capital": "at least 10000.00 roubles", "saved": "Saved.", "submitted": "Submitted to the registry",
           "registered": "Registered: the numbers are issued", "valid": "signature checks out", "accredited": "IT accredited since",
           "signed": "signed this version", "void": "must be signed again"},
    "ru": {"latin": "кириллицей", "capital": "не меньше 10000.00 рублей", "saved": "Сохранено.", "submitted": "Заявление подано в реестр",
           "registered": "Зарегистрировано: номера присвоены", "valid": "Подпись выписки верна", "accredited": "ИТ-аккредитована с",
           "signed": "подписано в этой редакции", "void": "нужно подписать заново"},
}


def screenshot_dir() -> Path:
    folder = Path(os.environ.get("CARAVAN_COMPANY_SCREENSHOT_DIR") or SCREENSHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def output_dir() -> Path | None:
    folder = os.environ.get("CARAVAN_COMPANY_OUTPUT", "").strip()
    if not folder:
        return None
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def on_localhost(base_url: str) -> str:
    if urlsplit(base_url).hostname != "localhost":
        pytest.fail(f"CARAVAN_COMPANY_JOURNEY=1 but the server under test is {base_url!r}: passkeys (WebAuthn) refuse IP addresses, "
                    "so run the server with CARAVAN_BASE_URL=http://localhost:PORT", pytrace=False)
    return base_url


def submit(page: Page, button: Locator):
    with page.expect_navigation() as navigation:
        button.click()
    return navigation.value


def expect_clean_text(page: Page) -> None:
    """No message key and no ISO date in the words of the page (the signed lines, shown as signed, are left out)."""
    text = main(page).evaluate(
        "m => { const c = m.cloneNode(true); c.querySelectorAll('pre.document, code, input, textarea').forEach(e => e.remove()); return c.innerText; }")
    assert not RAW_KEY.findall(text), f"{page.url} shows raw message keys: {RAW_KEY.findall(text)}"
    assert not ISO_DATE.findall(text), f"{page.url} shows ISO dates in its text: {ISO_DATE.findall(text)}"


def fits_phone(page: Page, name: str, problems: list[str]) -> None:
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(screenshot_dir() / name), full_page=True)
    widths = page.evaluate("({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")
    if widths["scroll"] > widths["inner"] + 1:
        problems.append(f"{page.url} scrolls sideways at 375 px ({widths['scroll']} px wide)")
    page.set_viewport_size(DESKTOP)


def in_language(page: Page, language: str, path: str) -> None:
    """Opens `path` in `language` through the site's own language switch (it keeps the page)."""
    response = page.goto(f"/language/{language}?next={path}")
    assert response is not None and response.ok, f"the language switch answered {response and response.status}"
    expect(page.locator("html")).to_have_attribute("lang", language)


def add_passkey(page: Page, label: str) -> None:
    """A passkey from Chromium's virtual authenticator on this tab, added on the residency page."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": VIRTUAL_AUTHENTICATOR})
    page.goto("/residency")
    form = main(page).locator('form[action="/residency/passkeys/new"]')
    form.locator('input[name="label"]').fill(label)
    assert submit(page, form.locator("button[type=submit]")).ok
    create = main(page).locator('form[data-webauthn="create"]')
    response = submit(page, create.locator("button[type=submit]"))
    assert response is not None and response.ok, f"registering the passkey answered {response and response.status}"
    expect(page).to_have_url(re.compile(r"/residency\?notice=passkey-added"))


def sign_filing(page: Page, filing: str, role: str, words: dict) -> None:
    """Signs the filing in a role with the passkey: the application's page sends to the document, which is signed
    with the passkey (passkeys.js), and leads back."""
    page.goto(f"{filing}?step=review")
    form = main(page).locator(f'form[action$="/signature"]:has(input[name="role"][value="{role}"])').first
    response = submit(page, form.locator("button[type=submit]"))
    assert response is not None and response.ok and "/residency/documents/" in page.url, page.url
    expect(main(page).locator("pre.document")).to_contain_text("caravan-company-application/1")
    sign = main(page).locator('form[data-webauthn="get"]')
    response = submit(page, sign.locator("button[type=submit]"))
    assert response is not None and response.ok, f"signing answered {response and response.status}"
    expect(page).to_have_url(re.compile(r"\?notice=signed$"))
    with page.expect_navigation():
        main(page).locator(f'a[href^="{filing}"]').click()
    expect(main(page)).to_contain_text(words["signed"])


@pytest.mark.parametrize("language", ["en", "ru"])
def test_two_residents_found_a_company_that_is_registered_accredited_and_hires(new_context, on_localhost: str, language: str,
                                                                               tmp_path: Path) -> None:
    base_url = on_localhost
    words = WORDS[language]
    letters = "абвгдежзиклмнопр"
    word = "".join(letters[int(c, 16)] for c in uuid4().hex[:6])
    name = f"Облачные решения {word}"
    layout: list[str] = []

    # A previous run that stopped half-way leaves a draft: withdrawn through the API, as the founder may.
    founder_token = api_token(base_url, FOUNDER, DEMO_PASSWORD)
    try:
        filings = api_list(base_url, "/me/company-filings", founder_token)
    except HTTPError:
        filings = []
    for filing in filings:
        if filing["status"] in ("draft", "submitted") and filing["kind"] == "registration":
            api(base_url, "POST", f"/me/company-filings/{filing['id']}/withdrawal", token=founder_token)

    # ---- Both residents add a passkey ------------------------------------------------------------
    founder = new_context(viewport=DESKTOP).new_page()
    assert sign_in(founder, FOUNDER, DEMO_PASSWORD).ok
    add_passkey(founder, f"Laptop {word}")
    cofounder = new_context(viewport=DESKTOP).new_page()
    assert sign_in(cofounder, COFOUNDER, DEMO_PASSWORD).ok
    add_passkey(cofounder, f"Phone {word}")

    # ---- The founder fills the application, step by step -----------------------------------------
    in_language(founder, language, "/company-registration")
    expect(main(founder).locator("details")).to_have_count(1)  # why an ООО and not an ИП
    expect_clean_text(founder)
    response = submit(founder, main(founder).locator('form[action="/company-registration"] button[type=submit]'))
    assert response is not None and response.ok
    filing = urlsplit(founder.url).path
    assert re.fullmatch(r"/company-registration/[0-9a-f-]{36}", filing), founder.url

    # A name in Latin letters: refused beside the field, what was typed kept, nothing saved.
    form = main(founder).locator('form[action$="/name"]')
    form.locator("#nameCore").fill("Cloud Solutions")
    response = submit(founder, form.locator("button[type=submit]"))
    assert response is not None and response.status == 422
    expect(main(founder).locator("#nameCore")).to_have_attribute("aria-invalid", "true")
    expect(main(founder).locator("#nameCore-error")).to_contain_text(words["latin"])
    expect(main(founder).locator("#nameCore")).to_have_value("Cloud Solutions")
    expect_clean_text(founder)
    fits_phone(founder, f"company-name-error-{language}-375.png", layout)
    form = main(founder).locator('form[action$="/name"]')
    form.locator("#nameCore").fill(name)
    submit(founder, form.locator("button[type=submit]"))
    expect(founder).to_have_url(re.compile(r"step=address"))
    expect(main(founder).get_by_role("status")).to_have_text(words["saved"])

    form = main(founder).locator('form[action$="/address"]')
    form.locator("#regionCode").fill("16")
    form.locator("#postcode").fill("420111")
    form.locator("#addressText").fill("г. Казань, ул. Баумана, д. 1, офис 5")
    submit(founder, form.locator("button[type=submit]"))
    expect(founder).to_have_url(re.compile(r"step=capital"))

    form = main(founder).locator('form[action$="/capital"]')
    form.locator("#capital").fill("9 999")
    response = submit(founder, form.locator("button[type=submit]"))
    assert response is not None and response.status == 422
    expect(main(founder).locator("#capital-error")).to_contain_text(words["capital"])
    form = main(founder).locator('form[action$="/capital"]')
    form.locator("#capital").fill("10 200")
    submit(founder, form.locator("button[type=submit]"))
    expect(founder).to_have_url(re.compile(r"step=founders"))

    # The co-founder joins with a third; the shares are then made whole: 2/3 + 1/3.
    form = main(founder).locator('form[action$="/founders"]')
    form.locator("#founder-email").fill(COFOUNDER)
    form.locator("#founder-share").fill("1/3")
    submit(founder, form.locator("button[type=submit]"))
    expect(founder).to_have_url(re.compile(r"step=founders"))
    shares = main(founder).locator('form[action$="/shares"]')
    expect(shares.locator("input[id^=share_]")).to_have_count(2)
    shares.locator("#share_0").fill("2/3")
    shares.locator("#share_1").fill("1/3")
    submit(founder, shares.locator("button[type=submit]"))
    fits_phone(founder, f"company-founders-{language}-375.png", layout)
    founder.goto(f"{filing}?step=activities")
    form = main(founder).locator('form[action$="/activities"]')
    form.locator("#mainActivity").fill("62.01")
    form.locator("#additionalActivities").fill("62.02, 63.11")
    form.locator('input[name="simplifiedTax"]').check()
    submit(founder, form.locator("button[type=submit]"))
    expect(founder).to_have_url(re.compile(r"step=review"))
    expect(main(founder).locator(".alert")).to_have_count(0)  # no problem left
    expect(main(founder).locator("pre.document")).to_contain_text(f"name.full=Общество с ограниченной ответственностью «{name}»")
    expect_clean_text(founder)
    fits_phone(founder, f"company-review-{language}-375.png", layout)

    # ---- Both sign with their passkeys; a change after signing voids the signature --------------
    sign_filing(founder, filing, "founder", words)
    founder.goto(f"{filing}?step=capital")
    form = main(founder).locator('form[action$="/capital"]')
    form.locator("#capital").fill("12 000")
    submit(founder, form.locator("button[type=submit]"))
    founder.goto(f"{filing}?step=review")
    expect(main(founder).get_by_role("alert")).to_contain_text(words["void"])
    sign_filing(founder, filing, "founder", words)
    sign_filing(founder, filing, "director", words)
    in_language(cofounder, language, "/company-registration")
    with cofounder.expect_navigation():
        main(cofounder).locator(f'a[href="{filing}"]').click()
    sign_filing(cofounder, filing, "founder", words)

    founder.goto(f"{filing}?step=review")
    response = submit(founder, main(founder).locator('form[action$="/submission"] button[type=submit]'))
    assert response is not None and response.ok
    expect(main(founder).get_by_role("status")).to_contain_text(words["submitted"])
    expect_clean_text(founder)

    # ---- The registry officer registers it ------------------------------------------------------
    registry = new_context(viewport=DESKTOP).new_page()
    assert sign_in(registry, REGISTRY, DEMO_PASSWORD).ok
    in_language(registry, language, "/registry/companies")
    with registry.expect_navigation():
        main(registry).get_by_role("link", name=f"ООО «{name}»").click()
    marks = main(registry).locator("ul.plain li span[aria-hidden=true]").all_inner_texts()
    assert marks and all(mark == "✓" for mark in marks), f"a check did not pass: {main(registry).locator('ul.plain').inner_text()}"
    expect_clean_text(registry)
    response = submit(registry, main(registry).locator('form:has(input[name="decision"][value="register"]) button[type=submit]'))
    assert response is not None and response.ok
    expect(main(registry).get_by_role("status").first).to_contain_text(words["registered"])
    with registry.expect_navigation():
        main(registry).locator('a[href^="/register/"]').first.click()
    company = urlsplit(registry.url).path
    ogrn = company.rsplit("/", 1)[1]
    assert re.fullmatch(r"\d{13}", ogrn), company

    # ---- Anyone finds it and checks its extract ---------------------------------------------------
    public = new_context(viewport=DESKTOP).new_page()
    in_language(public, language, f"/register?q={word}")
    with public.expect_navigation():
        main(public).locator(f'a[href="{company}"]').click()
    expect(main(public).get_by_role("status").first).to_contain_text(words["valid"])
    page_text = main(public).inner_text()
    assert "ID1234567" not in page_text and "1994-03-11" not in page_text, "a passport number or birth date on a public page"
    expect_clean_text(public)
    fits_phone(public, f"company-public-{language}-375.png", layout)
    with public.expect_download() as download:
        main(public).locator('a[href$="/extract.json"]').click()
    saved = tmp_path / "extract.json"
    download.value.save_as(saved)
    if (out := output_dir()) is not None:
        (out / f"extract-{language}.json").write_bytes(saved.read_bytes())
    public.goto(f"/verify/{ogrn}")
    expect(public).to_have_url(re.compile(rf"/register/{ogrn}$"))

    # ---- IT accreditation: applied by the director, decided by the ministry on the rules ----------
    in_language(founder, language, company)
    form = main(founder).locator('form[action$="/accreditation"]')
    form.locator("#totalRevenue").fill("0")
    form.locator("#itRevenue").fill("0")
    form.locator("#revenueSinceCreation").fill("0")
    form.locator("#website").fill("https://oblako.example")
    form.locator("#averagePay").fill("95 000")
    response = submit(founder, form.locator("button[type=submit]"))
    assert response is not None and response.ok
    ministry = new_context(viewport=DESKTOP).new_page()
    assert sign_in(ministry, MINISTRY, DEMO_PASSWORD).ok
    in_language(ministry, language, "/admin/it-accreditation")
    with ministry.expect_navigation():
        main(ministry).get_by_role("link", name=f"Общество с ограниченной ответственностью «{name}»").click()
    decision = main(ministry).locator("form:has(#nationalAveragePay)")
    decision.locator('input[name="websiteNamesIT"]').check()
    decision.locator("#nationalAveragePay").fill("86 384")
    decision.locator("#regionalAveragePay").fill("62 000")
    submit(ministry, decision.locator('button[value="check"]'))
    marks = main(ministry).locator("ul.plain li span[aria-hidden=true]").all_inner_texts()
    assert len(marks) == 5 and all(mark == "✓" for mark in marks), main(ministry).locator("ul.plain").inner_text()
    expect_clean_text(ministry)
    submit(ministry, main(ministry).locator('form:has(#nationalAveragePay) button[value="accredit"]'))
    founder.goto(company)
    expect(main(founder)).to_contain_text(words["accredited"])

    # ---- The director invites HR, who posts a vacancy for the new company ------------------------
    hr_email = unique_email("company-hr")
    api(base_url, "POST", "/accounts", {"email": hr_email, "password": JOURNEY_PASSWORD, "displayName": "HR Oblako", "role": "employer",
                                        "consent": "2026.1"})
    form = main(founder).locator('form[action$="/invitation"]')
    form.locator("#invite-email").fill(hr_email)
    response = submit(founder, form.locator("button[type=submit]"))
    assert response is not None and response.ok
    hr = new_context(viewport=DESKTOP).new_page()
    assert sign_in(hr, hr_email, JOURNEY_PASSWORD).ok
    hr.goto("/company")
    submit(hr, main(hr).locator('form[action$="/accept"] button[type=submit]'))
    expect(main(hr)).to_contain_text(ogrn)
    hr.goto("/vacancies")
    form = main(hr).locator('form[action="/vacancies"]')
    form.locator('[name="title"]').fill(f"Backend developer {word}")
    form.locator('[name="city"]').fill("Казань")
    form.locator('[name="status"]').select_option("published")
    response = submit(hr, form.locator("button[type=submit]"))
    assert response is not None and response.ok and re.search(r"/vacancies/[0-9a-f-]{36}", hr.url), hr.url
    vacancy = api(base_url, "GET", f"/search/vacancies?q={quote(word)}", token=founder_token)
    assert any(word in v["title"] for v in vacancy.get("vacancies", [])), vacancy

    assert not layout, "pages that do not fit a phone:\n  " + "\n  ".join(layout)


def api_list(base_url: str, path: str, token: str) -> list:
    import json
    import urllib.request
    request = urllib.request.Request(base_url + "/api/v1" + path)
    request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request) as response:  # noqa: S310 — the server under test on loopback
        return json.loads(response.read())
