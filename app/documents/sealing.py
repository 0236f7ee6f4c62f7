"""Seal a signed PDF: a page that says who signed when, then a PAdES signature by the NVSI.

`seal_pdf` appends, as an incremental update (the original bytes stay as they were), one page
listing the signers (name, capacity, moment in Dutch time) with a visible signature field, and
signs the whole file with the NVSI's sealing certificate through pyHanko: PAdES baseline B-B,
B-T when a timestamp authority is configured. The page's text is set in Noto Sans, embedded
as a subset, so a PDF/A-2b stays PDF/A-2b (pyHanko keeps the XMP metadata in step).

`load_sealer` reads the certificate from the settings (PKCS#12 file and passphrase, optional
timestamp authority URL); without one it makes, once, a self-signed test certificate in the
instance folder whose name says it is one. `validate_sealed_pdf` checks a sealed PDF with
pyHanko's validator against that certificate.

Pure functions of bytes and settings: no Flask, no database.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import io
import logging
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from app.domain.formatting import format_datetime

if TYPE_CHECKING:  # pragma: no cover
    from config.settings import Settings

log = logging.getLogger(__name__)

TEST_CERTIFICATE_NAME = "Tekenklaar TESTCERTIFICAAT — niet voor echte ondertekening"
TEST_CERTIFICATE_ORGANISATION = "NVSI"
TEST_CERTIFICATE_FILE = "zegel-testcertificaat.p12"
TEST_CERTIFICATE_YEARS = 10
SEAL_FIELD = "NVSI-zegel"
TSA_TIMEOUT_SECONDS = 30

# Noto Sans (fonts-noto-core, installed by scripts/setup.sh): Latin, Greek and Cyrillic. Its
# 1000 units per em matter: pyHanko 0.38 writes glyph widths in font units as if every font had
# 1000 (Liberation Sans and DejaVu Sans have 2048 and come out twice as wide).
FONT_DIRS = (Path("/usr/share/fonts/truetype/noto"), Path("/usr/share/fonts/noto"))
REGULAR_FONTS = ("NotoSans-Regular.ttf",)
BOLD_FONTS = ("NotoSans-Bold.ttf",)
UNITS_PER_EM = 1000

A4 = (595.0, 842.0)
MARGIN = 72.0


class SealingError(Exception):
    """The sealing certificate cannot be used; the message (Dutch) says what to do."""


@dataclass(frozen=True)
class SignatureMark:
    """One signer, as shown on the signature page."""

    name: str
    capacity: str
    signed_at: dt.datetime  # timezone-aware


@dataclass(frozen=True, eq=False)
class Sealer:
    """The loaded key and certificate chain that seal PDFs, and where timestamps come from."""

    signer: object = field(repr=False)  # pyhanko.sign.signers.SimpleSigner
    certificate_der: bytes = field(repr=False)
    subject: str
    tsa_url: str | None = None
    is_test_certificate: bool = False

    @property
    def common_name(self) -> str:
        return _common_name(self.certificate_der)


@dataclass(frozen=True)
class SealCheck:
    """What pyHanko's validator says of a sealed PDF."""

    intact: bool                 # the signed bytes are unchanged and the signature is valid
    covers_whole_file: bool      # nothing was added after the signature
    signed_by_sealer: bool       # the signer certificate is the sealer's
    pades_level: str | None      # "B-B" or "B-T" (with a signature timestamp); None if no PAdES
    problem: str | None = None   # why validation could not even start (English, for logs)

    @property
    def ok(self) -> bool:
        return (self.intact and self.covers_whole_file and self.signed_by_sealer
                and self.pades_level is not None)


# --- loading the sealer ---------------------------------------------------------------------

def sealing_configured(settings: Settings) -> bool:
    """True when a real (non-test) sealing certificate is configured."""
    return settings.sealing_pkcs12 is not None


