"""The provider fakes of fakes.py served over real HTTP on 127.0.0.1, for processes of their own
(gunicorn, an RQ worker) that `responses` in this process cannot reach.

`serve(FakeSignhost, ...)` starts a threaded HTTP server on a free port and gives the fake the
same routes it registers with `responses`. `hold(method, pattern)` makes the next matching
request wait (so a test can kill a process while it waits for the provider) until released.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from dataclasses import field
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer


class Routes:
    """What a fake registers (it quacks like responses.RequestsMock for add_callback)."""

    def __init__(self):
        self.routes: list[tuple[str, re.Pattern, object]] = []

    def add_callback(self, method, pattern, callback, **_):
        self.routes.append((method, pattern, callback))


@dataclass
class Request:
    method: str
    url: str
    headers: dict
    body: bytes


@dataclass
class Hold:
    method: str
    pattern: re.Pattern
    arrived: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet
        pass

    def _handle(self):
        server: LiveServer = self.server  # type: ignore[assignment]
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = server.base + self.path
        request = Request(self.command, url, dict(self.headers.items()), body)
        for hold in list(server.holds):
            if hold.method == self.command and hold.pattern.search(url.split("?")[0]):
                server.holds.remove(hold)
                hold.arrived.set()
                hold.release.wait(60)
                self.close_connection = True
                return  # the caller was killed meanwhile: nobody reads an answer
        with server.lock:
            for method, pattern, callback in server.routes.routes:
                if method == self.command and pattern.match(url):
                    try:
                        status, headers, text = callback(request)
                    except Exception:  # a queued exception (connection errors) as a 500
                        status, headers, text = 500, {}, ""
                    break
            else:
                status, headers, text = 404, {}, '{"Message": "no such route"}'
        data = text if isinstance(text, bytes) else str(text).encode()
        self.send_response(status)
        headers = {"Content-Type": "application/json", **headers}
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = _handle


class LiveServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.base = f"http://127.0.0.1:{self.server_address[1]}"
        self.routes = Routes()
        self.holds: list[Hold] = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    def hold(self, method: str, pattern: str) -> Hold:
        hold = Hold(method, re.compile(pattern))
        self.holds.append(hold)
        return hold

    def stop(self):
        for hold in self.holds:
            hold.release.set()
        self.shutdown()
        self.server_close()


def serve(fake_class, *args):
    """Start a server on a free port with a `fake_class(routes, *args)` behind it; return
    (server, fake)."""
    server = LiveServer()
    live_class = type(f"Live{fake_class.__name__}", (fake_class,), {"base": server.base})
    fake = live_class(server.routes, *args)
    server.thread.start()
    return server, fake
