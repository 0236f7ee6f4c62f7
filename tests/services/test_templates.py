"""Template versions uploaded by a beheerder: checked before acceptance, kept, recorded on
every document; the next package uses the new version, a package already made keeps its own."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document as Docx

from app.domain.organisations import Involvement
from app.domain.rules import DocumentKind as K
from app.extensions import db
from app.runtime import runtime
from app.services import templates
from app.services.documents import make_documents
from app.services.packages import create_package
from app.store.models import Package
from app.store.models import TemplateVersion
from tests.app.test_packages import new_package
from tests.documents.edit import edit_docx
from tests.documents.edit import shipped
from tests.pdfs import tiny_pdf
from tests.web.support import make_user
from tests.web.support import post
from tests.web.support import sign_in

NEW_TEXT = "Partijen komen in deze nieuwe versie het volgende overeen."
GOOD = edit_docx(shipped("gebruiksovereenkomst"), "Partijen komen het volgende overeen.",
                 NEW_TEXT)
BROKEN = edit_docx(shipped("gebruiksovereenkomst"), "{{ solution.supplier }}",
                   "{{ solution.leverancier }}")


class QuickConverter:
    """A stand-in for LibreOffice: these tests are about templates, not PDFs."""

    def convert(self, docx: bytes) -> bytes:
        return tiny_pdf(str(len(docx)))

    def close(self) -> None:
        pass


def docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in Docx(io.BytesIO(data)).paragraphs)


def made_package(name="Utrecht", cbs="GM0344"):
    # one organisation per package: an open package already holds its gebruiksovereenkomst
    package = create_package(new_package(involvement=Involvement.LID, name=name, cbs=cbs,
                                         solutions=[("schuldenradar", dt.date.today().replace(
                                             day=1) + dt.timedelta(days=40))]),
                             actor="test")
    package = make_documents(package.id, actor="test")
    assert package.state == "klaar", package.last_error
    return db.session.get(Package, package.id)


def agreement(package):
    return next(d for d in package.documents if d.kind == K.GEBRUIKSOVEREENKOMST.value)


def test_a_broken_upload_is_refused_naming_the_tag_and_nothing_is_stored(app):
    with app.app_context():
        with pytest.raises(templates.TemplateRejected) as refused:
            templates.upload(K.GEBRUIKSOVEREENKOMST, BROKEN, "go.docx", "beheer@nvsi.nl")
        assert "niet aangenomen" in refused.value.message
        assert any("{{ solution.leverancier }}" in p for p in refused.value.problems)
        assert db.session.query(TemplateVersion).count() == 0
        assert templates.current_number(K.GEBRUIKSOVEREENKOMST) == templates.SHIPPED


def test_not_a_docx_and_the_same_file_twice_are_refused(app):
    from app.services.errors import ServiceError

    with app.app_context():
        with pytest.raises(ServiceError, match="geen Word-bestand"):
            templates.upload(K.RAADSBRIEF, b"%PDF-1.7", "brief.pdf", "beheer@nvsi.nl")
        templates.upload(K.GEBRUIKSOVEREENKOMST, GOOD, "go.docx", "beheer@nvsi.nl")
        with pytest.raises(ServiceError, match="precies de huidige versie"):
            templates.upload(K.GEBRUIKSOVEREENKOMST, GOOD, "go.docx", "beheer@nvsi.nl")


def test_a_good_upload_is_used_for_the_next_package_and_a_made_package_keeps_its_own(app):
    with app.app_context():
        runtime().provide("converter", QuickConverter())
        before = made_package()
        assert agreement(before).template_number == 1
        old_docx = runtime().store.get(agreement(before).docx_key)

        row = templates.upload(K.GEBRUIKSOVEREENKOMST, GOOD, "go-2027.docx", "beheer@nvsi.nl",
                               "artikel 1 herschreven")
        assert (row.number, row.uploaded_by, row.note) == (2, "beheer@nvsi.nl",
                                                          "artikel 1 herschreven")
        assert runtime().store.get(row.store_key) == GOOD

        after = made_package("Amersfoort", "GM0307")
        document = agreement(after)
        assert (document.template_number, document.template_version) == (2, row.version)
        assert NEW_TEXT in docx_text(runtime().store.get(document.docx_key))
        others = [d for d in after.documents if d.kind != K.GEBRUIKSOVEREENKOMST.value]
        assert {d.template_number for d in others} == {1}

        # the package made before keeps its documents, and made again keeps its version
        assert runtime().store.get(agreement(before).docx_key) == old_docx
        again = make_documents(before.id, actor="test")
        assert agreement(again).template_number == 1
        assert NEW_TEXT not in docx_text(runtime().store.get(agreement(again).docx_key))

        listed = templates.versions(K.GEBRUIKSOVEREENKOMST)
        assert [(v.number, v.current) for v in listed] == [(2, True), (1, False)]
        assert templates.template_bytes(K.GEBRUIKSOVEREENKOMST, 1) == \
            shipped("gebruiksovereenkomst")


# -- the staff page ----------------------------------------------------------------------------
def test_only_a_beheerder_may_open_the_templates_page(app, client):
    make_user(app)
    sign_in(client)
    assert client.get("/sjablonen").status_code == 403
    assert client.get("/").get_data(as_text=True).count('href="/sjablonen"') == 0


def beheerder(app, client):
    from app.services.accounts import create_user

    with app.app_context():
        create_user("beheer@nvsi.nl", "Bea Heer", "een-lang-wachtwoord-1", role="beheerder")
    assert sign_in(client, "beheer@nvsi.nl", "een-lang-wachtwoord-1").status_code == 302
    return client


def upload(client, data: bytes, kind="gebruiksovereenkomst"):
    return post(client, f"/sjablonen/{kind}", {
        "bestand": (io.BytesIO(data), f"{kind}.docx"), "toelichting": "nieuwe tekst"},
        content_type="multipart/form-data")


def test_a_beheerder_uploading_a_broken_template_sees_the_tag_in_dutch(app, client):
    beheerder(app, client)
    page = client.get("/sjablonen").get_data(as_text=True)
    assert "Gebruiksovereenkomst Innovatieve Oplossingen NVSI" in page and "(in gebruik)" in page
    response = upload(client, BROKEN)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "niet aangenomen" in html and "{{ solution.leverancier }}" in html
    assert "Bedoelt u ‘solution.supplier’?" in html
    with app.app_context():
        assert db.session.query(TemplateVersion).count() == 0


def test_a_beheerder_uploads_a_good_template_and_can_download_both_versions(app, client):
    beheerder(app, client)
    response = upload(client, GOOD)
    assert response.status_code == 302
    page = client.get("/sjablonen").get_data(as_text=True)
    assert "Versie 2 van Gebruiksovereenkomst Innovatieve Oplossingen NVSI is aangenomen" in page
    assert "beheer@nvsi.nl" in page and "nieuwe tekst" in page
    assert client.get("/sjablonen/gebruiksovereenkomst/versie-2.docx").data == GOOD
    assert client.get("/sjablonen/gebruiksovereenkomst/versie-1.docx").data == \
        shipped("gebruiksovereenkomst")
    assert client.get("/sjablonen/gebruiksovereenkomst/versie-3.docx").status_code == 404


def test_the_package_page_names_the_template_version_of_each_document(app, client):
    beheerder(app, client)
    with app.app_context():
        runtime().provide("converter", QuickConverter())
        templates.upload(K.GEBRUIKSOVEREENKOMST, GOOD, "go.docx", "beheer@nvsi.nl")
        package = made_package()
        version = agreement(package).template_version
    page = client.get(f"/pakketten/{package.id}").get_data(as_text=True)
    assert f"Sjabloon: versie 2 <code>{version}</code>" in page
    assert "Sjabloon: versie 1 <code>" in page


def test_flask_templates_text_shows_an_uploaded_version(app, runner):
    with app.app_context():
        templates.upload(K.GEBRUIKSOVEREENKOMST, GOOD, "go.docx", "beheer@nvsi.nl")
    new = runner.invoke(args=["templates", "text", "gebruiksovereenkomst", "--version", "2"])
    old = runner.invoke(args=["templates", "text", "gebruiksovereenkomst"])
    assert new.exit_code == 0 and old.exit_code == 0
    assert NEW_TEXT in new.output and NEW_TEXT not in old.output
    missing = runner.invoke(args=["templates", "text", "gebruiksovereenkomst", "--version", "7"])
    assert missing.exit_code == 1 and "Versie 7 van het sjabloon" in missing.output
