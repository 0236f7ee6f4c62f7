"""The service's settings, from environment variables (prefix TEKENKLAAR_) and a `.env` file.

Defaults give the embedded mode: SQLite under instance/, documents on local disk, mail to a
file outbox, jobs inline, wet-ink signing. A wrong value stops start-up with one Dutch message
per wrong value that names the variable and says what is expected.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic import SecretStr
from pydantic import ValidationError
from pydantic import model_validator
from pydantic_settings import BaseSettings
from pydantic_settings import SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PREFIX = "TEKENKLAAR_"


class SettingsError(Exception):
    """Start-up stops: the message names each wrong variable and what it expects."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        validate_default=True,
    )

    # General
    environment: Literal["development", "production", "testing"] = "development"
    secret_key: SecretStr | None = Field(
        default=None, description="Signs sessions and links; generated into instance/ if unset"
    )
    instance_path: Path = PROJECT_ROOT / "instance"
    data_dir: Path = Field(default=PROJECT_ROOT / "config" / "data",
                           description="Folder with catalogue.toml, fees.toml, association.toml")
    public_url: str = Field(default="http://127.0.0.1:5000",
                            pattern=r"^https?://[^\s/]+(/[^\s]*)?$",
                            description="How organisations and providers reach this service")
    log_format: Literal["text", "json"] | None = Field(
        default=None, description="default: json in production, text elsewhere")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    # Storage
    database_url: str | None = Field(default=None,
                                     description="SQLAlchemy URL; default SQLite in instance/")
    storage: Literal["local", "s3"] = "local"
    storage_path: Path | None = None
    s3_bucket: str | None = None
    s3_endpoint_url: str | None = None
    s3_region: str = "eu-west-1"
    s3_access_key_id: str | None = None
    s3_secret_access_key: SecretStr | None = None

    # Jobs
    jobs: Literal["inline", "rq"] = "inline"
    redis_url: str = "redis://127.0.0.1:6379/0"
    job_queue: str = "tekenklaar"
    worker_heartbeat_seconds: int = Field(default=30, ge=1, le=600,
                                          description="RQ job monitoring interval")
    worker_maintenance_seconds: int = Field(default=60, ge=1, le=3600,
                                            description="how often a worker looks for "
                                            "jobs abandoned by a dead worker")
    job_lease_seconds: float = Field(default=60, gt=0, le=3600,
                                     description="how long a runner holds a job without a "
                                     "heartbeat before another may take it")
    job_sweep_seconds: float = Field(default=15, gt=0, le=3600,
                                     description="how often unfinished jobs are looked for")
    job_retry_seconds: float = Field(default=5, ge=0, le=3600,
                                     description="wait before the first retry of a failed "
                                     "job; each next wait is three times longer (max 1 hour)")
    job_max_attempts: int = Field(default=6, ge=1, le=50)
    poll_quiet_hours: float = Field(default=24, gt=0, le=24 * 30,
                                    description="a package out for signing without news for "
                                    "this long is polled at the provider (safety net)")
    poll_min_seconds: float = Field(default=10, ge=0, le=3600,
                                    description="a package is polled at most once in this "
                                    "time, however many callbacks come (replays included)")
    poll_sweep_minutes: float = Field(default=60, gt=0, le=24 * 60,
                                      description="how often the safety-net sweep runs")

    # Mail
    mail_backend: Literal["outbox", "smtp"] = "outbox"
    mail_from: str = "NVSI Contracten <contracten@nvsi.nl>"
    mail_copy_to: str | None = Field(default=None,
                                     description="NVSI address that receives completed packages")
    mail_documents: Literal["attach", "link"] = "attach"
    mail_link_days: int = Field(default=14, ge=1, le=90)
    outbox_path: Path | None = None
    smtp_host: str = "localhost"
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_starttls: bool = True
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout: float = Field(default=30, gt=0)

    # Documents
    pdf_converter: Literal["unoserver", "soffice"] = "unoserver"
    unoserver_command: str | None = None
    unoserver_port: int | None = Field(
        default=None, ge=1, le=65535,
        description="first XML-RPC port; default: free ports, so workers never collide")
    pdf_timeout: float = Field(default=60, gt=0)
    pdf_instances: int = Field(default=1, ge=1, le=8,
                               description="LibreOffice servers per process (parallel PDFs)")
    breach_notice_hours: int = Field(default=24, ge=1, le=72,
                                     description="Processor informs the controller within N hours")
    council_response_weeks: int = Field(default=6, ge=1, le=26)
    council_reminder_days: int = Field(
        default=14, ge=1, le=365,
        description="days after the raad's deadline without a collegebesluit: remind the gemeente")
    overdue_signature_days: int = Field(default=14, ge=1, le=365)
    reminder_days: str = Field(
        default="7,14,21", pattern=r"^\s*(\d{1,3}\s*(,\s*\d{1,3}\s*)*)?$",
        description="automatic reminders N days after a signer's turn began (empty: none)")

    # Signing
    signing_provider: str | None = Field(
        default=None, pattern=r"^[a-z][a-z0-9_]*$",
        description="default: builtin when a sealing certificate is configured, else manual")
    builtin_link_days: int = Field(default=14, ge=1, le=90,
                                   description="how long a signing link works")
    signhost_base_url: str = "https://api.signhost.com"
    signhost_app_key: SecretStr | None = None
    signhost_api_key: SecretStr | None = None
    signhost_shared_secret: SecretStr | None = None
    signhost_postback_authorization: SecretStr | None = None
    signhost_postback_url_per_transaction: bool = False
    signhost_max_retries: int = Field(default=3, ge=0, le=10)
    validsign_base_url: str = "https://my.validsign.nl"
    validsign_api_key: SecretStr | None = None
    validsign_callback_key: SecretStr | None = None
    validsign_max_retries: int = Field(default=3, ge=0, le=10)
    provider_timeout: float = Field(default=30, gt=0)
    # Sealing the signed PDFs (app/documents/sealing.py); unset: a self-signed test
    # certificate is made in instance/ (no legal weight)
    sealing_pkcs12: Path | None = Field(
        default=None, description="PKCS#12 file (.p12/.pfx) with the NVSI's sealing key and "
        "certificate chain")
    sealing_passphrase: SecretStr | None = Field(default=None,
                                                 description="passphrase of the PKCS#12 file")
    sealing_tsa_url: str | None = Field(
        default=None, pattern=r"^https?://[^\s/]+(/[^\s]*)?$",
        description="RFC 3161 timestamp authority: seals become PAdES B-T instead of B-B")

    # Outgoing webhooks (package events for NVSI's other systems)
    outgoing_webhooks_allow_private: bool = Field(
        default=False, description="also deliver to plain http:// and to private, loopback "
        "and link-local addresses (tests, a receiver on the same machine)")
    outgoing_webhooks_timeout: float = Field(default=10, gt=0, le=60,
                                             description="seconds to wait for a receiver")
    outgoing_webhooks_max_attempts: int = Field(default=10, ge=1, le=50)

    # Staff sign-in
    session_cookie_secure: bool = False
    login_max_failures: int = Field(default=5, ge=1, le=100)
    login_lockout_minutes: int = Field(default=15, ge=1, le=1440)

    # Rate limits (Flask-Limiter; "N per minute" etc., several joined by ";")
    ratelimit_enabled: bool = True
    ratelimit_storage_url: str | None = Field(
        default=None, description="default: the Redis of redis_url in production, memory "
        "elsewhere (per process)")
    ratelimit_login: str = "10 per minute; 50 per hour"
    ratelimit_api: str = "300 per minute"
    ratelimit_webhooks: str = "300 per minute"
    ratelimit_signing: str = "60 per minute; 600 per hour"
    proxy_count: int = Field(default=0, ge=0, le=5,
                             description="reverse proxies in front that set X-Forwarded-For")

    @model_validator(mode="after")
    def _fill_paths(self) -> "Settings":
        if self.log_format is None:
            self.log_format = "json" if self.environment == "production" else "text"
        if self.database_url is None:
            self.database_url = f"sqlite:///{self.instance_path / 'tekenklaar.db'}"
        if self.storage_path is None:
            self.storage_path = self.instance_path / "documents"
        if self.outbox_path is None:
            self.outbox_path = self.instance_path / "outbox"
        if self.ratelimit_storage_url is None:
            self.ratelimit_storage_url = self.redis_url if self.environment == "production" \
                else "memory://"
        if self.storage == "s3" and not self.s3_bucket:
            raise ValueError("TEKENKLAAR_S3_BUCKET is verplicht als TEKENKLAAR_STORAGE=s3")
        if self.environment == "production":
            problems = production_problems(self)
            if problems:
                raise ValueError("\n  ".join(problems))
        return self

    @property
    def reminder_schedule(self) -> tuple[int, ...]:
        """`reminder_days` as whole days, ascending and without repeats."""
        return tuple(sorted({int(part) for part in self.reminder_days.split(",")
                             if part.strip() and int(part) > 0}))

    def secret(self) -> str:
        """The secret key; in development one is made once and kept in instance/secret_key."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        path = self.instance_path / "secret_key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(48))
        return path.read_text().strip()


MIN_SECRET_BYTES = 32


def production_problems(settings: Settings) -> list[str]:
    """What production refuses to start with, one Dutch line per variable (empty: all good).

    The secret key signs the sessions, the download links and the manual provider's upload
    key: a short or guessable one lets anyone forge them.
    """
    problems = []
    secret = settings.secret_key.get_secret_value() if settings.secret_key else ""
    if not secret:
        problems.append(f"{PREFIX}SECRET_KEY is verplicht in productie; maak er een met "
                        "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`.")
    elif len(secret.encode()) < MIN_SECRET_BYTES or len(set(secret)) < 16:
        problems.append(f"{PREFIX}SECRET_KEY is te zwak: gebruik minstens {MIN_SECRET_BYTES} "
                        "willekeurige bytes, bijvoorbeeld `python -c 'import secrets; "
                        "print(secrets.token_urlsafe(48))'`.")
    if not settings.public_url.startswith("https://"):
        problems.append(f"{PREFIX}PUBLIC_URL moet in productie met https:// beginnen, "
                        f"niet {settings.public_url!r}.")
    if not settings.session_cookie_secure:
        problems.append(f"{PREFIX}SESSION_COOKIE_SECURE moet in productie true zijn (cookies "
                        "alleen over HTTPS).")
    return problems


_EXPECTED = {
    "literal_error": "een van de toegestane waarden",
    "int_parsing": "een geheel getal",
    "float_parsing": "een getal",
    "bool_parsing": "true of false",
    "greater_than_equal": "een getal van minstens {ge}",
    "less_than_equal": "een getal van hoogstens {le}",
    "greater_than": "een getal groter dan {gt}",
    "string_pattern_mismatch": "een waarde in de juiste vorm",
}


def load_settings(**overrides) -> Settings:
    """Read the settings; raise SettingsError with one line per wrong variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            loc = error["loc"]
            variable = PREFIX + str(loc[0]).upper() if loc else "instelling"
            context = error.get("ctx") or {}
            if error["type"] == "value_error":
                lines.append(str(context.get("error", error["msg"])))
                continue
            expected = _EXPECTED.get(error["type"], error["msg"]).format(**context)
            if error["type"] == "literal_error":
                expected = "een van: " + str(context.get("expected", "")).replace(" or ", " of ")
            given = error.get("input")
            lines.append(f"{variable}: verwacht {expected}, gekregen {given!r}")
        raise SettingsError("Ongeldige instellingen:\n  " + "\n  ".join(lines)) from None
