"""Overzicht: the packages by state, and what needs attention."""

import datetime as dt
import re

from app.domain.formatting import format_date
from tests.web.support import GEMEENTE_LID
from tests.web.support import days_ago
from tests.web.support import make_package
from tests.web.support import set_state
from tests.web.support import text


def section(page: str, anchor: str) -> str:
    return page.split(f'id="{anchor}"')[1].split("</section>")[0]


def test_no_packages_yet(staff):
    page = text(staff.get("/"))
    assert "Er zijn nog geen pakketten." in page
    assert "Niets: er is geen pakket waarmee u nu iets moet doen." in page
    assert "Geen pakketten die op een gemeenteraad of een ondertekenaar wachten." in page
    assert 'aria-current="page">Overzicht' in page


def test_now_and_waiting_with_why_since_and_deadline_dates(staff, app):
    """Nu doen: concept, failed, council deadline passed, signatures overdue. Wacht op
    anderen: the raad before its deadline, a signer within the time; every deadline a date,
    the overdue ones marked."""
    (concept, council_late, council_fine, overdue, partly_overdue, recent, failed,
     signed) = (make_package(app) for _ in range(8))
    today = dt.date.today()
    yesterday = today - dt.timedelta(days=1)
    set_state(app, council_late, "wacht_op_raad", council_deadline=yesterday)
    set_state(app, council_fine, "wacht_op_raad", council_deadline=today)
    days = app.extensions["tekenklaar"].settings.overdue_signature_days
    set_state(app, overdue, "verzonden", sent_at=days_ago(days + 1))
    set_state(app, partly_overdue, "deels_ondertekend", sent_at=days_ago(days + 30))
    set_state(app, recent, "verzonden", sent_at=days_ago(days - 1))
    set_state(app, failed, "mislukt", last_error="Omzetten naar PDF is mislukt: LibreOffice weg.")
    set_state(app, signed, "gearchiveerd")

    page = text(staff.get("/"))
    now, waiting = section(page, "nu-doen"), section(page, "wacht")
    for package_id in (concept, council_late, overdue, partly_overdue, failed):
        assert f'href="/pakketten/{package_id}"' in now, package_id
        assert f'href="/pakketten/{package_id}"' not in waiting
    for package_id in (council_fine, recent):
        assert f'href="/pakketten/{package_id}"' in waiting, package_id
        assert f'href="/pakketten/{package_id}"' not in now
    assert f'href="/pakketten/{signed}"' not in now + waiting
    assert "Nu doen <span class=\"count\">(5)</span>" in page
    assert "Wacht op anderen <span class=\"count\">(2)</span>" in page
    assert "Controleer het pakket en maak de documenten." in now
    assert (f"De termijn van de raad liep tot en met {format_date(yesterday)}.") in now
    assert f"Te laat: uiterlijk {format_date(yesterday)}" in now
    assert "Omzetten naar PDF is mislukt: LibreOffice weg." in now
    assert now.count('class="overdue"') == 3  # the raad and the two late signatures
    assert "Wacht op:</strong> De gemeenteraad van Utrecht" in waiting
    assert f"Uiterlijk {format_date(today)}" in waiting  # the raad's last day, not late
    sent = days_ago(days - 1).date()
    assert f"Uiterlijk {format_date(sent + dt.timedelta(days=days))}" in waiting
    assert "Sharon Dijksma (Burgemeester, Utrecht)" in waiting  # the signer whose turn it is
    assert 'class="overdue"' not in waiting
    # overdue first
    assert now.index(f'/pakketten/{partly_overdue}"') < now.index(f'/pakketten/{concept}"')


def test_overdue_days_come_from_the_settings(app, staff):
    package_id = make_package(app)
    set_state(app, package_id, "verzonden", sent_at=days_ago(3))
    app.extensions["tekenklaar"].settings.overdue_signature_days = 2
    now = section(text(staff.get("/")), "nu-doen")
    assert f'href="/pakketten/{package_id}"' in now
    assert "De handtekening blijft uit sinds" in now


def test_failed_mails_are_flagged(app, staff):
    from app.extensions import db
    from app.store.models import OutgoingMail

    with app.app_context():
        db.session.add(OutgoingMail(kind="uitnodiging", recipients=["a@example.org"],
                                    subject="x", body_text="x", body_html="x", state="mislukt"))
        db.session.commit()
    assert "1 e-mail kon niet worden verzonden." in text(staff.get("/"))


def other_gemeente(cbs, city, contact, email):
    data = dict(GEMEENTE_LID, cbs_code=cbs, org_city=city, contact_name=contact,
                contact_email=email, involvement="participant",
                participant_warning_acknowledged="1")
    return data


