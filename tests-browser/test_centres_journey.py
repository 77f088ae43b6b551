"""The programme centres in a real browser: anyone sees the centres and their free times; a specialist books the
whole family's biometrics and a Russian-language test in Tashkent; the centre's desk marks the visits and records
the test result; the specialist then sees the result, the verified Russian level on the profile, and the
fingerprint registration accepted on the permit case.

THIS MODULE NEEDS A SERVER OF ITS OWN, WITH ITS CLOCK STARTED FOR IT, and is skipped unless
CARAVAN_CENTRES_JOURNEY=1. The desk can mark visits only on the day of the appointment, so the server's clock must
start on a Monday morning in Tashkent, when the centre opens later that day:

    CARAVAN_DATA_DIR=$(mktemp -d) CARAVAN_BCRYPT_COST=4 CARAVAN_CLOCK_START=2027-03-01T08:00:00+05:00 \
        .build/debug/caravan demo --port 8622 &
    CARAVAN_CENTRES_JOURNEY=1 CARAVAN_BASE_URL_UNDER_TEST=http://127.0.0.1:8622 .venv/bin/pytest -q tests-browser/test_centres_journey.py

The other journeys run against an unclocked server, where this one cannot work; the script that starts the clocked
server sets CARAVAN_CENTRES_JOURNEY=1 and runs this file on its own. With the variable set, a server whose clock
was not started on that Monday fails the module loudly (it is never skipped silently there).

The specialist is a new one made through the API (account, profile with a spouse and a child, an accepted offer
from the demo's accredited Kazan Soft), not the demo's Aziz: the demo has already booked Aziz's family for
biometrics on the clock's first open morning (and gives him no permit case), so a rerun-safe journey needs its own
family. The permit case itself is opened in the browser. Everything else reads what the pages show.

Screenshots for a person to look at (the booking page and the desk at 375 px, the other pages at desktop width) go
to CARAVAN_CENTRES_SCREENSHOT_DIR (default tests-browser/screenshots).
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from helpers import DEMO_PASSWORD, JOURNEY_PASSWORD as PASSWORD, SCREENSHOTS, api, hired_specialist, main, sign_in, switch_language

if os.environ.get("CARAVAN_CENTRES_JOURNEY") != "1":
    pytest.skip(
        "the centres journey needs its own server whose clock starts on a Monday morning in Tashkent "
        "(CARAVAN_CLOCK_START=2027-03-01T08:00:00+05:00); set CARAVAN_CENTRES_JOURNEY=1 to run it against one",
        allow_module_level=True,
    )

CLOCK_DAY = "2027-03-01"  # the Monday the server's clock starts on (CARAVAN_CLOCK_START), in Tashkent
DEMO_CENTRE_STAFF = "centre.tashkent@demo.caravan.test"  # assigned to the Tashkent centre by the demo
PHONE = {"width": 375, "height": 740}
CENTRE = "/centres/tashkent"

# A message key left in the text, a date left in ISO form inside a sentence: what a translated page never shows.
RAW_KEY = re.compile(r"\b(?:centres?|appointments|desk|error|notice|problem|relation|document|permit|field|form)\.[a-z_]+(?:\.[a-z_]+)*\b")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
CERTIFICATE = re.compile(r"TAS-2027-\d{6}-\w")
CLOCK_TIME = re.compile(r"\b(\d{2}):(\d{2})\b")


def screenshot_dir() -> Path:
    folder = Path(os.environ.get("CARAVAN_CENTRES_SCREENSHOT_DIR") or SCREENSHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# --------------------------------------------------------------------------------------------------
# Set-up through the API, as a mobile app would


@pytest.fixture(scope="module")
def clock_day(base_url: str) -> date:
    """The server's clock must be on the Monday it was started for: the first free biometrics time in Tashkent is that day."""
    slots = api(base_url, "GET", "/centres/tashkent/slots?service=biometrics&days=1").get("slots", [])
    first = slots[0]["start"] if slots else None
    if not first or datetime.fromisoformat(first.replace("Z", "+00:00")).astimezone(timezone(timedelta(hours=5))).date().isoformat() != CLOCK_DAY:
        pytest.fail(
            f"CARAVAN_CENTRES_JOURNEY=1 but the server's first free biometrics time in Tashkent is {first!r}, not on {CLOCK_DAY}: "
            "start the server with CARAVAN_CLOCK_START=2027-03-01T08:00:00+05:00 (and run the journey the same day on its clock)",
            pytrace=False,
        )
    return date.fromisoformat(CLOCK_DAY)


