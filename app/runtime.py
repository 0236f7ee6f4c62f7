"""What one app instance shares between requests and jobs: settings, reference data, stores.

`create_app` builds a Runtime and keeps it at `app.extensions["tekenklaar"]`; service
functions reach it with `runtime()`. Heavy parts (the PDF converter, provider clients) are
made on first use.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from flask import current_app

from app.domain.reference import ReferenceData
from app.store.files import DocumentStore
from config.settings import Settings


@dataclass
class Runtime:
    settings: Settings
    reference: ReferenceData
    store: DocumentStore
    _lazy: dict[str, Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def lazy(self, name: str, factory):
        """Return the shared object `name`, made by `factory()` the first time."""
        with self._lock:
            if name not in self._lazy:
                self._lazy[name] = factory()
            return self._lazy[name]

    def peek(self, name: str):
        """The shared object `name` if it has been made, else None (nothing is started)."""
        with self._lock:
            return self._lazy.get(name)

    def provide(self, name: str, value) -> None:
        """Use `value` as the shared object `name` (tests give a stand-in converter this way)."""
        with self._lock:
            self._lazy[name] = value

    def close(self) -> None:
        runner = self.peek("background-jobs")  # first: it may still use the others
        if runner is not None:
            runner.close()
        with self._lock:
            values = list(self._lazy.values())
        for value in values:
            closer = getattr(value, "close", None)
            if closer is not None:
                closer()
        self._lazy.clear()


def runtime() -> Runtime:
    """The Runtime of the current app (needs an app context)."""
    return current_app.extensions["tekenklaar"]
