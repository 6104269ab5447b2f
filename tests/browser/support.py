"""Settings of the browser tests shared by conftest.py and steps.py (no Playwright import here)."""

import os
import shutil

PASSWORD = "pw-for-browser-1"

CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def browser_required():
    """In CI (CI=true) or with REQUIRE_BROWSER=1 a missing browser fails the run instead of skipping."""
    return os.environ.get("CI", "").lower() == "true" or os.environ.get("REQUIRE_BROWSER") == "1"


def chromium_executable():
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
