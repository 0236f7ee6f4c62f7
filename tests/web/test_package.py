"""One package: what the page shows, and each action as a small form."""

import datetime as dt
import re

import pytest

from app.domain.formatting import format_date
from app.extensions import db
from app.store.models import Document
from app.store.models import Package
from tests.web.support import GEMEENTE_LID
from tests.web.support import GEMEENTE_LID_AMOUNTS
from tests.web.support import days_ago
from tests.web.support import error_for
from tests.web.support import make_package
from tests.web.support import post
from tests.web.support import set_state
from tests.web.support import text
from tests.web.support import tiny_pdf
from tests.web.support import use_fake_converter
from tests.web.support import value_of
from tests.web.support import wait_for_background_jobs

MAATSCHAPPELIJK_LID = {
    **GEMEENTE_LID, "org_source": "anders", "org_kind": "maatschappelijke_organisatie",
    "org_name": "Stichting De Brug", "org_kvk": "12345678", "cbs_code": "",
    "org_street": "Brugstraat 7", "org_postcode": "6511 AB", "org_city": "Nijmegen",
    "signatory_function": "Voorzitter van het bestuur",
}


def package_of(app, package_id) -> Package:
    return db.session.get(Package, package_id)


def state_of(app, package_id) -> str:
    with app.app_context():
        return package_of(app, package_id).state


def documents_of(app, package_id) -> list[tuple[int, str, bool]]:
    with app.app_context():
        return [(d.id, d.kind, d.signed_required) for d in package_of(app, package_id).documents]


def act(client, package_id, action, data=None, **kwargs):
    return post(client, f"/pakketten/{package_id}/{action}", data, **kwargs)


def test_a_new_package_shows_its_parts_and_the_first_step(staff, app):
    package_id = make_package(app)
    response = staff.get(f"/pakketten/{package_id}")
    page = text(response)
    assert response.status_code == 200
    with app.app_context():
        reference = package_of(app, package_id).reference_number
    assert f"<h1>Pakket {reference}</h1>" in page
    assert "Utrecht" in page and '<span class="tag tag-concept">Concept</span>' in page
    for title in ("Aanbiedingsbrief", "Aanmelding gemeente als lid (bijlage 1)",
                  "Gebruiksovereenkomst Innovatieve Oplossingen NVSI: Wijkteamdossier"):
        assert title in page
    assert "De brief bij het pakket: wat erin zit, waarom" in page  # the reason
    # signers: the organisation first, then the NVSI board
    signers = page.split('id="ondertekenaars"')[1].split("</table>")[0]
    assert signers.index("Sharon Dijksma") < signers.index("voorzitter") < signers.index("penningmeester")
    for amount in GEMEENTE_LID_AMOUNTS:
        assert amount in page
    assert "Pakket aangemaakt met 8 documenten" in page
    assert "Nog niet gestart (artikel 160 Gemeentewet)" in page
    assert "Documenten maken" in page and "Pakket intrekken" in page
    for later in ("Raadsprocedure starten", "Collegebesluit vastleggen", 'id="provider"',
                  "Herinnering sturen", "Scan toevoegen"):
        assert later not in page
    assert "Nog niet gemaakt" in page


def test_skipped_documents_are_listed_with_their_reason(staff, app):
    from app.store.models import Agreement
    from app.store.models import Organisation

    with app.app_context():
        org = Organisation(name="Utrecht", kind="gemeente", cbs_code="GM0344")
        db.session.add(org)
        db.session.add(Agreement(organisation=org, kind="verwerkersovereenkomst",
                                 signed_on=dt.date(2025, 3, 3)))
        db.session.commit()
    package_id = make_package(app)
    page = text(staff.get(f"/pakketten/{package_id}"))
    skipped = page.split('id="overgeslagen"')[1].split("</section>")[0]
    assert "Verwerkersovereenkomst" in skipped
    assert "De verwerkersovereenkomst van 3 maart 2025 blijft van kracht." in skipped


