"""The CRM server plus a trivial ``echo`` tool, served over HTTP for crm_bench.

The database is filled beforehand by crm_bench; the server only opens it.
"""

from __future__ import annotations

import argparse

from bench.http_target import serve_with_echo
from servers.crm.server import build_server
from servers.crm.service import CrmService
from servers.crm.store.database import CrmDatabase

TENANT = "bench"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--schema")
    args = parser.parse_args()

    crm = CrmService(CrmDatabase(args.database_url, schema=args.schema))

    async def ready() -> dict[str, bool]:
        return {"crm": await crm.ready()}

    serve_with_echo(build_server(crm, default_tenant=TENANT, load_demo=False), ready, args.port)


if __name__ == "__main__":
    main()
