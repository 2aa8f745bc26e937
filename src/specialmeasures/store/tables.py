"""SQLAlchemy table definitions (Core tables; mapping to the domain is explicit, in mapping.py).

The schema is created and changed only by the Alembic migrations in ``migrations/``; these
definitions mirror the latest migration and are what queries are written against. A test checks
that the two agree.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

__all__ = [
    "account_providers",
    "accounts",
    "audit_log",
    "dataset_meta",
    "decisions",
    "evidence_codes",
    "evidence_codings",
    "evidence_sources",
    "imports",
    "indicators",
    "inspections",
    "judgements",
    "location_ratings",
    "metadata",
    "observations",
    "providers",
    "pseudonym_keys",
    "ratings",
    "real_smq_events",
    "regime_episodes",
    "truth_latent_quality",
    "truth_records",
    "web_sessions",
]

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

dataset_meta = Table(
    "dataset_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

providers = Table(
    "providers",
    metadata,
    Column("code", String(5), primary_key=True),
    Column("name", String(300), nullable=False),
    Column("type", String(32), nullable=False),
    Column("teaching", Boolean, nullable=False),
    Column("setting", String(16), nullable=False),
    Column("region", String(120), nullable=False),
    Column("system", String(120), nullable=False),
    Column("beds", Integer),
    Column("annual_income_gbp", Float),
    Column("staff_headcount", Integer),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("synthetic", Boolean, nullable=False),
)

inspections = Table(
    "inspections",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("provider_code", String(5), ForeignKey("providers.code"), nullable=False),
    Column("inspection_date", Date, nullable=False),
    Column("publication_date", Date, nullable=False),
    Column("source", String(64), nullable=False),
    CheckConstraint("publication_date >= inspection_date", name="published_after_inspected"),
    Index("ix_inspections_provider_published", "provider_code", "publication_date"),
)

ratings = Table(
    "ratings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "inspection_id", Integer, ForeignKey("inspections.id", ondelete="CASCADE"), nullable=False
    ),
    Column("key_question", String(16), nullable=False),
    Column("rating", Integer, nullable=False),
    CheckConstraint("rating BETWEEN 1 AND 4", name="rating_scale"),
    UniqueConstraint("inspection_id", "key_question", name="uq_ratings_inspection_question"),
)

regime_episodes = Table(
    "regime_episodes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("provider_code", String(5), ForeignKey("providers.code"), nullable=False),
    Column("regime", String(8), nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date),
    Column("state", String(24), nullable=False),
    CheckConstraint("end_date IS NULL OR end_date >= start_date", name="end_after_start"),
    Index("ix_regime_episodes_provider", "provider_code", "start_date"),
)

decisions = Table(
    "decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("provider_code", String(5), ForeignKey("providers.code"), nullable=False),
    Column("episode_id", Integer, ForeignKey("regime_episodes.id")),
    Column("kind", String(32), nullable=False),
    Column("actor", String(300), nullable=False),
    Column("role", String(300), nullable=False),
    Column("decided_at", DateTime(timezone=False), nullable=False),
    Column("rationale", Text, nullable=False),
    Column("recommendation_ref", String(300)),
    # Regime life-cycle decisions (migration 0005): the regime, the transition taken and whether
    # it accepted (True) or overrode (False) the recommendation named by recommendation_ref.
    Column("regime", String(8)),
    Column("transition", String(32)),
    Column("accepted", Boolean),
)

# Facts only a person can supply to the rules engine (e.g. "leadership cannot fix it without
# support"), each entered by a named person with a role, the day it takes effect and a rationale.
# ``value`` is JSON (true/false, a number or text). No foreign key to providers: rebuilding the
# demo replaces the providers; codes are checked when a judgement is entered.
judgements = Table(
    "judgements",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("provider_code", String(5), nullable=False),
    Column("name", String(64), nullable=False),
    Column("value", Text, nullable=False),
    Column("entered_by", String(300), nullable=False),
    Column("role", String(300), nullable=False),
    Column("entered_on", Date, nullable=False),
    Column("rationale", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=False), nullable=False),
    Index("ix_judgements_provider", "provider_code", "entered_on"),
)

indicators = Table(
    "indicators",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(300), nullable=False),
    Column("unit", String(120), nullable=False),
    Column("polarity", String(16), nullable=False),
    Column("kind", String(24), nullable=False),
    Column("frequency", String(16), nullable=False),
    Column("category", String(24), nullable=False),
    Column("domain", String(16)),
    Column("multiplier", Float, nullable=False),
    Column("description", Text, nullable=False),
)

observations = Table(
    "observations",
    metadata,
    Column("provider_code", String(5), ForeignKey("providers.code"), primary_key=True),
    Column("indicator_id", String(64), ForeignKey("indicators.id"), primary_key=True),
    Column("period", Date, primary_key=True),
    Column("value", Float, nullable=False),
    Column("numerator", Float),
    Column("denominator", Float),
    Column("expected", Float),
    Index("ix_observations_indicator_period", "indicator_id", "period"),
)

# The synthetic data's latent truth, kept apart from everything observed so that later work can
# measure how well the early warning and impact estimates recover it. Empty for real data.
truth_latent_quality = Table(
    "truth_latent_quality",
    metadata,
    Column("provider_code", String(5), ForeignKey("providers.code"), primary_key=True),
    Column("period", Date, primary_key=True),
    Column("quality", Float, nullable=False),
)

truth_records = Table(
    "truth_records",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(64), nullable=False),
    Column("provider_code", String(5), ForeignKey("providers.code")),
    Column("payload", Text, nullable=False),
    Index("ix_truth_records_kind", "kind"),
)

# Append-only, hash-chained record of every write (imports, decisions, changes). Rows are written
# in the same transaction as the change they record; ``specialmeasures audit verify`` walks the
# chain and names any altered, removed or reordered row.
audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("recorded_at", DateTime(timezone=False), nullable=False),
    Column("actor", String(300), nullable=False),
    Column("role", String(120), nullable=False),
    Column("action", String(120), nullable=False),
    Column("entity", String(120), nullable=False),
    Column("entity_key", String(300), nullable=False),
    Column("payload", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

# Accounts for the web app (local passwords, or a single sign-on identity linked by issuer and
# subject), each with exactly one role. Access decisions are made in access/policy.py.
accounts = Table(
    "accounts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False),
    Column("display_name", String(200), nullable=False),
    Column("role", String(32), nullable=False),
    Column("password_hash", String(255)),
    Column("sso_issuer", String(300)),
    Column("sso_subject", String(300)),
    Column("active", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=False), nullable=False),
    UniqueConstraint("username", name="uq_accounts_username"),
    UniqueConstraint("sso_issuer", "sso_subject", name="uq_accounts_sso_identity"),
)

# The providers an account may act for: a trust user's own trust, an OAG member's or Improvement
# Director's assigned trusts. No foreign key to providers: rebuilding the demo replaces the
# providers but keeps the accounts; codes are checked when assigned.
account_providers = Table(
    "account_providers",
    metadata,
    Column(
        "account_id",
        Integer,
        ForeignKey("accounts.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("provider_code", String(5), primary_key=True),
)

# Server-side sessions: the cookie carries a random token, the table only its SHA-256, so a copy
# of the database does not let anyone sign in. Each session has its own CSRF token.
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column(
        "account_id",
        Integer,
        ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", DateTime(timezone=False), nullable=False),
    Column("expires_at", DateTime(timezone=False), nullable=False),
    Index("ix_web_sessions_account", "account_id"),
)

# One row per file imported (CQC ratings downloads, the public SMQ record): what was read and
# applied, by whom and when. The same file (by SHA-256) and sheet is imported once.
imports = Table(
    "imports",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),
    Column("file_name", String(300), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("sheet", String(64), nullable=False),
    Column("rows_read", Integer, nullable=False),
    Column("rows_applied", Integer, nullable=False),
    Column("imported_at", DateTime(timezone=False), nullable=False),
    Column("actor", String(300), nullable=False),
    UniqueConstraint("kind", "sha256", "sheet", name="uq_imports_kind_file_sheet"),
)

# Location-level CQC ratings of NHS trusts' locations, kept for reference only: trust ratings
# come from the Providers sheet, never from aggregating these. ``rating`` is null for
# "Not applicable" / "Not Rated" (the text is kept in ``rating_text``).
location_ratings = Table(
    "location_ratings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("location_id", String(32), nullable=False),
    Column("location_name", String(300), nullable=False),
    Column("provider_code", String(5), ForeignKey("providers.code"), nullable=False),
    Column("service_group", String(200), nullable=False),
    Column("key_question", String(16), nullable=False),
    Column("rating", Integer),
    Column("rating_text", String(40), nullable=False),
    Column("publication_date", Date, nullable=False),
    Column("report_type", String(40), nullable=False),
    Column("import_id", Integer, ForeignKey("imports.id"), nullable=False),
    UniqueConstraint(
        "location_id",
        "service_group",
        "key_question",
        "publication_date",
        name="uq_location_ratings_key",
    ),
    Index("ix_location_ratings_provider", "provider_code"),
)

# The sourced, partial public record of real special-measures events, kept apart from the
# register: no link to ``providers`` (whose rows may be synthetic), no ratings attached.
real_smq_events = Table(
    "real_smq_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("trust_name", String(300), nullable=False),
    Column("regime", String(8), nullable=False),
    Column("event", String(32), nullable=False),
    Column("event_date", String(10), nullable=False),
    Column("date_precision", String(40), nullable=False),
    Column("earliest", Date, nullable=False),
    Column("latest", Date, nullable=False),
    Column("decided_by", String(120), nullable=False),
    Column("basis", Text, nullable=False),
    Column("ratings_note", Text, nullable=False),
    Column("source_url", String(500), nullable=False),
    Column("notes", Text, nullable=False),
    Column("import_id", Integer, ForeignKey("imports.id"), nullable=False),
    Index("ix_real_smq_events_trust", "trust_name"),
)


# -- Interventions (migration 0020): Improvement Directors, buddying, funding, improvement plans,
# leadership, the Oversight and Assurance Group and the one monthly return. Provider codes have
# no foreign key to ``providers`` (rebuilding the demo replaces the providers); the services
# check them when writing. Every write is audited (store/audit.py) in the same transaction.
improvement_directors = Table(
    "improvement_directors",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("background", String(32), nullable=False),
    Column("previous_smq_experience", Boolean, nullable=False),
    Column("max_trusts", Integer, nullable=False),
    CheckConstraint("max_trusts BETWEEN 1 AND 6", name="max_trusts_range"),
    UniqueConstraint("name", name="uq_improvement_directors_name"),
)

director_assignments = Table(
    "director_assignments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("director_id", Integer, ForeignKey("improvement_directors.id"), nullable=False),
    Column("provider_code", String(5), nullable=False),
    Column("start_date", Date, nullable=False),
    Column("intensive_months", Integer, nullable=False),
    Column("maintenance_months", Integer, nullable=False),
    Column("hours_intensive", Float, nullable=False),
    Column("hours_maintenance", Float, nullable=False),
    Column("end_date", Date),
    Column("end_reason", Text),
    CheckConstraint("end_date IS NULL OR end_date > start_date", name="end_after_start"),
    Index("ix_director_assignments_provider", "provider_code", "start_date"),
    Index("ix_director_assignments_director", "director_id", "start_date"),
)

buddy_arrangements = Table(
    "buddy_arrangements",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("provider_code", String(5), nullable=False),
    Column("buddy_code", String(5), nullable=False),
    Column("scope", String(32), nullable=False),
    Column("arranged_by", String(24), nullable=False),
    Column("paid", Boolean, nullable=False),
    Column("mou_date", Date),
    Column("start_date", Date, nullable=False),
    Column("review_date", Date),
    Column("end_date", Date),
    CheckConstraint("end_date IS NULL OR end_date >= start_date", name="end_after_start"),
    Index("ix_buddy_arrangements_provider", "provider_code"),
    Index("ix_buddy_arrangements_buddy", "buddy_code"),
)

funding_applications = Table(
    "funding_applications",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("provider_code", String(5), nullable=False),
    Column("stage", String(16), nullable=False),
    Column("episode_id", Integer),
    Column("applied_on", Date, nullable=False),
    Column("status", String(16), nullable=False),
    Column("approved_amount", Integer),
    Column("approved_by", String(300)),
    Column("approved_on", Date),
    Index("ix_funding_applications_provider", "provider_code", "applied_on"),
)

funding_aims = Table(
    "funding_aims",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "application_id",
        Integer,
        ForeignKey("funding_applications.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("aim", Text, nullable=False),
    Column("amount", Integer, nullable=False),
    CheckConstraint("amount > 0", name="amount_positive"),
)

funding_spend = Table(
    "funding_spend",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "application_id",
        Integer,
        ForeignKey("funding_applications.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("category", String(32), nullable=False),
    Column("amount", Integer, nullable=False),
    Column("spent_on", Date, nullable=False),
    Column("description", Text, nullable=False),
    CheckConstraint("amount > 0", name="amount_positive"),
)

plan_actions = Table(
    "plan_actions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("provider_code", String(5), nullable=False),
    Column("inspection_id", Integer),
    Column("finding_kind", String(16), nullable=False),
    Column("finding", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("domains", String(120), nullable=False),
    Column("owner", String(300), nullable=False),
    Column("due_date", Date, nullable=False),
    Column("status", String(16), nullable=False),
    Column("evidence", Text, nullable=False),
    Column("created_on", Date, nullable=False),
    Index("ix_plan_actions_provider", "provider_code"),
)

plan_updates = Table(
    "plan_updates",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("action_id", Integer, ForeignKey("plan_actions.id", ondelete="CASCADE"), nullable=False),
    Column("on_date", Date, nullable=False),
    Column("status", String(16), nullable=False),
    Column("note", Text, nullable=False),
)

deep_dives = Table(
    "deep_dives",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("provider_code", String(5), nullable=False),
    Column("topic", String(300), nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date),
    Column("findings", Text, nullable=False),
    CheckConstraint("end_date IS NULL OR end_date >= start_date", name="end_after_start"),
)

leadership_terms = Table(
    "leadership_terms",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("provider_code", String(5), nullable=False),
    Column("post", String(24), nullable=False),
    Column("holder", String(300), nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date),
    Column("interim", Boolean, nullable=False),
    Column("previous_smq_experience", Boolean, nullable=False),
    CheckConstraint("end_date IS NULL OR end_date >= start_date", name="end_after_start"),
    Index("ix_leadership_terms_provider", "provider_code", "post", "start_date"),
)

oag_members = Table(
    "oag_members",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("provider_code", String(5), nullable=False),
    Column("body", String(16), nullable=False),
    Column("member_name", String(300), nullable=False),
    UniqueConstraint("provider_code", "body", "member_name", name="uq_oag_members_member"),
)

oag_item_requests = Table(
    "oag_item_requests",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("provider_code", String(5), nullable=False),
    Column("body", String(16), nullable=False),
    Column("item", String(120), nullable=False),
    UniqueConstraint("provider_code", "body", "item", name="uq_oag_item_requests_item"),
)

monthly_returns = Table(
    "monthly_returns",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("provider_code", String(5), nullable=False),
    Column("period", Date, nullable=False),
    Column("submitted_by", String(300), nullable=False),
    Column("submitted_at", DateTime(timezone=False), nullable=False),
    UniqueConstraint("provider_code", "period", name="uq_monthly_returns_period"),
)

return_values = Table(
    "return_values",
    metadata,
    Column(
        "return_id",
        Integer,
        ForeignKey("monthly_returns.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("item", String(120), primary_key=True),
    Column("value", Text, nullable=False),
)

# What a trust's record says where no intervention row exists: 'none' (confirmed: none was
# delivered) or 'no_data' (the trust could not supply data), as in the seed's Table 3.
intervention_records = Table(
    "intervention_records",
    metadata,
    Column("provider_code", String(5), primary_key=True),
    Column("kind", String(24), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("note", Text, nullable=False),
)


# Qualitative evidence of the evaluation (migration 0030): a codebook (framework) of codes in
# families (driver, intervention, unintended, other), evidence sources per site (interviews,
# observations, documents) with a rapid-assessment summary under fixed headings (JSON in
# ``summary``) and quotes (JSON list), and which codes each source supports. Confidential by
# default. No foreign key to providers: rebuilding the demo replaces the providers; site codes
# are checked on import.
evidence_codes = Table(
    "evidence_codes",
    metadata,
    Column("code", String(64), primary_key=True),
    Column("family", String(32), nullable=False),
    Column("label", String(200), nullable=False),
    Column("description", Text, nullable=False),
)

evidence_sources = Table(
    "evidence_sources",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ref", String(64), nullable=False),
    Column("provider_code", String(5), nullable=False),
    Column("collected_on", Date, nullable=False),
    Column("source_type", String(16), nullable=False),
    Column("tier", String(16), nullable=False),
    Column("title", String(300), nullable=False),
    Column("summary", Text, nullable=False),
    Column("quotes", Text, nullable=False),
    Column("confidential", Boolean, nullable=False),
    Column("import_file", String(300), nullable=False),
    Column("imported_at", DateTime(timezone=False), nullable=False),
    UniqueConstraint("ref", name="uq_evidence_sources_ref"),
    Index("ix_evidence_sources_provider", "provider_code"),
)

evidence_codings = Table(
    "evidence_codings",
    metadata,
    Column(
        "source_id",
        Integer,
        ForeignKey("evidence_sources.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("code", String(64), ForeignKey("evidence_codes.code"), primary_key=True),
)

# Secret keys of keyed pseudonyms (HMAC-SHA256), one per purpose ("site": trust codes shown to
# researchers), made on first use; pseudonyms stay the same for as long as the key is kept.
pseudonym_keys = Table(
    "pseudonym_keys",
    metadata,
    Column("purpose", String(32), primary_key=True),
    Column("secret", String(64), nullable=False),
    Column("created_at", DateTime(timezone=False), nullable=False),
)
