"""Sealing a LibreOffice-made PDF/A: the signature page, the PAdES seal that pyHanko's validator
accepts (and refuses once one byte changed), PDF/A kept, and where the certificate comes from."""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import io

import pytest
import responses
from asn1crypto import tsp
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID
from cryptography.x509.oid import NameOID
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from app.documents.context import build_context
from app.documents.sealing import SealingError
from app.documents.sealing import SignatureMark
from app.documents.sealing import TEST_CERTIFICATE_NAME
from app.documents.sealing import load_sealer
from app.documents.sealing import seal_pdf
from app.documents.sealing import sealing_configured
from app.documents.sealing import validate_sealed_pdf
from config.settings import load_settings

from tests.documents.builders import facts

pytestmark = pytest.mark.libreoffice

MARKS = (
    SignatureMark("Ria Jansen", "Burgemeester, namens de gemeente Zwolle",
                  dt.datetime(2026, 11, 28, 14, 5, tzinfo=dt.UTC)),
    SignatureMark("Pieter Bakker", "Voorzitter, namens het bestuur van de NVSI",
                  dt.datetime(2026, 7, 1, 8, 30, tzinfo=dt.UTC)),
)
REASON = "Ondertekend via Tekenklaar"


@pytest.fixture(scope="module")
def original(renderer, converter) -> bytes:
    """A registration form as LibreOffice makes it (PDF/A-2b)."""
    package = facts()
    planned = package.plan.documents[1]
    return converter.convert(renderer.render(planned.kind, build_context(package, planned)))


@pytest.fixture(scope="module")
def test_sealer(tmp_path_factory):
    return load_sealer(load_settings(instance_path=tmp_path_factory.mktemp("instance")))


@pytest.fixture(scope="module")
def sealed(original, test_sealer) -> bytes:
    return seal_pdf(original, MARKS, test_sealer, reason=REASON)


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def page_text(pdf: bytes) -> str:
    """The text of the last page, lines joined by spaces."""
    return " ".join(reader(pdf).pages[-1].extract_text().split())


def test_sealed_pdf_validates_intact_whole_file_by_the_sealer(sealed, test_sealer):
    check = validate_sealed_pdf(sealed, test_sealer)
    assert (check.intact, check.covers_whole_file, check.signed_by_sealer) == (True, True, True)
    assert check.pades_level == "B-B"
    assert check.ok


