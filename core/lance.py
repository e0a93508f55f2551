"""LanceDB, imported without the REST namespace client it never calls here.

``lancedb`` imports ``lance_namespace``, which imports the models of
``lance_namespace_urllib3_client``. That package's ``__init__`` also imports its nine
generated REST API classes, whose pydantic ``validate_call`` set-up is about half of
lancedb's import time (0.4–0.8 s of every start, as loaded as the machine is). Local and S3 tables use only the models.

So the package is registered without running its ``__init__``: its submodules import as
usual, and the first time anything asks the package itself for a name (``ApiClient``…),
the ``__init__`` runs then and the name is there, as it would have been.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

REST_CLIENT = "lance_namespace_urllib3_client"


def _register_without_init(name: str) -> None:
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        return
    package: ModuleType = importlib.util.module_from_spec(spec)
    loader = spec.loader

    def run_init_then_get(attribute: str) -> object:  # PEP 562: only for missing names
        del package.__dict__["__getattr__"]
        loader.exec_module(package)
        return getattr(package, attribute)

    package.__dict__["__getattr__"] = run_init_then_get
    sys.modules[name] = package


_register_without_init(REST_CLIENT)

import lancedb  # noqa: E402
from lancedb.index import FTS, Bitmap, BTree, IvfFlat, IvfPq  # noqa: E402

__all__ = ["FTS", "BTree", "Bitmap", "IvfFlat", "IvfPq", "lancedb"]
