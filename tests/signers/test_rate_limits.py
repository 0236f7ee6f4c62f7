"""The signing pages are rate limited per client address and, separately, per link."""

from __future__ import annotations

import pytest

from app.services.sending import send_package
from tests.conftest import base_settings
from tests.flow.helpers import drain_jobs
from tests.flow.helpers import package
from tests.flow.helpers import package_with_stub_pdfs

from .support import link_for


@pytest.fixture
def app_settings(tmp_path, sqlite_url, smtp_server) -> dict:
    return base_settings(tmp_path, database_url=sqlite_url, mail_backend="smtp",
                         smtp_host="127.0.0.1", smtp_port=smtp_server.port,
                         smtp_starttls=False, smtp_timeout=5, ratelimit_signing="3 per minute")


def test_one_link_from_many_addresses_and_one_address_on_many_links(ctx, client, smtp_server):
    package_id = package_with_stub_pdfs()
    send_package(package_id, "builtin", "medewerker@nvsi.nl")
    drain_jobs()
    path = link_for(smtp_server, package(package_id).signers[0].email)
    for number in range(3):
        assert client.get(path, environ_base={"REMOTE_ADDR": f"192.0.2.{number}"}
                          ).status_code == 200
    refused = client.get(path, environ_base={"REMOTE_ADDR": "192.0.2.99"})
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    for number in range(3):  # another address, guessing tokens
        client.get(f"{path[:-4]}abc{number}", environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert client.get(f"{path[:-4]}xyz0", environ_base={"REMOTE_ADDR": "198.51.100.7"}
                      ).status_code == 429