def load_sealer(settings: Settings) -> Sealer:
    """The sealer of the settings: their PKCS#12, or else the instance's test certificate.

    Raises SealingError (Dutch) when the file is missing, unreadable, or the passphrase wrong.
    """
    tsa_url = settings.sealing_tsa_url or None
    if settings.sealing_pkcs12 is not None:
        passphrase = (settings.sealing_passphrase.get_secret_value().encode()
                      if settings.sealing_passphrase is not None else None)
        return _from_pkcs12(Path(settings.sealing_pkcs12), passphrase, tsa_url, test=False)
    path = Path(settings.instance_path) / TEST_CERTIFICATE_FILE
    if not path.exists():
        _make_test_certificate(path)
    return _from_pkcs12(path, None, tsa_url, test=True)


def _from_pkcs12(path: Path, passphrase: bytes | None, tsa_url: str | None,
                 *, test: bool) -> Sealer:
    from cryptography.hazmat.primitives.serialization import Encoding
    from cryptography.hazmat.primitives.serialization import pkcs12
    from pyhanko.sign.signers import SimpleSigner

    try:
        data = path.read_bytes()
    except OSError:
        raise SealingError(
            f"Het zegelcertificaat {path} kan niet worden gelezen: controleer "
            "TEKENKLAAR_SEALING_PKCS12 (het pad naar het PKCS#12-bestand, .p12 of .pfx) en de "
            "leesrechten.") from None
    try:
        key, certificate, _chain = pkcs12.load_key_and_certificates(data, passphrase)
    except (ValueError, TypeError):
        raise SealingError(
            f"Het zegelcertificaat {path} kan niet worden geopend: het wachtwoord "
            "(TEKENKLAAR_SEALING_PASSPHRASE) is onjuist, of het bestand is geen "
            "PKCS#12-bestand.") from None
    if key is None or certificate is None:
        raise SealingError(
            f"Het zegelcertificaat {path} bevat geen sleutel met certificaat: exporteer het "
            "zegel als PKCS#12 met de privésleutel erbij.") from None
    try:
        signer = SimpleSigner.load_pkcs12_data(data, other_certs=[], passphrase=passphrase)
    except ValueError:  # pragma: no cover - cryptography read it a moment ago
        raise SealingError(f"Het zegelcertificaat {path} kan niet worden gebruikt.") from None
    now = dt.datetime.now(dt.UTC)
    if certificate.not_valid_after_utc < now:
        raise SealingError(
            f"Het zegelcertificaat {path} is verlopen op "
            f"{format_datetime(certificate.not_valid_after_utc)}: vraag een nieuw aan.")
    return Sealer(signer=signer, certificate_der=certificate.public_bytes(Encoding.DER),
                  subject=certificate.subject.rfc4514_string(), tsa_url=tsa_url,
                  is_test_certificate=test)


