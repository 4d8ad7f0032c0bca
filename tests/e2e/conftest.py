"""A real headless Chromium (Debian's, never a download) driven by Playwright, against the live
test server. Without /usr/bin/chromium the browser tests skip, unless KFQ_REQUIRE_SERVERS=1."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browser(monkeypatch):
    if not shutil.which(CHROMIUM):
        if os.environ.get("KFQ_REQUIRE_SERVERS") == "1":
            pytest.fail(f"{CHROMIUM} is missing (apt-get install chromium)")
        pytest.skip(f"needs {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the test's own ORM calls are
    # still synchronous (Django's documented escape hatch for this case).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    yield context.new_page()
    context.close()


SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture(params=["laptop", "phone"])
def width(request):
    return request.param


@pytest.fixture
def site(browser, live_server, width):
    """A page in a fresh browser context, its request log checked once the test is done."""
    viewport = PHONE if width == "phone" else {"width": 1366, "height": 900}
    context = browser.new_context(
        locale="zh-CN", base_url=live_server.url, viewport=viewport, is_mobile=width == "phone"
    )
    page = context.new_page()
    requested: list[str] = []
    failed: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    yield page
    context.close()
    foreign = [url for url in requested if not url.startswith((live_server.url, "data:"))]
    assert requested and not foreign, foreign
    assert not failed, failed


def sign_in(page, username: str) -> None:
    page.goto("/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-for-tests")
    page.click("button[type=submit]")
    page.wait_for_url("**/projects/")


def screenshot(page, name: str, width: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    suffix = "-phone" if width == "phone" else ""
    page.screenshot(path=SCREENSHOTS / f"{name}{suffix}.png", full_page=True)


def axe_clean(page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    grave = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert not grave, grave
