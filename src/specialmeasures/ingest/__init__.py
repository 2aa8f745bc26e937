"""Importers for public data files: CQC's latest ratings download and the public SMQ record.

Every import is one transaction, idempotent, recorded in the ``imports`` table and the audit
log; bad input raises ``InputError`` naming the file, row, column and value and changes nothing.
Every file is read through the one validation layer, ``ingest/validation.py``
(docs/ingest-validation.md), which other importers use too.
"""

from specialmeasures.ingest.cqc_ratings import ImportReport, import_cqc_ratings
from specialmeasures.ingest.real_record import (
    LoadReport,
    RealEvent,
    RealRecord,
    load_record,
    packaged_record,
    read_record,
    stored_record,
)
from specialmeasures.ingest.real_record_summary import Episode, Statistic, episodes, summarise

__all__ = [
    "Episode",
    "ImportReport",
    "LoadReport",
    "RealEvent",
    "RealRecord",
    "Statistic",
    "episodes",
    "import_cqc_ratings",
    "load_record",
    "packaged_record",
    "read_record",
    "stored_record",
    "summarise",
]