def _make_test_certificate(path: Path) -> None:
    """A self-signed sealing certificate that says it is for testing, kept at `path`.

    Written to a temporary file and linked into place, so two processes starting together
    end up with the same certificate.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import NoEncryption
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, TEST_CERTIFICATE_NAME),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, TEST_CERTIFICATE_ORGANISATION),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "NL"),
    ])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=365 * TEST_CERTIFICATE_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                     key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, key_cert_sign=False, crl_sign=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .sign(key, hashes.SHA256())
    )
    data = pkcs12.serialize_key_and_certificates(
        b"tekenklaar-test-seal", key, certificate, None, NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".zegel-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.link(temporary, path)
        log.warning("Made a self-signed TEST sealing certificate at %s; sealed PDFs carry no "
                    "legal weight until TEKENKLAAR_SEALING_PKCS12 is set", path)
    except FileExistsError:
        pass  # another process was first: use its certificate
    finally:
        os.unlink(temporary)


def _common_name(certificate_der: bytes) -> str:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    certificate = x509.load_der_x509_certificate(certificate_der)
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else certificate.subject.rfc4514_string()


# --- the signature page ---------------------------------------------------------------------

@lru_cache(maxsize=None)
def _font_files(bold: bool) -> tuple[tuple[bytes, frozenset[int]], ...]:
    """(font bytes, code points it covers) for each installed font of the list, in order."""
    from fontTools.ttLib import TTFont

    found = []
    for name in BOLD_FONTS if bold else REGULAR_FONTS:
        for folder in FONT_DIRS:
            path = folder / name
            if path.is_file():
                data = path.read_bytes()
                font = TTFont(io.BytesIO(data))
                if font["head"].unitsPerEm == UNITS_PER_EM:
                    found.append((data, frozenset(font.getBestCmap())))
                break
    if not found:
        raise SealingError("Het lettertype voor de ondertekeningspagina ontbreekt: installeer "
                           "fonts-noto-core (scripts/setup.sh doet dat).")
    return tuple(found)


class _Fonts:
    """Embedded font subsets for one writer; each line in the first font that has all its
    characters (characters no font has become '?': PDF/A forbids missing glyphs)."""

    def __init__(self, writer):
        self.writer = writer
        self.engines: dict[tuple[bool, int], object] = {}

    def pick(self, text: str, bold: bool) -> tuple[str, object, str]:
        """(resource name, font engine, text as it will be drawn)."""
        fonts = _font_files(bold)
        chosen = next((i for i, (_, cover) in enumerate(fonts)
                       if all(ord(c) in cover for c in text)), None)
        if chosen is None:
            chosen = 0
            text = "".join(c if ord(c) in fonts[0][1] else "?" for c in text)
        return f"F{int(bold)}{chosen}", self._engine(bold, chosen), text

    def _engine(self, bold: bool, index: int):
        from pyhanko.pdf_utils.font.opentype import GlyphAccumulator

        if (bold, index) not in self.engines:
            data = _font_files(bold)[index][0]
            self.engines[(bold, index)] = GlyphAccumulator(
                writer=self.writer, font_handle=io.BytesIO(data), font_size=10)
        return self.engines[(bold, index)]

    def width(self, text: str, bold: bool, size: float) -> float:
        _, engine, text = self.pick(text, bold)
        engine.font_size = size
        return engine.shape(text, with_actual_text=False).x_advance * size


@dataclass
class _Line:
    text: str
    size: float
    bold: bool = False
    space_before: float = 0.0


def _page_lines(marks: Sequence[SignatureMark], sealer: Sealer) -> list[_Line]:
    lines = [_Line("Ondertekening", 16, bold=True)]
    if marks:
        lines.append(_Line("Dit document is elektronisch ondertekend door:", 10.5,
                           space_before=10))
    for mark in marks:
        lines += [_Line(mark.name, 11, bold=True, space_before=14),
                  _Line(mark.capacity, 10.5),
                  _Line(f"Ondertekend op {format_datetime(mark.signed_at)} (Nederlandse tijd)",
                        10.5)]
    lines.append(_Line(
        "Na de laatste ondertekening is dit document verzegeld met het elektronisch zegel "
        f"van {sealer.common_name}. Het zegel bewijst dat het document daarna niet meer is "
        "gewijzigd; een PDF-lezer toont het bij de handtekeningen van het document.",
        10.5, space_before=22))
    if sealer.is_test_certificate:
        lines.append(_Line(
            "LET OP: verzegeld met een testcertificaat. Deze verzegeling heeft geen juridische "
            "waarde en wordt door PDF-lezers niet vertrouwd.", 10.5, bold=True,
            space_before=10))
    return lines


def _wrap(fonts: _Fonts, line: _Line, width: float) -> list[str]:
    words, out, current = line.text.split(), [], ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if current and fonts.width(candidate, line.bold, line.size) > width:
            out.append(current)
            current = word
        else:
            current = candidate
    return out + [current] if current else out or [""]


def _pages(fonts: _Fonts, lines: list[_Line], size: tuple[float, float],
           reserve: float) -> list[bytes]:
    """Content streams of the signature pages: the lines wrapped, continued on a new page
    when full; the last page keeps `reserve` points free at the bottom for the seal."""
    width, height = size
    pages: list[list[bytes]] = [[]]
    y = height - MARGIN
    for line in lines:
        for i, text in enumerate(_wrap(fonts, line, width - 2 * MARGIN)):
            step = line.size * 1.35 + (line.space_before if i == 0 else 0)
            if y - step < MARGIN + reserve and pages[-1]:
                pages.append([])
                y = height - MARGIN
                step = line.size * 1.35
            y -= step
            name, engine, drawn = fonts.pick(text, line.bold)
            engine.font_size = line.size
            ops = engine.shape(drawn).graphics_ops
            pages[-1].append(b"BT /%s %g Tf 1 0 0 1 %g %g Tm %s ET"
                             % (name.encode(), line.size, MARGIN, y, ops))
    return [b"0 g\n" + b"\n".join(ops) for ops in pages]


def _add_pages(writer, fonts: _Fonts, streams: list[bytes], size: tuple[float, float]) -> int:
    """Append the pages; the index of the last one."""
    from pyhanko.pdf_utils import generic

    name = generic.NameObject
    count = int(writer.root["/Pages"]["/Count"])
    for stream in streams:
        font_dict = generic.DictionaryObject({
            name("/" + f"F{int(bold)}{index}"): engine.as_resource()
            for (bold, index), engine in fonts.engines.items()})
        contents = generic.StreamObject(stream_data=stream)
        contents.compress()
        page = generic.DictionaryObject({
            name("/Type"): name("/Page"),
            name("/MediaBox"): generic.ArrayObject(
                [generic.FloatObject(0), generic.FloatObject(0),
                 generic.FloatObject(size[0]), generic.FloatObject(size[1])]),
            name("/Resources"): generic.DictionaryObject({name("/Font"): font_dict}),
            name("/Contents"): writer.add_object(contents),
        })
        writer.insert_page(page)
        count += 1
    return count - 1


# --- sealing -------------------------------------------------------------------------------

class _FontFactory:
    """A pyHanko font engine factory over font bytes (no open file handle left behind)."""

    def __init__(self, data: bytes):
        self.data = data

    def create_font_engine(self, writer, obj_stream=None):
        from pyhanko.pdf_utils.font.opentype import GlyphAccumulator

        return GlyphAccumulator(writer=writer, font_handle=io.BytesIO(self.data), font_size=9,
                                obj_stream=obj_stream)


def seal_pdf(pdf: bytes, marks: Sequence[SignatureMark], sealer: Sealer, *,
             reason: str) -> bytes:
    """`pdf` with a signature page for `marks`, sealed by `sealer` (PAdES B-B, or B-T when the
    sealer has a timestamp authority). Raises SealingError when the timestamp cannot be had."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.sign import fields
    from pyhanko.sign import signers
    from pyhanko.stamp import TextStampStyle

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    _align_producer(writer)
    size = _page_size(writer)
    fonts = _Fonts(writer)
    seal_box_height = 70.0
    streams = _pages(fonts, _page_lines(marks, sealer), size, reserve=seal_box_height + 20)
    last_page = _add_pages(writer, fonts, streams, size)

    sealed_at = dt.datetime.now(dt.UTC)
    stamp_text = (f"Elektronisch zegel: {sealer.common_name}\n"
                  f"Verzegeld op {format_datetime(sealed_at)}").replace("%", "%%")
    stamp_font = _font_files(False)
    style = TextStampStyle(
        stamp_text=stamp_text, border_width=1, background=None,
        text_box_style=TextBoxStyle(font=_FontFactory(_stamp_font(stamp_font, stamp_text)),
                                    font_size=9))
    box = (MARGIN, MARGIN, size[0] - MARGIN, MARGIN + seal_box_height)
    meta = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD, md_algorithm="sha256", reason=reason,
        subfilter=fields.SigSeedSubFilter.PADES, use_pades_lta=False)
    timestamper = None
    if sealer.tsa_url:
        from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper
        timestamper = RequestsHTTPTimeStamper(sealer.tsa_url, timeout=TSA_TIMEOUT_SECONDS)
    pdf_signer = signers.PdfSigner(
        meta, signer=sealer.signer, timestamper=timestamper, stamp_style=style,
        new_field_spec=fields.SigFieldSpec(SEAL_FIELD, on_page=last_page, box=box))
    output = io.BytesIO()
    try:
        _outside_event_loop(pdf_signer.sign_pdf, writer, output=output)
    except Exception as exc:
        if timestamper is not None and _is_timestamp_failure(exc):
            raise SealingError(
                "De tijdstempeldienst (TEKENKLAAR_SEALING_TSA_URL) gaf geen tijdstempel; "
                "probeer het later opnieuw of controleer het adres.") from exc
        raise
    return output.getvalue()