def hired_specialist_with_family(base_url: str, today: date) -> tuple[str, str]:
    """A new specialist with a spouse and a child, a self-declared B1 Russian and an accepted offer from Kazan Soft."""
    return hired_specialist(base_url, prefix="centres", name="Sardor Tashpulatov", russian="B1", today=today, family=[
        {"name": "Gulnora Tashpulatova", "relation": "spouse", "birthDate": "1994-05-20", "citizenship": "UZ"},
        {"name": "Jasur Tashpulatov", "relation": "child", "birthDate": "2019-09-01", "citizenship": "UZ"},
    ])


# --------------------------------------------------------------------------------------------------
# What a person reads and does on the centre pages


def expect_clean_text(page: Page) -> None:
    """No message key and no ISO date in the words of the page's main content."""
    text = main(page).inner_text()
    keys = RAW_KEY.findall(text)
    assert not keys, f"{page.url} shows raw message keys: {keys}"
    dates = ISO_DATE.findall(text)
    assert not dates, f"{page.url} shows ISO dates in its text: {dates}"


def shot(page: Page, name: str) -> Path:
    """A full-page screenshot kept for a person to look at."""
    path = screenshot_dir() / name
    page.screenshot(path=str(path), full_page=True)
    return path


def expect_fits_phone(page: Page, name: str) -> Path:
    """The page is no wider than the phone's screen (no sideways scroll); a full-page screenshot is kept for a look."""
    path = shot(page, name)
    widths = page.evaluate("({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")
    assert widths["scroll"] <= widths["inner"] + 1, f"{page.url} scrolls sideways at {widths['inner']}px: {widths['scroll']}px wide (see {path})"
    return path


def booking_form(page: Page) -> Locator:
    return main(page).locator("form[method=post]").filter(has=page.locator('input[name="persons[]"]'))


def person_name(label: str) -> str:
    """'Name — relation' as the booking form labels a person ("Aziz Karimov — Me", "Dilnoza — Spouse")."""
    return re.sub(r"\s*—[^—]*$", "", label.strip())


def choose_persons(form: Locator, *, everyone: bool) -> list[str]:
    """Ticks the account holder (the first box) and, if asked, everyone else; returns the names ticked, in order."""
    boxes = form.locator('input[name="persons[]"]')
    names = []
    for index in range(boxes.count()):
        box = boxes.nth(index)
        label = box.locator("xpath=parent::label")
        if index == 0 or everyone:
            box.check()
            names.append(person_name(label.inner_text()))
        else:
            box.uncheck()
    assert form.locator('input[name="persons[]"]').first.get_attribute("value") == "p0"
    return names


def choose_first_free_time(form: Locator, *, last: bool = False) -> tuple[str, str]:
    """Picks the first (or, with `last`, the last) time of the first day with a place free; returns (its label on
    the centre's clock, its value). The last one is for a second service of someone already booked that morning:
    one person is never booked in two places at once."""
    first_day = form.locator("h3").first
    expect(first_day).to_be_visible()
    times = first_day.locator("xpath=following-sibling::div[contains(@class,'slots')][1]").locator("label.slot")
    order = range(times.count() - 1, -1, -1) if last else range(times.count())
    for index in order:
        slot = times.nth(index)
        if re.search(r"\d", slot.locator(".muted").inner_text()):  # "2 places free" / "2 места свободно"; "full" has no number
            radio = slot.locator('input[name="start"]')
            radio.check()
            match = CLOCK_TIME.search(slot.inner_text())
            assert match, f"no time in {slot.inner_text()!r}"
            return match.group(0), radio.get_attribute("value") or ""
    raise AssertionError("no free time on the first day shown")


