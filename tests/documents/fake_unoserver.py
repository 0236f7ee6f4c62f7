"""A stand-in for unoserver, to test PdfConverter's timeouts and restarts without LibreOffice.

Run as `python fake_unoserver.py <mode> <state-file> [unoserver's own arguments]`. It answers
unoserver's XML-RPC API (info, convert, system.listMethods) and writes the pid file as
unoserver does. Modes for convert: `ok` returns a small PDF; `hang` never answers; `fault`
raises; `die-once` exits during the first conversion of its first life (the state file gets
one line per start); `never` exits at once without serving.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import xmlrpc.client
from pathlib import Path
from xmlrpc.server import SimpleXMLRPCServer

API_VERSION = "3"


def main() -> None:
    mode, state = sys.argv[1], Path(sys.argv[2])
    parser = argparse.ArgumentParser()
    for option in ("--interface", "--port", "--uno-interface", "--uno-port",
                   "--user-installation", "--libreoffice-pid-file", "--conversion-timeout",
                   "--executable"):
        parser.add_argument(option)
    args = parser.parse_args(sys.argv[3:])
    with state.open("a") as counter:  # one line per start; appends do not race
        counter.write("started\n")
    lives = len(state.read_text().splitlines())
    if mode == "never":
        sys.exit(2)
    server = SimpleXMLRPCServer((args.interface, int(args.port)), allow_none=True,
                                logRequests=False)
    server.register_introspection_functions()
    server.register_function(lambda: {"unoserver": "fake", "api": API_VERSION}, "info")

    def convert(inpath, indata, outpath, convert_to, filtername, options, update, infilter,
                password):
        if mode == "hang":
            time.sleep(60)
        if mode == "fault":
            raise RuntimeError("Could not load document <remote file> using the default filter.")
        if mode == "die-once" and lives == 1:
            os._exit(1)
        return xmlrpc.client.Binary(b"%PDF-1.7\n" + ",".join(options).encode() + b"\n%%EOF")

    server.register_function(convert, "convert")
    Path(args.libreoffice_pid_file).write_text(str(os.getpid()))
    server.serve_forever()


if __name__ == "__main__":
    main()
