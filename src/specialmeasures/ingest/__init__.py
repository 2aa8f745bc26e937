"""Importers for public data files: CQC's latest ratings download, the ODS trusts register with
its reviewed successors, the public SMQ record (apart, or joined to a real register), NHS
England's A&E statistics, and the build of a real-England database from them.

Every import is one transaction, idempotent, recorded in the ``imports`` table and the audit
log; bad input raises ``InputError`` naming the file, row, column and value and changes nothing.
Every file is read through the one validation layer, ``ingest/validation.py``
(docs/ingest-validation.md), which other importers use too.
"""

import importlib
from typing import TYPE_CHECKING, Any

# Each importer is imported on first use (PEP 562): the validation layer (``ingest.validation``)
# is read by commands that import nothing else of the package (the statistics commands, whose
# ``--help`` must not load the importers, their spreadsheet readers or SQLAlchemy).
_LAZY = {
    "Episode": "real_record_summary",
    "ImportReport": "cqc_ratings",
    "LoadReport": "real_record",
    "OdsReport": "ods",
    "PublicRecordReport": "public_record",
    "RealEvent": "real_record",
    "RealRecord": "real_record",
    "Statistic": "real_record_summary",
    "SuccessorReport": "successors",
    "episodes": "real_record_summary",
    "import_cqc_ratings": "cqc_ratings",
    "import_ods": "ods",
    "load_public_record": "public_record",
    "load_record": "real_record",
    "load_successors": "successors",
    "packaged_record": "real_record",
    "read_record": "real_record",
    "stored_record": "real_record",
    "successor_on": "successors",
    "successors_of": "successors",
    "summarise": "real_record_summary",
}

if TYPE_CHECKING:
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


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


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