def _outside_event_loop(function, *args, **kwargs):
    """`function(*args, **kwargs)`; pyHanko's synchronous API calls asyncio.run, which fails in
    a thread that already runs an event loop (Playwright's synchronous API does, for one): there
    it runs in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def _align_producer(writer) -> None:
    """PDF/A wants the Info dictionary and the XMP metadata to agree. pyHanko 0.38 writes its
    own name as the XMP producer but appends it to the Info producer; so both say pyHanko."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.metadata.model import VENDOR

    reference = writer.trailer.raw_get("/Info") if "/Info" in writer.trailer else None
    if isinstance(reference, generic.IndirectObject):
        info = reference.get_object()
        if info.get("/Producer") != VENDOR:
            info[generic.NameObject("/Producer")] = generic.TextStringObject(VENDOR)
            writer.mark_update(reference)


def _is_timestamp_failure(exc: Exception) -> bool:
    from pyhanko.sign.timestamps.common_utils import TimestampRequestError

    import requests

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, (TimestampRequestError, requests.RequestException)):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _stamp_font(fonts: tuple[tuple[bytes, frozenset[int]], ...], text: str) -> bytes:
    for data, cover in fonts:
        if all(ord(c) in cover or c == "\n" for c in text):
            return data
    return fonts[0][0]


