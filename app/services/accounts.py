"""Staff accounts and API tokens: passwords hashed with argon2, tokens stored as SHA-256.

Sign-in failures are counted per (address, client) pair in `login_throttle`, with one atomic
upsert that also reserves the attempt: an attempt is only checked when its number is within
`login_max_failures` for the window, so attempts sent in parallel cannot slip past the count.
Why per pair: a lock on the address alone lets any stranger keep a known colleague locked out
for ever; per pair only the client that guesses is stopped. Guessing from many clients is held
back by the rate limits per client (app/web/limits.py) and the password rule. Unknown and
known addresses take the same path, the same time (one argon2 check) and get the same
answers, the lock-out message included.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError
from argon2.exceptions import VerificationError

from app.domain.passwords import check_password
from app.domain.staff import StaffRole
from app.domain.validation import InputError
from app.domain.validation import clean_email
from app.domain.validation import clean_text
from app.extensions import db
from app.runtime import runtime
from app.services.errors import NotFound
from app.store.models import ApiToken
from app.store.models import LoginThrottle
from app.store.models import User
from app.store.models import new_nonce
from app.store.models import utcnow

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))  # for unknown addresses: same work
TOKEN_PREFIX = "tk_"
MAX_EMAIL = 320
MAX_PASSWORD = 1024  # longer input is refused before any hashing
WRONG = "Het e-mailadres of het wachtwoord klopt niet."


class AccountError(ValueError):
    """Sign-in or account change failed; the message is Dutch and safe to show."""


# --- users --------------------------------------------------------------------------------------

def create_user(email: str, name: str, password: str,
                role: StaffRole | str = StaffRole.MEDEWERKER) -> User:
    """Add a staff user; raise AccountError for a taken address or a weak password (and
    InputError for a wrong address or name)."""
    role = StaffRole(role)
    email = clean_email(email, "email", "E-mailadres").lower()
    name = clean_text(name, "name", "Naam")
    _check_password(password, email, name)
    if db.session.scalar(sa.select(User).where(User.email == email)):
        raise AccountError("Er is al een gebruiker met dit e-mailadres.")
    user = User(email=email, name=name, password_hash=_hasher.hash(password), role=role.value,
                session_nonce=new_nonce(), password_changed_at=utcnow())
    db.session.add(user)
    db.session.commit()
    return user


def list_users() -> list[User]:
    """Every staff user, active ones first, then by name."""
    return list(db.session.scalars(sa.select(User).order_by(User.active.desc(), User.name)))


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("Deze gebruiker bestaat niet.")
    return user


def find_user(email: str) -> User:
    """The user with this address; raise NotFound."""
    user = db.session.scalar(sa.select(User).where(User.email == (email or "").strip().lower()))
    if user is None:
        raise NotFound("Er is geen gebruiker met dit e-mailadres.")
    return user


def set_password(user: User, password: str) -> None:
    """Give the user a new password (after the rule) and end every session of theirs; commit."""
    _check_password(password, user.email, user.name)
    user.password_hash = _hasher.hash(password)
    user.password_changed_at = utcnow()
    user.session_nonce = new_nonce()
    db.session.commit()


def change_own_password(user: User, current: str, new: str) -> None:
    """The signed-in user's own change: the current password must be right."""
    if not _verify(user.password_hash, current):
        raise AccountError("Het huidige wachtwoord klopt niet.")
    set_password(user, new)


def set_active(user: User, active: bool) -> None:
    """(De)activate an account; deactivating ends every session at once. Commit."""
    user.active = active
    user.deactivated_at = None if active else utcnow()
    user.session_nonce = new_nonce()
    db.session.commit()


def end_sessions(user: User) -> None:
    """Sign the user out everywhere (every session cookie stops working). Commit."""
    user.session_nonce = new_nonce()
    db.session.commit()


def user_for_session(session_id: str) -> User | None:
    """The user a session cookie's id (`<id>:<nonce>`) names, if it is still valid."""
    user_id, _, nonce = (session_id or "").partition(":")
    if not user_id.isdigit() or not nonce:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or not hmac.compare_digest(user.session_nonce, nonce):
        return None
    return user


