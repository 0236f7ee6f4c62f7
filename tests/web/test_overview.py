"""Overzicht: the packages by state, and what needs attention."""

import datetime as dt

from app.domain.formatting import format_date
from tests.web.support import days_ago
from tests.web.support import make_package
from tests.web.support import set_state
from tests.web.support import text


def test_no_packages_yet(staff):
    page = text(staff.get("/"))
    assert "Er zijn nog geen pakketten." in page
    assert "Niets: geen verlopen raadstermijnen" in page
    assert 'aria-current="page">Overzicht' in page


def test_packages_are_grouped_by_state_with_dutch_labels(staff, app):
    first, second, third = (make_package(app) for _ in range(3))
    set_state(app, second, "wacht_op_raad", council_deadline=dt.date.today() + dt.timedelta(days=9))
    set_state(app, third, "ondertekend")
    page = text(staff.get("/"))
    assert "Concept <span class=\"count\">(1)</span>" in page
    assert "Wacht op de raad <span class=\"count\">(1)</span>" in page
    assert "Ondertekend <span class=\"count\">(1)</span>" in page
    assert page.index("Concept <span") < page.index("Wacht op de raad <span") < page.index(
        "Ondertekend <span")
    assert 'href="#status-wacht_op_raad"' in page
    assert f'href="/pakketten/{first}"' in page
    assert "€ 16.329,94" in page
    assert "Niets: geen verlopen raadstermijnen" in page  # nothing late yet


def test_what_needs_attention(staff, app):
    council_late, council_fine, overdue, partly_overdue, recent, failed = (
        make_package(app) for _ in range(6))
    yesterday = dt.date.today() - dt.timedelta(days=1)
    set_state(app, council_late, "wacht_op_raad", council_deadline=yesterday)
    set_state(app, council_fine, "wacht_op_raad", council_deadline=dt.date.today())
    days = app.extensions["tekenklaar"].settings.overdue_signature_days
    set_state(app, overdue, "verzonden", sent_at=days_ago(days + 1))
    set_state(app, partly_overdue, "deels_ondertekend", sent_at=days_ago(days + 30))
    set_state(app, recent, "verzonden", sent_at=days_ago(days - 1))
    set_state(app, failed, "mislukt", last_error="Omzetten naar PDF is mislukt: LibreOffice weg.")

    page = text(staff.get("/"))
    attention = page.split('id="aandacht"')[1].split("</section>")[0]
    for package_id in (council_late, overdue, partly_overdue, failed):
        assert f'href="/pakketten/{package_id}"' in attention
    for package_id in (council_fine, recent):
        assert f'href="/pakketten/{package_id}"' not in attention
    assert (f"De termijn van de raad liep tot en met {format_date(yesterday)}. Leg het "
            "collegebesluit vast") in attention
    assert f"na meer dan {days} dagen zijn nog niet alle handtekeningen binnen" in attention
    assert "Omzetten naar PDF is mislukt: LibreOffice weg." in attention


def test_overdue_days_come_from_the_settings(app, staff):
    package_id = make_package(app)
    set_state(app, package_id, "verzonden", sent_at=days_ago(3))
    app.extensions["tekenklaar"].settings.overdue_signature_days = 2
    attention = text(staff.get("/")).split('id="aandacht"')[1].split("</section>")[0]
    assert f'href="/pakketten/{package_id}"' in attention
    assert "na meer dan 2 dagen" in attention


def test_every_page_renders_the_demo_data(runner, staff, app):
    """`flask demo` loads organisations with agreements and packages: every page shows them."""
    import re

    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    overview = text(staff.get("/"))
    assert "Súdwest-Fryslân" in overview
    package_links = set(re.findall(r'href="(/pakketten/\d+)"', overview))
    organisations = text(staff.get("/organisaties"))
    organisation_links = set(re.findall(r'href="(/organisaties/\d+)"', organisations))
    assert len(package_links) == 2 and len(organisation_links) == 5
    for path in sorted(package_links | organisation_links) + ["/pakketten/nieuw"]:
        response = staff.get(path)
        assert response.status_code == 200, path
    utrecht = next(text(staff.get(p)) for p in organisation_links
                   if "<h1>Utrecht</h1>" in text(staff.get(p)))
    assert "Schuldenradar" in utrecht and "15 april 2024" in utrecht
