"""Headless Chromium (Debian's package) driven by Playwright, and the suite it shows views of."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.debian import debian_program

ARTIFACTS = Path(os.environ.get("SUPPORTDESK_TEST_ARTIFACTS",
                                Path(__file__).resolve().parents[2] / ".artifacts"))


@pytest.fixture(scope="session")
def chromium_path() -> str:
    return debian_program("chromium", "chromium")


@pytest.fixture
async def browser(chromium_path):
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path,
                                                   args=["--no-sandbox"])
        try:
            yield browser
        finally:
            await browser.close()


@pytest.fixture
def screenshots() -> Path:
    """Where the view tests keep their screenshots (a test artifact, not committed)."""
    folder = ARTIFACTS / "views"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
