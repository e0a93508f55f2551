"""A configuration mistake is one line naming the variable (or path) to fix, and exit 2."""

import subprocess

import pytest

from tests.support.processes import SUPPORTDESK, server_env


@pytest.mark.parametrize(
    ("env", "args", "line"),
    [
        ({"SUPPORTDESK_HTTP_PORT": "abc"}, ["serve"], "supportdesk: SUPPORTDESK_HTTP_PORT: "
         "Input should be a valid integer, unable to parse string as an integer"),
        ({"SUPPORTDESK_LOG_LEVEL": "LOUD"}, ["serve"], "supportdesk: SUPPORTDESK_LOG_LEVEL: "
         "Input should be 'DEBUG', 'INFO', 'WARNING', 'ERROR' or 'CRITICAL'"),
        ({"SUPPORTDESK_LLM": "gpt"}, ["serve"], "supportdesk: SUPPORTDESK_LLM='gpt' is not one "
         "of 'offline', 'anthropic:<model>', 'openai:<model>'"),
        ({}, ["serve", "kb", "--host", "0.0.0.0"], "supportdesk: refusing to serve on 0.0.0.0 "
         "without authentication: configure SUPPORTDESK_AUTH_JWKS_URL or "
         "SUPPORTDESK_AUTH_PUBLIC_KEY (or dev tokens), or set "
         "SUPPORTDESK_AUTH_ALLOW_UNAUTHENTICATED=true"),
        ({"SUPPORTDESK_AUTH_DEV_TOKENS": "{not json"}, ["serve", "kb"],
         "supportdesk: SUPPORTDESK_AUTH_DEV_TOKENS is not JSON: Expecting property name "
         "enclosed in double quotes"),
        ({}, ["ingest", "/no/such/help-center"],
         "supportdesk ingest: /no/such/help-center: no such file or directory"),
    ],
)
def test_a_configuration_mistake_is_one_line_and_exit_2(tmp_path, env, args, line):
    result = subprocess.run([SUPPORTDESK, *args], env=server_env(tmp_path, env),
                            capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stderr.splitlines()) == (2, [line])


def test_version():
    result = subprocess.run([SUPPORTDESK, "--version"], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0 and result.stdout.startswith("supportdesk 0.")


@pytest.mark.parametrize("args", [[], ["serve"], ["ingest"], ["import"], ["policy"], ["jobs"]])
def test_help_is_plain_text(args):
    import re

    result = subprocess.run([SUPPORTDESK, *args, "--help"], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert not re.search(r"``|:[a-z]+:`|^\.\. ", result.stdout, re.MULTILINE), result.stdout
    if not args:
        assert "SUPPORTDESK_" in result.stdout and "settings_reference" in result.stdout
