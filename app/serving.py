"""Gunicorn's logger for the Procfile: the access log without download-link tokens.

`gunicorn --logger-class app.serving.AccessLogger`: each access-log line has the token of
/api/v1/links/<token> (and any in the referrer) replaced, like every other log line
(app/logs.py).
"""

from __future__ import annotations

from gunicorn.glogging import Logger

from app.logs import redact

REDACTED_ATOMS = ("r", "U", "q", "f", "{raw_uri}")


class AccessLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in REDACTED_ATOMS:
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        return atoms