def test_search_by_organisation_reference_and_person_and_filters(app, staff):
    utrecht = make_package(app)
    zwolle = make_package(app, other_gemeente("GM0193", "Zwolle", "Ria Jansen",
                                               "r.jansen@zwolle.example"))
    set_state(app, zwolle, "verzonden", provider="signhost", sent_at=days_ago(1))
    with app.app_context():
        from app.extensions import db
        from app.store.models import Package

        reference = db.session.get(Package, zwolle).reference_number

    def found(query: str) -> set[int]:
        listed = section(text(staff.get(query)), "pakketten").split('id="gevonden"')
        if len(listed) == 1:
            return set()
        return {int(n) for n in re.findall(r'href="/pakketten/(\d+)"', listed[1])}

    assert found("/") == {utrecht, zwolle}
    assert found("/?q=zwol") == {zwolle}
    assert found(f"/?q={reference.lower()}") == {zwolle}
    assert found("/?q=ria+jansen") == {zwolle}
    assert found("/?q=elamrani") == {utrecht}  # the contact's e-mail address
    assert found("/?q=dijksma") == {utrecht, zwolle}  # the signatory of both
    assert found("/?q=100%25") == set()  # a wildcard is only a character
    assert found("/?status=verzonden") == {zwolle}
    assert found("/?status=concept&q=zwolle") == set()
    assert found("/?aanbieder=signhost") == {zwolle}
    assert found("/?soort=gemeente") == {utrecht, zwolle}
    assert found("/?soort=publieke_organisatie") == set()
    assert found("/?status=onzin&soort=onzin&aanbieder=onzin") == {utrecht, zwolle}
    page = text(staff.get("/?q=zwolle&status=verzonden"))
    assert 'value="zwolle"' in page and '<option value="verzonden" selected>' in page
    assert "1 pakket gevonden" in page
    assert "Geen pakketten gevonden." in text(staff.get("/?q=amsterdam"))


def test_the_package_list_pages_and_keeps_the_filters(app, staff, monkeypatch):
    monkeypatch.setattr("app.web.dashboard.PACKAGES_PER_PAGE", 2)
    ids = [make_package(app) for _ in range(5)]
    first = text(staff.get("/?q=utrecht"))
    assert "Pagina 1 van 3 (5 in totaal)" in first
    assert 'href="/?pagina=2&q=utrecht"' in first
    last = text(staff.get("/?q=utrecht&pagina=3"))
    listed = last.split('id="gevonden"')[1]
    assert re.findall(r'href="/pakketten/(\d+)"', listed) == [str(ids[0])]


def test_every_page_renders_the_demo_data(runner, staff, app):
    """`flask demo` loads organisations with agreements and packages: every page shows them."""
    import re

    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    overview = text(staff.get("/"))
    assert "Súdwest-Fryslân" in overview
    now, waiting = section(overview, "nu-doen"), section(overview, "wacht")
    for name in ("Súdwest-Fryslân", "Utrecht", "Stichting Zorg"):  # concept, failed, late
        assert name in now, name
    assert "De gemeenteraad van Groningen" in waiting
    package_links = set(re.findall(r'href="(/pakketten/\d+)"', overview))
    organisations = text(staff.get("/organisaties"))
    organisation_links = set(re.findall(r'href="(/organisaties/\d+)"', organisations))
    assert len(package_links) == 5 and len(organisation_links) == 5
    for path in sorted(package_links | organisation_links) + ["/pakketten/nieuw"]:
        response = staff.get(path)
        assert response.status_code == 200, path
    utrecht = next(text(staff.get(p)) for p in organisation_links
                   if "<h1>Utrecht</h1>" in text(staff.get(p)))
    assert "Schuldenradar" in utrecht and "15 april 2024" in utrecht


def test_the_raad_step_in_the_two_lists(app, staff):
    """Before the ontwerpbesluit goes to the raad the gemeente is waited on; a package the raad
    step flagged (no collegebesluit after the reminder) is for staff to act on."""
    not_sent, flagged = make_package(app), make_package(app)
    set_state(app, not_sent, "wacht_op_raad", council_started_on=dt.date.today())
    set_state(app, flagged, "wacht_op_raad", council_deadline=dt.date.today() + dt.timedelta(days=3),
              attention="Herinnering gestuurd: nog geen collegebesluit. Bel de gemeente.")
    page = text(staff.get("/"))
    now, waiting = section(page, "nu-doen"), section(page, "wacht")
    assert f'href="/pakketten/{not_sent}"' in waiting
    assert "Wacht op:</strong> De gemeente Utrecht" in waiting
    assert "Het ontwerpbesluit moet nog naar de raad" in waiting
    assert f'href="/pakketten/{flagged}"' in now and "Bel de gemeente." in now
