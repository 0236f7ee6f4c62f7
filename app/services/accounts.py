"""Staff accounts and API tokens: passwords hashed with argon2, tokens stored as SHA-256."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError
from argon2.exceptions import VerificationError

from app.domain.staff import StaffRole
from app.domain.validation import clean_email
from app.domain.validation import clean_text
from app.extensions import db
from app.runtime import runtime
from app.store.models import ApiToken
from app.store.models import User
from app.store.models import utcnow

_hasher = PasswordHasher()
MIN_PASSWORD = 12
TOKEN_PREFIX = "tk_"


class AccountError(ValueError):
    """Sign-in or account creation failed; the message is Dutch and safe to show."""


def create_user(email: str, name: str, password: str,
                role: StaffRole | str = StaffRole.MEDEWERKER) -> User:
    """Add a staff user; raise AccountError for a taken address or a short password."""
    role = StaffRole(role)
    email = clean_email(email, "email", "E-mailadres").lower()
    name = clean_text(name, "name", "Naam")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"Het wachtwoord moet minstens {MIN_PASSWORD} tekens hebben.")
    if db.session.scalar(sa.select(User).where(User.email == email)):
        raise AccountError("Er is al een gebruiker met dit e-mailadres.")
    user = User(email=email, name=name, password_hash=_hasher.hash(password), role=role.value)
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> User:
    """Return the user for these credentials.

    After `login_max_failures` wrong passwords the account is locked for
    `login_lockout_minutes`. Raises AccountError with one message for every failure, so the
    page does not tell which addresses exist.
    """
    settings = runtime().settings
    wrong = AccountError("Het e-mailadres of het wachtwoord klopt niet.")
    user = db.session.scalar(sa.select(User).where(User.email == (email or "").strip().lower()))
    now = utcnow()
    if user is None or not user.active:
        _hasher.hash(password or "x")  # same work as a real check
        raise wrong
    if user.locked_until and user.locked_until > now:
        raise AccountError(
            "Te veel mislukte pogingen. Probeer het over "
            f"{settings.login_lockout_minutes} minuten opnieuw."
        )
    try:
        _hasher.verify(user.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        user.failed_logins += 1
        if user.failed_logins >= settings.login_max_failures:
            user.locked_until = now + dt.timedelta(minutes=settings.login_lockout_minutes)
            user.failed_logins = 0
        db.session.commit()
        raise wrong from None
    user.failed_logins = 0
    user.locked_until = None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    db.session.commit()
    return user


def create_token(name: str) -> str:
    """Make an API token; return the secret once (only its SHA-256 is stored)."""
    name = clean_text(name, "name", "Naam")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.session.add(ApiToken(name=name, token_sha256=_digest(secret)))
    db.session.commit()
    return secret


def check_token(secret: str) -> ApiToken | None:
    """The live token for this secret, or None."""
    if not secret or not secret.startswith(TOKEN_PREFIX):
        return None
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_sha256 == _digest(secret)))
    if token is None or token.revoked_at is not None:
        return None
    token.last_used_at = utcnow()
    db.session.commit()
    return token


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
