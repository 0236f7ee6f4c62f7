"""DOCX → PDF/A-2b with LibreOffice, kept running between documents.

`PdfConverter` starts one or more unoserver processes (each runs its own LibreOffice with its
own profile and ports) and sends documents to them over unoserver's XML-RPC API. unoserver needs
Debian's `/usr/bin/python3` with `python3-uno`, so the server runs from the project's
`.venv-uno` (or whatever `server_command` says) while this module, in the app's venv, only talks
XML-RPC. It speaks unoserver's API (version `unoserver.client.API_VERSION`, checked at start)
with its own `ServerProxy` rather than `UnoClient.convert`, because `UnoClient` has no timeout,
asks the server for its whole filter list before every conversion, and retries a dead server
five times with 10-second pauses.

- thread-safe: each conversion takes one server from a pool, so N servers convert N documents
  at once and further callers wait;
- a timeout per conversion: the XML-RPC socket gives up, and the server with its LibreOffice
  is stopped and started afresh for the next document (unoserver's own `--conversion-timeout`,
  set a little longer, is a backstop);
- a server that died (LibreOffice crashed or was killed) is restarted, and the document tried
  once more;
- the servers die with the process that started them, even one killed with SIGKILL (a small
  /bin/sh supervisor watches it), so no LibreOffice is left behind;
- when no server can run, a one-shot `soffice --headless --convert-to` with a temporary profile
  does the work (slower, about 1.5 s a document);
- output is PDF/A-2b: export filter `writer_pdf_Export` with `SelectPdfVersion=2`, passed as
  unoserver passes filter options ("Name=Value" strings that become the filter's FilterData).
"""

from __future__ import annotations

import http.client
import json
import logging
import math
import os
import queue
import shutil
import shlex
import signal
import socket
import subprocess
import tempfile
import threading
import time
import xmlrpc.client
from dataclasses import dataclass
from pathlib import Path

from unoserver.client import API_VERSION

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PDF_FILTER = "writer_pdf_Export"
PDFA_OPTIONS = ("SelectPdfVersion=2",)  # 2 = PDF/A-2b


# Runs the server command (`$@`, after the work directory) and watches, once a second, the
# process that started it and the server itself. When the server is gone it kills its whole
# process group (unoserver, oosplash, soffice.bin); when the starting process is gone (killed
# with SIGKILL, say) it also removes the work directory with the LibreOffice profiles. So no
# LibreOffice is left behind: the server runs in a session of its own, out of reach of its
# parent's process group. SIGTERM stops the server gracefully.
_SUPERVISOR = r"""
work=$1; shift
parent=$PPID
"$@" &
child=$!
trap 'kill -TERM "$child" 2>/dev/null; wait "$child"; kill -KILL 0' TERM INT
while kill -0 "$child" 2>/dev/null; do
    if ! kill -0 "$parent" 2>/dev/null; then
        kill -TERM "$child" 2>/dev/null; sleep 1
        case "$work" in */tekenklaar-libreoffice-*) rm -rf "$work";; esac
        kill -KILL 0
    fi
    sleep 1 & wait $!
done
kill -KILL 0
"""


class ConversionError(Exception):
    """A document could not be made into a PDF; `message` (Dutch) says why and what to do.

    Raised for a whole package (make_package_documents), `made` holds every document of the
    package with its .docx and the PDFs that did succeed, and `failed` those without a PDF.
    """

    def __init__(self, message: str, made: list | tuple = (), failed: list | tuple = ()):
        super().__init__(message)
        self.message = message
        self.made = list(made)
        self.failed = list(failed)


class _ServerGone(Exception):
    """The server did not answer or its LibreOffice died: restart it and try again."""


def default_server_command() -> list[str]:
    """`.venv-uno/bin/unoserver` in the project if it exists, else `unoserver` on PATH."""
    local = PROJECT_ROOT / ".venv-uno" / "bin" / "unoserver"
    if local.exists():
        return [str(local)]
    return [shutil.which("unoserver") or "unoserver"]


def default_soffice() -> str:
    """The `soffice` on PATH, or Debian's /usr/bin/soffice."""
    return shutil.which("soffice") or "/usr/bin/soffice"