def book(page: Page):
    """Sends the booking form with its button (named in the page's language); returns the response of the page shown."""
    with page.expect_navigation() as navigation:
        booking_form(page).locator("button[type=submit]").click()
    return navigation.value


def appointment_card(page: Page, service: str, person: str, within: Locator | None = None) -> Locator:
    """An appointment's card on /appointments ("service · person"), in the whole page or in one of its lists."""
    return (within or main(page)).locator("li.card").filter(has=page.get_by_role("heading", name=f"{service} · {person}", exact=True))


def list_after(page: Page, heading: str) -> Locator:
    """The list that follows a section heading of /appointments ("Upcoming", "Past and cancelled")."""
    expect(main(page).get_by_role("heading", name=heading, exact=True)).to_be_visible()
    return main(page).locator(f"xpath=.//h2[normalize-space()='{heading}']/following-sibling::ul[1]")


def minutes(clock: str) -> int:
    hours, mins = clock.split(":")
    return int(hours) * 60 + int(mins)


def desk_card(page: Page, time: str, person: str, service: str) -> Locator:
    """The queue's card of one person's visit (the service named; a person's visits never overlap)."""
    return (main(page).locator("li.card").filter(has=page.get_by_role("heading", name=f"{time} · {person}", exact=True))
            .filter(has_text=service))


def press(page: Page, card: Locator, name: str):
    with page.expect_navigation() as navigation:
        card.get_by_role("button", name=name, exact=True).click()
    return navigation.value


# --------------------------------------------------------------------------------------------------
# The journeys


def test_anyone_sees_the_centres_and_their_free_times(page: Page, clock_day: date) -> None:
    response = page.goto("/centres")
    assert response is not None and response.ok
    cities = main(page).locator("li.card h2")
    expect(cities).to_have_count(3)
    expect(cities).to_have_text(["Tashkent", "Dushanbe", "Bishkek"])
    shot(page, "centres-en.png")
    tashkent = main(page).locator("li.card").filter(has=page.get_by_role("heading", name="Tashkent"))
    expect(tashkent).to_contain_text("Tashkent time, UTC+5")
    # The next free time of each service, a date in words on the centre's clock.
    expect(tashkent.locator("tbody tr").first).to_contain_text(re.compile(r"Monday, March 1, 2027 at \d{2}:\d{2} \(Tashkent time, UTC\+5\)"))
    expect_clean_text(page)

    # The centre's own page: free times for anyone to see, but booking needs a specialist's sign-in.
    with page.expect_navigation():
        tashkent.get_by_role("link", name="Biometrics (photo and fingerprints)").click()
    expect(page).to_have_url(re.compile(r"/centres/tashkent\?service=biometrics#book$"))
    expect(main(page).get_by_role("heading", level=1)).to_have_text("Tashkent")
    expect(main(page).get_by_label("Service")).to_have_value("biometrics")
    expect(main(page).locator("h3").first).to_have_text("Monday, March 1, 2027")
    expect(main(page).locator(".slot").first).to_contain_text(re.compile(r"\d{2}:\d{2}"))
    expect(main(page).locator("form[method=post]")).to_have_count(0)
    expect(main(page).locator('input[name="persons[]"], input[name="start"]')).to_have_count(0)
    shot(page, "centre-anonymous-en.png")
    sign_in_link = main(page).get_by_role("link", name="Sign in as a specialist to book")
    expect(sign_in_link).to_have_attribute("href", re.compile(r"^/signin\?next="))
    expect_clean_text(page)

    # Another service through the page's own chooser.
    main(page).get_by_label("Service").select_option("russian_test")
    with page.expect_navigation():
        main(page).get_by_role("button", name="Show").click()
    expect(main(page).get_by_role("heading", level=2).first).to_have_text("Book: Russian-language test (TRKI)")


