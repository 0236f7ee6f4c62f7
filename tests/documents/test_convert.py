"""PdfConverter's pool, timeout, restart and error handling, against a stand-in unoserver.

These run without LibreOffice; test_pdf.py converts with the real one.
"""

from __future__ import annotations

import os
import socket
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from app.documents import ConversionError
from app.documents import OneShotConverter
from app.documents import PdfConverter
from app.documents import converter_from_settings
from app.documents.convert import default_server_command

FAKE = Path(__file__).with_name("fake_unoserver.py")
DOCX = b"PK\x03\x04 not really a docx, the stand-in does not read it"


def fake(mode: str, tmp_path: Path, **options) -> PdfConverter:
    options.setdefault("start_timeout", 20)
    return PdfConverter(server_command=[sys.executable, str(FAKE), mode, str(tmp_path / "lives")],
                        **options)


def lives(tmp_path: Path) -> int:
    """How many stand-in servers have started."""
    return len((tmp_path / "lives").read_text().splitlines())


def test_converts_on_the_running_server_with_the_pdfa_filter_option(tmp_path):
    with fake("ok", tmp_path) as converter:
        assert converter.healthy()
        for _ in range(3):
            pdf = converter.convert(DOCX)
            assert pdf.startswith(b"%PDF") and b"SelectPdfVersion=2" in pdf
        assert lives(tmp_path) == 1  # started once, reused


def test_a_stuck_conversion_times_out_and_the_server_is_restarted(tmp_path):
    with fake("hang", tmp_path, timeout=1, fallback=False) as converter:
        began = time.monotonic()
        with pytest.raises(ConversionError, match="binnen 1 seconde geen antwoord"):
            converter.convert(DOCX)
        assert time.monotonic() - began < 10
        assert not converter.healthy()  # the stuck server was stopped
        with pytest.raises(ConversionError, match="binnen 1 seconde"):
            converter.convert(DOCX)  # a fresh server was started for this one
        assert lives(tmp_path) == 2


def test_a_server_that_dies_is_restarted_and_the_document_converted(tmp_path):
    with fake("die-once", tmp_path, fallback=False) as converter:
        assert converter.convert(DOCX).startswith(b"%PDF")
        assert lives(tmp_path) == 2
        assert converter.healthy()


def test_a_document_libreoffice_cannot_read_gives_a_dutch_reason(tmp_path):
    with fake("fault", tmp_path, fallback=False) as converter:
        with pytest.raises(ConversionError,
                           match=r"kon het document niet omzetten \(.*Could not load document"):
            converter.convert(DOCX)
        assert converter.healthy()
        assert lives(tmp_path) == 1


def test_no_server_and_no_fallback_is_a_clear_error(tmp_path):
    with pytest.raises(ConversionError, match="kon niet starten .* python3-uno"):
        with fake("never", tmp_path, fallback=False):
            pass


def test_not_a_docx_is_refused_before_anything_starts():
    converter = PdfConverter(fallback=False)
    with pytest.raises(ConversionError, match="geen Word-document"):
        converter.convert(b"%PDF-1.7 this is not a docx")
    converter.close()


def test_many_threads_share_a_small_pool(tmp_path):
    with fake("ok", tmp_path, instances=3) as converter:
        assert converter.parallelism == 3
        results, errors = [], []

        def work():
            try:
                results.append(converter.convert(DOCX))
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=work) for _ in range(24)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors and len(results) == 24
        assert lives(tmp_path) == 3


def test_close_stops_every_server_it_started(tmp_path):
    converter = fake("ok", tmp_path, instances=2)
    converter.start()
    pids = converter.server_pids()
    assert len(pids) == 2
    converter.close()
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    with pytest.raises(ConversionError, match="afgesloten"):
        converter.convert(DOCX)


def test_a_taken_port_is_replaced_by_a_free_one(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with fake("ok", tmp_path, port=port, uno_port=port + 1) as converter:
            assert converter.convert(DOCX).startswith(b"%PDF")


def test_converter_from_settings():
    one_shot = converter_from_settings(SimpleNamespace(pdf_converter="soffice", pdf_timeout=5))
    assert isinstance(one_shot, OneShotConverter) and one_shot.timeout == 5
    server = converter_from_settings(SimpleNamespace(
        pdf_converter="unoserver", unoserver_command="/opt/uno/bin/unoserver --quiet",
        unoserver_port=2003, pdf_timeout=30))
    assert isinstance(server, PdfConverter)
    assert server.server_command == ["/opt/uno/bin/unoserver", "--quiet"]
    assert (server.port, server.uno_port, server.timeout) == (2003, 2002, 30)
    default = converter_from_settings(SimpleNamespace(pdf_converter="unoserver",
                                                      unoserver_command=None, unoserver_port=2003,
                                                      pdf_timeout=60))
    assert default.server_command == default_server_command()
    assert default_server_command()[0].endswith(("/.venv-uno/bin/unoserver", "unoserver"))


OWNER = """
import sys, time
from app.documents import PdfConverter
converter = PdfConverter(server_command=sys.argv[1:], start_timeout=20)
converter.start()
print(converter._work_dir, *converter.server_pids(), flush=True)
time.sleep(120)
"""


def gone(pid: int) -> bool:
    """Whether a process has ended (a zombie nobody has reaped yet counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state in ("Z", "X")


def test_servers_die_with_a_process_killed_without_closing(tmp_path):
    """A service killed with SIGKILL leaves no server (and so no LibreOffice) behind."""
    import signal
    import subprocess

    owner = subprocess.Popen(
        [sys.executable, "-c", OWNER, sys.executable, str(FAKE), "ok", str(tmp_path / "lives")],
        cwd=Path(__file__).resolve().parents[2], stdout=subprocess.PIPE, text=True,
        start_new_session=True,
    )
    try:
        work_dir, *pids = owner.stdout.readline().split()
        pids = [int(pid) for pid in pids]
        assert pids and not any(gone(pid) for pid in pids)
        assert Path(work_dir).is_dir()
    finally:
        os.kill(owner.pid, signal.SIGKILL)  # the owner we started; no close() runs
        owner.wait()
        owner.stdout.close()
    deadline = time.monotonic() + 10
    while not all(gone(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert all(gone(pid) for pid in pids)
    while Path(work_dir).exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not Path(work_dir).exists()  # the profiles went with them