@dataclass
class _Server:
    index: int
    port: int
    uno_port: int
    profile: Path
    pid_file: Path
    log_file: Path
    process: subprocess.Popen | None = None
    owner_pid: int = 0  # the process that started the server

    def alive(self) -> bool:
        if self.process is None:
            return False
        if os.getpid() == self.owner_pid:
            return self.process.poll() is None
        # A forked child (an RQ work-horse) shares the server but is not its parent, so it
        # cannot wait on it: ask the kernel whether the process is still there.
        try:
            os.kill(self.process.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


class _TimeoutTransport(xmlrpc.client.Transport):
    """An XML-RPC transport whose connections give up after `timeout` seconds."""

    def __init__(self, timeout: float):
        super().__init__()
        self._timeout = timeout

    def make_connection(self, host):
        connection = super().make_connection(host)
        connection.timeout = self._timeout
        return connection


class PdfConverter:
    """Converts .docx bytes to PDF/A-2b bytes with long-running LibreOffice servers.

    Use as a context manager, or call start() and close(). All arguments are optional:
    server_command  the unoserver command (default: default_server_command())
    soffice         LibreOffice's soffice, for the servers and the one-shot fallback
    host            interface the servers listen on (only 127.0.0.1 makes sense)
    port, uno_port  first XML-RPC and UNO port; server i uses port + 2i and uno_port + 2i
                    (default, or when a port is taken: free ports chosen by the system)
    instances       how many servers, i.e. how many documents convert at the same time
    timeout         seconds a conversion may take
    start_timeout   seconds a server may take to start (unoserver itself waits 7 s)
    fallback        use one-shot soffice when no server can run
    """

    def __init__(
        self,
        *,
        server_command: list[str] | None = None,
        soffice: str | None = None,
        host: str = "127.0.0.1",
        port: int | None = None,
        uno_port: int | None = None,
        instances: int = 1,
        timeout: float = 60.0,
        start_timeout: float = 90.0,
        filter_options: tuple[str, ...] = PDFA_OPTIONS,
        fallback: bool = True,
    ):
        if instances < 1:
            raise ValueError("instances must be at least 1")
        self.server_command = list(server_command) if server_command else default_server_command()
        self.soffice = soffice or default_soffice()
        self.host = host
        self.port = port
        self.uno_port = uno_port
        self.instances = instances
        self.timeout = timeout
        self.start_timeout = start_timeout
        self.filter_options = tuple(filter_options)
        self.fallback = fallback
        self._servers: list[_Server] = []
        self._pool: queue.Queue[_Server] = queue.Queue()
        self._busy: set[int] = set()  # indexes of servers converting right now
        self._lock = threading.Lock()
        self._work_dir: Path | None = None
        self._started = False
        self._closed = False

    # -- life cycle ----------------------------------------------------------------------------
    def __enter__(self) -> PdfConverter:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def parallelism(self) -> int:
        """How many documents this converter can usefully convert at the same time."""
        return len(self._servers) or 1

    def start(self) -> None:
        """Start the servers and wait until they answer.

        A server that does not start is left out (with a warning in the log); without any,
        conversions use the one-shot fallback, or raise ConversionError without it.
        Calling start() twice does nothing.
        """
        with self._lock:
            if self._started:
                return
            if self._closed:
                raise ConversionError("De PDF-omzetter is al afgesloten; maak een nieuwe aan.")
            self._work_dir = Path(tempfile.mkdtemp(prefix="tekenklaar-libreoffice-"))
            ports = self._ports()
            servers = [
                _Server(i, port, uno_port, self._work_dir / f"profile-{i}",
                        self._work_dir / f"soffice-{i}.pid", self._work_dir / f"unoserver-{i}.log")
                for i, (port, uno_port) in enumerate(ports)
            ]
            for server in servers:
                self._launch(server)
            deadline = time.monotonic() + self.start_timeout
            for server in servers:
                if self._wait_ready(server, deadline):
                    self._servers.append(server)
                    self._pool.put(server)
                else:
                    log.warning("unoserver %d did not start (see %s)", server.index,
                                server.log_file)
                    self._stop(server)
            self._started = True
        if not self._servers and not self.fallback:
            self.close()  # nothing to keep: remove the profiles, as __exit__ will not run
            raise ConversionError(self._no_server_message())

    def close(self) -> None:
        """Stop every server and remove their profiles. Safe to call more than once.

        In a forked child (an RQ work-horse, say) the servers belong to the parent process:
        there close() only stops this copy from converting.
        """
        with self._lock:
            self._closed = True
            if any(server.owner_pid not in (0, os.getpid()) for server in self._servers):
                return
            for server in self._servers:  # all at once, then wait for each
                if server.process is not None and server.process.poll() is None:
                    server.process.terminate()
            for server in self._servers:
                self._stop(server)
            if self._work_dir is not None:
                shutil.rmtree(self._work_dir, ignore_errors=True)
                self._work_dir = None

    def server_pids(self) -> list[int]:
        """The process ids of the running LibreOffice processes, as unoserver recorded them."""
        pids = []
        for server in self._servers:
            try:
                pids.append(int(server.pid_file.read_text().strip()))
            except (OSError, ValueError):
                continue
        return pids

    def healthy(self) -> bool:
        """Whether every server runs, and every idle one answers within a few seconds.

        (unoserver answers one request at a time, so a busy server is only checked to be alive.)
        """
        if not self._started or self._closed or not self._servers:
            return False
        return all(
            server.alive() and (server.index in self._busy or self._ping(server, timeout=5.0))
            for server in self._servers
        )

    # -- converting ----------------------------------------------------------------------------
    def convert(self, docx: bytes) -> bytes:
        """Return the PDF/A-2b bytes of the .docx bytes `docx`.

        Starts the converter on first use. Raises ConversionError (Dutch message) when the
        input is no .docx, LibreOffice cannot read it, or no PDF comes back in time.
        """
        if not isinstance(docx, (bytes, bytearray)) or not docx.startswith(b"PK"):
            raise ConversionError("De PDF kon niet worden gemaakt: dit is geen Word-document.")
        if not self._started:
            self.start()
        if self._closed:
            raise ConversionError("De PDF-omzetter is al afgesloten; maak een nieuwe aan.")
        if self._servers:
            return self._convert_on_server(bytes(docx))
        if self.fallback:
            return convert_once(bytes(docx), soffice=self.soffice, timeout=self.timeout,
                                filter_options=self.filter_options)
        raise ConversionError(self._no_server_message())

    def _convert_on_server(self, docx: bytes) -> bytes:
        try:
            server = self._pool.get(timeout=self.timeout * 4)
        except queue.Empty:
            raise ConversionError(
                "De PDF kon niet worden gemaakt: LibreOffice is al te lang bezet met andere "
                "documenten. Probeer het over een paar minuten opnieuw."
            ) from None
        self._busy.add(server.index)
        try:
            for attempt in (1, 2):
                try:
                    self._ensure_running(server)
                    return self._call(server, docx)
                except _ServerGone as exc:
                    log.warning("unoserver %d failed (attempt %d): %s", server.index, attempt, exc)
                    self._stop(server)
        finally:
            self._busy.discard(server.index)
            self._pool.put(server)
        if self.fallback:
            log.warning("converting with one-shot soffice after two server failures")
            return convert_once(docx, soffice=self.soffice, timeout=self.timeout,
                                filter_options=self.filter_options)
        raise ConversionError(
            "De PDF kon niet worden gemaakt: LibreOffice stopte twee keer tijdens het omzetten. "
            "Probeer het opnieuw; lukt het weer niet, laat de beheerder LibreOffice controleren."
        )

    def _call(self, server: _Server, docx: bytes) -> bytes:
        proxy = self._proxy(server, self.timeout)
        try:
            result = proxy.convert(None, docx, None, "pdf", PDF_FILTER, list(self.filter_options),
                                   False, None, None)
        except TimeoutError:
            self._stop(server)  # a stuck LibreOffice: restart it for the next document
            raise ConversionError(
                f"De PDF kon niet worden gemaakt: LibreOffice gaf binnen {_seconds(self.timeout)} "
                "geen antwoord. Probeer het opnieuw; lukt het weer niet, laat de beheerder "
                "LibreOffice controleren."
            ) from None
        except (ConnectionError, http.client.HTTPException, OSError) as exc:
            raise _ServerGone(repr(exc)) from None
        except xmlrpc.client.Fault as exc:
            if not server.alive():
                raise _ServerGone(exc.faultString[-200:]) from None
            raise ConversionError(
                "De PDF kon niet worden gemaakt: LibreOffice kon het document niet omzetten "
                f"({_last_line(exc.faultString)})."
            ) from None
        finally:
            proxy("close")()
        pdf = result.data if isinstance(result, xmlrpc.client.Binary) else result
        if not pdf or not bytes(pdf).startswith(b"%PDF"):
            raise ConversionError("De PDF kon niet worden gemaakt: LibreOffice gaf geen PDF terug.")
        return bytes(pdf)

    # -- servers -------------------------------------------------------------------------------
    def _ports(self) -> list[tuple[int, int]]:
        wanted = [
            (self.port + 2 * i if self.port is not None else None,
             self.uno_port + 2 * i if self.uno_port is not None else None)
            for i in range(self.instances)
        ]
        free = iter(_free_ports(self.host, 2 * self.instances))
        ports = []
        for port, uno_port in wanted:
            if port is not None and not _port_free(self.host, port):
                log.warning("port %d is taken; using a free port instead", port)
                port = None
            if uno_port is not None and not _port_free(self.host, uno_port):
                log.warning("port %d is taken; using a free port instead", uno_port)
                uno_port = None
            ports.append((port or next(free), uno_port or next(free)))
        return ports

    def _launch(self, server: _Server) -> None:
        command = [
            *self.server_command,
            "--interface", self.host, "--port", str(server.port),
            "--uno-interface", self.host, "--uno-port", str(server.uno_port),
            "--user-installation", str(server.profile),
            "--libreoffice-pid-file", str(server.pid_file),
            # a backstop: unoserver kills a LibreOffice that is still busy a little after our
            # own timeout has given up on it (and stopped the server)
            "--conversion-timeout", str(math.ceil(self.timeout) + 5),
            "--executable", self.soffice,
        ]
        with server.log_file.open("ab") as log_file:
            try:
                server.owner_pid = os.getpid()
                server.process = subprocess.Popen(
                    ["/bin/sh", "-c", _SUPERVISOR, "tekenklaar-unoserver",
                     str(self._work_dir), *command],
                    stdin=subprocess.DEVNULL, stdout=log_file, stderr=log_file,
                    start_new_session=True,
                )
            except OSError as exc:
                log.warning("cannot run %s: %s", command[0], exc)
                server.process = None

    def _wait_ready(self, server: _Server, deadline: float) -> bool:
        """Wait until our own server answers: unoserver writes the pid file only once it has
        started LibreOffice and its XML-RPC server, so another process on the port never counts.
        """
        while time.monotonic() < deadline:
            if not server.alive():
                return False
            if server.pid_file.exists() and self._ping(server, timeout=2.0, check_api=True):
                return True
            time.sleep(0.25)
        return False

    def _ensure_running(self, server: _Server) -> None:
        with self._lock:  # close() takes the lock too: no server is started after it
            if self._closed:
                raise ConversionError("De PDF-omzetter is al afgesloten; maak een nieuwe aan.")
            if server.alive():
                return
            log.warning("unoserver %d is not running; restarting it", server.index)
            self._stop(server)
            self._launch(server)
        if not self._wait_ready(server, time.monotonic() + self.start_timeout):
            self._stop(server)
            raise _ServerGone("restart failed")

    def _ping(self, server: _Server, timeout: float, check_api: bool = False) -> bool:
        proxy = self._proxy(server, timeout)
        try:
            if check_api:
                info = proxy.info()
                if info.get("api") != API_VERSION:
                    log.warning("unoserver API %s, expected %s", info.get("api"), API_VERSION)
                    return False
            else:
                proxy.system.listMethods()
            return True
        except (OSError, http.client.HTTPException, xmlrpc.client.Error):
            return False
        finally:
            proxy("close")()

    def _proxy(self, server: _Server, timeout: float) -> xmlrpc.client.ServerProxy:
        return xmlrpc.client.ServerProxy(f"http://{self.host}:{server.port}", allow_none=True,
                                         transport=_TimeoutTransport(timeout))

    def _stop(self, server: _Server) -> None:
        """Stop a server and its LibreOffice: SIGTERM, then SIGKILL to its process group."""
        process, server.process = server.process, None
        if process is not None:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    pass
            _kill_group(process.pid)
            process.wait()
        _kill_pid_file(server.pid_file, server.profile)

    def _no_server_message(self) -> str:
        return (
            "De PDF kon niet worden gemaakt: LibreOffice (unoserver) kon niet starten met "
            f"'{' '.join(self.server_command)}'. De beheerder moet libreoffice-writer-nogui en "
            "python3-uno installeren (scripts/setup) en .venv-uno aanmaken."
        )


class OneShotConverter:
    """The same interface as PdfConverter, converting each document with a one-shot soffice."""

    parallelism = 1

    def __init__(self, *, soffice: str | None = None, timeout: float = 120.0,
                 filter_options: tuple[str, ...] = PDFA_OPTIONS):
        self.soffice = soffice or default_soffice()
        self.timeout = timeout
        self.filter_options = tuple(filter_options)

    def __enter__(self) -> OneShotConverter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self) -> None:
        """Nothing to start."""

    def close(self) -> None:
        """Nothing to stop."""

    def server_pids(self) -> list[int]:
        """No server runs between conversions."""
        return []

    def healthy(self) -> bool:
        """Whether soffice can be found."""
        return shutil.which(self.soffice) is not None or Path(self.soffice).exists()

    def convert(self, docx: bytes) -> bytes:
        """Return the PDF/A-2b bytes of `docx`; raises ConversionError like PdfConverter."""
        if not isinstance(docx, (bytes, bytearray)) or not docx.startswith(b"PK"):
            raise ConversionError("De PDF kon niet worden gemaakt: dit is geen Word-document.")
        return convert_once(bytes(docx), soffice=self.soffice, timeout=self.timeout,
                            filter_options=self.filter_options)


