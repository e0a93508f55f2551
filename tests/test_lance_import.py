"""LanceDB is imported without the REST namespace client's API classes, which no store calls;
anything that does ask for them still gets them."""

import subprocess
import sys

PROBE = """
import sys
import core.lance
client = 'lance_namespace_urllib3_client'
print(sorted(m for m in sys.modules if m.startswith(client + '.api.')))
print(sys.modules[client].ApiClient.__name__, sys.modules[client].__version__)
print(client + '.api.table_api' in sys.modules)
"""


def test_the_rest_api_classes_load_only_when_asked_for():
    lines = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                           check=True).stdout.splitlines()
    assert lines[0] == "[]"  # nothing of the REST API at import
    assert lines[1].startswith("ApiClient ")  # asked for: the package's __init__ ran
    assert lines[2] == "True"


def test_a_missing_name_is_still_an_attribute_error():
    probe = ("import sys, core.lance\n"
             "try:\n    sys.modules['lance_namespace_urllib3_client'].no_such_name\n"
             "except AttributeError:\n    print('AttributeError')\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "AttributeError"
