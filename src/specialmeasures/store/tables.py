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
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

__all__ = [
    "account_providers",
    "accounts",
    "ae_activity",
    "ae_months",
    "audit_log",
    "capability_assessments",
    "capability_ratings",
    "data_version",
    "dataset_meta",
    "decisions",
    "evidence_codes",
    "evidence_codings",
    "evidence_sources",
    "exit_criteria",
    "imports",
    "indicator_standards",
    "indicators",
    "inspections",
    "judgements",
    "location_ratings",
    "login_failures",
    "login_known",
    "metadata",
    "nof_inputs",
    "nof_segments",
    "observations",
    "provider_successors",
    "providers",
    "pseudonym_keys",
    "public_record_episodes",
    "ratings",
    "read_models",
    "real_smq_events",
    "regime_episodes",
    "saf_assessments",
    "saf_scores",
    "support_case_members",
    "support_cases",
    "support_costs",
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
    # From the ODS register (migration 0050); null for synthetic trusts and where not published.
    # ``close_date`` is the last day the organisation existed (inclusive, as ODS publishes it);
    # ``icb_code`` holds column 4 of the etr file (an ICB, or before 2022 the NHS England area).
    Column("open_date", Date),
    Column("close_date", Date),
    Column("region_code", String(5)),
    Column("icb_code", String(5)),
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
    # One open episode per provider and regime, held by the database (migration 0070).
    Index(
        "uq_regime_episodes_open",
        "provider_code",
        "regime",
        unique=True,
        sqlite_where=text("end_date IS NULL"),
        postgresql_where=text("end_date IS NULL"),
    ),
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
    # Migration 0050: rows that created and updated records, and the rows skipped as JSON
    # ``{reason: count}``; null for imports recorded before these were kept.
    Column("rows_created", Integer),
    Column("rows_updated", Integer),
    Column("skipped", Text),
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


# Mergers and acquisitions of trusts (migration 0050), loaded from the reviewed data file
# ``ingest/data/ods_successors.csv``: the predecessor's services passed to the successor on
# ``effective_date`` (the predecessor's last day is the day before). No foreign key to providers:
# a predecessor may have closed before the oldest register snapshot.
provider_successors = Table(
    "provider_successors",
    metadata,
    Column("predecessor_code", String(5), primary_key=True),
    Column("successor_code", String(5), primary_key=True),
    Column("effective_date", Date, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("verified_from", Text, nullable=False),
    Column("note", Text, nullable=False),
    Column("import_id", Integer, ForeignKey("imports.id"), nullable=False),
    Index("ix_provider_successors_successor", "successor_code"),
)

# Regime episodes that come from the public record of real SMQ events (migration 0050): which
# event of the record opened and closed each one, and how precise its published dates are.
# ``regime_episodes`` holds the first possible day of each date; the latest possible day and the
# precision are kept here.
public_record_episodes = Table(
    "public_record_episodes",
    metadata,
    Column(
        "episode_id",
        Integer,
        ForeignKey("regime_episodes.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("trust_name", String(300), nullable=False),
    Column("start_event", String(32), nullable=False),
    Column("start_published", String(10), nullable=False),
    Column("start_precision", String(40), nullable=False),
    Column("start_latest", Date, nullable=False),
    Column("end_event", String(32)),
    Column("end_published", String(10)),
    Column("end_precision", String(40)),
    Column("end_latest", Date),
    Column("end_basis", String(120), nullable=False),
    Column("source_url", String(500), nullable=False),
    Column("import_id", Integer, ForeignKey("imports.id"), nullable=False),
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
    # "trust" (provider_code names it) or "national" (interviews and documents about the regime
    # as a whole, not one trust: provider_code is "").
    Column("level", String(8), nullable=False, server_default="trust"),
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


# NHS Oversight Framework 2025/26 (migration 0090): metric values supplied per quarter where no
# observation indicator carries them (``nof_inputs``; demo values are flagged synthetic), and the
# segment computed for each provider and quarter with the inputs and the rule ids that produced
# it (``nof_segments``; ``inputs`` and ``rules`` are JSON). No foreign key to providers:
# rebuilding the demo replaces the providers.
nof_inputs = Table(
    "nof_inputs",
    metadata,
    Column("quarter", String(6), primary_key=True),
    Column("provider_code", String(5), primary_key=True),
    Column("metric_id", String(64), primary_key=True),
    Column("value", Float, nullable=False),
    Column("source", String(300), nullable=False),
    Column("synthetic", Boolean, nullable=False),
)

nof_segments = Table(
    "nof_segments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("quarter", String(6), nullable=False),
    Column("provider_code", String(5), nullable=False),
    Column("org_type", String(16), nullable=False),
    Column("metrics_scored", Integer, nullable=False),
    Column("raw_score", Float),
    Column("delivery_segment", Integer, nullable=False),
    Column("segment", Integer, nullable=False),
    Column("in_deficit", Boolean, nullable=False),
    Column("capped", Boolean, nullable=False),
    Column("pip", Boolean, nullable=False),
    Column("rank", Integer, nullable=False),
    Column("rank_low", Integer, nullable=False),
    Column("rank_high", Integer, nullable=False),
    Column("inputs", Text, nullable=False),
    Column("rules", Text, nullable=False),
    Column("policy", String(40), nullable=False),
    Column("synthetic", Boolean, nullable=False),
    Column("computed_at", DateTime(timezone=False), nullable=False),
    Column("computed_by", String(300), nullable=False),
    CheckConstraint("segment BETWEEN 0 AND 5", name="segment_range"),
    UniqueConstraint("quarter", "provider_code", name="uq_nof_segments_quarter_provider"),
    Index("ix_nof_segments_provider", "provider_code", "quarter"),
)


# Support cases of the Recovery Support Programme and the Provider Improvement Programme
# (migration 0091): one organisation, or a whole system (an ICB with named providers) with a
# System Improvement Director; exit criteria agreed at entry, each with its evidence and status
# (``provider_code`` null: a criterion of the whole system); paid support as costs; the
# capability assessment as one rating per area. No foreign key to providers (see above).
support_cases = Table(
    "support_cases",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("regime", String(8), nullable=False),
    Column("scope", String(16), nullable=False),
    Column("name", String(200), nullable=False),
    Column("icb", String(200)),
    Column("director", String(200)),
    Column("opened_on", Date, nullable=False),
    Column("closed_on", Date),
    Column("status", String(16), nullable=False),
    Column("opened_by", String(300), nullable=False),
    Column("rationale", Text, nullable=False),
    CheckConstraint("closed_on IS NULL OR closed_on >= opened_on", name="closed_after_opened"),
)

support_case_members = Table(
    "support_case_members",
    metadata,
    Column(
        "case_id", Integer, ForeignKey("support_cases.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("provider_code", String(5), primary_key=True),
    Column("episode_id", Integer),
    Column("joined_on", Date, nullable=False),
    Column("left_on", Date),
    Index("ix_support_case_members_provider", "provider_code"),
)

exit_criteria = Table(
    "exit_criteria",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", Integer, ForeignKey("support_cases.id", ondelete="CASCADE"), nullable=False),
    Column("provider_code", String(5)),
    Column("criterion", Text, nullable=False),
    Column("agreed_on", Date, nullable=False),
    Column("status", String(16), nullable=False),
    Column("evidence", Text, nullable=False),
    Column("updated_on", Date, nullable=False),
    Column("updated_by", String(300), nullable=False),
    Index("ix_exit_criteria_case", "case_id"),
)

support_costs = Table(
    "support_costs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", Integer, ForeignKey("support_cases.id", ondelete="CASCADE"), nullable=False),
    Column("provider_code", String(5), nullable=False),
    Column("paid_on", Date, nullable=False),
    Column("amount", Integer, nullable=False),
    Column("paid_by", String(16), nullable=False),
    Column("description", Text, nullable=False),
    CheckConstraint("amount > 0", name="amount_positive"),
)

capability_assessments = Table(
    "capability_assessments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("provider_code", String(5), nullable=False),
    Column("assessed_on", Date, nullable=False),
    Column("assessed_by", String(300), nullable=False),
    Column("role", String(300), nullable=False),
    Column("overall", String(8), nullable=False),
    Column("rationale", Text, nullable=False),
    Index("ix_capability_assessments_provider", "provider_code", "assessed_on"),
)

capability_ratings = Table(
    "capability_ratings",
    metadata,
    Column(
        "assessment_id",
        Integer,
        ForeignKey("capability_assessments.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("area", String(40), primary_key=True),
    Column("rating", String(8), nullable=False),
    Column("evidence", Text, nullable=False),
)


# CQC single assessment framework (migration 0092): an assessment with its evidence category
# scores (1-4) per quality statement. The key question ratings it implies are written as an
# ordinary inspection (``inspection_id``, source 'cqc_saf') so that ratings in force, facts and
# policies read either framework alike; the scores stay here.
saf_assessments = Table(
    "saf_assessments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ref", String(64), nullable=False),
    Column("provider_code", String(5), nullable=False),
    Column("level", String(16), nullable=False),
    Column("assessed_on", Date, nullable=False),
    Column("published_on", Date, nullable=False),
    Column(
        "inspection_id", Integer, ForeignKey("inspections.id", ondelete="CASCADE"), nullable=False
    ),
    Column("import_id", Integer, ForeignKey("imports.id")),
    UniqueConstraint("ref", name="uq_saf_assessments_ref"),
    Index("ix_saf_assessments_provider", "provider_code", "published_on"),
)

saf_scores = Table(
    "saf_scores",
    metadata,
    Column(
        "assessment_id",
        Integer,
        ForeignKey("saf_assessments.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("key_question", String(16), nullable=False),
    Column("quality_statement", String(40), primary_key=True),
    Column("evidence_category", String(24), primary_key=True),
    Column("score", Integer, nullable=False),
    CheckConstraint("score BETWEEN 1 AND 4", name="score_scale"),
)


# One row: a counter bumped in the same transaction as every change to the data (not by reads),
# which caches of read models are keyed on (store/data_version.py).
data_version = Table(
    "data_version",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("version", Integer, nullable=False),
)


# NHS England's monthly A&E statistics (migration 0060), as every reporting organisation returned
# them: trusts, walk-in centres, community interest companies, independent providers. Organisation
# codes are not linked to ``providers`` (most reporting organisations are not trusts); per-trust
# indicator rows in ``observations`` are derived from these for codes in the register. Each row
# belongs to the import that read it; ``ae_months`` names the import whose rows are in use for
# each month (the latest import of that month), so a revised file replaces a month while the
# rows of the file it replaced stay for the record. Counts the layout does not carry are null.
ae_activity = Table(
    "ae_activity",
    metadata,
    Column("import_id", Integer, ForeignKey("imports.id"), primary_key=True),
    Column("period", Date, primary_key=True),
    Column("org_code", String(12), primary_key=True),
    Column("org_name", String(300), nullable=False),
    Column("parent_org", String(120), nullable=False),
    Column("attendances_type1", Integer, nullable=False),
    Column("attendances_type2", Integer, nullable=False),
    Column("attendances_other", Integer, nullable=False),
    Column("booked_type1", Integer),
    Column("booked_type2", Integer),
    Column("booked_other", Integer),
    Column("over4_type1", Integer, nullable=False),
    Column("over4_type2", Integer, nullable=False),
    Column("over4_other", Integer, nullable=False),
    Column("booked_over4_type1", Integer),
    Column("booked_over4_type2", Integer),
    Column("booked_over4_other", Integer),
    Column("admissions_type1", Integer),
    Column("admissions_type2", Integer),
    Column("admissions_other", Integer),
    Column("other_emergency_admissions", Integer),
    Column("dta_4_to_12_hours", Integer),
    Column("dta_over_12_hours", Integer),
    Index("ix_ae_activity_period_org", "period", "org_code"),
)

ae_months = Table(
    "ae_months",
    metadata,
    Column("period", Date, primary_key=True),
    Column("import_id", Integer, ForeignKey("imports.id"), nullable=False),
)

# National standards an indicator is judged against (constitutional and the operational
# standards of each year's planning guidance), each with the dates it applies and its source.
indicator_standards = Table(
    "indicator_standards",
    metadata,
    Column("indicator_id", String(64), ForeignKey("indicators.id"), primary_key=True),
    Column("kind", String(24), primary_key=True),
    Column("valid_from", Date, primary_key=True),
    Column("valid_to", Date),
    Column("threshold", Float, nullable=False),
    Column("name", String(300), nullable=False),
    Column("source", Text, nullable=False),
    Column("source_url", String(500), nullable=False),
    CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="valid_to_after_from"),
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


# Failed sign-in attempts counted by the login throttle (access/throttle_shared.py), one row per
# key (``user:NAME`` or ``addr:ADDRESS``) and attempt, shared by every worker; rows older than the
# throttle's window are deleted as it reads. ``login_known`` keeps the addresses an account has
# signed in from, where the account-wide delay does not apply.
login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(300), nullable=False),
    Column("username", String(254), nullable=False),
    Column("address", String(64), nullable=False),
    Column("at", DateTime(timezone=False), nullable=False),
    Index("ix_login_failures_key_at", "key", "at"),
)

login_known = Table(
    "login_known",
    metadata,
    Column("username", String(254), primary_key=True),
    Column("address", String(64), primary_key=True),
    Column("at", DateTime(timezone=False), nullable=False),
)


# Improvement Director notes: confidential, read only by the roles allowed id_notes.read for the
# trust (regulators, the trust's own Director); the audit row of a note names it, never its text.
id_notes = Table(
    "id_notes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("provider_code", String(5), nullable=False),
    Column("noted_on", Date, nullable=False),
    Column("body", Text, nullable=False),
    Column("author", String(300), nullable=False),
    Column("recorded_at", DateTime(timezone=False), nullable=False),
    Index("ix_id_notes_provider", "provider_code"),
)


# Read models computed once per data version and shared by every worker and process over the
# database (store/read_models.py): the watch list, the backtest, the evaluation documents. A row
# is claimed ("computing") by the first worker to miss, then filled in ("ready"); derived data
# only, so emptying the table loses nothing but time.
read_models = Table(
    "read_models",
    metadata,
    Column("key_hash", String(64), primary_key=True),
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("name", String(100), nullable=False),
    Column("key_text", Text, nullable=False),
    Column("state", String(16), nullable=False),
    Column("claimed_at", DateTime(timezone=False), nullable=False),
    Column("compute_seconds", Float, nullable=True),
    Column("payload", LargeBinary, nullable=True),
    # The lease (migration 0350): the worker computing the row, and the database clock
    # (seconds since the epoch) at its last heartbeat; an older heartbeat is taken over.
    Column("owner", String(64), nullable=True),
    Column("heartbeat_at", Float, nullable=True),
)
