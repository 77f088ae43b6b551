"""Every page form, submitted empty and with absurd values, in a real browser: no form may dead-end.

For each demo role (and anonymous, and a freshly signed-up employer who has no company yet, the only way to reach
the company registration form) the test opens the pages that role can open: the role's own pages from SiteURL.swift,
the main navigation, and the pages linked from them (the first vacancies on /vacancies and /matches, the permit cases
in the officer's queue, ...), two levels deep. On every page it collects each `<form method=post>`, and each kind of
form (its action with ids taken out, its field names, the submit button) is exercised once per role:

  empty       every text-like field (text, e-mail, phone, number, date, month, password, textarea) cleared;
              selects, radios and checkboxes left as they are
  absurd#1-4  every text-like field filled with nonsense, rotated so each field gets every value of its kind:
              text    5,000 characters, "<script>alert(1)</script>", "😀" × 300, "-1e309"
              number  -5, 10^20, -1e309                    (inputmode numeric/decimal, type=number)
              date    "31.02.2026", "9999-99-99"            (type=date/month)

The form is filled and its own submit button clicked, so the CSRF token and the one-time form token are real. Before
filling, the form is stripped of the browser's own checks (novalidate; maxlength, required, min/max, pattern removed;
date/month/number/e-mail inputs turned into plain text inputs, as an old browser or a script would send them): the
server has to hold on its own. A form with several submit buttons (accept / reject a document) is exercised once per
button. Of the many instances of one kind of form (a review form per document, an accreditation form per company)
the one holding the most data is taken; when a case used it up (the document is reviewed), the next instance of the
same kind, on the same page or the next page it was seen on, takes the next case.

A submission dead-ends when
  * it lands on the generic error page (error.leaf: <main> holding only a heading, the detail, "Status code: N"
    in p.muted and the link home; recognised in any language),
  * it answers 5xx,
  * it answers 422 without the same form on the page (same action, same hidden op/event/person fields), or that
    form shows no error beside its fields (an element with class "error", an id ending in "-error", or
    aria-invalid="true", inside the form or next to it), or a text field lost what was typed into it (the value
    the server wrote into the re-rendered input must be what was sent; passwords excepted; a value the server cut
    to the field's own maxlength counts as kept).
Any JavaScript dialog (the "<script>alert(1)</script>" value running) is also a failure. Every dead-end is collected,
naming the page, the form's action and the case; the test fails at the end with the whole list.

Forms that are NOT submitted, and why:
  * sign-out (/signout, in every page's header): it ends the session the rest of the run needs;
  * the account erasure form (/account/erasure): it erases the demo account;
  * forms with nothing to type or choose, only a button: they act without input, so "empty" and "absurd" mean
    nothing for them, and clicking them would really act on the demo data: remove a skill / an entry / a family
    member, lift an entry ban, take or release a case, a workflow step (start review, submit, withdraw, issue the
    permit, return to review), revoke API tokens, mark the inbox read, invite a candidate, open a permit case,
    accept a company invitation;
  * forms with only a ready-made choice (a select whose current value is real: the account's language, an admin's
    role change for another user, the employer's "invite to vacancy" on search results): submitting them as they
    are is a real act (re-saving, inviting), with nothing left empty. A select or radio group left at
    "choose…" / nothing chosen (the officer's decision, the profile's language and desired-role forms, an
    application's next step) IS submitted, as its empty case;
  * forms with a file input (a permit document upload): nothing to type; uploads are test_permit_journey's.
The sign-in form gets the empty case and only one absurd case: every refused sign-in counts against the address's
throttle (20 per 15 minutes), which the other journeys' sign-ins share.

What the submissions leave behind. Absurd values are expected to be refused. What a form accepts is listed in the
run's output ("accepted"), and:
  * an edit form that held data (the profile's basics and identity, a vacancy, a company's accreditation) is put
    back to what it held, through the same form, after any accepted case;
  * an edit form of a record the other journeys need is never the instance exercised: the vacancy
    "Java-разработчик (платежи)" and Kazan Soft's accreditation. The employer's vacancy form is exercised on a
    draft vacancy of the test's own ("Every-form test draft (not published)", created once and reused);
  * some forms legitimately accept an empty or odd input and create or move something: the specialist's
    application (the cover note is optional), an officer's document review or information request. Those land in
    the demo data (Aziz Karimov's applications, the states of some demo permit cases); no other journey reads them.
    On a server the test has already run against, fewer demo cases are still in review, so the officer's
    information-request and decision forms may find no instance left (said in the output, not a failure); run it
    against a fresh `caravan demo` for the full set. Forms appear with the data, too: the employer's contract-end
    form exists only once a Kazan Soft case holds a permit (after test_permit_journey).

Run it like the other journeys:
    CARAVAN_BASE_URL_UNDER_TEST=http://127.0.0.1:8091 .venv/bin/pytest -q tests-browser/test_every_form.py
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error, Page, TimeoutError as PlaywrightTimeout

from helpers import DEMO_ADMIN, DEMO_EMPLOYER, DEMO_PASSWORD, DEMO_SPECIALIST, sign_in, sign_up, unique_email

# --------------------------------------------------------------------------------------------------
# Who, and where they start

DEMO_ACCOUNTS = {
    "specialist": DEMO_SPECIALIST,
    "employer": DEMO_EMPLOYER,
    "migration-officer": "officer@demo.caravan.test",
    "centre-staff": "centre.tashkent@demo.caravan.test",
    "university-admissions": "admissions@demo.caravan.test",
    "registry-officer": "registry@demo.caravan.test",
    "analyst": "analyst@demo.caravan.test",
    "admin": DEMO_ADMIN,
}

SIGNED_IN_PAGES = ["/", "/account", "/inbox", "/account/erasure"]

# The pages each role can open (SiteURL.swift and the *Pages.swift controllers); links from them are followed too.
ROLE_PAGES = {
    "anonymous": ["/", "/signup", "/signin", "/centres", "/courses"],
    "specialist": SIGNED_IN_PAGES + ["/profile", "/matches", "/search/vacancies", "/applications", "/permits", "/centres", "/appointments", "/courses"],
    "employer": SIGNED_IN_PAGES + ["/vacancies", "/company", "/search/specialists", "/permits"],
    "new-employer": SIGNED_IN_PAGES + ["/company", "/vacancies", "/search/specialists", "/permits"],
    "migration-officer": SIGNED_IN_PAGES + ["/officer/cases", "/permits"],
    "centre-staff": SIGNED_IN_PAGES + ["/centre-desk", "/courses"],
    "university-admissions": SIGNED_IN_PAGES,
    "registry-officer": SIGNED_IN_PAGES + ["/registry/entry-bans"],
    "analyst": SIGNED_IN_PAGES,
    "admin": SIGNED_IN_PAGES + ["/admin/users", "/admin/companies", "/centres"],
}

ROLES = ["anonymous", *DEMO_ACCOUNTS, "new-employer"]

# Links never followed: they act, download, or are not pages.
NOT_PAGES = re.compile(
    r"^/(language/|signout|account/export|caravan\.css|\.well-known/|api/|health|metrics|favicon)"
    r"|\.json$|\.ics$|\.csv$|^/permits/[^/]+/documents/[^/]+$"
)
CRAWL_DEPTH = 2
PAGES_PER_SHAPE = 12  # e.g. the officer's queue: enough cases to meet every state's forms
PAGES_PER_ROLE = 60

TEST_VACANCY_TITLE = "Every-form test draft (not published)"
# Records the other journeys need as they are: their edit forms are never the instance exercised.
PROTECTED = ("Java-разработчик (платежи)", "Казань Софт")

# --------------------------------------------------------------------------------------------------
# The values

LONG = ("absurd-" * 800)[:5000]
TEXT_VALUES = [(LONG, "5,000 characters"), ("<script>alert(1)</script>", "<script>"), ("😀" * 300, "😀×300"), ("-1e309", "-1e309")]
NUMBER_VALUES = [("-5", "-5"), ("100000000000000000000", "10^20"), ("-1e309", "-1e309")]
DATE_VALUES = [("31.02.2026", "31.02.2026"), ("9999-99-99", "9999-99-99")]
ABSURD_CASES = 4  # the longest list: with four rotations every field meets every value of its kind

TEXT_TYPES = {"text", "email", "tel", "search", "url", "password"}
NUMBER_TYPES = {"number"}
DATE_TYPES = {"date", "month", "week", "datetime-local", "time"}
# Hidden fields that tell one form from another with the same action (the permit case's forms).
DISCRIMINATING_HIDDEN = {"op", "event"}
# Hidden fields that say which thing the form acts on; the per-request tokens and return paths are not identity.
NOT_IDENTITY = {"csrf", "form_token", "next", "back"}

# --------------------------------------------------------------------------------------------------
# Reading the page

DESCRIBE_FORMS = """
() => [...document.querySelectorAll('form')].map((f, index) => ({
  index,
  method: (f.getAttribute('method') || 'get').toLowerCase(),
  action: f.getAttribute('action') || '',
  hasFile: !!f.querySelector('input[type=file]'),
  context: ((document.querySelector('main h1') || {}).textContent || '') + ' ' + ((f.closest('section, article, li, tr') || f).textContent || '').slice(0, 2000),
  fields: [...f.elements].filter(e => e.name && e.tagName !== 'BUTTON' && e.tagName !== 'FIELDSET'
                                    && !['submit', 'button', 'reset', 'image'].includes((e.getAttribute('type') || '').toLowerCase()))
    .map(e => ({
      name: e.name,
      tag: e.tagName.toLowerCase(),
      type: e.tagName === 'TEXTAREA' ? 'textarea' : e.tagName === 'SELECT' ? 'select' : (e.getAttribute('type') || 'text').toLowerCase(),
      inputmode: (e.getAttribute('inputmode') || '').toLowerCase(),
      maxlength: e.hasAttribute('maxlength') ? parseInt(e.getAttribute('maxlength'), 10) : null,
      value: e.value,
      checked: !!e.checked,
    })),
  buttons: [...f.querySelectorAll('button, input[type=submit]')]
    .filter(b => (b.getAttribute('type') || 'submit').toLowerCase() === 'submit')
    .map(b => ({name: b.getAttribute('name') || '', value: b.getAttribute('value') || '', text: (b.textContent || b.value || '').trim()})),
}))
"""

# The browser's own checks off: what reaches the server is what was typed, as from an old browser or a script.
STRIP_BROWSER_CHECKS = """
(form) => {
  form.noValidate = true;
  for (const e of form.querySelectorAll('input, textarea')) {
    for (const a of ['maxlength', 'minlength', 'pattern', 'required', 'min', 'max', 'step']) e.removeAttribute(a);
    if (e.tagName === 'INPUT' && ['date', 'month', 'week', 'time', 'datetime-local', 'number', 'email', 'tel', 'search', 'url'].includes(e.type)) {
      e.type = 'text';
    }
  }
}
"""

# After a submission: the error page, or the same form again with its errors and the values the server wrote.
READ_OUTCOME = """
([action, hidden, names]) => {
  const main = document.querySelector('main');
  let errorPage = null;
  if (main && !main.querySelector('form')) {
    const kids = [...main.children];
    if (kids.length === 4 && kids[0].tagName === 'H1' && kids[2].tagName === 'P' && kids[2].classList.contains('muted')
        && /\\b\\d{3}\\b/.test(kids[2].textContent) && kids[3].querySelector('a[href="/"]')) {
      errorPage = {title: kids[0].textContent.trim(), detail: kids[1].textContent.trim(), status: kids[2].textContent.trim()};
    }
  }
  const same = [...document.querySelectorAll('form')].filter(f => f.getAttribute('action') === action
    && (f.getAttribute('method') || '').toLowerCase() === 'post'
    && names.every(n => [...f.elements].some(e => e.name === n))
    && hidden.every(([n, v]) => [...f.querySelectorAll('input[type=hidden]')].some(e => e.name === n && e.value === v)));
  if (same.length === 0) return {errorPage, form: null, alerts: [...document.querySelectorAll('main [role=alert]')].map(e => e.textContent.trim())};
  const f = same[0];
  const marks = '.error, [id$="-error"], [aria-invalid="true"]';
  const errors = [...f.querySelectorAll(marks)].map(e => (e.textContent || '').trim() || `${e.getAttribute('name') || e.id} marked invalid`);
  const beside = f.parentElement ? [...f.parentElement.children].filter(e => e !== f && e.matches('.error, [id$="-error"]')).map(e => e.textContent.trim()) : [];
  const values = {};
  for (const e of f.elements) {
    if (!e.name) continue;
    let v;
    if (e.tagName === 'TEXTAREA') v = e.defaultValue;
    else if (e.tagName === 'INPUT') v = e.getAttribute('value') ?? '';
    else continue;
    (values[e.name] = values[e.name] || []).push(v);
  }
  return {errorPage, form: {errors: errors.concat(beside), values}, alerts: [...document.querySelectorAll('main [role=alert]')].map(e => e.textContent.trim())};
}
"""


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def shape(path: str) -> str:
    """A page's or action's path with its ids taken out: /permits/:id/documents/:id/review."""
    bare = urlsplit(path).path
    return re.sub(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", ":id", bare)


def kind_of(f: dict) -> str | None:
    """'text', 'number' or 'date' for a field one can type into; None for the rest."""
    if f["tag"] == "textarea":
        return "text"
    if f["tag"] != "input":
        return None
    if f["type"] in DATE_TYPES:
        return "date"
    if f["type"] in NUMBER_TYPES or f["inputmode"] in ("numeric", "decimal"):
        return "number"
    if f["type"] in TEXT_TYPES:
        return "text"
    return None


@dataclass
class Target:
    """One kind of form, one submit button: what is exercised once per role."""

    signature: tuple
    button: int
    button_label: str
    has_text_fields: bool
    pages: list[str] = field(default_factory=list)  # every page it was seen on, in discovery order


def field_kind_name(name: str) -> str:
    """verdict_p2 → verdict_p*: a decision form for three people is the same kind as one for four."""
    return re.sub(r"_p\d+$", "_p*", name)


def signature_of(form: dict, button: dict) -> tuple:
    visible = tuple(sorted({(field_kind_name(f["name"]), f["type"]) for f in form["fields"] if f["type"] != "hidden"}))
    discriminating = tuple(sorted((f["name"], f["value"]) for f in form["fields"] if f["type"] == "hidden" and f["name"] in DISCRIMINATING_HIDDEN))
    return (shape(form["action"]), visible, discriminating, (button["name"], button["value"]))


def identity_of(form: dict) -> tuple:
    return tuple(sorted((f["name"], f["value"]) for f in form["fields"] if f["type"] == "hidden" and f["name"] not in NOT_IDENTITY))


def prefilled(form: dict) -> int:
    return sum(1 for f in form["fields"] if kind_of(f) and f["value"])


def is_protected(form: dict) -> bool:
    """An edit form holding a record other journeys need (the Kazan Soft vacancy, Kazan Soft's accreditation)."""
    return prefilled(form) > 0 and any(name in form["context"] for name in PROTECTED)


def label_of(signature: tuple, button_label: str) -> str:
    action, visible, discriminating, _ = signature
    fields = ", ".join(name for name, _ in visible)
    extra = "".join(f" {name}={value}" for name, value in discriminating)
    return f"{action}{extra}{' [' + button_label + ']' if button_label else ''} ({fields})"


def why_skipped(form: dict) -> str | None:
    """None when the form is exercised; otherwise the reason (see the module's docstring)."""
    action = urlsplit(form["action"]).path
    if action == "/signout":
        return "sign-out"
    if action == "/account/erasure":
        return "account erasure"
    if form["hasFile"]:
        return "file upload"
    if not form["buttons"]:
        return "no submit button"
    if any(kind_of(f) for f in form["fields"]):
        return None
    selects = [f for f in form["fields"] if f["type"] == "select"]
    radios: dict[str, bool] = {}
    for f in form["fields"]:
        if f["type"] == "radio":
            radios[f["name"]] = radios.get(f["name"], False) or f["checked"]
    if any(f["value"] == "" for f in selects) or any(not chosen for chosen in radios.values()):
        return None  # a choice left at "choose…": submitting it as it is, is its empty case
    if selects or radios or any(f["type"] == "checkbox" for f in form["fields"]):
        return "a ready-made choice only (submitting it as it is acts)"
    return "a button only (acts without input)"


# --------------------------------------------------------------------------------------------------
# The run for one role


@dataclass
class Run:
    role: str
    page: Page
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: dict[str, set] = field(default_factory=dict)
    targets: dict[tuple, Target] = field(default_factory=dict)
    visited: list[str] = field(default_factory=list)
    submissions: int = 0
    dialogs: list[str] = field(default_factory=list)

    # -- finding the forms

    def crawl(self, seeds: list[str]) -> None:
        per_shape: dict[str, int] = {}
        queue = [(path, 0) for path in seeds]
        seen: set[str] = set()
        while queue and len(self.visited) < PAGES_PER_ROLE:
            path, depth = queue.pop(0)
            if path in seen or NOT_PAGES.search(urlsplit(path).path):
                continue
            seen.add(path)
            if per_shape.get(shape(path), 0) >= PAGES_PER_SHAPE:
                continue
            per_shape[shape(path)] = per_shape.get(shape(path), 0) + 1
            try:
                response = self.page.goto(path)
            except Error as error:
                self.failures.append(f"[{self.role}] {path}: the page did not open ({error.message.splitlines()[0]})")
                continue
            landed = path_of(self.page.url)
            if response is not None and response.status >= 500:
                self.failures.append(f"[{self.role}] {path}: GET answered {response.status}")
                continue
            self.visited.append(landed)
            self.collect(landed)
            if depth < CRAWL_DEPTH:
                links = self.page.eval_on_selector_all(
                    "header nav a[href], main a[href]", "els => els.map(e => e.getAttribute('href'))"
                )
                for link in links:
                    if link and link.startswith("/") and not link.startswith("//"):
                        queue.append((link.split("#", 1)[0], depth + 1))

    def collect(self, page_path: str) -> None:
        for form in self.page.evaluate(DESCRIBE_FORMS):
            if form["method"] != "post":
                continue
            reason = why_skipped(form)
            if not reason and is_protected(form):
                reason = "this instance left alone: a record other journeys need (Kazan Soft's vacancy or accreditation)"
            if reason:
                self.skipped.setdefault(reason, set()).add(shape(form["action"]))
                continue
            text_fields = any(kind_of(f) for f in form["fields"])
            for number, button in enumerate(form["buttons"]):
                signature = signature_of(form, button)
                target = self.targets.get(signature)
                if target is None:
                    label = button["text"] if len(form["buttons"]) > 1 else ""
                    target = self.targets[signature] = Target(signature, number, label, text_fields)
                if page_path not in target.pages:
                    target.pages.append(page_path)

    # -- locating a form again

    def locate(self, target: Target, prefer: tuple[str, tuple] | None) -> tuple[str, dict] | None:
        """Opens a page holding the target (the one it was first seen on, else the next) and returns its form:
        the same instance when it is still there, else the one of the same kind holding the most data (a reviewed
        document's form is gone; the next document's is the same kind). Protected instances are never returned."""
        for page_path in target.pages:
            try:
                response = self.page.goto(page_path)
            except Error:
                continue
            if response is None or response.status >= 400:
                continue
            forms = [f for f in self.page.evaluate(DESCRIBE_FORMS) if f["method"] == "post"]
            same_kind = [f for f in forms if f["buttons"] and len(f["buttons"]) > target.button
                         and signature_of(f, f["buttons"][target.button]) == target.signature and not is_protected(f)]
            if prefer:
                exact = [f for f in same_kind if f["action"] == prefer[0] and identity_of(f) == prefer[1]]
                if exact:
                    return page_path, exact[0]
            if same_kind:
                # The instance holding the most data: its validation is the one worth meeting (it is put back after).
                return page_path, max(same_kind, key=prefilled)
        return None

    # -- one submission

    def values_for(self, form: dict, case: int | None) -> dict[tuple[str, int], tuple[str, str]]:
        """(name, n-th of that name) → (value, label) for every field one can type into; case None is 'empty'."""
        values: dict[tuple[str, int], tuple[str, str]] = {}
        counters = {"text": 0, "number": 0, "date": 0}
        occurrences: dict[str, int] = {}
        pools = {"text": TEXT_VALUES, "number": NUMBER_VALUES, "date": DATE_VALUES}
        for f in form["fields"]:
            n = occurrences.get(f["name"], 0)
            occurrences[f["name"]] = n + 1
            kind = kind_of(f)
            if kind is None:
                continue
            if case is None:
                values[(f["name"], n)] = ("", "")
            else:
                pool = pools[kind]
                values[(f["name"], n)] = pool[(counters[kind] + case) % len(pool)]
            counters[kind] += 1
        return values

    def fill_and_submit(self, form: dict, button: int, values: dict[tuple[str, int], tuple[str, str]]):
        locator = self.page.locator("form").nth(form["index"])
        locator.evaluate(STRIP_BROWSER_CHECKS)
        for (name, n), (value, _) in values.items():
            locator.locator(f'[name="{name}"]').nth(n).fill(value)
        buttons = locator.locator('button:not([type=button]):not([type=reset]), input[type=submit]')
        self.submissions += 1
        with self.page.expect_navigation(timeout=30_000) as navigation:
            buttons.nth(button).click()
        return navigation.value

    def exercise(self, target: Target) -> None:
        action_shape = target.signature[0]
        cases: list[int | None] = [None]
        if target.has_text_fields:
            cases += list(range(1 if action_shape == "/signin" else ABSURD_CASES))
        prefer: tuple[str, tuple] | None = None
        label = label_of(target.signature, target.button_label)
        for case in cases:
            case_name = "empty" if case is None else f"absurd#{case + 1}"
            found = self.locate(target, prefer)
            if found is None:
                self.notes.append(f"{label}: no such form left for the {case_name} case (an earlier case used it up)")
                return
            page_path, form = found
            prefer = (form["action"], identity_of(form))
            held = {(f["name"], i): f["value"] for i, f in self._numbered(form) if kind_of(f) and f["value"]}
            values = self.values_for(form, case)
            where = f"page {page_path}, form {form['action']}" + (f" [{target.button_label}]" if target.button_label else "") + f", {case_name}"
            if case is not None:
                where += " (" + ", ".join(f"{name}={shown}" for (name, _), (_, shown) in values.items()) + ")"
            dialogs_before = len(self.dialogs)
            try:
                response = self.fill_and_submit(form, target.button, values)
            except (PlaywrightTimeout, Error) as error:
                self.failures.append(f"[{self.role}] {where}: the submission did not lead to a page ({error.message.splitlines()[0]})")
                continue
            if len(self.dialogs) > dialogs_before:
                self.failures.append(f"[{self.role}] {where}: a script ran on the page: {self.dialogs[dialogs_before:]}")
            status = response.status if response is not None else 0
            problem = self.judge(form, values, status)
            if problem:
                self.failures.append(f"[{self.role}] {where}: {problem}")
            elif status < 400:
                self.notes.append(f"accepted: {where} → {status} {path_of(self.page.url)}")
                if held:
                    self.restore(page_path, form, target.button, held)

    @staticmethod
    def _numbered(form: dict):
        occurrences: dict[str, int] = {}
        for f in form["fields"]:
            n = occurrences.get(f["name"], 0)
            occurrences[f["name"]] = n + 1
            yield n, f

    def judge(self, form: dict, values: dict[tuple[str, int], tuple[str, str]], status: int) -> str | None:
        hidden = [list(pair) for pair in identity_of(form)]
        names = sorted({f["name"] for f in form["fields"] if f["type"] != "hidden"})
        outcome = self.page.evaluate(READ_OUTCOME, [form["action"], hidden, names])
        landed = path_of(self.page.url)
        if outcome["errorPage"]:
            e = outcome["errorPage"]
            return f"landed on the error page at {landed}: {status} «{e['title']}» — {e['detail']}"
        if status >= 500:
            return f"answered {status} at {landed}"
        if status != 422:
            return None
        again = outcome["form"]
        if again is None:
            alerts = "; ".join(outcome["alerts"])[:300]
            return f"422 at {landed} without the form again" + (f" (the page only says: {alerts})" if alerts else "")
        problems = []
        if not again["errors"]:
            alerts = "; ".join(outcome["alerts"])[:300]
            problems.append("no error beside the fields" + (f" (only a message elsewhere on the page: {alerts})" if alerts else ""))
        types = {(f["name"], n): f for n, f in self._numbered(form)}
        for (name, n), (sent, label) in values.items():
            if not sent or types[(name, n)]["type"] == "password":
                continue
            kept = again["values"].get(name, [])
            got = kept[n] if n < len(kept) else None
            limit = types[(name, n)]["maxlength"]
            if got == sent or (got and limit and sent.startswith(got) and len(got) >= limit):
                continue
            shown = "nothing" if not got else repr(got if len(got) <= 40 else got[:37] + "...")
            problems.append(f"{name} lost its input ({label} sent, {shown} shown)")
        return f"422 at {landed}: " + "; ".join(problems) if problems else None

    def restore(self, page_path: str, form: dict, button: int, held: dict[tuple[str, int], str]) -> None:
        """Puts back what an edit form held before an accepted case changed it."""
        self.page.goto(page_path)
        again = [f for f in self.page.evaluate(DESCRIBE_FORMS)
                 if f["method"] == "post" and f["action"] == form["action"] and identity_of(f) == identity_of(form)]
        if not again:
            return
        values = {key: (held.get(key, ""), "original") for key in self.values_for(again[0], None)}
        try:
            response = self.fill_and_submit(again[0], button, values)
        except (PlaywrightTimeout, Error) as error:
            self.notes.append(f"could not restore {form['action']}: {error.message.splitlines()[0]}")
            return
        if response is None or response.status >= 400:
            self.notes.append(f"could not restore {form['action']}: {response and response.status}")

    def summary(self, seconds: float) -> str:
        exercised = len(self.targets)
        cases = sum(1 + (1 if t.signature[0] == "/signin" else ABSURD_CASES) * t.has_text_fields for t in self.targets.values())
        lines = [f"[{self.role}] {len(self.visited)} pages, {exercised} forms, {cases} cases planned, "
                 f"{self.submissions} submissions, {seconds:.0f}s"]
        for target in self.targets.values():
            n = 1 + ((1 if target.signature[0] == "/signin" else ABSURD_CASES) if target.has_text_fields else 0)
            lines.append(f"  form {label_of(target.signature, target.button_label)} × {n} cases (first seen on {target.pages[0]})")
        for reason, actions in sorted(self.skipped.items()):
            lines.append(f"  skipped ({reason}): {', '.join(sorted(actions))}")
        lines += [f"  note: {note}" for note in self.notes]
        return "\n".join(lines)


# --------------------------------------------------------------------------------------------------
# Getting each role in


def own_draft_vacancy(page: Page) -> str:
    """The employer's vacancy form is exercised on a draft of the test's own, never on a vacancy other journeys read."""
    page.goto("/vacancies")
    link = page.locator("main a", has_text=TEST_VACANCY_TITLE)
    if link.count() == 0:
        form = page.locator('main form[action="/vacancies"]')
        form.locator('[name="title"]').fill(TEST_VACANCY_TITLE)
        form.locator('[name="city"]').fill("Казань")
        form.locator('[name="status"]').select_option("draft")
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert re.search(r"/vacancies/[0-9a-f-]{36}\?notice=saved$", page.url), f"the test's draft vacancy was not created: {page.url}"
        return path_of(page.url).split("?", 1)[0]
    href = link.first.get_attribute("href")
    assert href
    return href


def enter(role: str, page: Page) -> list[str]:
    """Signs the role in and returns the pages to start from."""
    seeds = list(ROLE_PAGES[role])
    if role == "new-employer":
        response = sign_up(page, display_name="Every Form Employer", email=unique_email("every-form-employer"),
                           password="a-long-enough-passphrase-42", role="employer")
        assert response is not None and response.ok, f"sign-up answered {response and response.status}"
    elif role != "anonymous":
        response = sign_in(page, DEMO_ACCOUNTS[role], DEMO_PASSWORD)
        assert response is not None and response.ok, f"{role} sign-in answered {response and response.status}"
        if role == "employer":
            seeds.insert(0, own_draft_vacancy(page))
    return seeds


# --------------------------------------------------------------------------------------------------
# The test


@pytest.mark.parametrize("role", ROLES)
def test_every_form_survives_empty_and_absurd_input(new_context, role: str) -> None:
    started = time.monotonic()
    page = new_context().new_page()
    run = Run(role, page)

    def on_dialog(dialog) -> None:
        run.dialogs.append(f"{dialog.type}: {dialog.message[:80]}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    seeds = enter(role, page)
    run.crawl(seeds)
    # Forms with only a choice to leave empty first: their one case is refused and changes nothing, while an
    # accepted case of another form (an information request) can move a case out of the state that shows them.
    for target in sorted(run.targets.values(), key=lambda t: t.has_text_fields):
        run.exercise(target)
    print("\n" + run.summary(time.monotonic() - started))
    assert not run.failures, f"{len(run.failures)} dead-end(s):\n  " + "\n  ".join(run.failures)
