"""The account journey in a real browser: sign up, sign out, sign in, switch language, administer accounts.

Every test runs in a fresh English (en-US) browser context; the `new_context` guard also fails a test on any
console error, uncaught script error or request to a host other than the server under test.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from helpers import (
    DEMO_ADMIN,
    DEMO_PASSWORD,
    DEMO_SPECIALIST,
    expect_account_page,
    expect_signed_out,
    header,
    main,
    screenshot,
    sign_in,
    sign_out,
    sign_up,
    unique_email,
)

GOOD_PASSWORD = "a-long-enough-passphrase-42"


def test_sign_up_sign_out_sign_in_switch_to_russian_and_sign_out(page: Page) -> None:
    name = "Dilnoza Yusupova"
    email = unique_email("journey")

    # A newcomer finds the sign-up form from the home page.
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect_signed_out(page)
    header(page).get_by_role("link", name="Sign up").click()
    expect(page).to_have_url(re.compile(r"/signup$"))

    # Sign up as a specialist and land on the next steps: completing the profile is the first, offered as a button.
    response = sign_up(page, display_name=name, email=email, password=GOOD_PASSWORD, role="specialist")
    assert response is not None and response.ok, f"sign-up answered {response and response.status}"
    expect(page).to_have_url(re.compile(r"/\?welcome=yes$"))
    steps = main(page).get_by_role("region", name="Your account is ready. What next")
    expect(steps.get_by_role("link", name="Complete your profile: skills, experience, Russian")).to_be_visible()
    expect(steps.get_by_role("listitem")).to_have_count(3)
    page.goto("/account")
    expect_account_page(page, display_name=name, email=email, role="IT specialist")
    screenshot(page, "account-en.png")

    # Sign out: back to signed-out, and the account page is closed again.
    sign_out(page)
    expect_signed_out(page)
    page.goto("/account")
    expect(page).to_have_url(re.compile(r"/signin\?next=/account$"))

    # Sign in again (the sign-in form we were sent to brings us back to the account page).
    response = sign_in(page, email, GOOD_PASSWORD, open_form=False)
    assert response is not None and response.ok, f"sign-in answered {response and response.status}"
    expect_account_page(page, display_name=name, email=email, role="IT specialist")

    # Switch to Russian with the footer link: the same page, now in Russian.
    footer_languages = page.get_by_role("contentinfo").get_by_role("navigation", name="Language")
    expect(footer_languages.get_by_role("link", name="English")).to_have_attribute("aria-current", "true")
    footer_languages.get_by_role("link", name="Русский").click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect_account_page(page, display_name=name, email=email, role="IT-специалист", heading="Мой аккаунт")
    expect(page.get_by_role("contentinfo").get_by_role("link", name="Русский")).to_have_attribute("aria-current", "true")
    screenshot(page, "account-ru.png")

    # Sign out in Russian; the language stays, and the Russian sign-in link is back.
    sign_out(page, button_label="Выйти")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect_signed_out(page, sign_in_label="Войти")


def test_sign_up_with_bad_input_shows_field_errors_and_creates_nothing(page: Page) -> None:
    # A malformed address and a short password: both fields are marked, nothing else happens.
    response = sign_up(page, display_name="Bad Input", email="not-an-email", password="short", role="specialist")
    assert response is not None and response.status == 422
    expect(page).to_have_url(re.compile(r"/signup$"))
    form = main(page)
    expect(form.get_by_role("alert")).to_contain_text("Please correct the marked fields.")
    expect(form.get_by_label("E-mail")).to_have_attribute("aria-invalid", "true")
    expect(form.get_by_label("Password")).to_have_attribute("aria-invalid", "true")
    expect(form).to_contain_text("This does not look like an e-mail address")
    expect(form).to_contain_text("The password must be at least 10 characters long.")
    # What was typed is kept, except the password.
    expect(form.get_by_label("Full name")).to_have_value("Bad Input")
    expect(form.get_by_label("E-mail")).to_have_value("not-an-email")
    expect(form.get_by_label("Password")).to_have_value("")
    expect_signed_out(page)

    # A good address with a short password: only the password is marked.
    email = unique_email("bad-input")
    response = sign_up(page, display_name="Bad Input", email=email, password="short", role="specialist")
    assert response is not None and response.status == 422
    expect(form.get_by_label("Password")).to_have_attribute("aria-invalid", "true")
    expect(form.get_by_label("E-mail")).not_to_have_attribute("aria-invalid", "true")
    expect(form).to_contain_text("The password must be at least 10 characters long.")

    # Nothing was created: those credentials do not sign in ...
    response = sign_in(page, email, "short")
    assert response is not None and response.status == 401
    expect(main(page).get_by_role("alert")).to_have_text("Wrong e-mail or password.")
    expect_signed_out(page)

    # ... and the address is still free: signing up with it properly works (no "already exists").
    response = sign_up(page, display_name="Bad Input", email=email, password=GOOD_PASSWORD, role="specialist")
    assert response is not None and response.ok, f"sign-up answered {response and response.status}"
    page.goto("/account")
    expect_account_page(page, display_name="Bad Input", email=email, role="IT specialist")


def test_sign_up_without_consent_is_refused_beside_the_box_and_keeps_the_input(page: Page) -> None:
    email = unique_email("no-consent")
    response = sign_up(page, display_name="No Consent", email=email, password=GOOD_PASSWORD, consent=False)
    assert response is not None and response.status == 422
    form = main(page)
    consent = form.get_by_label("I agree to the processing of my personal data")
    expect(consent).to_have_attribute("aria-invalid", "true")
    expect(consent).not_to_be_checked()
    expect(form).to_contain_text("an account cannot be opened without it")
    expect(form.get_by_label("Full name")).to_have_value("No Consent")
    expect(form.get_by_label("E-mail")).to_have_value(email)
    expect_signed_out(page)
    # Ticked, the same sign-up opens the account, and the account page says which text was agreed to.
    response = sign_up(page, display_name="No Consent", email=email, password=GOOD_PASSWORD)
    assert response is not None and response.ok
    page.goto("/account")
    expect(main(page)).to_contain_text("consent text version 2026.1")


def test_wrong_password_is_refused_without_telling_whether_the_email_exists(page: Page) -> None:
    # An account of our own, so repeated runs never throttle a shared demo account.
    email = unique_email("wrong-password")
    sign_up(page, display_name="Wrong Password", email=email, password=GOOD_PASSWORD)
    page.goto("/account")
    expect_account_page(page, display_name="Wrong Password", email=email, role="IT specialist")
    sign_out(page)

    def refused(address: str) -> str:
        response = sign_in(page, address, "not-the-password-at-all")
        assert response is not None and response.status == 401, f"sign-in answered {response and response.status}"
        expect(page).to_have_url(re.compile(r"/signin$"))
        expect(main(page).get_by_role("alert")).to_have_text("Wrong e-mail or password.")
        expect(main(page).get_by_label("E-mail")).to_have_value(address)
        expect_signed_out(page)
        return main(page).inner_text()

    existing = refused(email)
    unknown = refused(unique_email("nobody"))
    assert existing == unknown, "the page differs between a known and an unknown e-mail address"


def test_admin_creates_a_migration_officer_who_can_then_sign_in(page: Page) -> None:
    response = sign_in(page, DEMO_ADMIN, DEMO_PASSWORD)
    assert response is not None and response.ok
    header(page).get_by_role("navigation", name="Main navigation").get_by_role("link", name="Users").click()
    expect(page).to_have_url(re.compile(r"/admin/users$"))
    expect(main(page).get_by_role("heading", level=1)).to_have_text("Users")

    officer_name = "Timur Officer"
    officer_email = unique_email("officer")
    officer_password = "officer-initial-pass-2026"
    create = main(page).get_by_role("region", name="New staff account")
    create.get_by_label("Full name").fill(officer_name)
    create.get_by_label("E-mail").fill(officer_email)
    create.get_by_label("Role").select_option(label="Migration officer")
    create.get_by_label("Initial password").fill(officer_password)
    with page.expect_navigation():
        create.get_by_role("button", name="Create account").click()

    expect(page).to_have_url(re.compile(r"/admin/users\?notice=created$"))
    expect(main(page).get_by_role("status")).to_have_text("The account was created.")
    row = main(page).get_by_role("row").filter(has_text=officer_email)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(officer_name)
    expect(row.get_by_role("combobox")).to_have_value("migration_officer")

    sign_out(page)
    expect_signed_out(page)
    response = sign_in(page, officer_email, officer_password)
    assert response is not None and response.ok, f"officer sign-in answered {response and response.status}"
    expect_account_page(page, display_name=officer_name, email=officer_email, role="Migration officer")


def test_specialist_is_refused_the_admin_users_page(page: Page) -> None:
    sign_in(page, DEMO_SPECIALIST, DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/account$"))
    expect(header(page).get_by_role("link", name="Users")).to_have_count(0)

    response = page.goto("/admin/users")
    assert response is not None and response.status == 403
    expect(main(page).get_by_role("heading", level=1)).to_have_text("Forbidden")
    expect(main(page)).not_to_contain_text(DEMO_ADMIN)
    expect(page.get_by_role("table")).to_have_count(0)
    # Still signed in as themselves: the refusal is not a sign-out.
    expect(header(page).get_by_role("button", name="Sign out")).to_be_visible()


def test_signed_out_visitor_is_sent_to_sign_in_from_admin_users(page: Page) -> None:
    page.goto("/admin/users")
    expect(page).to_have_url(re.compile(r"/signin\?next=/admin/users$"))
    expect_signed_out(page)


def test_favicon_is_served(context, base_url: str) -> None:
    # Browsers ask for /favicon.ico on their own; a 404 there is a console error on whichever page they
    # happened to ask from (the page guard excuses that one request so as not to be flaky, and this test
    # checks it once, deterministically).
    response = context.request.get(f"{base_url}/favicon.ico")
    assert response.status == 200, f"/favicon.ico answered {response.status}"


def test_account_page_fits_a_phone_screen(new_context) -> None:
    # Long names and addresses are common (and e-mail addresses cannot be hyphenated): on a 375 px wide
    # phone the account page must still not scroll sideways.
    page = new_context(viewport={"width": 375, "height": 740}).new_page()
    name = "Konstantin Konstantinopolsky-Longsurname"
    email = unique_email("konstantin.konstantinopolsky-phone-screen")
    sign_up(page, display_name=name, email=email, password=GOOD_PASSWORD)
    page.goto("/account")
    expect_account_page(page, display_name=name, email=email, role="IT specialist")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the account page is {overflow}px wider than a 375px screen"
