"""Browser tests: real headless Chromium driven by Playwright against pytest-django's `live_server`.

How they are run, and why separately
------------------------------------
The suite's session fixture (tests/conftest.py) loads the default organisation once per test database
and every other test runs in a transaction that is rolled back, so the organisation stays. A browser
test cannot work that way: the page is served by the live server's thread, which must see committed
rows, so `live_server` uses `transactional_db` — and that *flushes every table* after each test,
the default organisation included. A normal test that ran after a browser test on the same worker
would then find no org units.

So:
- `pyproject.toml` passes `--ignore=tests/browser`: the main runs (`pytest`, `pytest -n 2`) never
  collect these tests. They are not skipped silently: `scripts/test` runs them explicitly in their own
  step, `pytest tests/browser` (pytest applies `--ignore` to directories it walks into, not to paths
  named on the command line).
- `pytest_collection_modifyitems` below refuses a run that mixes browser and other tests, so the
  arrangement cannot be undone by accident (`pytest tests/browser tests/customers`).
- Every browser test builds what it reads itself, committed, through the `org` fixture
  (`load_default_organisation()` is idempotent, so the copy loaded by the session fixture for the first
  test is simply reused) and services; the flush after the test removes it again.

Chromium is the system one (Debian's /usr/bin/chromium, or $CHROMIUM); Playwright's own browser
download is not used. Without it the tests are skipped with the reason — except in CI (CI=true) or when
REQUIRE_BROWSER=1 (scripts/test --require-postgres sets it), where a missing browser is a failure.
On a failing test a full-page screenshot is saved and its path printed in the report.
"""

import os
import re
import tempfile
from datetime import date
from pathlib import Path

import pytest

from core.rights import SYSTEM
from tests.browser.support import CHROMIUM_ARGS, PASSWORD, browser_required, chromium_executable

# Playwright's sync API drives its own event loop in this thread, and Django's async-safety check takes
# that for "called from async code" when a test then writes rows through the ORM. The test body is plain
# synchronous code (the server runs in its own thread), so the check does not apply here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

BROWSER_DIR = Path(__file__).parent
ARTIFACTS_DIR = Path(os.environ.get("BROWSER_ARTIFACTS_DIR") or Path(tempfile.gettempdir()) / "browser-test-failures")


def _unavailable(reason):
    if browser_required():
        pytest.fail(f"browser tests are required here (CI=true or REQUIRE_BROWSER=1) but {reason}", pytrace=False)
    pytest.skip(f"browser tests need headless Chromium: {reason}")


def pytest_collection_modifyitems(config, items):
    ours = [item for item in items if BROWSER_DIR in Path(str(item.path)).parents]
    if ours and len(ours) != len(items):
        raise pytest.UsageError(
            "tests/browser must run in its own pytest invocation (their live server flushes the database "
            "after each test, wiping the organisation the other tests share); run `pytest tests/browser` separately."
        )
    for item in ours:
        item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed and report.when in ("setup", "call"):
        page = item.funcargs.get("page")
        if page is not None and not page.is_closed():
            ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
            path = ARTIFACTS_DIR / (re.sub(r"[^\w.-]+", "_", item.nodeid) + ".png")
            try:
                page.screenshot(path=str(path), full_page=True)
                report.sections.append(("browser", f"screenshot: {path}\nlast URL: {page.url}"))
            except Exception as error:  # a dead browser must not hide the test's own failure
                report.sections.append(("browser", f"no screenshot: {error}"))
    return report


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run; each test gets its own context (cookies) and page."""
    executable = chromium_executable()
    if not executable:
        _unavailable("no chromium executable (install Debian's `chromium` and `fonts-noto-cjk`, or set CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (scripts/setup installs requirements.txt)")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    except Exception as error:
        playwright.stop()
        _unavailable(f"{executable} did not start: {error}")
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context in Chinese (like the users) with its page, pointed at the live server."""
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1366, "height": 900}
    )
    context.set_default_timeout(15_000)
    # Every browser test also checks the Content-Security-Policy: a refused script, style, image or
    # handler shows up as a `securitypolicyviolation` event (recorded by an init script, which the policy
    # does not govern) and as a console error; either fails the test at teardown.
    context.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation', function (e) {"
        " window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber); });"
    )
    page = context.new_page()
    violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    page.csp_violations = lambda: violations + (page.evaluate("window.__csp || []") if not page.is_closed() else [])
    yield page
    found = page.csp_violations() if not page.is_closed() else violations
    context.close()
    assert not found, f"Content-Security-Policy violations: {found}"


@pytest.fixture
def org(transactional_db):
    """The default organisation, committed for the live server; returns org units by code."""
    from regions.models import OrgUnit
    from regions.services import load_default_organisation

    load_default_organisation(by=SYSTEM)
    # Reference data from a data migration is flushed with everything else after each test: load it again.
    from approvals.calendar import calendar_seed

    calendar_seed()

    class Units(dict):
        def __missing__(self, code):
            unit = OrgUnit.objects.get(code=code)
            self[code] = unit
            return unit

    return Units()


@pytest.fixture
def hire(org):
    """hire(username, name, role, unit_code) → a StaffProfile with a login (password PASSWORD)."""
    from regions.services import staff_hire

    counter = iter(range(1, 1000))

    def make(username, *, name, role, unit):
        return staff_hire(
            by=SYSTEM,
            employee_no=f"B{next(counter):04d}",
            name=name,
            unit=org[unit],
            role=role,
            hire_date=date(2020, 1, 1),
            username=username,
            password=PASSWORD,
        )

    return make