def test_a_family_books_the_centre_and_the_desk_records_the_visits(new_context, base_url: str, clock_day: date) -> None:
    email, _ = hired_specialist_with_family(base_url, clock_day)

    # The specialist signs in (English) and opens the permit case for the family: no fingerprints yet.
    page = new_context().new_page()
    response = sign_in(page, email, PASSWORD)
    assert response is not None and response.ok
    page.goto("/permits")
    with page.expect_navigation():
        main(page).get_by_role("button", name="Open a case for me and my family", exact=True).click()
    expect(page).to_have_url(re.compile(r"/permits/[0-9a-f-]{36}$"))
    case_path = page.url.split(base_url, 1)[1]
    people = main(page).get_by_role("region", name="People on the case").get_by_role("article")
    expect(people).to_have_count(3)
    for person in people.all():
        expect(person.locator("ul.documents li").filter(has_text="Fingerprint registration")).to_contain_text("not uploaded")

    # The length of a biometrics visit, as the centres page states it.
    page.goto("/centres")
    tashkent = main(page).locator("li.card").filter(has=page.get_by_role("heading", name="Tashkent"))
    length = tashkent.locator("tbody tr").filter(has=page.locator('a[href$="service=biometrics#book"]')).locator("td").first.inner_text()
    visit_minutes = int(re.match(r"(\d+) minutes", length).group(1))
    test_service = tashkent.locator('a[href$="service=russian_test#book"]').inner_text()  # its English name, for the desk

    # Biometrics for the whole family, from the first free time of the first day.
    page.goto(f"{CENTRE}?service=biometrics#book")
    service = main(page).get_by_label("Service").locator("option:checked").inner_text()
    form = booking_form(page)
    expect(form).to_be_visible()
    family = choose_persons(form, everyone=True)
    assert len(family) == 3, f"the booking form offers {family}"
    expect(form.locator('input[value="p0"]').locator("xpath=parent::label")).to_contain_text("— Me")
    first_time, first_value = choose_first_free_time(form)
    response = book(page)
    assert response is not None and response.ok, f"booking answered {response and response.status}"
    expect(page).to_have_url(re.compile(r"/appointments\?notice=booked$"))
    expect(main(page).get_by_role("status")).to_contain_text("Booked.")
    expect(main(page).get_by_role("heading", level=1)).to_have_text("My centre appointments")
    times = []
    for person in family:
        card = appointment_card(page, service, person, list_after(page, "Upcoming"))
        expect(card).to_have_count(1)
        expect(card).to_contain_text("Status: Booked")
        when = card.locator("p strong").inner_text()
        assert "Monday, March 1, 2027" in when and "(Tashkent time, UTC+5)" in when, when
        times.append(minutes(CLOCK_TIME.search(when).group(0)))
        expect(card.get_by_role("link", name="Add to calendar (.ics)")).to_have_attribute(
            "href", re.compile(r"^/appointments/[0-9a-f-]{36}/appointment\.ics$"))
    # One after another, in the order ticked, each a visit's length after the one before.
    assert times == [minutes(first_time) + index * visit_minutes for index in range(len(family))], times
    expect_clean_text(page)
    shot(page, "appointments-booked-en.png")

    # The calendar file of the account holder's visit, fetched with the page's own session.
    ics_link = appointment_card(page, service, family[0]).get_by_role("link", name="Add to calendar (.ics)").get_attribute("href")
    ics = page.request.get(ics_link)
    assert ics.status == 200, ics.status
    assert ics.headers["content-type"].startswith("text/calendar")
    text = ics.text()
    assert text.startswith("BEGIN:VCALENDAR"), text[:80]
    lines = ics.body().split(b"\r\n")
    assert b"\n" not in b"".join(lines), "the calendar file's lines must end in CRLF"
    assert max(len(line) for line in lines) <= 75, "the calendar file's lines must be folded at 75 octets"
    starts_utc = datetime.fromisoformat(first_value.replace("Z", "+00:00")).astimezone(timezone.utc)
    assert f"DTSTART:{starts_utc:%Y%m%dT%H%M%SZ}" in text, text
    assert "DTSTART:20270301T" in text

    # Booking biometrics again for the account holder is refused beside the persons, and nothing is booked.
    page.goto(f"{CENTRE}?service=biometrics#book")
    form = booking_form(page)
    choose_persons(form, everyone=False)
    choose_first_free_time(form)
    response = book(page)
    assert response is not None and response.status == 422, f"a second booking answered {response and response.status}"
    expect(main(page).get_by_role("alert")).to_be_visible()
    expect(main(page).locator("p.error")).to_have_count(1)
    expect(main(page).locator("p.error")).to_have_text(f"{family[0]} is already booked for this service. Move or cancel that appointment.")
    expect(booking_form(page).locator('input[value="p0"]')).to_be_checked()
    shot(page, "centre-already-booked-en.png")
    page.goto("/appointments")
    expect(main(page).locator("li.card").filter(has_text=service)).to_have_count(len(family))

    # The same appointments in Russian: still on the centre's clock.
    switch_language(page, "Русский")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(main(page).get_by_role("heading", level=1)).to_contain_text("Мои записи")
    expect(main(page)).to_contain_text("UTC+5")
    expect(main(page)).not_to_contain_text("Status:")
    expect(main(page)).not_to_contain_text("Add to calendar")
    expect_clean_text(page)
    shot(page, "appointments-ru.png")

    # On a phone: the Russian test for the account holder alone, at the first free time.
    phone = new_context(viewport=PHONE).new_page()
    response = sign_in(phone, email, PASSWORD)
    assert response is not None and response.ok
    phone.goto(f"{CENTRE}?service=biometrics#book")
    expect_fits_phone(phone, "centre-biometrics-375.png")
    main(phone).locator("#service-choice").select_option("russian_test")
    with phone.expect_navigation():
        main(phone).locator("form[method=get] button[type=submit]").click()
    expect(main(phone).locator("#service-choice")).to_have_value("russian_test")
    phone_test_service = main(phone).locator("#service-choice option:checked").inner_text()  # in the account's language
    form = booking_form(phone)
    choose_persons(form, everyone=False)
    test_time, _ = choose_first_free_time(form, last=True)
    expect_clean_text(phone)
    expect_fits_phone(phone, "centre-booking-375.png")
    response = book(phone)
    assert response is not None and response.ok, f"the test booking answered {response and response.status}"
    expect(phone).to_have_url(re.compile(r"/appointments\?notice=booked$"))
    expect(appointment_card(phone, phone_test_service, family[0])).to_have_count(1)

    # The centre's desk (another browser): today's queue on the centre's clock.
    staff = new_context().new_page()
    response = sign_in(staff, DEMO_CENTRE_STAFF, DEMO_PASSWORD)
    assert response is not None and response.ok
    switch_language(staff, "English")
    staff.goto("/centre-desk")
    expect(main(staff).get_by_role("heading", level=1)).to_have_text("Centre desk")
    expect(main(staff)).to_contain_text("Tashkent time, UTC+5")
    expect(main(staff).get_by_role("heading", level=2)).to_have_text("Monday, March 1, 2027")
    for person, start in zip(family, times):
        time = f"{start // 60:02d}:{start % 60:02d}"
        card = desk_card(staff, time, person, service)
        expect(card).to_have_count(1)
        # The birth date where the profile has one (the family's); never an empty "born".
        expect(card).not_to_contain_text(re.compile(r"born\s*$", re.M))
        press(staff, card, f"Mark arrived: {person}, {time}")
        expect(main(staff).get_by_role("status")).to_have_text("Marked.")
        expect(desk_card(staff, time, person, service)).to_contain_text("Status: Arrived")
        press(staff, desk_card(staff, time, person, service), f"Mark the visit done: {person}, {time}")
        expect(main(staff).get_by_role("status")).to_have_text("Marked.")
        card = desk_card(staff, time, person, service)
        expect(card).to_contain_text("Status: Visit done")
        expect(card.get_by_role("button")).to_have_count(0)
    expect_clean_text(staff)

    # The Russian test: arrived, then a result form with the level and five marks.
    card = desk_card(staff, test_time, family[0], test_service)
    expect(card).to_have_count(1)
    press(staff, card, f"Mark arrived: {family[0]}, {test_time}")
    card = desk_card(staff, test_time, family[0], test_service)
    expect(card.get_by_role("group", name=f"Test result: {family[0]}")).to_be_visible()

    # The desk on a phone, with the result form open.
    desk_phone = new_context(viewport=PHONE).new_page()
    response = sign_in(desk_phone, DEMO_CENTRE_STAFF, DEMO_PASSWORD)
    assert response is not None and response.ok
    desk_phone.goto("/centre-desk")
    expect(desk_card(desk_phone, test_time, family[0], test_service).locator("select[name=level]")).to_be_visible()
    expect_fits_phone(desk_phone, "centre-desk-375.png")

    # A mark out of range comes back beside its field, with what was typed kept.
    marks = {"Reading": "150", "Writing": "75", "Grammar and vocabulary": "70", "Listening": "90", "Speaking": "85"}
    card.get_by_label("Test level").select_option("trki2")
    for label, value in marks.items():
        card.get_by_label(f"{label}, %").fill(value)
    response = press(staff, card, "Record the result")
    assert response is not None and response.status == 422, f"a mark of 150 answered {response and response.status}"
    card = desk_card(staff, test_time, family[0], test_service)
    reading = card.get_by_label("Reading, %")
    expect(reading).to_have_value("150")
    expect(reading).to_have_attribute("aria-invalid", "true")
    expect(card.locator("p.error")).to_have_count(1)
    expect(card.locator(f"#{reading.get_attribute('aria-describedby')}")).to_have_text("A mark is a whole number from 0 to 100.")
    for label, value in marks.items():
        expect(card.get_by_label(f"{label}, %")).to_have_value(value)
    expect(card.get_by_label("Test level")).to_have_value("trki2")
    expect(main(staff).get_by_role("alert")).to_contain_text("A mark is a whole number from 0 to 100.")
    expect_clean_text(staff)
    shot(staff, "desk-bad-mark-en.png")

    # The right marks: recorded, and the card shows the certificate.
    marks["Reading"] = "80"
    card.get_by_label("Test level").select_option("trki2")
    for label, value in marks.items():
        card.get_by_label(f"{label}, %").fill(value)
    response = press(staff, card, "Record the result")
    assert response is not None and response.ok
    expect(main(staff).get_by_role("status")).to_have_text("Result recorded; the person has been told.")
    card = desk_card(staff, test_time, family[0], test_service)
    expect(card).to_contain_text("Status: Visit done")
    expect(card.locator("p strong")).to_contain_text(CERTIFICATE)
    certificate = CERTIFICATE.search(card.locator("p strong").inner_text()).group(0)
    expect_clean_text(staff)
    shot(staff, "desk-recorded-en.png")

    # The specialist sees it all: past visits with their results, in English again.
    page.goto("/appointments")
    switch_language(page, "English")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    past_list = list_after(page, "Past and cancelled")
    test_card = appointment_card(page, test_service, family[0], past_list)
    expect(test_card).to_contain_text("Status: Visit done")
    expect(test_card).to_contain_text("Test passed: ")
    expect(test_card).to_contain_text(f"level B2. Certificate no. {certificate}.")
    for person in family:
        expect(appointment_card(page, service, person, past_list)).to_contain_text(
            "Biometrics taken; on a permit case they count as the fingerprint registration.")
    expect(main(page)).to_contain_text("No upcoming appointments.")
    expect_clean_text(page)
    shot(page, "appointments-past-en.png")

    # The profile's Russian level is now the verified one, not to be changed by hand.
    page.goto("/profile")
    level = main(page).locator("#russianLevel")
    expect(level).to_be_disabled()
    expect(level).to_have_value("B2")
    expect(main(page).locator("#russian-verified")).to_contain_text("Verified by a test")
    expect(main(page).locator("#russian-verified")).to_contain_text(certificate)
    main(page).locator("#russianLevel").scroll_into_view_if_needed()
    shot(page, "profile-verified-en.png")

    # The permit case: the centre's biometrics stand for everyone's fingerprint registration.
    page.goto("/permits")
    with page.expect_navigation():
        main(page).locator(f'a[href="{case_path}"]').first.click()
    people = main(page).get_by_role("region", name="People on the case").get_by_role("article")
    expect(people).to_have_count(3)
    for person in people.all():
        fingerprints = person.locator("ul.documents li").filter(has_text="Fingerprint registration")
        expect(fingerprints).to_contain_text("accepted")
        expect(fingerprints).to_have_class(re.compile(r"\baccepted\b"))
    shot(page, "permit-case-fingerprints-en.png")