def _page_size(writer) -> tuple[float, float]:
    """The size of the document's last page (A4 when it cannot be read)."""
    try:
        last = int(writer.root["/Pages"]["/Count"]) - 1
        page = writer.find_page_for_modification(last)[0].get_object()
        box = [float(v) for v in _inherited(page, "/MediaBox")]
        return abs(box[2] - box[0]), abs(box[3] - box[1])
    except (KeyError, TypeError, ValueError, IndexError):
        return A4


def _inherited(page, key):
    node = page
    while node is not None:
        if key in node:
            return node[key]
        node = node.get("/Parent")
        node = node.get_object() if node is not None else None
    raise KeyError(key)


# --- validating -----------------------------------------------------------------------------

def validate_sealed_pdf(pdf: bytes, sealer: Sealer) -> SealCheck:
    """pyHanko's verdict on the last signature of `pdf`, checked against `sealer`'s certificate
    (a trust anchor of its own: the question is whether our seal is intact, not who trusts it)."""
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
        if not signatures:
            return SealCheck(False, False, False, None, problem="no signature")
        embedded = signatures[-1]
        certificate = asn1_x509.Certificate.load(sealer.certificate_der)
        context = ValidationContext(trust_roots=[certificate], allow_fetching=False,
                                    revocation_mode="soft-fail")
        status = _outside_event_loop(validate_pdf_signature, embedded,
                                     signer_validation_context=context)
    except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError, IndexError,
            OSError) as exc:  # a broken or changed file
        return SealCheck(False, False, False, None, problem=f"{type(exc).__name__}: {exc}")
    subfilter = str(embedded.sig_object.get("/SubFilter"))
    level = None
    if subfilter == "/ETSI.CAdES.detached":
        stamp = status.timestamp_validity
        level = "B-T" if stamp is not None and stamp.intact and stamp.valid else "B-B"
    return SealCheck(
        intact=bool(status.intact and status.valid),
        covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        signed_by_sealer=status.signing_cert.dump() == certificate.dump(),
        pades_level=level,
    )
