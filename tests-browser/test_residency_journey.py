"""Digital residency in a real browser, passkeys and all: a specialist applies with a photo, has the identity
checked at the Tashkent centre, the registry officer approves; the resident adds a passkey made by Chromium's
virtual authenticator, signs a document with it, downloads the signed file, and anyone checks the file and the
card; the registry revokes, and every check says so.

THIS MODULE NEEDS A SERVER OF ITS OWN, ON localhost, WITH ITS CLOCK STARTED FOR IT, and is skipped unless
CARAVAN_RESIDENCY_JOURNEY=1. WebAuthn refuses IP addresses, and the server checks the origin and RP id against
CARAVAN_BASE_URL, so the server is told it is http://localhost:PORT and the browser opens that. The centre's desk
can mark the identity check only on the day of the visit, so the clock starts on a Monday morning in Tashkent:

    CARAVAN_DATA_DIR=$(mktemp -d) CARAVAN_BCRYPT_COST=4 CARAVAN_CLOCK_START=2027-03-01T08:00:00+05:00 \
        CARAVAN_BASE_URL=http://localhost:8622 .build/debug/caravan demo --port 8622 &
    CARAVAN_RESIDENCY_JOURNEY=1 CARAVAN_BASE_URL_UNDER_TEST=http://localhost:8622 \
        .venv/bin/pytest -q tests-browser/test_residency_journey.py

With the variable set, a server under test that is not on localhost, or whose clock was not started on that Monday,
fails the module loudly (it is never skipped silently there).

The applicant is a new specialist made through the API (unique e-mail and passport, so the journey runs again on the
same server); everything after that is done on the pages. The passkey is made and used by Chromium itself: a
virtual authenticator (CDP `WebAuthn.addVirtualAuthenticator`: CTAP2, internal, resident key, user verified) answers
`navigator.credentials.create()` and `.get()` from the site's own /passkeys.js.

CARAVAN_RESIDENCY_OUTPUT, if set, is a folder that receives, for `caravan verify` in scripts/test:
  signed.json   the signed file as downloaded (taken before the revocation; the file itself never changes)
  number.txt    the residency number (DR-…)
Screenshots for a person to look at (the residency page and the document at 375 px, the registry's pages and the
public checks at desktop width) go to CARAVAN_RESIDENCY_SCREENSHOT_DIR (default tests-browser/screenshots). A page
that scrolls sideways at 375 px does not stop the journey: every such page is listed, with what sticks out, when the
journey fails at its end.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlsplit
from uuid import uuid4

import pytest
from playwright.sync_api import Locator, Page, expect

from helpers import (DEMO_PASSWORD, JOURNEY_PASSWORD as PASSWORD, SCREENSHOTS, api, api_token, main, new_specialist, png_image,
                     sign_in, switch_language)

if os.environ.get("CARAVAN_RESIDENCY_JOURNEY") != "1":
    pytest.skip(
        "the residency journey needs its own server on localhost whose clock starts on a Monday morning in Tashkent "
        "(CARAVAN_BASE_URL=http://localhost:PORT CARAVAN_CLOCK_START=2027-03-01T08:00:00+05:00); "
        "set CARAVAN_RESIDENCY_JOURNEY=1 to run it against one",
        allow_module_level=True,
    )

CLOCK_DAY = "2027-03-01"  # the Monday the server's clock starts on (CARAVAN_CLOCK_START), in Tashkent
CLOCK_DAY_WORDS = "March 1, 2027"
DEMO_CENTRE_STAFF = "centre.tashkent@demo.caravan.test"
DEMO_REGISTRY = "registry@demo.caravan.test"
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}

# A message key left in the text, a date left in ISO form inside a sentence: what a translated page never shows.
RAW_KEY = re.compile(r"\b(?:residency|registry|error|notice|problem|field|form|centre|document|verify|webauthn)\.[a-z][A-Za-z_-]*(?:\.[A-Za-z_-]+)*\b")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
WORDS_DATE = r"[A-Z][a-z]+ \d{1,2}, \d{4}"  # "March 22, 2027"
RESIDENCY_NUMBER = re.compile(r"\bDR-\d{4}-\d{6}-\w\b")
CLOCK_TIME = re.compile(r"\b(\d{2}):(\d{2})\b")
FINGERPRINT = re.compile(r"\b[0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4}\b")

VIRTUAL_AUTHENTICATOR = {
    "protocol": "ctap2", "transport": "internal", "hasResidentKey": True, "hasUserVerification": True,
    "isUserVerified": True, "automaticPresenceSimulation": True,
}

DOCUMENT_TEXT = "I confirm that I hold this digital residency and sign with my own passkey."
VALID = "Checked: the signature is the resident's and covers exactly this document."
CHANGED = "The document was changed after it was signed."
SIGNATURE_BROKEN = "The signature does not match (the signature or the authenticator data was altered)."


def screenshot_dir() -> Path:
    folder = Path(os.environ.get("CARAVAN_RESIDENCY_SCREENSHOT_DIR") or SCREENSHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def output_dir() -> Path | None:
    folder = os.environ.get("CARAVAN_RESIDENCY_OUTPUT", "").strip()
    if not folder:
        return None
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path


# --------------------------------------------------------------------------------------------------
# The server under test: on localhost, its clock on the Monday


@pytest.fixture(scope="module")
def clock_day(base_url: str) -> date:
    host = urlsplit(base_url).hostname
    if host != "localhost":
        pytest.fail(
            f"CARAVAN_RESIDENCY_JOURNEY=1 but the server under test is {base_url!r}: passkeys (WebAuthn) refuse IP addresses, so "
            "run the server with CARAVAN_BASE_URL=http://localhost:PORT and set CARAVAN_BASE_URL_UNDER_TEST=http://localhost:PORT",
            pytrace=False,
        )
    slots = api(base_url, "GET", "/centres/tashkent/slots?service=identity_verification&days=1").get("slots", [])
    first = slots[0]["start"] if slots else None
    if not first or datetime.fromisoformat(first.replace("Z", "+00:00")).astimezone(timezone(timedelta(hours=5))).date().isoformat() != CLOCK_DAY:
        pytest.fail(
            f"CARAVAN_RESIDENCY_JOURNEY=1 but the server's first free identity-check time in Tashkent is {first!r}, not on {CLOCK_DAY}: "
            "start the server with CARAVAN_CLOCK_START=2027-03-01T08:00:00+05:00 (and run the journey the same day on its clock)",
            pytrace=False,
        )
    return date.fromisoformat(CLOCK_DAY)


# --------------------------------------------------------------------------------------------------
# What a person reads and does on the pages


def expect_clean_text(page: Page) -> None:
    """No message key and no ISO date in the words of the page's main content (the signed document's own bytes,
    shown as they are signed, are left out: they hold `created=` in ISO form on purpose)."""
    text = main(page).evaluate(
        "m => { const c = m.cloneNode(true); c.querySelectorAll('pre.document, code').forEach(e => e.remove()); return c.innerText; }")
    keys = RAW_KEY.findall(text)
    assert not keys, f"{page.url} shows raw message keys: {keys}"
    dates = ISO_DATE.findall(text)
    assert not dates, f"{page.url} shows ISO dates in its text: {dates}"


def shot(page: Page, name: str) -> Path:
    path = screenshot_dir() / name
    page.screenshot(path=str(path), full_page=True)
    return path


def check_fits_phone(page: Page, problems: list[str], name: str) -> Path:
    """At 375 px the page must not scroll sideways; a full-page screenshot is kept for a look. A page that does is
    added to `problems` (with what sticks out), so the journey goes on and fails at its end with every such page."""
    page.set_viewport_size(PHONE)
    path = shot(page, name)
    widths = page.evaluate("({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")
    if widths["scroll"] > widths["inner"] + 1:
        # What sticks out: a box past the screen's edge, or one whose own content spills past its box.
        wide = page.evaluate("""inner => Array.from(document.querySelectorAll('main *'))
            .map(e => ({e, right: Math.max(e.getBoundingClientRect().right, e.getBoundingClientRect().left + e.scrollWidth)}))
            .filter(({e, right}) => right > inner + 1 && !Array.from(e.children).some(c => c.getBoundingClientRect().right > inner + 1))
            .slice(0, 4).map(({e, right}) => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).trim().replace(/ +/g, '.') : '') + ' to ' + Math.round(right) + 'px')""",
                             widths["inner"])
        problems.append(f"{page.url} scrolls sideways at {widths['inner']}px: {widths['scroll']}px wide; too wide: {wide} (see {path})")
    page.set_viewport_size(DESKTOP)
    return path


def english(page: Page) -> None:
    """The page in English: a demo account may keep another language, so the footer switch is used when needed."""
    if page.locator("html").get_attribute("lang") != "en":
        switch_language(page, "English")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def submit(page: Page, button: Locator):
    with page.expect_navigation() as navigation:
        button.click()
    return navigation.value


def facts(page: Page, scope: Locator | None = None) -> dict[str, str]:
    """A `dl.facts` as {term: description}."""
    pairs = (scope or main(page)).locator("dl.facts").first.evaluate(
        "dl => Array.from(dl.querySelectorAll('dt')).map(dt => [dt.innerText.trim(), dt.nextElementSibling ? dt.nextElementSibling.innerText.trim() : ''])")
    return dict(pairs)


def check_line(item: Locator) -> tuple[str, str, str]:
    """A registry check as (the mark seen, the word a screen reader says instead, the line's words)."""
    return tuple(item.evaluate("""li => {
        const mark = li.querySelector('[aria-hidden="true"]'), spoken = li.querySelector('.visually-hidden');
        const rest = li.cloneNode(true);
        rest.querySelectorAll('[aria-hidden="true"], .visually-hidden').forEach(e => e.remove());
        return [mark ? mark.textContent.trim() : '', spoken ? spoken.textContent.trim() : '', rest.textContent.replace(/\\s+/g, ' ').trim()];
    }"""))


def apply_form(page: Page) -> Locator:
    return main(page).locator('form[action="/residency/application"]')


def fill_application(page: Page, person: dict, photo: Path) -> None:
    form = apply_form(page)
    form.get_by_label("Name as in the passport").fill(person["nameOriginal"])
    form.get_by_label("Name in Latin letters").fill(person["nameLatin"])
    form.get_by_label("Date of birth").fill(person["birthDate"])
    form.get_by_label("Citizenship").select_option(person["citizenship"])
    form.get_by_label("Passport number").fill(person["passportNumber"])
    form.get_by_label("Passport valid until").fill(person["passportExpiresOn"])
    form.get_by_label("Reason").select_option(person["reason"])
    form.get_by_label("Photo").set_input_files(str(photo))


def add_virtual_authenticator(page: Page) -> tuple[object, str]:
    """Chromium's own virtual authenticator on this tab: what answers navigator.credentials on its pages."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    authenticator = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": VIRTUAL_AUTHENTICATOR})["authenticatorId"]
    return cdp, authenticator


def b64url(data: str) -> bytes:
    return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))


def upload_signed_file(page: Page, name: str, content: bytes):
    page.goto("/verify/signed-document")
    expect(main(page).get_by_role("heading", level=1)).to_have_text("Check a signed document")
    main(page).get_by_label("Signed file").set_input_files({"name": name, "mimeType": "application/json", "buffer": content})
    return submit(page, main(page).get_by_role("button", name="Check", exact=True))


def verdict_box(page: Page) -> Locator:
    return main(page).get_by_role("status").or_(main(page).get_by_role("alert")).first


# --------------------------------------------------------------------------------------------------
# The journey


def test_a_resident_signs_with_a_passkey_and_the_registry_revokes(new_context, base_url: str, clock_day: date, tmp_path: Path) -> None:
    token = "".join(chr(ord("A") + int(c, 16)) for c in uuid4().hex[:6])  # letters only: it goes into the Latin name
    display_name = f"Alisher Usmonov {token.title()}"
    email = new_specialist(base_url, prefix="residency", name=display_name)
    person = {
        "nameOriginal": "Алишер Усмонов", "nameLatin": f"USMONOV-{token} ALISHER", "birthDate": "1990-04-12", "citizenship": "UZ",
        "passportNumber": f"FA{uuid4().int % 10**7:07d}", "passportExpiresOn": "2032-06-30", "reason": "found-company",
    }
    photo = tmp_path / "photo.png"
    photo.write_bytes(png_image())
    layout: list[str] = []  # pages that do not fit a phone: reported together at the end

    # ---- The specialist applies (English, desktop) -------------------------------------------------
    context = new_context(viewport=DESKTOP)
    page = context.new_page()
    response = sign_in(page, email, PASSWORD)
    assert response is not None and response.ok
    page.goto("/residency")
    expect(main(page).get_by_role("heading", level=1)).to_have_text("Digital residency")
    expect(main(page).get_by_role("heading", name="Apply", exact=True)).to_be_visible()
    expect(main(page)).to_contain_text("The registry decides within 15 working days; the date is shown when you apply.")
    expect(apply_form(page)).to_be_visible()
    expect_clean_text(page)

    # A second tab opens the same form now; it is sent only after the first application (below).
    second_tab = context.new_page()
    second_tab.goto("/residency")
    expect(apply_form(second_tab)).to_be_visible()

    # Bad input once: a passport that expires tomorrow, before the registry decides. Refused beside the field.
    tomorrow = (clock_day + timedelta(days=1)).isoformat()
    fill_application(page, dict(person, passportExpiresOn=tomorrow), photo)
    response = submit(page, apply_form(page).get_by_role("button", name="Send the application"))
    assert response is not None and response.status == 422, f"a passport expiring tomorrow answered {response and response.status}"
    expiry = apply_form(page).get_by_label("Passport valid until")
    expect(expiry).to_have_attribute("aria-invalid", "true")
    expect(expiry).to_have_value(tomorrow)
    expect(main(page).locator("p.error")).to_have_count(1)
    expect(main(page).locator("#passportExpiresOn-error")).to_have_text(
        re.compile(rf"^The passport must still be valid when the registry decides \(({WORDS_DATE})\): renew it first\.$"))
    decide_by = re.search(WORDS_DATE, main(page).locator("#passportExpiresOn-error").inner_text()).group(0)
    expect(main(page).get_by_role("alert")).to_be_visible()
    # What was typed is kept (a file input cannot be: the photo is chosen again).
    expect(apply_form(page).get_by_label("Name as in the passport")).to_have_value(person["nameOriginal"])
    expect(apply_form(page).get_by_label("Name in Latin letters")).to_have_value(person["nameLatin"])
    expect(apply_form(page).get_by_label("Passport number")).to_have_value(person["passportNumber"])
    expect(apply_form(page).get_by_label("Reason")).to_have_value(person["reason"])
    expect_clean_text(page)
    shot(page, "residency-bad-passport-en.png")
    applicant = api_token(base_url, email, PASSWORD)
    assert "application" not in api(base_url, "GET", "/me/residency", token=applicant), "a refused application was saved"

    # The right date: sent. The status and the due date, in words.
    fill_application(page, person, photo)
    response = submit(page, apply_form(page).get_by_role("button", name="Send the application"))
    assert response is not None and response.ok, f"the application answered {response and response.status}"
    expect(page).to_have_url(re.compile(r"/residency\?notice=applied$"))
    expect(main(page).get_by_role("status")).to_have_text("Application sent. The registry will decide by the date shown below.")
    application = main(page).get_by_role("region", name="Your application")
    expect(application).to_be_visible()
    shown = facts(page, application)
    assert shown["Status"] == "Being decided", shown
    assert shown["Submitted"] == CLOCK_DAY_WORDS, shown
    assert shown["Reason"] == "To found a company", shown
    assert re.fullmatch(rf"{WORDS_DATE} · 15 working days left", shown["Decision due by"]), shown
    assert shown["Decision due by"].startswith(decide_by), f"the due date {shown['Decision due by']!r} is not the one the form named ({decide_by})"
    expect(application.get_by_role("link", name="Book an identity check at a centre")).to_be_visible()
    # Applying again is not offered.
    expect(main(page).get_by_role("heading", name="Apply", exact=True)).to_have_count(0)
    expect(apply_form(page)).to_have_count(0)
    expect_clean_text(page)
    check_fits_phone(page, layout, "residency-applied-375.png")

    # ... and the form left open in the other tab is refused, with nothing new saved.
    fill_application(second_tab, person, photo)
    response = submit(second_tab, apply_form(second_tab).get_by_role("button", name="Send the application"))
    assert response is not None and response.status == 409, f"a second application answered {response and response.status}"
    expect(main(second_tab).get_by_role("alert")).to_have_text("You already have an application being decided: wait for the decision or withdraw it.")
    expect(apply_form(second_tab)).to_have_count(0)
    second_tab.close()
    mine = api(base_url, "GET", "/me/residency", token=applicant)
    assert mine["application"]["status"] == "submitted", mine
    assert "resident" not in mine, mine
    with pytest.raises(HTTPError) as refused:
        api(base_url, "POST", "/me/residency/application", dict(person, photo=base64.b64encode(png_image()).decode()), applicant)
    assert refused.value.code == 409, refused.value.code
    assert json.loads(refused.value.read())["type"] == "urn:caravan:problem:residency-application-open"

    # ---- Identity verification at the Tashkent centre ----------------------------------------------
    with page.expect_navigation():
        application.get_by_role("link", name="Book an identity check at a centre").click()
    tashkent = main(page).locator("li.card").filter(has=page.get_by_role("heading", name="Tashkent"))
    with page.expect_navigation():
        tashkent.get_by_role("link", name="Identity verification").click()
    expect(page).to_have_url(re.compile(r"/centres/tashkent\?service=identity_verification#book$"))
    expect(main(page).get_by_label("Service")).to_have_value("identity_verification")
    booking = main(page).locator("form[method=post]").filter(has=page.locator('input[name="persons[]"]'))
    expect(booking).to_be_visible()
    me = booking.locator('input[name="persons[]"][value="p0"]')
    me.check()
    holder = re.sub(r"\s*—[^—]*$", "", me.locator("xpath=parent::label").inner_text().strip())
    assert holder == display_name, holder
    visit_time = ""
    slots = booking.locator("h3").first.locator("xpath=following-sibling::div[contains(@class,'slots')][1]").locator("label.slot")
    for index in range(slots.count()):
        slot = slots.nth(index)
        if re.search(r"\d", slot.locator(".muted").inner_text()):
            slot.locator('input[name="start"]').check()
            visit_time = CLOCK_TIME.search(slot.inner_text()).group(0)
            break
    assert visit_time, "no free identity-check time on the first day"
    expect(booking.locator("h3").first).to_have_text("Monday, March 1, 2027")
    response = submit(page, booking.locator("button[type=submit]"))
    assert response is not None and response.ok, f"booking answered {response and response.status}"
    expect(page).to_have_url(re.compile(r"/appointments\?notice=booked$"))
    expect(main(page).locator("li.card").filter(has=page.get_by_role("heading", name=f"Identity verification · {display_name}"))).to_contain_text("Status: Booked")

    # The centre's desk, in another browser: arrived, then done.
    staff = new_context(viewport=DESKTOP).new_page()
    response = sign_in(staff, DEMO_CENTRE_STAFF, DEMO_PASSWORD)
    assert response is not None and response.ok
    staff.goto("/centre-desk")
    english(staff)
    expect(main(staff).get_by_role("heading", level=1)).to_have_text("Centre desk")

    def desk_card() -> Locator:
        return (main(staff).locator("li.card").filter(has=staff.get_by_role("heading", name=f"{visit_time} · {display_name}", exact=True))
                .filter(has_text="Identity verification"))

    expect(desk_card()).to_have_count(1)
    submit(staff, desk_card().get_by_role("button", name=f"Mark arrived: {display_name}, {visit_time}", exact=True))
    expect(main(staff).get_by_role("status")).to_have_text("Marked.")
    submit(staff, desk_card().get_by_role("button", name=f"Mark the visit done: {display_name}, {visit_time}", exact=True))
    expect(main(staff).get_by_role("status")).to_have_text("Marked.")
    expect(desk_card()).to_contain_text("Status: Visit done")
    expect_clean_text(staff)

    # The applicant sees it: the identity is verified, nothing more to book.
    page.goto("/residency")
    application = main(page).get_by_role("region", name="Your application")
    expect(application).to_contain_text(
        f"Your identity was verified in person at the Tashkent centre on {CLOCK_DAY_WORDS}. The registry now decides.")
    expect(application.get_by_role("link", name="Book an identity check at a centre")).to_have_count(0)
    expect_clean_text(page)

    # ---- The registry officer: the queue, the checks, the approval (desktop) -----------------------
    registry = new_context(viewport=DESKTOP).new_page()
    response = sign_in(registry, DEMO_REGISTRY, DEMO_PASSWORD)
    assert response is not None and response.ok
    registry.goto("/registry/residency")
    english(registry)
    expect(main(registry).get_by_role("heading", level=1)).to_have_text("Digital residency: applications")
    row = main(registry).locator("table.queue").first.locator("tbody tr").filter(has=registry.get_by_role("link", name=person["nameLatin"], exact=True))
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(1)).to_have_text("Uzbekistan")
    expect(row.locator("td").nth(2)).to_have_text(CLOCK_DAY_WORDS)
    expect(row.locator("td").nth(3)).to_have_text(decide_by)
    expect(row.locator("td").nth(4)).to_have_text("15 working days left")
    expect_clean_text(registry)
    shot(registry, "registry-residency-queue-en.png")
    with registry.expect_navigation():
        row.get_by_role("link", name=person["nameLatin"], exact=True).click()
    expect(registry).to_have_url(re.compile(r"/registry/residency/[0-9a-f-]{36}$"))
    application_path = urlsplit(registry.url).path
    expect(main(registry).get_by_role("heading", level=1)).to_have_text("Digital-residency application")
    shown = facts(registry)
    assert shown["Status"] == "Being decided", shown
    assert shown["Name as in the passport"] == person["nameOriginal"], shown
    assert shown["Name in Latin letters"] == person["nameLatin"], shown
    assert shown["Date of birth"] == "April 12, 1990", shown
    assert shown["Citizenship"] == "Uzbekistan", shown
    assert shown["Passport number"] == person["passportNumber"], shown
    assert shown["Passport valid until"] == "June 30, 2032", shown
    portrait = main(registry).get_by_role("img", name=f"Photo of {person['nameLatin']}")
    expect(portrait).to_be_visible()
    assert portrait.evaluate("img => img.complete && img.naturalWidth") == 96, "the applicant's photo does not load"
    checks = main(registry).locator("xpath=.//h2[normalize-space()='Checks']/following-sibling::ul[1]/li")
    expect(checks).to_have_count(3)
    assert [check_line(checks.nth(index)) for index in range(3)] == [
        ("✓", "passed:", f"Identity: verified in person at the Tashkent centre on {CLOCK_DAY_WORDS}"),
        ("✓", "passed:", f"Entry-ban registry: no ban in force (checked {CLOCK_DAY_WORDS})"),
        ("✓", "passed:", "Passport: valid until June 30, 2032"),
    ]
    approve = main(registry).get_by_role("button", name="Approve and issue the residency")
    expect(approve).to_be_enabled()
    expect(main(registry).get_by_role("button", name="Refuse on this ground")).to_be_visible()
    expect_clean_text(registry)
    shot(registry, "registry-residency-application-en.png")
    response = submit(registry, approve)
    assert response is not None and response.ok, f"the approval answered {response and response.status}"
    expect(main(registry).get_by_role("status")).to_have_text("Approved: the residency is issued and the applicant is told.")
    status = facts(registry)["Status"]
    number = RESIDENCY_NUMBER.search(status).group(0)
    assert status == f"Approved · residency {number} issued", status
    expect(main(registry).get_by_role("heading", name=f"Revoke residency {number}")).to_be_visible()
    expect(main(registry).get_by_role("button", name="Approve and issue the residency")).to_have_count(0)
    if (out := output_dir()) is not None:
        (out / "number.txt").write_text(number + "\n")

    # ---- The resident adds a passkey (Chromium's virtual authenticator) ----------------------------
    cdp, authenticator = add_virtual_authenticator(page)
    page.goto("/residency")
    resident = main(page).get_by_role("region", name="Your residency")
    shown = facts(page, resident)
    assert shown["Residency number"] == number, shown
    assert shown["Status"] == "In force", shown
    assert shown["Issued"] == CLOCK_DAY_WORDS, shown
    assert shown["Valid until"] == "February 29, 2032", shown  # five years less a day
    passkeys = main(page).get_by_role("region", name="Passkeys")
    expect(passkeys).to_contain_text("No passkeys yet.")
    passkeys.get_by_label("Device name").fill("Work laptop")
    response = submit(page, passkeys.get_by_role("button", name="Add a passkey"))
    assert response is not None and response.ok
    expect(main(page).get_by_role("heading", level=1)).to_have_text("Add a passkey")
    create = main(page).locator('form[data-webauthn="create"]')
    expect(create).to_have_attribute("data-rp-id", "localhost")
    expect(main(page).get_by_role("alert")).to_have_count(0)  # opened at the passkeys' own address: no warning
    expect(create.get_by_label("Device name")).to_have_value("Work laptop")
    expect(create.locator("[data-webauthn-error]")).to_be_hidden()
    response = submit(page, create.get_by_role("button", name="Create the passkey on this device"))
    assert response is not None and response.ok, f"registering the passkey answered {response and response.status}"
    expect(page).to_have_url(re.compile(r"/residency\?notice=passkey-added#passkeys$"))
    expect(main(page).get_by_role("status")).to_have_text("Passkey added. Your card now lists it.")
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
    assert len(credentials) == 1 and credentials[0]["rpId"] == "localhost", credentials
    listed = main(page).get_by_role("region", name="Passkeys").locator("li")
    expect(listed).to_have_count(1)
    expect(listed.locator("span").first).to_have_text(re.compile(rf"^Work laptop · ES256 · {FINGERPRINT.pattern} · added {CLOCK_DAY_WORDS}$"))
    fingerprint = FINGERPRINT.search(listed.inner_text()).group(0)
    expect(listed.get_by_role("button", name='Remove the passkey "Work laptop"')).to_be_visible()
    expect_clean_text(page)
    check_fits_phone(page, layout, "residency-resident-375.png")

    # The card lists the one key.
    with page.expect_navigation():
        main(page).get_by_role("link", name="Open the residency card").click()
    expect(main(page).get_by_role("heading", level=1)).to_have_text("Residency card")
    card = facts(page)
    assert card["Residency number"] == number, card
    assert card["Name in Latin letters"] == person["nameLatin"], card
    keys = main(page).locator("dl.facts ul li")
    expect(keys).to_have_count(1)
    expect(keys).to_have_text(f"ES256 · {fingerprint}")
    expect_clean_text(page)

    # ---- A document, signed with the passkey -------------------------------------------------------
    page.goto("/residency")
    documents = main(page).get_by_role("region", name="Documents to sign")
    expect(documents.get_by_label("Title")).to_have_value("Test declaration")
    expect(documents.get_by_label("Text")).to_have_value(DOCUMENT_TEXT)
    response = submit(page, documents.get_by_role("button", name="Prepare the document for signing"))
    assert response is not None and response.ok
    expect(page).to_have_url(re.compile(r"/residency/documents/[0-9a-f-]{36}$"))
    document_path = urlsplit(page.url).path
    expect(main(page).get_by_role("heading", level=1)).to_have_text("Test declaration")
    canonical = main(page).locator("pre.document")
    expect(canonical).to_contain_text(f"signer={number}")
    expect(canonical).to_contain_text(f"text={DOCUMENT_TEXT}")
    sign = main(page).locator('form[data-webauthn="get"]')
    expect(sign).to_have_attribute("data-rp-id", "localhost")
    expect(main(page).get_by_role("alert")).to_have_count(0)
    expect_clean_text(page)
    check_fits_phone(page, layout, "residency-document-unsigned-375.png")
    response = submit(page, sign.get_by_role("button", name="Sign with my passkey"))
    assert response is not None and response.ok, f"signing answered {response and response.status}"
    expect(page).to_have_url(re.compile(rf"{re.escape(document_path)}\?notice=signed$"))
    expect(main(page).locator(".notice").first).to_have_text("Signed. The signature was checked against your card.")
    expect(main(page).locator("div.notice").nth(1)).to_have_text(f"Signed on {CLOCK_DAY_WORDS}. {VALID}")
    expect(main(page).locator('form[data-webauthn="get"]')).to_have_count(0)
    expect_clean_text(page)
    check_fits_phone(page, layout, "residency-document-signed-375.png")

    # The signed file, downloaded as a person does.
    with page.expect_download() as download_info:
        main(page).get_by_role("link", name="Download the signed file").click()
    download = download_info.value
    assert re.fullmatch(r"signed-[0-9a-f-]{36}\.json", download.suggested_filename), download.suggested_filename
    signed_path = tmp_path / "signed.json"
    download.save_as(str(signed_path))
    signed_bytes = signed_path.read_bytes()
    signed = json.loads(signed_bytes)
    assert signed["format"] == "caravan-signed-document-file/1", signed.get("format")
    assert signed["relyingPartyID"] == "localhost" and signed["origin"] == base_url, (signed["relyingPartyID"], signed["origin"])
    assert signed["credential"]["algorithm"] == "ES256", signed["credential"]
    assert signed["card"]["card"]["number"] == number
    client_data = json.loads(b64url(signed["clientDataJSON"]))
    assert client_data["type"] == "webauthn.get" and client_data["origin"] == base_url, client_data
    assert signed["document"] == canonical.inner_text(), "the file's document is not the bytes the page showed"
    if (out := output_dir()) is not None:
        shutil.copyfile(signed_path, out / "signed.json")

    # ---- Anyone checks the file, and a copy with one letter changed --------------------------------
    public = new_context(viewport=DESKTOP).new_page()
    response = upload_signed_file(public, download.suggested_filename, signed_bytes)
    assert response is not None and response.ok
    expect(main(public).get_by_role("status")).to_have_text(f"The signature is valid. {VALID}")
    shown = facts(public)
    assert shown["Title"] == "Test declaration", shown
    assert shown["Signed by (residency number)"] == number, shown
    assert shown["Signed on"] == CLOCK_DAY_WORDS, shown
    expect_clean_text(public)
    shot(public, "verify-signed-document-valid-en.png")

    altered = dict(signed, document=signed["document"].replace("I confirm", "I konfirm", 1))
    assert altered["document"] != signed["document"]
    response = upload_signed_file(public, "altered.json", json.dumps(altered).encode())
    assert response is not None and response.ok
    expect(verdict_box(public)).to_have_text(f"The signature does not hold. {CHANGED}")
    expect(verdict_box(public)).to_have_class(re.compile(r"\balert\b"))
    expect_clean_text(public)
    shot(public, "verify-signed-document-altered-en.png")

    flipped = signed["signature"][:40] + ("B" if signed["signature"][40] != "B" else "C") + signed["signature"][41:]
    response = upload_signed_file(public, "signature-altered.json", json.dumps(dict(signed, signature=flipped)).encode())
    assert response is not None and response.ok
    expect(verdict_box(public)).to_have_text(f"The signature does not hold. {SIGNATURE_BROKEN}")

    # The card, by its number: valid.
    response = public.goto(f"/verify/{number}")
    assert response is not None and response.ok
    expect(main(public).get_by_role("heading", level=1)).to_have_text("Check a residency card")
    expect(main(public).get_by_role("status")).to_have_text("The card is valid: signed by the registry, in force and not revoked.")
    shown = facts(public)
    # Numbers are serial: the public check names nobody, it says whether the card holds.
    assert "Holder" not in shown and "Citizenship" not in shown, shown
    assert shown["Passkeys on the card"] == "1", shown
    expect_clean_text(public)

    # ---- The registry revokes: the card and the signature stop holding -----------------------------
    registry.goto(application_path)
    english(registry)
    registry.get_by_label("Ground").last.select_option("key-compromised")
    expect(main(registry).locator("#revoke-ground option:checked")).to_have_text("The resident's key was compromised")
    response = submit(registry, main(registry).get_by_role("button", name="Revoke on this ground"))
    assert response is not None and response.ok, f"the revocation answered {response and response.status}"
    expect(main(registry).get_by_role("status")).to_have_text("Revoked: the card stops verifying now.")
    expect(main(registry).get_by_role("button", name="Revoke on this ground")).to_have_count(0)
    expect_clean_text(registry)

    response = public.goto(f"/verify/{number}")
    assert response is not None and response.ok
    expect(main(public).get_by_role("alert")).to_have_text(f"Not valid. The registry revoked this residency on {CLOCK_DAY_WORDS}.")
    expect(main(public).get_by_role("status")).to_have_count(0)
    expect_clean_text(public)
    shot(public, "verify-residency-revoked-en.png")

    response = upload_signed_file(public, download.suggested_filename, signed_bytes)
    assert response is not None and response.ok
    expect(verdict_box(public)).to_have_text(f"The signature does not hold. The signer's residency was revoked on {CLOCK_DAY_WORDS}.")

    page.goto(document_path)
    expect(main(page).locator("div.alert").first).to_have_text(
        f"Signed on {CLOCK_DAY_WORDS}. The signer's residency was revoked on {CLOCK_DAY_WORDS}.")
    expect(main(page).locator("div.notice")).to_have_count(0)
    expect_clean_text(page)
    check_fits_phone(page, layout, "residency-document-revoked-375.png")

    page.goto("/residency")
    shown = facts(page, main(page).get_by_role("region", name="Your residency"))
    assert shown["Status"] == f"Revoked on {CLOCK_DAY_WORDS}. Ground: The resident's key was compromised.", shown
    expect(main(page).get_by_role("region", name="Passkeys")).to_have_count(0)
    expect_clean_text(page)
    check_fits_phone(page, layout, "residency-revoked-375.png")

    assert not layout, "pages that do not fit a 375 px phone:\n  " + "\n  ".join(layout)
