"""LanceDB, imported without the REST namespace client it never calls here.

``lancedb`` imports ``lance_namespace``, which imports the models of
``lance_namespace_urllib3_client``. That package's ``__init__`` also imports its nine
generated REST API classes, whose pydantic ``validate_call`` set-up is about half of
lancedb's import time (0.4–0.8 s of every start, as loaded as the machine is). Local and S3 tables use only the models.

So the package is registered without running its ``__init__`` (``core.deferred_init``): its
submodules import as usual, and the first time anything asks the package itself for a name
(``ApiClient``…), the ``__init__`` runs then.
"""

from __future__ import annotations

from core.deferred_init import register_without_init

REST_CLIENT = "lance_namespace_urllib3_client"

register_without_init(REST_CLIENT)

import lancedb  # noqa: E402
from lancedb.index import FTS, Bitmap, BTree, IvfFlat, IvfPq  # noqa: E402

__all__ = ["FTS", "BTree", "Bitmap", "IvfFlat", "IvfPq", "lancedb"]
