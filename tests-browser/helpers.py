"""What a person does on Caravan's pages, in the English interface, with role- and label-based locators."""

from __future__ import annotations

import json
import re
import urllib.request
import uuid
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import Page, Response, expect

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"

DEMO_PASSWORD = "caravan-demo-2026"
DEMO_ADMIN = "admin@demo.caravan.test"
DEMO_SPECIALIST = "aziz.karimov@demo.caravan.test"
DEMO_EMPLOYER = "hr@kazan-soft.demo.caravan.test"  # ООО «Казань Софт», accredited

KAZAN_VACANCY = "Java-разработчик (платежи)"  # the demo employer's published vacancy
JOURNEY_PASSWORD = "a-long-enough-passphrase-42"

SIGN_UP_ROLE_LABELS = {"specialist": "An IT specialist", "employer": "An employer (company HR)"}


def unique_email(prefix: str) -> str:
    """An address no earlier run has used, so the suite can run again against the same server."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}@browser.caravan.test"


def header(page: Page):
    return page.get_by_role("banner")


def main(page: Page):
    return page.get_by_role("main")


def sign_up(page: Page, *, display_name: str, email: str, password: str, role: str = "specialist", consent: bool = True) -> Response | None:
    """Fills and sends the sign-up form from the page; returns the response to the form's POST."""
    page.goto("/signup")
    form = main(page)
    form.get_by_label(SIGN_UP_ROLE_LABELS[role]).check()
    form.get_by_label("Full name").fill(display_name)
    form.get_by_label("E-mail").fill(email)
    form.get_by_label("Password").fill(password)
    if consent:
        # 152-FZ: the sign-up is refused without the consent box ticked.
        form.get_by_label("I agree to the processing of my personal data").check()
    with page.expect_navigation() as navigation:
        form.get_by_role("button", name="Create account").click()
    return navigation.value


def sign_in(page: Page, email: str, password: str, *, open_form: bool = True) -> Response | None:
    """Fills and sends the sign-in form; returns the response of the page shown after it."""
    if open_form:
        page.goto("/signin")
    form = main(page)
    form.get_by_label("E-mail").fill(email)
    form.get_by_label("Password").fill(password)
    with page.expect_navigation() as navigation:
        form.get_by_role("button", name="Sign in").click()
    return navigation.value


def sign_out(page: Page, button_label: str = "Sign out") -> None:
    with page.expect_navigation():
        header(page).get_by_role("button", name=button_label).click()


def expect_signed_out(page: Page, sign_in_label: str = "Sign in") -> None:
    expect(header(page).get_by_role("link", name=sign_in_label, exact=True)).to_be_visible()
    expect(header(page).get_by_role("button")).to_have_count(0)


def expect_account_page(page: Page, *, display_name: str, email: str, role: str, heading: str = "My account") -> None:
    expect(page).to_have_url(re.compile(r"/account(\?.*)?$"))
    expect(main(page).get_by_role("heading", level=1)).to_have_text(heading)
    facts = main(page).locator("dl")
    expect(facts).to_contain_text(display_name)
    expect(facts).to_contain_text(email)
    expect(facts).to_contain_text(role)
    expect(header(page)).to_contain_text(display_name)


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / name
    page.screenshot(path=str(path), full_page=True)
    return path


def switch_language(page: Page, link_label: str) -> None:
    """Follows a footer language link ("Русский" or "English"); the same page comes back in that language.
    (The footer's language navigation is itself labelled in the current language, so it is not looked up by name.)"""
    with page.expect_navigation():
        page.get_by_role("contentinfo").get_by_role("link", name=link_label, exact=True).click()


# Set-up through the API, as a mobile app would: the journeys begin where their own part begins.


def api(base_url: str, method: str, path: str, body: dict | None = None, token: str | None = None) -> dict:
    request = urllib.request.Request(base_url + "/api/v1" + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None)
    request.add_header("Content-Type", "application/json")
    request.add_header("Accept-Language", "en")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request) as response:  # noqa: S310 — the server under test on loopback
        text = response.read()
        return json.loads(text) if text else {}


def api_token(base_url: str, email: str, password: str) -> str:
    return api(base_url, "POST", "/sessions", {"email": email, "password": password})["token"]


def hired_specialist(base_url: str, *, prefix: str, name: str, family: list[dict], russian: str = "B2",
                     today: date | None = None) -> tuple[str, str]:
    """A new specialist (password JOURNEY_PASSWORD) with `family` on the profile and an accepted offer from the demo
    employer's Kazan vacancy, starting 60 days after `today` (the server's today; this machine's by default).
    Returns (email, name)."""
    email = unique_email(prefix)
    api(base_url, "POST", "/accounts", {"email": email, "password": JOURNEY_PASSWORD, "displayName": name, "role": "specialist", "consent": "2026.1"})
    specialist = api_token(base_url, email, JOURNEY_PASSWORD)
    api(base_url, "PUT", "/profile", {
        "citizenship": "UZ", "countryOfResidence": "UZ", "city": "Ташкент", "russianLevel": russian, "relocation": True,
        "skills": [{"skill": "java", "level": 4, "years": 6}, {"skill": "spring-boot", "level": 4, "years": 5}],
        "family": family,
    }, specialist)
    employer = api_token(base_url, DEMO_EMPLOYER, DEMO_PASSWORD)
    vacancy = next(v for v in api(base_url, "GET", "/search/vacancies?q=java&limit=100", token=specialist)["vacancies"]
                   if v["title"] == KAZAN_VACANCY)
    application = api(base_url, "POST", f"/vacancies/{vacancy['id']}/applications", {"note": "Ready to move with my family."}, specialist)
    for stage in ("screening", "interview"):
        api(base_url, "POST", f"/applications/{application['id']}/moves", {"stage": stage}, employer)
    start = ((today or date.today()) + timedelta(days=60)).isoformat()
    api(base_url, "POST", f"/applications/{application['id']}/moves",
        {"stage": "offer", "offer": {"salary": 320000, "startDate": start, "city": "Казань", "contract": "employment"}}, employer)
    api(base_url, "POST", f"/applications/{application['id']}/moves", {"stage": "hired"}, specialist)
    return email, name


def new_specialist(base_url: str, *, prefix: str, name: str) -> str:
    """A new specialist account (password JOURNEY_PASSWORD) with nothing on it yet, made through the API; returns its e-mail."""
    email = unique_email(prefix)
    api(base_url, "POST", "/accounts", {"email": email, "password": JOURNEY_PASSWORD, "displayName": name, "role": "specialist", "consent": "2026.1"})
    return email


def png_image(width: int = 96, height: int = 120) -> bytes:
    """A small valid PNG (8-bit RGB, a soft gradient), written by hand: a photo for a form that sniffs the bytes."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(
        b"\x00" + bytes(channel for x in range(width) for channel in (180 + x * 60 // width, 150 + y * 80 // height, 140))
        for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit truecolour, no interlace
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")