def converter_from_settings(settings) -> PdfConverter | OneShotConverter:
    """The converter the settings ask for (not started: it starts on first use).

    Reads `pdf_converter` ("unoserver" or "soffice"), `unoserver_command` (a shell-style
    command line, default .venv-uno/bin/unoserver), `unoserver_port` (XML-RPC; LibreOffice's
    UNO port is the one below it, as in unoserver's own 2003/2002) and `pdf_timeout`.
    """
    timeout = float(getattr(settings, "pdf_timeout", 60.0))
    if getattr(settings, "pdf_converter", "unoserver") == "soffice":
        return OneShotConverter(timeout=timeout)
    command = getattr(settings, "unoserver_command", None)
    port = getattr(settings, "unoserver_port", None)
    return PdfConverter(
        server_command=shlex.split(command) if command else None,
        port=port,
        uno_port=port - 1 if port else None,
        instances=int(getattr(settings, "pdf_instances", 1)),
        timeout=timeout,
    )


def convert_once(docx: bytes, *, soffice: str | None = None, timeout: float = 120.0,
                 filter_options: tuple[str, ...] = PDFA_OPTIONS) -> bytes:
    """Convert one .docx with a one-shot `soffice --headless --convert-to` and its own profile.

    Returns the PDF bytes; raises ConversionError when soffice is missing, fails or is too slow.
    """
    soffice = soffice or default_soffice()
    target = f"pdf:{PDF_FILTER}:{_filter_json(filter_options)}"
    with tempfile.TemporaryDirectory(prefix="tekenklaar-soffice-") as tmp:
        folder = Path(tmp)
        source = folder / "document.docx"
        source.write_bytes(docx)
        command = [
            soffice, "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--convert-to", target, "--outdir", str(folder / "out"), str(source),
        ]
        try:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, start_new_session=True)
        except OSError:
            raise ConversionError(
                f"De PDF kon niet worden gemaakt: LibreOffice ({soffice}) is niet gevonden. De "
                "beheerder moet libreoffice-writer-nogui installeren."
            ) from None
        try:
            _, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process.pid)
            process.communicate()
            raise ConversionError(
                f"De PDF kon niet worden gemaakt: LibreOffice gaf binnen {_seconds(timeout)} geen "
                "antwoord. Probeer het opnieuw."
            ) from None
        pdf = folder / "out" / "document.pdf"
        if process.returncode != 0 or not pdf.exists():
            detail = _last_line(stderr.decode("utf-8", "replace")) or f"code {process.returncode}"
            raise ConversionError(
                f"De PDF kon niet worden gemaakt: LibreOffice kon het document niet omzetten "
                f"({detail})."
            )
        return pdf.read_bytes()