def test_make_documents_then_download_docx_and_pdf(staff, app, monkeypatch):
    fake = use_fake_converter(monkeypatch)
    package_id = make_package(app)
    response = act(staff, package_id, "documenten")
    assert response.status_code == 302
    assert state_of(app, package_id) == "klaar"
    assert fake.converted == 8  # with the NVSI Voorwaarden
    page = text(staff.get(f"/pakketten/{package_id}"))
    assert "De documenten zijn gemaakt." in page
    with app.app_context():
        document = package_of(app, package_id).documents[1]
        document_id, pdf_sha, filename = document.id, document.pdf_sha256, document.filename
    assert f"<code>{pdf_sha[:12]}…</code>" in page
    assert f'href="/documenten/{document_id}/pdf"' in page
    assert f'href="/documenten/{document_id}/docx"' in page
    assert "Raadsprocedure starten" in page

    pdf = staff.get(f"/documenten/{document_id}/pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert pdf.mimetype == "application/pdf"
    assert f'filename={filename}.pdf' in pdf.headers["Content-Disposition"]
    assert pdf.headers["X-Content-Type-Options"] == "nosniff"
    docx = staff.get(f"/documenten/{document_id}/docx")
    assert docx.data.startswith(b"PK")
    assert docx.mimetype.endswith("wordprocessingml.document")
    assert staff.get(f"/documenten/{document_id}/ondertekend").status_code == 404


def test_a_failed_conversion_is_shown_and_can_be_tried_again(staff, app, monkeypatch):
    use_fake_converter(monkeypatch, fail=True)
    package_id = make_package(app)
    response = act(staff, package_id, "documenten")
    assert response.status_code == 302
    assert state_of(app, package_id) == "mislukt"
    page = text(staff.get(f"/pakketten/{package_id}"))
    assert "LibreOffice reageert niet" in page
    assert 'class="alert alert-error"' in page
    assert "Documenten maken" in page  # try again


def _ready(app, staff, monkeypatch, data=None):
    use_fake_converter(monkeypatch)
    package_id = make_package(app, data)
    assert act(staff, package_id, "documenten").status_code == 302
    return package_id


def test_an_action_that_does_not_fit_the_state_is_an_error_on_the_page(staff, app):
    package_id = make_package(app)
    response = act(staff, package_id, "raadsprocedure")
    page = text(response)
    assert response.status_code == 409
    assert "Maak eerst de documenten; daarna kan de raadsprocedure beginnen." in page
    assert 'class="error-summary" role="alert"' in page
    assert "<title>Fout: Pakket" in page
    assert state_of(app, package_id) == "concept"
    with app.app_context():
        assert package_of(app, package_id).council_deadline is None  # nothing half-done


def test_sending_before_the_documents_are_made_is_refused(staff, app):
    package_id = make_package(app, MAATSCHAPPELIJK_LID)
    response = act(staff, package_id, "verzenden", {"provider": "manual"})
    assert response.status_code == 409
    assert "Een pakket met de status 'Concept' kan niet worden verzonden." in text(response)


def test_sending_with_an_unknown_provider(staff, app, monkeypatch):
    package_id = _ready(app, staff, monkeypatch, MAATSCHAPPELIJK_LID)
    page = text(staff.get(f"/pakketten/{package_id}"))
    assert 'id="provider"' in page and "Raadsprocedure starten" not in page
    response = act(staff, package_id, "verzenden", {"provider": "postduif"})
    assert response.status_code == 422
    assert error_for(text(response), "provider") == "Ondertekendienst: kies een dienst uit de lijst."
    assert state_of(app, package_id) == "klaar"


def test_send_on_paper_then_upload_every_signed_scan(staff, app, monkeypatch):
    package_id = _ready(app, staff, monkeypatch, MAATSCHAPPELIJK_LID)
    response = act(staff, package_id, "verzenden", {"provider": "manual"})
    assert response.status_code == 302
    assert state_of(app, package_id) == "verzonden"
    page = text(staff.get(f"/pakketten/{package_id}"))
    assert "Het pakket is verzonden voor ondertekening." in page
    signed = [(doc_id, kind) for doc_id, kind, needs in documents_of(app, package_id) if needs]
    for doc_id, _ in signed:
        assert f'id="scan-{doc_id}" name="file" accept="application/pdf" multiple' in page
    assert 'enctype="multipart/form-data"' in page
    assert "Herinnering sturen" in page
    assert "Status opvragen" not in page  # nothing to ask when signing on paper

    # no file, and a file that is not a PDF: beside the field
    first = signed[0][0]
    response = act(staff, package_id, f"documenten/{first}/scan", {})
    assert error_for(text(response), f"scan-{first}") == "Ondertekende scan: kies een PDF-bestand."
    response = act(staff, package_id, f"documenten/{first}/scan",
                   {"file": (_bytes(b"GIF89a..."), "scan.gif")},
                   content_type="multipart/form-data")
    assert response.status_code == 422
    assert error_for(text(response), f"scan-{first}").startswith("Dit bestand is geen PDF.")

    for doc_id, kind in signed:
        response = act(staff, package_id, f"documenten/{doc_id}/scan",
                       {"file": (_bytes(tiny_pdf(kind)), f"{kind}.pdf")},
                       content_type="multipart/form-data")
        assert response.status_code == 302, text(response)
    wait_for_background_jobs(app)  # archiving runs after the last signature
    assert state_of(app, package_id) == "gearchiveerd"
    page = text(staff.get(f"/pakketten/{package_id}"))
    assert '<span class="tag tag-gearchiveerd">Gearchiveerd</span>' in page
    assert f'href="/documenten/{first}/ondertekend"' in page
    signed_copy = staff.get(f"/documenten/{first}/ondertekend")
    assert signed_copy.data.startswith(b"%PDF")
    with app.app_context():
        document = db.session.get(Document, first)
        assert f"<code>{document.signed_sha256[:12]}…</code>" in page
    assert "Ondertekende documenten downloaden (zip)" in page
    archive = staff.get(f"/pakketten/{package_id}/archief")
    assert archive.status_code == 200 and archive.data.startswith(b"PK")
    assert archive.mimetype == "application/zip"
    jobs = page.split('id="taken"')[1].split("</section>")[0]
    assert "Ondertekende documenten ophalen en archiveren" in jobs and "Klaar" in jobs


def _bytes(data: bytes):
    import io

    return io.BytesIO(data)


def test_remind_and_refresh_on_paper(staff, app, monkeypatch):
    package_id = _ready(app, staff, monkeypatch, MAATSCHAPPELIJK_LID)
    act(staff, package_id, "verzenden", {"provider": "manual"})
    response = act(staff, package_id, "herinneren")
    assert response.status_code == 302
    assert "Er is een herinnering verstuurd." in text(staff.get(f"/pakketten/{package_id}"))
    response = act(staff, package_id, "status")
    assert response.status_code == 409
    assert "Bij ondertekenen op papier is er geen status op te vragen" in text(response)


def test_cancel_needs_a_reason(staff, app):
    package_id = make_package(app)
    response = act(staff, package_id, "intrekken", {"reason": "   "})
    page = text(response)
    assert response.status_code == 422
    assert error_for(page, "reason") == "Reden: vul in waarom het pakket wordt ingetrokken."
    assert '<details class="action cancel" open>' in page
    assert state_of(app, package_id) == "concept"

    response = act(staff, package_id, "intrekken", {"reason": "De gemeente ziet ervan af."})
    assert response.status_code == 302
    assert state_of(app, package_id) == "ingetrokken"
    page = text(staff.get(f"/pakketten/{package_id}"))
    assert "Het pakket is ingetrokken." in page
    assert "De gemeente ziet ervan af." in page
    assert "Er is niets meer te doen" in page
    assert "Pakket intrekken</button>" not in page


def test_timeline_newest_first(staff, app):
    package_id = make_package(app)
    act(staff, package_id, "intrekken", {"reason": "Dubbel aangemaakt."})
    page = text(staff.get(f"/pakketten/{package_id}"))
    timeline = page.split('id="tijdlijn"')[1]
    assert timeline.index("Ingetrokken: Dubbel aangemaakt.") < timeline.index("Pakket aangemaakt")
    assert "Concept → Ingetrokken" in timeline


def test_a_failed_send_is_shown_with_its_reason(staff, app):
    package_id = make_package(app)
    set_state(app, package_id, "mislukt", last_error="Verzenden via signhost is mislukt: 503.")
    page = text(staff.get(f"/pakketten/{package_id}"))
    assert "Verzenden via signhost is mislukt: 503." in page
    assert '<span class="tag tag-mislukt">Mislukt</span>' in page


def test_archive_before_archiving_is_an_error(staff, app):
    package_id = make_package(app)
    assert staff.get(f"/pakketten/{package_id}/archief").status_code == 404


PROVIDER_KEYS = {
    "signhost": {"app_key": "app", "api_key": "api", "shared_secret": "geheim"},
    "validsign": {"api_key": "api", "callback_key": "geheim"},
}


def set_up_provider(app, monkeypatch, name):
    """Give the app a configured `name` provider (the test settings have no keys)."""
    from signing import get_provider

    monkeypatch.setitem(app.extensions["tekenklaar"]._lazy, f"provider:{name}",
                        get_provider(name, **PROVIDER_KEYS[name]))


@pytest.mark.parametrize("state", ["verzonden", "deels_ondertekend"])
@pytest.mark.parametrize(("provider", "reminds"), [("signhost", False), ("validsign", True)])
def test_refresh_is_offered_for_an_electronic_provider(staff, app, monkeypatch, state, provider,
                                                       reminds):
    """Status opvragen for every electronic provider; Herinneren only where the provider can
    remind on request (ValidSign), not where it reminds by itself (Signhost)."""
    set_up_provider(app, monkeypatch, provider)
    package_id = make_package(app)
    set_state(app, package_id, state, provider=provider, envelope_id="abc",
              sent_at=dt.datetime(2026, 1, 5, 9, 30))
    page = text(staff.get(f"/pakketten/{package_id}"))
    assert "Status opvragen" in page
    assert ("Herinnering sturen" in page) is reminds
    assert "Scan toevoegen" not in page
    assert {"signhost": "Signhost", "validsign": "ValidSign"}[provider] in page


def test_no_reminder_for_a_provider_that_is_not_set_up(staff, app):
    """A reminder would fail without the provider's keys: the button is not offered."""
    package_id = make_package(app)
    set_state(app, package_id, "verzonden", provider="validsign", envelope_id="abc",
              sent_at=dt.datetime(2026, 1, 5, 9, 30))
    page = text(staff.get(f"/pakketten/{package_id}"))
    assert "Status opvragen" in page and "Herinnering sturen" not in page


def test_everything_on_the_page_is_escaped(staff, app):
    data = {**MAATSCHAPPELIJK_LID, "org_name": "Stichting <b>Vet</b> & \"Co\""}
    package_id = make_package(app, data)
    page = staff.get(f"/pakketten/{package_id}").get_data(as_text=True)
    assert "<b>Vet</b>" not in page
    assert "Stichting &lt;b&gt;Vet&lt;/b&gt; &amp; &#34;Co&#34;" in page


def test_no_package_no_page(staff, app):
    assert staff.get("/pakketten/12345").status_code == 404
    assert act(staff, 12345, "documenten").status_code == 404


def test_a_failed_background_job_is_shown_with_its_error(staff, app):
    from app.store.models import JobRun

    package_id = make_package(app)
    with app.app_context():
        db.session.add(JobRun(package_id=package_id, name="app.services.mailing:deliver_pending",
                              label="E-mail versturen", state="mislukt", attempts=3,
                              error="De mailserver antwoordt niet.",
                              started_at=dt.datetime(2026, 3, 2, 10, 0)))
        db.session.commit()
    page = text(staff.get(f"/pakketten/{package_id}"))
    jobs = page.split('id="taken"')[1].split("</section>")[0]
    assert "E-mail versturen" in jobs and "3 pogingen" in jobs
    assert '<span class="tag tag-job-mislukt">Mislukt</span>' in jobs
    assert "De mailserver antwoordt niet." in jobs


def test_no_background_jobs_no_section(staff, app):
    package_id = make_package(app)
    assert 'id="taken"' not in text(staff.get(f"/pakketten/{package_id}"))


def test_only_providers_that_are_set_up_are_offered(staff, app, monkeypatch):
    package_id = _ready(app, staff, monkeypatch, MAATSCHAPPELIJK_LID)
    page = text(staff.get(f"/pakketten/{package_id}"))
    offered = re.findall(r'<option value="([^"]+)"', page.split('id="provider"')[1].split("</select>")[0])
    # Signhost and ValidSign have no keys in the test settings; ours needs none
    assert offered == ["builtin", "manual"]
    response = act(staff, package_id, "verzenden", {"provider": "signhost"})
    assert response.status_code == 422
    assert error_for(text(response), "provider") == "Ondertekendienst: kies een dienst uit de lijst."
    assert state_of(app, package_id) == "klaar"


def test_a_file_missing_from_the_store_is_an_error_on_the_package_page(staff, app, monkeypatch):
    package_id = _ready(app, staff, monkeypatch)
    with app.app_context():
        document = package_of(app, package_id).documents[0]
        document_id, key = document.id, document.pdf_key
    (app.extensions["tekenklaar"].settings.storage_path / key).unlink()
    response = staff.get(f"/documenten/{document_id}/pdf")
    page = text(response)
    assert response.status_code == 503
    assert "Dit bestand kan nu niet worden gelezen." in page
    assert "<h1>Pakket " in page


def test_the_timeline_names_who_did_it(staff, app):
    """Actor ids become names: the staff member, a bulk run, the API, Tekenklaar itself."""
    from app.services import timeline
    from tests.web.support import STAFF_EMAIL
    from tests.web.support import STAFF_NAME

    package_id = make_package(app, actor=STAFF_EMAIL.upper())
    with app.app_context():
        package = package_of(app, package_id)
        for actor in ("systeem", "bulk:7", "api:crm", "demo", "signhost", "iemand@elders.nl"):
            timeline.record(package, actor, "notitie", f"Door {actor}.")
        db.session.commit()
    page = text(staff.get(f"/pakketten/{package_id}"))
    when = re.findall(r'<div class="when">[^<]*· ([^<]*)</div>', page)
    assert set(when) == {STAFF_NAME, "Tekenklaar (automatisch)", "Bulkopdracht 7",
                         "API-koppeling 'crm'", "Voorbeeldgegevens",
                         "Signhost (ondertekendienst)", "iemand@elders.nl"}
    assert f"door {STAFF_NAME}</dd>" in page


def test_signers_not_yet_at_their_turn(staff, app):
    page = text(staff.get(f"/pakketten/{make_package(app)}"))
    assert "Nog niet aan de beurt" in page and "zijn of haar" not in page


def test_staff_pause_and_resume_the_automatic_reminders(staff, app):
    package_id = make_package(app, MAATSCHAPPELIJK_LID)
    set_state(app, package_id, "verzonden", provider="manual", sent_at=days_ago(1))
    page = text(staff.get(f"/pakketten/{package_id}"))
    assert "herinnert de ondertekenaar die aan de beurt is vanzelf, 7, 14, 21 dagen" in page
    response = act(staff, package_id, "automatische-herinneringen", {"paused": "ja"})
    assert response.status_code == 302
    with app.app_context():
        assert package_of(app, package_id).reminders_paused is True
    page = text(staff.get(f"/pakketten/{package_id}"))
    assert "De automatische herinneringen zijn gepauzeerd." in page
    assert "Automatische herinneringen hervatten" in page
    act(staff, package_id, "automatische-herinneringen", {"paused": "nee"})
    with app.app_context():
        assert package_of(app, package_id).reminders_paused is False


def _pdf_with_pages(pages: int) -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_scan_with_fewer_pages_than_the_document_gets_a_warning(staff, app, monkeypatch):
    """A one-page scan for a two-page document is refused with a Dutch warning and nothing
    stored; staff can confirm the page count; the date on the document becomes the signing
    date of the signer."""
    from app.runtime import runtime

    package_id = _ready(app, staff, monkeypatch, MAATSCHAPPELIJK_LID)
    act(staff, package_id, "verzenden", {"provider": "manual"})
    set_state(app, package_id, "verzonden", sent_at=days_ago(10))
    first = next(doc_id for doc_id, _, needs in documents_of(app, package_id) if needs)
    with app.app_context():
        document = db.session.get(Document, first)
        runtime().store.put(document.pdf_key, _pdf_with_pages(2))  # the original: two pages
        title = document.title

    def upload(**fields):
        return act(staff, package_id, f"documenten/{first}/scan",
                   {"file": (_bytes(_pdf_with_pages(1)), "scan.pdf"), **fields},
                   content_type="multipart/form-data")

    response = upload()
    assert response.status_code == 422
    assert error_for(text(response), f"scan-{first}") == (
        f"Let op: deze scan heeft 1 pagina, maar '{title}' heeft 2 pagina's. Controleer of "
        "u het goede document volledig heeft gescand. Klopt het toch, vink dan 'Het aantal "
        "pagina's klopt' aan en voeg de scan opnieuw toe.")
    with app.app_context():
        assert db.session.get(Document, first).signed_key is None  # nothing stored

    future = (dt.date.today() + dt.timedelta(days=3)).strftime("%d-%m-%Y")
    response = upload(pages_ok="ja", signed_on=future)
    assert response.status_code == 422
    assert error_for(text(response), f"scan-{first}-date").startswith(
        "Datum van ondertekening: deze datum ligt in de toekomst.")

    on_paper = dt.date.today() - dt.timedelta(days=2)
    response = upload(pages_ok="ja", signed_on=format_date(on_paper))
    assert response.status_code == 302, text(response)
    with app.app_context():
        document = db.session.get(Document, first)
        assert document.signed_key and document.signed_at.date() == on_paper

    # the last scan, dated on paper: the signers and the agreements get that date
    last_day = dt.date.today() - dt.timedelta(days=1)
    for doc_id, kind, needs in documents_of(app, package_id):
        if needs and doc_id != first:
            response = act(staff, package_id, f"documenten/{doc_id}/scan",
                           {"file": (_bytes(tiny_pdf(kind)), f"{kind}.pdf"),
                            "signed_on": last_day.strftime("%d-%m-%Y")},
                           content_type="multipart/form-data")
            assert response.status_code == 302, text(response)
    wait_for_background_jobs(app)
    with app.app_context():
        package = package_of(app, package_id)
        assert package.state in ("ondertekend", "gearchiveerd")
        assert {s.state_at.date() for s in package.signers} == {last_day}
        assert {a.signed_on for a in package.organisation.agreements} == {last_day}


def test_a_document_scanned_as_several_files_becomes_one_pdf(staff, app, monkeypatch):
    from pypdf import PdfReader

    from app.runtime import runtime

    package_id = _ready(app, staff, monkeypatch, MAATSCHAPPELIJK_LID)
    act(staff, package_id, "verzenden", {"provider": "manual"})
    first = next(doc_id for doc_id, _, needs in documents_of(app, package_id) if needs)
    with app.app_context():
        document = db.session.get(Document, first)
        runtime().store.put(document.pdf_key, _pdf_with_pages(2))
    response = act(staff, package_id, f"documenten/{first}/scan",
                   {"file": [(_bytes(_pdf_with_pages(1)), "pagina-1.pdf"),
                             (_bytes(b"GIF89a"), "pagina-2.gif")]},
                   content_type="multipart/form-data")
    assert response.status_code == 422
    assert error_for(text(response), f"scan-{first}").startswith(
        "Bestand 2: Dit bestand is geen PDF.")
    response = act(staff, package_id, f"documenten/{first}/scan",
                   {"file": [(_bytes(_pdf_with_pages(1)), "pagina-1.pdf"),
                             (_bytes(_pdf_with_pages(1)), "pagina-2.pdf")]},
                   content_type="multipart/form-data")
    assert response.status_code == 302, text(response)  # two pages: no warning
    with app.app_context():
        stored = runtime().store.get(db.session.get(Document, first).signed_key)
    assert len(PdfReader(_bytes(stored)).pages) == 2


def test_the_mail_is_shown_before_the_package_is_sent(staff, app, monkeypatch):
    from app.store.models import OutgoingMail
    from tests.web.support import count

    package_id = _ready(app, staff, monkeypatch, MAATSCHAPPELIJK_LID)
    page = text(staff.get(f"/pakketten/{package_id}"))
    preview = page.split('class="mail-preview"')[1].split("</details>")[0]
    assert "Voorbeeld van de e-mail aan de organisatie" in preview
    assert "Geachte mevrouw/heer El Amrani," in preview
    assert "stuurt Stichting De Brug hierbij de documenten" in preview
    assert "uiterlijk op" in preview and "f.elamrani@utrecht.example" in preview
    assert count(app, OutgoingMail) == 0  # nothing queued by looking


def test_staff_record_that_the_organisation_signed_on_paper(staff, app, monkeypatch):
    """The step between the organisation's signatures and the board's: a Dutch date error
    beside the field changes nothing; the recorded step mails NVSI's board and is gone."""
    from app.store.models import OutgoingMail

    package_id = _ready(app, staff, monkeypatch, MAATSCHAPPELIJK_LID)
    act(staff, package_id, "verzenden", {"provider": "manual"})
    page = text(staff.get(f"/pakketten/{package_id}"))
    assert "Vastleggen: de organisatie heeft getekend" in page

    response = act(staff, package_id, "organisatie-getekend",
                   {"organisation_signed_on": "31 februari 2026"})
    assert response.status_code == 422
    assert error_for(text(response), "organisation_signed_on")
    assert state_of(app, package_id) == "verzonden"

    yesterday = dt.date.today() - dt.timedelta(days=1)
    with app.app_context():  # the paper was sent before it was signed
        package = package_of(app, package_id)
        package.sent_at = package.sent_at - dt.timedelta(days=3)
        db.session.commit()
    response = act(staff, package_id, "organisatie-getekend",
                   {"organisation_signed_on": format_date(yesterday)})
    assert response.status_code == 302, text(response)
    page = text(staff.get(f"/pakketten/{package_id}"))
    assert "Het NVSI-bestuur krijgt een e-mail dat het aan de beurt is." in page
    assert "Vastleggen: de organisatie heeft getekend" not in page  # once only
    assert "Ondertekende scans toevoegen" in page
    with app.app_context():
        package = package_of(app, package_id)
        assert package.state == "deels_ondertekend"
        signer = next(s for s in package.signers if s.party == "organisatie")
        assert signer.state_at.date() == yesterday
        kinds = [m.kind for m in db.session.query(OutgoingMail)
                 .filter_by(package_id=package_id).order_by(OutgoingMail.id)]
        assert kinds == ["pakket_verzonden", "beurt_bestuur"]
    response = act(staff, package_id, "organisatie-getekend", {})
    assert response.status_code == 409
