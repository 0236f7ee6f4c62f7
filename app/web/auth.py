"""Staff sign-in: Flask-Login wiring and the page decorator."""

from __future__ import annotations

from app.extensions import db
from app.extensions import login
from app.store.models import User

login.login_view = "web.login"
login.login_message = "Log in om deze pagina te zien."
login.login_message_category = "info"
login.session_protection = "strong"


@login.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None