def test_one_changed_byte_fails_validation(original, sealed, test_sealer):
    changed = bytearray(sealed)
    changed[len(original) // 2] ^= 0x01  # inside the original pages: a signed byte
    check = validate_sealed_pdf(bytes(changed), test_sealer)
    assert not check.intact
    assert not check.ok


def test_bytes_added_after_the_seal_are_not_covered(sealed, test_sealer):
    check = validate_sealed_pdf(sealed + b"\n% na het zegel\n", test_sealer)
    assert check.intact and not check.covers_whole_file
    assert not check.ok


def test_another_certificate_is_not_the_sealer(sealed, tmp_path):
    other = load_sealer(load_settings(instance_path=tmp_path))
    check = validate_sealed_pdf(sealed, other)
    assert not check.signed_by_sealer and not check.ok


def test_unsigned_or_broken_pdf_is_refused(original, test_sealer):
    assert not validate_sealed_pdf(original, test_sealer).ok
    broken = validate_sealed_pdf(b"%PDF-1.7 niets", test_sealer)
    assert not broken.ok and broken.problem


def test_seals_and_validates_in_a_thread_that_runs_an_event_loop(original, test_sealer):
    """Playwright's synchronous API runs an event loop; pyHanko's own asyncio.run would fail."""
    async def in_loop():
        sealed = seal_pdf(original, MARKS, test_sealer, reason=REASON)
        return validate_sealed_pdf(sealed, test_sealer)

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:  # a loop of its own,
        check = pool.submit(asyncio.run, in_loop()).result()  # whatever runs in this thread
    assert check.ok


def test_seal_appends_to_the_original_bytes(original, sealed):
    """An incremental update: the original document is the sealed file's first bytes."""
    assert sealed.startswith(original)
    assert len(reader(sealed).pages) == len(reader(original).pages) + 1


def test_signature_page_names_each_signer_with_capacity_and_dutch_time(sealed):
    text = page_text(sealed)
    assert "Ria Jansen" in text
    assert "Burgemeester, namens de gemeente Zwolle" in text
    assert "28 november 2026 om 15:05" in text  # 14:05 UTC is 15:05 in winter
    assert "1 juli 2026 om 10:30" in text       # 08:30 UTC is 10:30 in summer
    assert "Voorzitter, namens het bestuur van de NVSI" in text
    assert "testcertificaat" in text and "geen juridische" in text


def test_sealed_pdf_stays_pdfa_2b(original, sealed):
    """PDF/A identification kept; every font of the added page and seal embedded; the seal's
    widget printable with an appearance (PDF/A-2b 6.2.11.4, 6.3.2, 6.3.3)."""
    xmp = reader(sealed).xmp_metadata
    assert (xmp.pdfaid_part, xmp.pdfaid_conformance) == ("2", "B")
    page = reader(sealed).pages[-1]
    fonts = list(page["/Resources"]["/Font"].values())
    (widget,) = [annot.get_object() for annot in page["/Annots"]]
    appearance = widget["/AP"]["/N"].get_object()
    fonts += _fonts_of(appearance)
    assert fonts
    for font in fonts:
        for descendant in font.get_object()["/DescendantFonts"]:
            descriptor = descendant.get_object()["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor
            assert_widths_match_font_program(descendant.get_object(), descriptor)
    assert widget["/F"] & 4 and not widget["/F"] & (1 | 2 | 32)  # Print; not hidden
    assert reader(sealed).trailer["/Root"]["/OutputIntents"]


def test_info_and_xmp_metadata_agree(sealed):
    """PDF/A-2b 6.6.3: what the Info dictionary says, the XMP metadata says too."""
    pdf = reader(sealed)
    info, xmp = pdf.metadata, pdf.xmp_metadata
    assert info["/Producer"] == xmp.pdf_producer
    assert info["/Title"] == xmp.dc_title["x-default"]
    assert [info["/Author"]] == xmp.dc_creator
    assert info["/Creator"] == xmp.xmp_creator_tool


def assert_widths_match_font_program(cid_font, descriptor) -> None:
    """PDF/A-2b 6.2.11.5: the widths in /W are those of the embedded font (in 1/1000 em)."""
    program = TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data()))
    scale = 1000 / program["head"].unitsPerEm
    order = program.getGlyphOrder()
    widths = list(cid_font["/W"])
    assert widths
    for first, chunk in zip(widths[::2], widths[1::2]):
        for cid, width in enumerate(chunk, start=int(first)):  # CIDToGIDMap /Identity
            advance = program["hmtx"][order[cid]][0] * scale
            assert abs(float(width) - advance) <= 1, (cid, width, advance)


def _fonts_of(xobject) -> list:
    resources = xobject.get("/Resources", {})
    found = list(resources.get("/Font", {}).values())
    for inner in resources.get("/XObject", {}).values():
        found += _fonts_of(inner.get_object())
    return found


def test_test_certificate_is_recognisable_and_kept(tmp_path):
    settings = load_settings(instance_path=tmp_path)
    first = load_sealer(settings)
    assert first.is_test_certificate
    assert first.common_name == TEST_CERTIFICATE_NAME
    assert "TESTCERTIFICAAT" in first.subject and "O=NVSI" in first.subject
    assert not sealing_configured(settings)
    again = load_sealer(settings)
    assert again.certificate_der == first.certificate_der  # made once, then reused


