"""The document stores: local disk, and S3 against a real S3-compatible server (moto)."""

import socket
import subprocess
import sys
import time

import pytest

from app.store.files import LocalStore
from app.store.files import StoreError
from app.store.files import sha256
from app.store.s3 import S3Store


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    """moto's S3 server in its own process, on a free port on 127.0.0.1."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("moto server did not start")
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def s3_store(s3_endpoint):
    import uuid

    import boto3

    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="eu-west-1",
                          aws_access_key_id="test", aws_secret_access_key="test")
    bucket = f"tekenklaar-{uuid.uuid4().hex[:8]}"
    client.create_bucket(Bucket=bucket,
                         CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    return S3Store(client, bucket)


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path):
    if request.param == "local":
        return LocalStore(tmp_path / "documents")
    return request.getfixturevalue("s3_store")


def test_put_returns_sha256_and_get_returns_the_bytes(store):
    data = b"%PDF-1.7\n" + bytes(range(256)) * 10
    digest = store.put("packages/NVSI-2026-0001/verwerkersovereenkomst.pdf", data)
    assert digest == sha256(data)
    assert store.get("packages/NVSI-2026-0001/verwerkersovereenkomst.pdf") == data
    assert store.exists("packages/NVSI-2026-0001/verwerkersovereenkomst.pdf")


def test_put_replaces(store):
    store.put("a/b.docx", b"first")
    store.put("a/b.docx", b"second")
    assert store.get("a/b.docx") == b"second"


def test_missing_key_is_a_store_error(store):
    assert not store.exists("nowhere.pdf")
    with pytest.raises(StoreError):
        store.get("nowhere.pdf")


def test_check_passes(store):
    store.check()


def test_local_store_refuses_keys_outside_its_folder(tmp_path):
    with pytest.raises(StoreError):
        LocalStore(tmp_path / "documents").put("../../etc/passwd", b"x")


def test_s3_unknown_bucket_fails_the_check(s3_store):
    broken = S3Store(s3_store.client, "bestaat-niet")
    with pytest.raises(StoreError, match="bestaat-niet"):
        broken.check()


def test_s3_store_from_settings(s3_endpoint, tmp_path):
    from config.settings import load_settings

    settings = load_settings(instance_path=tmp_path, storage="s3", s3_bucket="bucket-x",
                             s3_endpoint_url=s3_endpoint, s3_access_key_id="test",
                             s3_secret_access_key="test")
    store = S3Store.from_settings(settings)
    store.client.create_bucket(Bucket="bucket-x",
                               CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert store.put("k", b"data") == sha256(b"data")
    assert store.get("k") == b"data"
