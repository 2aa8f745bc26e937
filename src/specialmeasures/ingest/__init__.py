"""Importers for public data files: CQC's latest ratings download, the ODS trusts register with
its reviewed successors, the public SMQ record (apart, or joined to a real register), NHS
England's A&E statistics, and the build of a real-England database from them.

Every import is one transaction, idempotent, recorded in the ``imports`` table and the audit
log; bad input raises ``InputError`` naming the file, row, column and value and changes nothing.
Every file is read through the one validation layer, ``ingest/validation.py``
(docs/ingest-validation.md), which other importers use too.
"""

from specialmeasures.ingest.cqc_ratings import ImportReport, import_cqc_ratings
from specialmeasures.ingest.ods import OdsReport, import_ods
from specialmeasures.ingest.public_record import PublicRecordReport, load_public_record
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
from specialmeasures.ingest.successors import (
    SuccessorReport,
    load_successors,
    successor_on,
    successors_of,
)

__all__ = [
    "Episode",
    "ImportReport",
    "LoadReport",
    "OdsReport",
    "PublicRecordReport",
    "RealEvent",
    "RealRecord",
    "Statistic",
    "SuccessorReport",
    "episodes",
    "import_cqc_ratings",
    "import_ods",
    "load_public_record",
    "load_record",
    "load_successors",
    "packaged_record",
    "read_record",
    "stored_record",
    "successor_on",
    "successors_of",
    "summarise",
]
