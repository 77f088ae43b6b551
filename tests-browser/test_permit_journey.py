"""The fast-track permit journey in a real browser (issue 5): a specialist with an accepted offer opens a case for
self, spouse and child and uploads documents; an officer requests information; the specialist answers; the officer
approves and issues the permit; the permit verifies on the public page.

The accepted offer is set up through the API (sign-up, profile with family, application, the demo employer's
offer, acceptance) so the browser part is the permit itself. Needs the demo data (`caravan demo`).
"""

from __future__ import annotations

import re
import urllib.request
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from helpers import DEMO_PASSWORD, JOURNEY_PASSWORD as PASSWORD, api, main, screenshot, sign_in, switch_language
from helpers import api_token as token
from helpers import hired_specialist as helpers_hired

DEMO_OFFICER = "officer@demo.caravan.test"
PDF = b"%PDF-1.7\n% Caravan browser test document\n" + b" " * 2048


def hired_specialist(base_url: str) -> tuple[str, str]:
    """A new specialist with a spouse and a child and an accepted offer from Kazan Soft; returns (email, name)."""
    return helpers_hired(base_url, prefix="permit", name="Bobur Yusupov", family=[
        {"name": "Madina Yusupova", "relation": "spouse", "birthDate": "1993-03-14", "citizenship": "UZ"},
        {"name": "Timur Yusupov", "relation": "child", "birthDate": "2018-06-02", "citizenship": "UZ"},
    ])


def act(page: Page, button: str) -> None:
    with page.expect_navigation():
        main(page).get_by_role("button", name=button, exact=True).click()


