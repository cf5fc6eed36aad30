"""One settings class, read from the environment with the prefix ``PRECINCT_``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from precinct.core.errors import ConfigurationError
from precinct.core.permissions import Role

DEVELOPMENT_SECRET = "precinct-development-secret-change-me-0123456789"
DEVELOPMENT_AUDIT_KEY = "precinct-development-audit-key-change-me-0123456789"
BUNDLED_DATA = Path(__file__).resolve().parent.parent / "data"
"""Data shipped with the package: the Wuhan demo city's roads and districts (see its ATTRIBUTION.md)."""
BUNDLED_ROADS = BUNDLED_DATA / "wuhan_roads.parquet"


class Settings(BaseSettings):
    """Runtime configuration. Build it in ``create_app`` or via :func:`get_settings`."""

    model_config = SettingsConfigDict(env_prefix="PRECINCT_", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite:///./var/precinct.db"
    secret_key: str = DEVELOPMENT_SECRET
    token_ttl_minutes: int = Field(default=480, ge=1, le=24 * 60)
    lockout_failures: int = Field(default=5, ge=1, description="failed log-ins within the window that lock an account")
    lockout_window_minutes: int = Field(default=15, ge=1)
    lockout_minutes: int = Field(default=15, ge=1, le=24 * 60,
                                 description="how long a lock lasts before it lifts by itself (an admin may lift it "
                                             "sooner)")
    login_backoff_base_s: float = Field(
        default=1.0, ge=0, le=60,
        description="the first growing delay between failed log-ins (0 turns the delays off, for tests)")
    mfa_roles: frozenset[Role] = Field(
        default=frozenset({Role.SUPERVISOR, Role.AUDITOR, Role.ADMIN}),
        description="roles whose accounts must log in with a second factor (TOTP or a recovery code)")
    default_language: Literal["zh-CN", "en"] = "zh-CN"
    local_timezone: str = Field(
        default="Asia/Shanghai",
        description="IANA time zone of the city: local days, shifts, hours of day and the console's clock",
    )
    demo_city: str = "wuhan"
    roads_file: str = Field(
        default=str(BUNDLED_ROADS),
        description="road network for routing and the map (.parquet, .gpkg, .osm, .osm.pbf); default: the bundled "
                    "Wuhan demo roads",
    )
    dispatch_stale_after_s: float = Field(default=900.0, gt=0, description="positions older than this are stale")
    dispatch_ack_timeout_s: float = Field(default=120.0, gt=0)
    duplicate_radius_m: float = Field(default=300.0, gt=0)
    duplicate_window_min: float = Field(default=30.0, gt=0)
    forecast_method: str = Field(default="best", description="method of the daily operational forecast")
    api_threads: int = Field(
        default=40, ge=1, le=1000,
        description="threads that run the API's blocking routes per server process (AnyIO's default is 40)",
    )
    preload_roads: bool = Field(
        default=True, description="build the road graph in the background at start-up, not on the first call"
    )
    preload_addresses: bool = Field(
        default=True,
        description="build the address search index in the background at start-up, not on the first search")
    watchdog_enabled: bool = Field(default=True, description="escalate unacknowledged assignments in the background")
    forecast_scheduler_enabled: bool = Field(
        default=True, description="run today's forecast in the background when there is none")
    drill_ticker_enabled: bool = Field(default=True, description="inject due drill steps in the background")
    simulate: bool = Field(default=False, description="run the demo's simulated incident stream in the background")
    simulate_interval_s: float = Field(default=20.0, gt=0)
    simulate_seed: int | None = None
    deadline_sweep_enabled: bool = Field(
        default=True, description="record incidents past their time limits and escalate them in the background")
    deadline_sweep_interval_s: float = Field(default=15.0, gt=0, le=3600, description="seconds between deadline sweeps")
    escalate_district_after_s: float = Field(
        default=600.0, gt=0,
        description="seconds a breach stays with the station before it goes to the district branch")
    escalate_city_after_s: float = Field(
        default=1200.0, gt=0,
        description="seconds it then stays with the branch before it goes to the city command centre")
    directive_sweep_enabled: bool = Field(
        default=True, description="record overdue directives and escalate them in the background (every 30 s)")
    directive_escalate_after_s: float = Field(
        default=1800.0, gt=0,
        description="seconds an overdue directive stays at one level (station, district branch, city) before it climbs")
    audit_key: str = Field(
        default=DEVELOPMENT_AUDIT_KEY,
        description="key that signs the audit log's checkpoints (HMAC-SHA256); the database never holds it")
    audit_checkpoint_file: Path = Field(
        default=Path("var/audit-checkpoints.jsonl"),
        description="append-only file of signed checkpoints of the audit chain; keep it on another host or "
                    "write-once storage")
    audit_checkpoint_interval_s: float = Field(
        default=300.0, ge=0, description="seconds between a server's checkpoints of the audit chain (0 turns it off)")
    migration_database_url: str | None = Field(
        default=None,
        description="URL of the tables' owner for `precinct db upgrade`, backup and restore (default: database_url)")
    app_db_role: str = Field(
        default="precinct_app", pattern=r"^[a-z_][a-z0-9_]{0,62}$",
        description="PostgreSQL role the server runs as: SELECT and INSERT on the audit log, no UPDATE or DELETE")
    app_db_password: SecretStr | None = Field(
        default=None, description="password `precinct db upgrade` gives the application role (none: NOLOGIN)")
    # places: inspection files and the overdue-hazard sweep
    attachment_dir: Path = Field(
        default=Path("var/attachments"),
        description="folder where inspection photos and documents are stored, each under its SHA-256")
    attachment_max_bytes: int = Field(
        default=8 * 1024 * 1024, ge=1024, le=64 * 1024 * 1024, description="largest inspection file accepted (bytes)")
    hazard_sweep_enabled: bool = Field(
        default=True,
        description="record hazards past their rectification deadline and escalate them in the background")
    hazard_escalate_after_s: float = Field(
        default=86400.0, gt=0,
        description="seconds an overdue hazard stays at one level (station, district branch, city) before it climbs")
    # cases: numbers, documents and the legal-deadline sweep
    case_number_pattern: str = Field(
        default="{station}-{kind}-{year}-{seq:05d}", min_length=6, max_length=64,
        description="how case numbers are made: {station} (the station's code), {kind} (XZ administrative, "
                    "XS criminal), {year}, {seq} (per station, kind and year; a format spec such as {seq:05d})")
    case_documents_dir: Path = Field(
        default=Path("var/case-documents"), description="folder where case documents are stored (hash in the database)")
    case_document_max_bytes: int = Field(
        default=20 * 1024 * 1024, ge=1024, le=64 * 1024 * 1024, description="largest case document accepted (bytes)")
    case_sweep_enabled: bool = Field(
        default=True,
        description="send deadline reminders and record breaches of cases' legal limits in the background")
    case_sweep_interval_s: float = Field(default=60.0, gt=0, le=3600, description="seconds between case sweeps")

    @field_validator("case_number_pattern")
    @classmethod
    def _numbers_by_sequence(cls, value: str) -> str:
        """Refuse a pattern that names another field, has a bad format spec, or makes one number for ever."""
        sample = {"station": "S1", "kind": "XS", "year": 2026}
        try:
            first, second = value.format(**sample, seq=1), value.format(**sample, seq=2)
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"case_number_pattern {value!r} names only {{station}}, {{kind}}, {{year}} and "
                             f"{{seq}} (with a format spec such as {{seq:05d}}): {exc!r}") from exc
        if first == second:
            raise ValueError(f"case_number_pattern {value!r} must contain {{seq}} (such as {{seq:05d}}), "
                             "else every case of a station, kind and year gets the same number")
        return value

    @field_validator("local_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"local_timezone {value!r} is not an IANA time zone such as Asia/Shanghai") from exc
        return value

    @property
    def zone(self) -> ZoneInfo:
        """The city's time zone (``local_timezone``)."""
        return ZoneInfo(self.local_timezone)

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> Settings:
        if self.environment != "development" and self.secret_key == DEVELOPMENT_SECRET:
            raise ConfigurationError(
                "PRECINCT_SECRET_KEY is the development default; set a random secret of at least "
                "32 characters before running outside development"
            )
        if len(self.secret_key) < 32:
            raise ConfigurationError("PRECINCT_SECRET_KEY must be at least 32 characters long")
        if self.environment != "development" and self.audit_key == DEVELOPMENT_AUDIT_KEY:
            raise ConfigurationError(
                "PRECINCT_AUDIT_KEY is the development default; set a random key of at least 32 characters "
                "(not the secret key) before running outside development")
        if len(self.audit_key) < 32:
            raise ConfigurationError("PRECINCT_AUDIT_KEY must be at least 32 characters long")
        return self

    @property
    def owner_database_url(self) -> str:
        """The URL that migrations, backups and restores use: ``migration_database_url`` or ``database_url``."""
        return self.migration_database_url or self.database_url


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings, read once from the environment."""
    return Settings()