def _check_password(password: str, email: str, name: str) -> None:
    try:
        check_password(password, email=email, name=name)
    except InputError as exc:
        raise AccountError(exc.message) from None


# --- sign-in ------------------------------------------------------------------------------------

def authenticate(email: str, password: str, client: str = "") -> User:
    """Return the user for these credentials, or raise AccountError.

    `client` names who asks (the remote address). The attempt is counted before it is
    checked; past `login_max_failures` in `login_lockout_minutes` this pair is refused
    without a check until the window ends. A right password clears the count.
    """
    settings = runtime().settings
    address = (email or "").strip().lower()[:MAX_EMAIL]
    password = password or ""
    key = _throttle_key(address, client)
    attempt = _count_attempt(key, settings.login_lockout_minutes)
    if attempt > settings.login_max_failures:
        raise AccountError("Te veel mislukte pogingen. Probeer het over "
                           f"{settings.login_lockout_minutes} minuten opnieuw.")
    user = db.session.scalar(sa.select(User).where(User.email == address))
    known = user is not None and user.active
    if len(password) > MAX_PASSWORD:
        raise AccountError(WRONG)
    ok = _verify(user.password_hash if known else _DUMMY_HASH, password) and known
    if not ok:
        raise AccountError(WRONG)
    db.session.execute(sa.delete(LoginThrottle).where(LoginThrottle.key == key))
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    db.session.commit()
    return user


def sign_out(user: User) -> None:
    """Sign-out ends every session of this user, not only the cookie in this browser."""
    end_sessions(user)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return False


def _throttle_key(address: str, client: str) -> str:
    secret = runtime().settings.secret().encode()
    return hmac.new(secret, f"{address}\n{client}".encode(), hashlib.sha256).hexdigest()


def _count_attempt(key: str, window_minutes: int) -> int:
    """Count one attempt for `key` in one statement and return its number in the window."""
    now = utcnow()
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(LoginThrottle).values(key=key, failures=1, window_start=now)
    table = LoginThrottle.__table__
    expired = table.c.window_start < now - dt.timedelta(minutes=window_minutes)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={"failures": sa.case((expired, 1), else_=table.c.failures + 1),
              "window_start": sa.case((expired, now), else_=table.c.window_start)},
    ).returning(table.c.failures)
    attempt = db.session.execute(statement).scalar_one()
    if secrets.randbelow(50) == 0:  # now and then, forget the windows that have ended
        db.session.execute(sa.delete(LoginThrottle).where(
            LoginThrottle.window_start < now - dt.timedelta(minutes=window_minutes)))
    db.session.commit()
    return attempt


# --- API tokens ---------------------------------------------------------------------------------

def create_token(name: str, created_by: str | None = None) -> str:
    """Make an API token; return the secret once (only its SHA-256 is stored)."""
    name = clean_text(name, "name", "Naam")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.session.add(ApiToken(name=name, token_sha256=_digest(secret), created_by=created_by))
    db.session.commit()
    return secret


def list_tokens() -> list[ApiToken]:
    """Every API token, live ones first, newest first."""
    return list(db.session.scalars(sa.select(ApiToken).order_by(
        ApiToken.revoked_at.is_not(None), ApiToken.id.desc())))


def revoke_token(token_id: int) -> ApiToken:
    """Revoke a token (from now on it is refused); return it. Raises NotFound."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise NotFound("Dit API-token bestaat niet.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.commit()
    return token


def revoke_tokens_named(name: str) -> int:
    """Revoke every live token with this name; return how many."""
    tokens = db.session.scalars(sa.select(ApiToken).where(
        ApiToken.name == name, ApiToken.revoked_at.is_(None))).all()
    for token in tokens:
        token.revoked_at = utcnow()
    db.session.commit()
    return len(tokens)


def check_token(secret: str) -> ApiToken | None:
    """The live token for this secret, or None."""
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_sha256 == _digest(secret)))
    if token is None or token.revoked_at is not None:
        return None
    token.last_used_at = utcnow()
    db.session.commit()
    return token


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