def _pkcs12(path, passphrase: bytes, common_name="NVSI Zegel") -> x509.Certificate:
    """A PKCS#12 with a key, its certificate and the issuing CA, like a QTSP delivers."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test QTSP CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                                 x509.NameAttribute(NameOID.ORGANIZATION_NAME, "NVSI")]))
        .issuer_name(ca_name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
        .sign(ca_key, hashes.SHA256()))
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"zegel", key, certificate, [ca], BestAvailableEncryption(passphrase)))
    return certificate


def test_configured_pkcs12_seals_and_validates(original, tmp_path):
    certificate = _pkcs12(tmp_path / "zegel.p12", b"geheim wachtwoord")
    settings = load_settings(instance_path=tmp_path / "instance",
                             sealing_pkcs12=tmp_path / "zegel.p12",
                             sealing_passphrase="geheim wachtwoord")
    assert sealing_configured(settings)
    sealer = load_sealer(settings)
    assert not sealer.is_test_certificate
    assert sealer.certificate_der == certificate.public_bytes(Encoding.DER)
    assert not (tmp_path / "instance").exists()  # no test certificate made
    sealed = seal_pdf(original, MARKS[:1], sealer, reason=REASON)
    assert validate_sealed_pdf(sealed, sealer).ok
    text = page_text(sealed)
    assert "zegel van NVSI Zegel" in text and "testcertificaat" not in text


def test_wrong_passphrase_is_a_clear_dutch_error(tmp_path):
    _pkcs12(tmp_path / "zegel.p12", b"juist")
    settings = load_settings(instance_path=tmp_path, sealing_pkcs12=tmp_path / "zegel.p12",
                             sealing_passphrase="fout-123")
    with pytest.raises(SealingError, match="wachtwoord .*TEKENKLAAR_SEALING_PASSPHRASE.* "
                                           "is onjuist") as raised:
        load_sealer(settings)
    assert "fout-123" not in str(raised.value)  # the passphrase is not echoed


def test_missing_pkcs12_file_is_a_clear_dutch_error(tmp_path):
    settings = load_settings(instance_path=tmp_path, sealing_pkcs12=tmp_path / "weg.p12")
    with pytest.raises(SealingError, match="kan niet worden gelezen.*TEKENKLAAR_SEALING_PKCS12"):
        load_sealer(settings)


def test_passphrase_is_secret_in_settings(tmp_path):
    settings = load_settings(instance_path=tmp_path, sealing_passphrase="heel geheim")
    assert "heel geheim" not in repr(settings)


TSA_URL = "https://tsa.example.test/tsr"


def _tsa():
    """pyHanko's test timestamp authority with its own certificate (time-stamping usage)."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives.serialization import NoEncryption
    from cryptography.hazmat.primitives.serialization import PrivateFormat
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    now = dt.datetime.now(dt.UTC)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # pyHanko's is RSA-only
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test TSA")])
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(key, hashes.SHA256()))
    return DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(certificate.public_bytes(Encoding.DER)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(key.private_bytes(
            Encoding.DER, PrivateFormat.PKCS8, NoEncryption())))


@responses.activate
def test_timestamp_authority_makes_it_pades_b_t(original, tmp_path):
    tsa = _tsa()

    def answer(request):
        reply = tsa.request_tsa_response(tsp.TimeStampReq.load(request.body))
        return 200, {"Content-Type": "application/timestamp-reply"}, reply.dump()

    responses.add_callback(responses.POST, TSA_URL, callback=answer)
    sealer = load_sealer(load_settings(instance_path=tmp_path, sealing_tsa_url=TSA_URL))
    sealed = seal_pdf(original, MARKS, sealer, reason=REASON)
    assert responses.calls  # pyHanko asks once to size the signature, once to sign
    check = validate_sealed_pdf(sealed, sealer)
    assert check.ok and check.pades_level == "B-T"


@responses.activate
def test_unreachable_timestamp_authority_is_a_clear_dutch_error(original, tmp_path):
    responses.add(responses.POST, TSA_URL, status=503)
    sealer = load_sealer(load_settings(instance_path=tmp_path, sealing_tsa_url=TSA_URL))
    with pytest.raises(SealingError, match="tijdstempeldienst"):
        seal_pdf(original, MARKS, sealer, reason=REASON)