def test_a_family_gets_a_verified_permit(new_context, base_url: str) -> None:
    email, name = hired_specialist(base_url)

    # The specialist opens the case from the accepted offer.
    page = new_context().new_page()
    response = sign_in(page, email, PASSWORD)
    assert response is not None and response.ok
    page.goto("/permits")
    expect(main(page).get_by_role("heading", level=1)).to_have_text("Residence permit")
    act(page, "Open a case for me and my family")
    expect(page).to_have_url(re.compile(r"/permits/[0-9a-f-]{36}$"))
    case_path = page.url.split(base_url, 1)[1]
    people = main(page).get_by_role("region", name="People on the case")
    expect(people.get_by_role("article")).to_have_count(3)
    expect(people).to_contain_text("The employer is an accredited IT company.")

    # Submitting with documents missing is refused, saying what is missing per person.
    expect(main(page)).to_contain_text("Before submitting, upload the missing documents:")
    # Two documents in the browser; the rest of the checklist through the API, as a mobile app would.
    for person, document in ((name, "Passport"), ("Madina Yusupova", "Marriage certificate")):
        card = main(page).get_by_role("region", name="People on the case").get_by_role("article").filter(has_text=person)
        card.get_by_label("Document").select_option(label=document)
        card.get_by_label("File").set_input_files(files=[{"name": "scan.pdf", "mimeType": "application/pdf", "buffer": PDF}])
        with page.expect_navigation():
            card.get_by_role("button", name="Upload").click()
        card = main(page).get_by_role("region", name="People on the case").get_by_role("article").filter(has_text=person)
        expect(card.locator("ul.documents li").filter(has_text=document).first).to_contain_text("uploaded, awaiting review")
    case_id = case_path.rsplit("/", 1)[1]
    specialist = token(base_url, email, PASSWORD)
    for person in api(base_url, "GET", f"/permit-cases/{case_id}/documents", token=specialist)["persons"]:
        for line in person["documents"]:
            if line["state"] in ("missing", "rejected"):
                upload = urllib.request.Request(
                    f"{base_url}/api/v1/permit-cases/{case_id}/documents?person={person['person']}&kind={line['kind']}",
                    method="POST", data=PDF, headers={"Content-Type": "application/octet-stream", "Authorization": f"Bearer {specialist}"})
                with urllib.request.urlopen(upload) as response:  # noqa: S310 — the server under test on loopback
                    assert response.status == 201
    page.goto(case_path)
    expect(main(page)).not_to_contain_text("Before submitting")
    act(page, "Submit the application")
    expect(main(page).locator("#case-status")).to_have_text("Submitted")
    expect(main(page)).to_contain_text(re.compile(r"Expected decision.*\d{4}", re.S))

    # The officer finds it in the queue, starts the review and asks for something.
    officer = new_context().new_page()
    response = sign_in(officer, DEMO_OFFICER, DEMO_PASSWORD)
    assert response is not None and response.ok
    switch_language(officer, "English")
    officer.goto("/officer/cases")
    expect(main(officer).get_by_role("heading", level=1)).to_have_text("Permit cases")
    row = main(officer).locator("tbody tr").filter(has_text=name)
    expect(row).to_have_count(1)
    with officer.expect_navigation():
        row.get_by_role("link", name=name).click()
    act(officer, "Start review")
    # Starting the review asked the entry-ban registry about everyone; nothing is reviewed yet, so approval waits.
    expect(main(officer).get_by_role("region", name="People on the case")).to_contain_text("no ban.")
    expect(main(officer).locator("form.decision")).to_contain_text("Approval is not possible yet:")
    # The officer reviews every document: a passport with its number and last day of validity.
    valid_until = (date.today() + timedelta(days=5 * 365)).isoformat()
    for attempt in range(40):
        forms = main(officer).locator("ul.documents li form")
        if forms.count() == 0:
            break
        form = forms.first
        if form.locator("input[name=passportNumber]").count():
            form.locator("input[name=passportNumber]").fill(f"FB{7000000 + attempt}")  # not one the demo registry bans
            form.locator("input[name=passportExpiresOn]").fill(valid_until)
        with officer.expect_navigation():
            form.get_by_role("button", name="Accept").click()
    expect(main(officer).locator("ul.documents li form")).to_have_count(0)
    main(officer).get_by_label("What is needed (the applicant reads this)").fill("Please add the child's birth certificate translation.")
    act(officer, "Request information")
    expect(main(officer).locator("#case-status")).to_have_text("Information requested")

    # The specialist reads the request and answers; the clock was paused meanwhile.
    page.goto(case_path)
    expect(main(page)).to_contain_text("Please add the child's birth certificate translation.")
    expect(main(page)).to_contain_text("the clock is paused until the applicant answers")
    main(page).get_by_label("Your answer to the officer").fill("Added to the birth certificate scan.")
    act(page, "Send the answer")
    expect(main(page).locator("#case-status")).to_have_text("Answer received")

    # The officer approves everyone and issues the permit.
    officer.goto(case_path)
    decision = main(officer).locator("form.decision")
    expect(decision.locator("fieldset").filter(has_text="Every rule has passed: approval is possible.")).to_have_count(3)
    for person in decision.locator("fieldset").all():
        person.get_by_label("Approve").check()  # nothing is preselected
    act(officer, "Decide")
    expect(main(officer).locator("#case-status")).to_have_text("Decided")
    act(officer, "Issue the permit")
    expect(main(officer).locator("#case-status")).to_have_text("Permit issued")
    number = main(officer).locator("dl.facts").get_by_text(re.compile(r"RP-\d{4}-[0-9A-F]{10}")).inner_text()
    number = re.search(r"RP-\d{4}-[0-9A-F]{10}", number).group(0)

    # The holder is told, and anyone can check the permit on the public page.
    page.goto("/inbox")
    expect(main(page).get_by_role("listitem").first).to_contain_text(f"Your residence permit {number} is issued.")
    public = new_context().new_page()
    response = public.goto(f"/verify/{number}")
    assert response is not None and response.ok
    expect(main(public).get_by_role("status")).to_contain_text("Valid: the record matches its signature.")
    expect(main(public)).to_contain_text("Bobur Y.")
    screenshot(public, "permit-verify-en.png")
    page.goto(case_path)
    screenshot(page, "permit-case-en.png")

    # The same case in Russian, the holder's other language.
    switch_language(page, "Русский")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(main(page).locator("#case-status")).to_have_text("ВНЖ выдан")
    expect(main(page).get_by_role("region", name="Лица по делу")).to_contain_text("Работодатель — аккредитованная IT-компания.")
    screenshot(page, "permit-case-ru.png")
    switch_language(page, "English")
