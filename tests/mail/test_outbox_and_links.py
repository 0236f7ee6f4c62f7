"""The embedded default (a file outbox) and documents as expiring links instead of PDFs."""

import hashlib
import re
from email import policy
from email.parser import BytesParser

import pytest

from app.extensions import db
from app.services import mailing
from app.store.models import OutgoingMail
from app.store.models import Package
from tests.conftest import base_settings
from tests.mail.factories import ready_package
from tests.mail.factories import sign_everything


def test_outbox_writes_an_eml_per_mail_with_the_pdfs(app):
    with app.app_context():
        package = ready_package()
        (mail,) = mailing.queue_package_sent(package)
        db.session.commit()
        assert mailing.deliver_pending()["sent"] == 1
        path = mailing.outbox_file(db.session.get(OutgoingMail, mail.id))
        expected = {f"{d.filename}.pdf": d.pdf_sha256 for d in package.documents}
    assert path is not None and path.suffix == ".eml"
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert message["Message-ID"] == mail.message_id
    assert str(message["Subject"]).strip().startswith("Ter ondertekening")
    assert {part.get_filename(): hashlib.sha256(part.get_content()).hexdigest()
            for part in message.iter_attachments()} == expected


def test_outbox_file_is_none_before_sending(app):
    with app.app_context():
        (mail,) = mailing.queue_package_sent(ready_package())
        db.session.commit()
        assert mailing.outbox_file(mail) is None


class TestLinks:
    @pytest.fixture
    def app_settings(self, tmp_path, database_url):
        return base_settings(tmp_path, database_url=database_url, mail_documents="link",
                             mail_link_days=10)

    def test_sent_mail_has_links_instead_of_attachments(self, app, client):
        with app.app_context():
            package = ready_package()
            (mail,) = mailing.queue_package_sent(package)
            db.session.commit()
            expected = {d.title: d.pdf_sha256 for d in package.documents}
            assert mail.attachments == []
            text, html = mail.body_text, mail.body_html
        links = re.findall(r"^  (http://tekenklaar\.test/api/v1/links/\S+)$", text,
                           flags=re.MULTILINE)
        assert len(links) == 5  # the Voorwaarden too
        assert "De links werken tot en met" in text
        for link in links:
            assert f'href="{link}"' in html
        received = set()
        for link in links:
            response = client.get(link.removeprefix("http://tekenklaar.test"))
            assert response.status_code == 200 and response.mimetype == "application/pdf"
            received.add(hashlib.sha256(response.data).hexdigest())
        assert received == set(expected.values())

    def test_completed_mail_links_the_signed_pdfs_and_the_audit_trail(self, app, client):
        with app.app_context():
            package = ready_package()
            sign_everything(package, audit=b"Verslag\n")
            (mail,) = mailing.queue_completed(package)
            db.session.commit()
            text = mail.body_text
            package = db.session.get(Package, package.id)
            expected = {d.signed_sha256 for d in package.documents if d.signed_required}
            expected.add(package.audit_trail_sha256)
        links = re.findall(r"http://tekenklaar\.test(/api/v1/links/\S+)", text)
        assert len(links) == 4  # three signed documents and the audit trail
        received = {hashlib.sha256(client.get(link).data).hexdigest() for link in links}
        assert received == expected
