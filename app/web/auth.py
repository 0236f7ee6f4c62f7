"""Staff sign-in: Flask-Login wiring and the page decorators."""

from __future__ import annotations

import functools

from flask import abort
from flask_login import current_user
from flask_login import login_required

from app.extensions import login
from app.store.models import User  # noqa: F401  (the type the loader returns)

login.login_view = "web.login"
login.login_message = "Log in om deze pagina te zien."
login.login_message_category = "info"
login.session_protection = "strong"


@login.user_loader
def load_user(session_id: str) -> User | None:
    """The user of a session, checked against the server: a cookie made before sign-out,
    a new password or deactivation names an old nonce and counts for nothing."""
    from app.services.accounts import user_for_session

    return user_for_session(session_id)


def beheerder_required(view):
    """Only a signed-in beheerder may open this page; others get 403."""

    @functools.wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_beheerder:
            abort(403)
        return view(*args, **kwargs)

    return wrapped
