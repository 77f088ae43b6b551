"""The marketplace journey in a real browser (issue 4): a specialist builds a profile, sees vacancies matched to it
with reasons, applies to a Kazan Soft vacancy; the employer moves the application to an offer; the specialist
accepts it.

Two people, two browser contexts (each watched by the `new_context` guard: no console errors, no uncaught script
errors, no requests to other hosts). Needs the demo data (`caravan demo`): the employer account DEMO_EMPLOYER and
its published vacancy KAZAN_VACANCY.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Locator, Page, expect

from helpers import (
    DEMO_EMPLOYER,
    DEMO_PASSWORD,
    header,
    main,
    screenshot,
    sign_in,
    sign_up,
    switch_language,
    unique_email,
)

PASSWORD = "a-long-enough-passphrase-42"
KAZAN_VACANCY = "Java-разработчик (платежи)"


# --------------------------------------------------------------------------------------------------
# What the people do on the pages


def region(page: Page, name: str) -> Locator:
    """A <section aria-labelledby=...> of the main content, by its heading."""
    return main(page).get_by_role("region", name=name, exact=True)


def submit(page: Page, scope: Locator, button: str):
    """Clicks a form's button and waits for the page it leads to; returns that page's response."""
    with page.expect_navigation() as navigation:
        scope.get_by_role("button", name=button, exact=True).click()
    return navigation.value


def add_skill_form(page: Page) -> Locator:
    # Each listed skill has its own little "Remove" form; the add form is the one with the "Add skill" button.
    return region(page, "Skills").locator("form").filter(has=page.get_by_role("button", name="Add skill", exact=True))


def add_skill(page: Page, skill: str, *, level: str, years: str):
    form = add_skill_form(page)
    form.get_by_label("Skill", exact=True).fill(skill)
    form.get_by_label("Level", exact=True).select_option(level)
    form.get_by_label("Years of experience").fill(years)
    return submit(page, form, "Add skill")


def listed_skills(page: Page) -> Locator:
    return region(page, "Skills").get_by_role("listitem")


def move_application(page: Page, card: Locator, stage: str, **offer: str) -> None:
    """Chooses the next step on an application card (and, for an offer, fills its terms), then confirms."""
    card.get_by_label("Next step").select_option(stage)
    if offer:
        card.get_by_label("Salary, ₽ a month").fill(offer["salary"])
        card.get_by_label("Start date").fill(offer["start"])
        card.get_by_label("City").fill(offer["city"])
        card.get_by_label("Contract").select_option(offer["contract"])
    # The button reads "Confirm"; a screen reader hears whom or what it confirms ("Confirm: Rustam Nazarov").
    with page.expect_navigation() as navigation:
        card.get_by_role("button", name=re.compile(r"^Confirm: ")).click()
    response = navigation.value
    assert response is not None and response.ok, f"moving to {stage} answered {response and response.status}"


def stage_of(card: Locator) -> Locator:
    return card.locator("p > strong").first


# --------------------------------------------------------------------------------------------------
# The journey


def test_specialist_builds_profile_applies_and_accepts_an_offer(new_context) -> None:
    # The employer signs in first: its vacancy list gives the address of the vacancy the specialist applies to.
    employer = new_context().new_page()
    response = sign_in(employer, DEMO_EMPLOYER, DEMO_PASSWORD)
    assert response is not None and response.ok, f"employer sign-in answered {response and response.status}"
    header(employer).get_by_role("navigation", name="Main navigation").get_by_role("link", name="Company vacancies").click()
    expect(employer).to_have_url(re.compile(r"/vacancies$"))
    vacancy_link = main(employer).get_by_role("link", name=KAZAN_VACANCY, exact=True)
    expect(vacancy_link).to_have_count(1)
    vacancy_path = vacancy_link.get_attribute("href")
    assert vacancy_path and re.fullmatch(r"/vacancies/[0-9a-f-]{36}", vacancy_path), vacancy_path

    # A new specialist signs up ...
    page = new_context().new_page()
    name = "Rustam Nazarov"
    email = unique_email("marketplace")
    response = sign_up(page, display_name=name, email=email, password=PASSWORD, role="specialist")
    assert response is not None and response.ok, f"sign-up answered {response and response.status}"

    # ... and fills in the basics of the profile.
    header(page).get_by_role("navigation", name="Main navigation").get_by_role("link", name="My profile").click()
    expect(page).to_have_url(re.compile(r"/profile$"))
    basics = region(page, "Basics")
    basics.get_by_label("Headline").fill("Backend developer, Java, 5 years")
    basics.get_by_label("Citizenship").select_option("UZ")
    basics.get_by_label("Country of residence").select_option("UZ")
    basics.get_by_label("City").fill("Ташкент")
    basics.get_by_label("Phone").fill("+998 90 123 45 67")
    basics.get_by_label("Russian (TRKI / CEFR)").select_option("B2")
    basics.get_by_label("Expected salary, ₽ a month").fill("250000")
    basics.get_by_label("Hybrid").check()
    basics.get_by_label("Ready to relocate").check()
    basics.get_by_label("About you and your experience").fill(
        "Five years of backend work in Tashkent: payment services in Java and Spring Boot on PostgreSQL, "
        "Kafka for events. Ready to move to Russia with my family."
    )
    response = submit(page, basics, "Save")
    assert response is not None and response.ok, f"saving the profile answered {response and response.status}"
    expect(main(page).get_by_role("status")).to_have_text("Profile saved.")
    basics = region(page, "Basics")
    expect(basics.get_by_label("Citizenship")).to_have_value("UZ")
    expect(basics.get_by_label("Russian (TRKI / CEFR)")).to_have_value("B2")
    expect(basics.get_by_label("Ready to relocate")).to_be_checked()

    # Skills, typed the way people say them, come back under their proper names.
    for typed, proper, level in (("джава", "Java", "4"), ("спринг бут", "Spring Boot", "3"), ("постгрес", "PostgreSQL", "3")):
        response = add_skill(page, typed, level=level, years="5")
        assert response is not None and response.ok, f"adding {typed!r} answered {response and response.status}"
        expect(main(page).get_by_role("status")).to_have_text("Skill added.")
        expect(listed_skills(page).filter(has_text=proper)).to_have_count(1)
    expect(listed_skills(page)).to_have_count(3)
    expect(listed_skills(page).filter(has_text="Java").first).to_contain_text("Advanced")

    # The spouse moves too.
    family = region(page, "Family")
    family.get_by_label("Full name").fill("Malika Nazarova")
    family.get_by_label("Relation").select_option("spouse")
    family.get_by_label("Date of birth").fill("1994-05-12")
    family.get_by_label("Citizenship").select_option("UZ")
    response = submit(page, family, "Add family member")
    assert response is not None and response.ok, f"adding the spouse answered {response and response.status}"
    expect(main(page).get_by_role("status")).to_have_text("Family member added.")
    member = region(page, "Family").get_by_role("listitem").filter(has_text="Malika Nazarova")
    expect(member).to_have_count(1)
    expect(member).to_contain_text("Spouse")
    expect(member).to_contain_text("Uzbekistan")

    # A past job, with the month pickers' yyyy-MM values.
    experience = region(page, "Experience")
    experience.get_by_label("Job title").fill("Java developer")
    experience.get_by_label("Employer").fill("Uzcard")
    experience.get_by_label("Country").select_option("UZ")
    experience.get_by_label("Started (year and month)").fill("2020-09")
    response = submit(page, experience, "Add job")
    assert response is not None and response.ok, f"adding a job answered {response and response.status}"
    expect(region(page, "Experience").get_by_role("listitem").filter(has_text="Java developer, Uzcard")).to_contain_text("September 2020 — now")

    # "Vacancies for me": ranked cards, each linking to a vacancy, with the reasons spelled out.
    header(page).get_by_role("navigation", name="Main navigation").get_by_role("link", name="Vacancies for me").click()
    expect(page).to_have_url(re.compile(r"/matches$"))
    expect(main(page).get_by_role("heading", level=1)).to_have_text("Vacancies for me")
    cards = main(page).locator("ol.matches > li")
    expect(cards.first).to_be_visible()
    assert cards.count() >= 3, f"only {cards.count()} vacancies matched a Java/Spring/PostgreSQL profile"
    expect(cards.first.get_by_role("link").first).to_have_attribute("href", re.compile(r"^/vacancies/[0-9a-f-]{36}$"))
    expect(cards.first).to_contain_text(re.compile(r"\d+% match"))
    java_reasons = main(page).locator("ul.reasons li").filter(has_text="Java")
    expect(java_reasons.first).to_be_visible()
    expect(cards.first.locator("ul.reasons.good > li").first).to_be_visible()
    screenshot(page, "matches-en.png")

    # The same page in Russian, then back to English.
    switch_language(page, "Русский")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(main(page).get_by_role("heading", level=1)).to_have_text("Вакансии для меня")
    expect(main(page).locator("ol.matches > li").first).to_be_visible()
    screenshot(page, "matches-ru.png")
    switch_language(page, "English")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # The specialist opens the Kazan Soft vacancy and applies with a note.
    response = page.goto(vacancy_path)
    assert response is not None and response.ok, f"the vacancy page answered the specialist {response and response.status}"
    expect(main(page).get_by_role("heading", level=1)).to_have_text(KAZAN_VACANCY)
    expect(main(page)).to_contain_text("Казань Софт")
    apply = region(page, "Apply")
    note = "Здравствуйте! Пять лет пишу платёжные сервисы на Java и Spring Boot, готов переехать в Казань с семьёй."
    apply.get_by_label("Cover note").fill(note)
    response = submit(page, apply, "Send application")
    assert response is not None and response.ok, f"applying answered {response and response.status}"
    expect(page).to_have_url(re.compile(r"/applications\?notice=applied$"))
    expect(main(page).get_by_role("status")).to_have_text("Application sent.")
    mine = main(page).get_by_role("article").filter(has_text=KAZAN_VACANCY)
    expect(mine).to_have_count(1)
    expect(stage_of(mine)).to_have_text("Applied")

    # The employer is told in the inbox, and the notice leads to the vacancy's applications.
    employer.reload()
    inbox_link = header(employer).get_by_role("navigation", name="Main navigation").get_by_role("link", name=re.compile(r"^Inbox \(\d+\)$"))
    expect(inbox_link).to_have_count(1)
    inbox_link.click()
    notice = main(employer).get_by_role("listitem").filter(has_text=f"{name} applied for “{KAZAN_VACANCY}”.")
    expect(notice).to_have_count(1)

    # The employer finds the application on the vacancy page and moves it on: screening, interview, offer.
    response = employer.goto(vacancy_path)
    assert response is not None and response.ok, f"the vacancy page answered its employer {response and response.status}"
    applications = region(employer, "Applications")
    card = applications.get_by_role("article").filter(has_text=email)
    expect(card).to_have_count(1)
    expect(card).to_contain_text(name)
    expect(card).to_contain_text(note)
    expect(stage_of(card)).to_have_text("Applied")
    move_application(employer, card, "screening")
    expect(stage_of(card)).to_have_text("Screening")
    move_application(employer, card, "interview")
    expect(stage_of(card)).to_have_text("Interview")
    start = (date.today() + timedelta(days=91)).isoformat()
    move_application(employer, card, "offer", salary="300000", start=start, city="Казань", contract="employment")
    expect(stage_of(card)).to_have_text("Offer")
    start_day = date.fromisoformat(start)
    # The date reads as words in the sentence ("March 4, 2027"), not as ISO.
    start_words = f"{start_day.strftime('%B')} {start_day.day}, {start_day.year}"
    offer_terms = re.compile(rf"300[\s,\u00a0\u202f]?000 ₽ a month, from {start_words}, Казань, employment contract")
    expect(card).to_contain_text(offer_terms)
    expect(card.locator("details").get_by_role("listitem", include_hidden=True)).to_have_count(4)  # the history (folded): applied, screening, interview, offer

    # The specialist is told of the offer in the inbox, then sees it and accepts it.
    page.goto("/inbox")
    expect(main(page).get_by_role("listitem").first).to_contain_text(f"has made you an offer for “{KAZAN_VACANCY}”")
    page.reload()
    header(page).get_by_role("navigation", name="Main navigation").get_by_role("link", name="My applications").click()
    expect(page).to_have_url(re.compile(r"/applications$"))
    mine = main(page).get_by_role("article").filter(has_text=KAZAN_VACANCY)
    expect(stage_of(mine)).to_have_text("Offer")
    expect(mine).to_contain_text(offer_terms)
    move_application(page, mine, "hired")
    expect(main(page).get_by_role("status")).to_have_text("Done.")
    expect(stage_of(mine)).to_have_text("Hired")
    expect(mine.get_by_label("Next step")).to_have_count(0)  # nothing more to decide
    # What comes after an accepted offer: the permit case, one link away.
    expect(mine).to_contain_text("Next step: the residence-permit case for you and your family.")
    expect(mine.get_by_role("link", name="Open the permit case")).to_have_attribute("href", "/permits")

    # The employer sees the hire too.
    response = employer.reload()
    assert response is not None and response.ok, f"the vacancy page answered its employer {response and response.status}"
    card = region(employer, "Applications").get_by_role("article").filter(has_text=email)
    expect(stage_of(card)).to_have_text("Hired")


def test_unknown_skill_shows_an_error_and_adds_nothing(page: Page) -> None:
    email = unique_email("unknown-skill")
    response = sign_up(page, display_name="Unknown Skill", email=email, password=PASSWORD, role="specialist")
    assert response is not None and response.ok, f"sign-up answered {response and response.status}"
    page.goto("/profile")
    expect(region(page, "Skills")).to_contain_text("No skills yet.")

    response = add_skill(page, "абракадабра", level="4", years="2")
    assert response is not None and response.status == 422, f"adding an unknown skill answered {response and response.status}"
    form = add_skill_form(page)
    skill = form.get_by_label("Skill", exact=True)
    expect(skill).to_have_attribute("aria-invalid", "true")
    expect(form).to_contain_text("Could not find the skill “абракадабра”. Try another spelling.")
    expect(listed_skills(page)).to_have_count(0)

    # Nothing was stored: a fresh look at the profile still has no skills.
    page.goto("/profile")
    expect(region(page, "Skills")).to_contain_text("No skills yet.")
    expect(listed_skills(page)).to_have_count(0)
    expect(add_skill_form(page).get_by_label("Skill", exact=True)).not_to_have_attribute("aria-invalid", "true")
