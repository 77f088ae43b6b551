"""Search both ways in a real browser (issue 4): a specialist finds vacancies by inflected Russian words and
filters; an employer finds specialists by skill and citizenship and invites one, who sees the invitation in the
inbox. Needs the demo data (`caravan demo`)."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from helpers import DEMO_EMPLOYER, DEMO_PASSWORD, DEMO_SPECIALIST, header, main, screenshot, sign_in, sign_up, switch_language, unique_email

PASSWORD = "a-long-enough-passphrase-42"


def test_a_specialist_searches_vacancies_by_words_and_filters(new_context) -> None:
    page = new_context().new_page()
    response = sign_in(page, DEMO_SPECIALIST, DEMO_PASSWORD)
    assert response is not None and response.ok
    switch_language(page, "English")
    header(page).get_by_role("navigation", name="Main navigation").get_by_role("link", name="Search", exact=True).click()
    expect(page).to_have_url(re.compile(r"/search/vacancies$"))
    search = main(page).get_by_role("search")
    search.get_by_label("Words").fill("разработчика платежей")
    search.get_by_label("Family relocation").check()
    with page.expect_navigation():
        search.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"q=%D1%80%D0%B0%D0%B7"))
    results = main(page).locator("ol.matches > li")
    expect(results.first).to_be_visible()
    expect(main(page).get_by_role("link", name="Java-разработчик (платежи)")).to_have_count(1)
    expect(main(page).get_by_role("status")).to_contain_text(re.compile(r"Found: \d+\."))
    screenshot(page, "search-vacancies-en.png")

    # Nonsense gets a clear message, not an error page.
    search = main(page).get_by_role("search")
    search.get_by_label("Salary at least (₽ a month)").fill("lots")
    with page.expect_navigation() as navigation:
        search.get_by_role("button", name="Search").click()
    assert navigation.value is not None and navigation.value.status == 422
    expect(main(page).get_by_role("search")).to_contain_text("Salary is a whole positive number of roubles.")


def test_an_employer_finds_a_specialist_and_invites_them(new_context) -> None:
    # A new specialist with a distinctive skill set.
    specialist = new_context().new_page()
    email = unique_email("searchable")
    # A surname no earlier run has used, so the search finds exactly this person on a reused server.
    name = "Nodira " + "".join(chr(ord("a") + int(c, 16)) for c in uuid.uuid4().hex[:7]).capitalize()
    response = sign_up(specialist, display_name=name, email=email, password=PASSWORD, role="specialist")
    assert response is not None and response.ok
    specialist.goto("/profile")
    basics = main(specialist).get_by_role("region", name="Basics", exact=True)
    basics.get_by_label("Headline").fill("Android developer, Kotlin and Jetpack Compose")
    basics.get_by_label("Citizenship").select_option("TJ")
    basics.get_by_label("City").fill("Душанбе")
    basics.get_by_label("Ready to relocate").check()
    with specialist.expect_navigation():
        basics.get_by_role("button", name="Save").click()
    expect(main(specialist).get_by_role("status")).to_have_text("Profile saved.")

    employer = new_context().new_page()
    response = sign_in(employer, DEMO_EMPLOYER, DEMO_PASSWORD)
    assert response is not None and response.ok
    switch_language(employer, "English")
    header(employer).get_by_role("navigation", name="Main navigation").get_by_role("link", name="Search", exact=True).click()
    expect(employer).to_have_url(re.compile(r"/search/specialists$"))
    search = main(employer).get_by_role("search")
    search.get_by_label("Words").fill("Kotlin Compose")
    search.get_by_label("Citizenship").select_option("TJ")
    search.get_by_label("Ready to relocate").check()
    with employer.expect_navigation():
        search.get_by_role("button", name="Search").click()
    card = main(employer).locator("ol.matches > li").filter(has_text=name)
    expect(card).to_have_count(1)
    expect(card).not_to_contain_text(email)  # contacts only after they apply or accept
    screenshot(employer, "search-specialists-en.png")
    card.get_by_label("Vacancy to invite to").select_option(label="Java-разработчик (платежи)")
    with employer.expect_navigation():
        card.get_by_role("button", name="Invite").click()
    expect(main(employer).get_by_role("status").filter(has_text="Invitation sent.")).to_have_count(1)

    # The specialist hears of it.
    specialist.goto("/inbox")
    expect(main(specialist).get_by_role("listitem").first).to_contain_text("invites you to apply for “Java-разработчик (платежи)”")
