"""What a person does on Caravan's pages, in the English interface, with role- and label-based locators."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from playwright.sync_api import Page, Response, expect

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"

DEMO_PASSWORD = "caravan-demo-2026"
DEMO_ADMIN = "admin@demo.caravan.test"
DEMO_SPECIALIST = "aziz.karimov@demo.caravan.test"
DEMO_EMPLOYER = "hr@kazan-soft.demo.caravan.test"  # ООО «Казань Софт», accredited

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
