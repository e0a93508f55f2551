"""Domain code does not load MCP: the orchestrator's runner and the workflow service take a
plain ``Caller`` and are handed their MCP clients, so importing them loads no fastmcp."""

import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", ["orchestrator.runner", "servers.workflow.service",
                                    "orchestrator.graph", "orchestrator.policy"])
def test_domain_modules_import_without_fastmcp(module):
    probe = f"import sys, {module}; print('fastmcp' in sys.modules or 'mcp' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
