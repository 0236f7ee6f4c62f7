"""The API reference page (/api/v1/docs) in Debian's Chromium on a phone and a desktop:
nothing wider than the screen, axe-core finds no violations, no script runs."""

from __future__ import annotations

import pytest

from tests.web.test_browser import check_accessible

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width,height", [(390, 844), (1280, 800)])
def test_the_api_reference_fits_and_is_accessible(browser, live_server, width, height):
    context = browser.new_context(base_url=live_server, locale="nl-NL",
                                  viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(30_000)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    try:
        response = page.goto("/api/v1/docs")
        assert response.status == 200
        page.get_by_role("heading", level=1, name="API-referentie: Tekenklaar API 1.0.0"
                         ).wait_for()
        assert page.get_by_role("heading", name="POST /packages/{package_id}/remind").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        check_accessible(page, f"API-referentie op {width} px")
        assert [e for e in errors if "Content Security Policy" in e] == []
    finally:
        context.close()