def _filter_json(options: tuple[str, ...]) -> str:
    """Filter options as soffice's JSON, typed the way unoserver types them."""
    data = {}
    for option in options:
        name, _, value = option.partition("=")
        if value in ("true", "false"):
            data[name] = {"type": "boolean", "value": value}
        elif value.isdecimal():
            data[name] = {"type": "long", "value": value}
        else:
            data[name] = {"type": "string", "value": value}
    return json.dumps(data, separators=(",", ":"))


def _free_ports(host: str, count: int) -> list[int]:
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind((host, 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def _kill_group(pid: int) -> None:
    """SIGKILL the process group `pid` leads (a process we started with start_new_session)."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _kill_pid_file(path: Path, profile: Path) -> None:
    """SIGKILL the LibreOffice whose pid unoserver wrote to `path`, if it still runs.

    Only a process whose command line names our own `profile` is killed, so a pid that the
    system has given to another process in the meantime is left alone.
    """
    try:
        pid = int(path.read_text().strip())
        command = Path(f"/proc/{pid}/cmdline").read_bytes().decode("utf-8", "replace")
    except (OSError, ValueError):
        path.unlink(missing_ok=True)
        return
    if str(profile) in command:
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    path.unlink(missing_ok=True)


def _seconds(value: float) -> str:
    return "1 seconde" if value == 1 else f"{value:g} seconden".replace(".", ",")


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:200] if lines else ""
