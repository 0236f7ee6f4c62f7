"""The WSGI application gunicorn serves in bench_callbacks.py: the real Tekenklaar app (settings
from the TEKENKLAAR_ environment), plus two trivial endpoints as baselines:

* POST /_bench/wsgi-ok  answered before Flask: what the server and the client cost;
* POST /_bench/flask-ok answered by a Flask view: what the framework adds.

Only for the benchmark; never deployed.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.extensions import csrf  # noqa: E402

flask_app = create_app()


def _flask_ok():
    from flask import request

    request.get_data()
    return "OK", 200, {"Content-Type": "text/plain"}


flask_app.add_url_rule("/_bench/flask-ok", "bench_flask_ok", _flask_ok, methods=["POST"])
csrf.exempt(_flask_ok)


def application(environ, start_response):
    if environ.get("PATH_INFO") == "/_bench/wsgi-ok":
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length:
            environ["wsgi.input"].read(length)
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
        return [b"OK"]
    return flask_app(environ, start_response)
