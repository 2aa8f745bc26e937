"""The register of providers: read models shared by the command line, the web pages and the API.

Each function returns plain data (dicts and lists of JSON-ready values) so that an HTML page and
its JSON twin show exactly the same thing.
"""

from specialmeasures.register.views import (
    PROVIDER_LIST_COLUMNS,
    provider_list,
    provider_profile,
)

__all__ = ["PROVIDER_LIST_COLUMNS", "provider_list", "provider_profile"]
