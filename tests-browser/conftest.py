"""Fixtures for Caravan's real-browser journeys.

The suite drives an already-running Caravan server (it never starts one) with the system Chromium:

    CARAVAN_BASE_URL_UNDER_TEST=http://127.0.0.1:8091 .venv/bin/pytest -q tests-browser

Environment:
  CARAVAN_BASE_URL_UNDER_TEST  required: the server under test, e.g. http://127.0.0.1:8091
  CHROMIUM_PATH                the Chromium binary (default /usr/bin/chromium); browsers are never downloaded

Every browser context a test gets is watched by a `PageGuard`: any console error, uncaught page error or
request to a host other than the server under test fails the test at teardown. On failure, a full-page
screenshot of every open page goes to tests-browser/screenshots/<test-name>.png.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Error, Page, Playwright, Request, Response, sync_playwright

HERE = Path(__file__).resolve().parent
SCREENSHOTS = HERE / "screenshots"

DEFAULT_CHROMIUM = "/usr/bin/chromium"
DEFAULT_LOCALE = "en-US"
DEFAULT_TIMEOUT_MS = 10_000

# Chromium reports every HTTP error status as a console error, the page's own document included.
# A document answered with 401/403/422 is what some journeys expect (and assert themselves); a failing
# stylesheet or script is not, so only documents are excused, and only with the status they really had.
_FAILED_LOAD = re.compile(r"^Failed to load resource: the server responded with a status of (\d{3})\b")

# Schemes that never leave the browser.
_LOCAL_SCHEMES = {"data", "blob", "about"}


# --------------------------------------------------------------------------------------------------
# Session-wide: the server under test and the browser


@pytest.fixture(scope="session")
def base_url() -> str:
    """The server under test, from CARAVAN_BASE_URL_UNDER_TEST (required; the suite never starts one)."""
    url = os.environ.get("CARAVAN_BASE_URL_UNDER_TEST", "").strip()
    if not url:
        pytest.fail(
            "CARAVAN_BASE_URL_UNDER_TEST is not set. Start a server, e.g.\n"
            "  CARAVAN_DATA_DIR=$(mktemp -d) CARAVAN_BCRYPT_COST=4 .build/debug/caravan demo --port 8091 &\n"
            "and run: CARAVAN_BASE_URL_UNDER_TEST=http://127.0.0.1:8091 .venv/bin/pytest -q tests-browser",
            pytrace=False,
        )
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        pytest.fail(f"CARAVAN_BASE_URL_UNDER_TEST must be an http(s) URL, got {url!r}", pytrace=False)
    return url.rstrip("/")


@pytest.fixture(scope="session")
def playwright_instance() -> Playwright:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Browser:
    """Headless system Chromium. It runs as root here, hence --no-sandbox. Never downloads a browser."""
    executable = os.environ.get("CHROMIUM_PATH", DEFAULT_CHROMIUM)
    if not Path(executable).is_file():
        pytest.fail(f"Chromium not found at {executable!r} (set CHROMIUM_PATH)", pytrace=False)
    browser = playwright_instance.chromium.launch(executable_path=executable, headless=True, args=["--no-sandbox"])
    yield browser
    browser.close()


# --------------------------------------------------------------------------------------------------
# Per test: fresh contexts, each watched by a guard


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


class PageGuard:
    """Collects what no Caravan page may do: log a console error, throw, or fetch from another host."""

    def __init__(self, base_url: str) -> None:
        self.origin = _origin(base_url)
        self.base_url = base_url
        self.foreign_requests: list[str] = []
        self.console_errors: list[tuple[str, str]] = []  # (text, url of the page or resource)
        self.page_errors: list[str] = []
        self.error_documents: set[tuple[str, int]] = set()  # (url, status) of documents answered >= 400

    def attach(self, context: BrowserContext) -> None:
        context.on("request", self._on_request)
        context.on("response", self._on_response)
        context.on("console", self._on_console)
        context.on("weberror", lambda web_error: self.page_errors.append(str(web_error.error)))

    def _on_request(self, request: Request) -> None:
        scheme = urlsplit(request.url).scheme
        if scheme in _LOCAL_SCHEMES:
            return
        if _origin(request.url) != self.origin:
            self.foreign_requests.append(f"{request.method} {request.url} ({request.resource_type})")

    def _on_response(self, response: Response) -> None:
        if response.status >= 400 and response.request.resource_type == "document":
            self.error_documents.add((response.url, response.status))

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append((message.text, (message.location or {}).get("url", "")))

    def problems(self) -> list[str]:
        found = [f"request to a third-party host: {r}" for r in self.foreign_requests]
        for text, url in self.console_errors:
            match = _FAILED_LOAD.match(text)
            if match and (url, int(match.group(1))) in self.error_documents:
                continue  # the page's own HTTP status, asserted by the test itself
            if match and urlsplit(url).path == "/favicon.ico":
                continue  # Chromium's own guess, made or not depending on timing; test_favicon_is_served covers it
            found.append(f"console error at {url or '?'}: {text}")
        found += [f"uncaught page error: {e}" for e in self.page_errors]
        return found


_CONTEXTS = pytest.StashKey[list]()
_SCREENSHOTS_TAKEN = pytest.StashKey[bool]()


def _screenshot_name(item: pytest.Item) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", item.name).strip("_")


def _save_failure_screenshots(item: pytest.Item) -> None:
    """A full-page screenshot of every page still open in the test's contexts."""
    if item.stash.get(_SCREENSHOTS_TAKEN, False):
        return
    item.stash[_SCREENSHOTS_TAKEN] = True
    pages = [page for context in item.stash.get(_CONTEXTS, []) for page in context.pages if not page.is_closed()]
    if not pages:
        return
    SCREENSHOTS.mkdir(exist_ok=True)
    name = _screenshot_name(item)
    for index, page in enumerate(pages):
        suffix = "" if index == 0 else f"-{index + 1}"
        try:
            page.screenshot(path=str(SCREENSHOTS / f"{name}{suffix}.png"), full_page=True)
        except Error as error:  # a crashed page must not hide the test's own failure
            print(f"could not take a failure screenshot of {page.url}: {error}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    # The test body failed: photograph its pages now, while they are still open (teardown closes them).
    if report.when == "call" and report.failed:
        _save_failure_screenshots(item)
    return report


@pytest.fixture
def new_context(browser: Browser, base_url: str, request: pytest.FixtureRequest):
    """Factory for fresh, guarded browser contexts: `new_context(locale="ru-RU")`. English by default."""
    contexts: list[BrowserContext] = []
    guards: list[PageGuard] = []
    request.node.stash[_CONTEXTS] = contexts

    def make(locale: str = DEFAULT_LOCALE, **options) -> BrowserContext:
        context = browser.new_context(base_url=base_url, locale=locale, **options)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        guard = PageGuard(base_url)
        guard.attach(context)
        contexts.append(context)
        guards.append(guard)
        return context

    yield make

    problems = [problem for guard in guards for problem in guard.problems()]
    if problems:
        _save_failure_screenshots(request.node)
    for context in contexts:
        context.close()
    if problems:
        pytest.fail("the pages broke the house rules:\n  " + "\n  ".join(problems), pytrace=False)


@pytest.fixture
def context(new_context) -> BrowserContext:
    """A fresh English (en-US) browser context: no cookies, no session."""
    return new_context()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()
