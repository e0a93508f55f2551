"""The README's commands and tables stay true."""

from pathlib import Path

from servers.settings_reference import table

README = (Path(__file__).parent.parent / "README.md").read_text()


def test_the_readme_starts_with_the_install_and_test_commands():
    commands = README.split("```bash\n", 1)[1].split("```", 1)[0].splitlines()
    assert commands[0].startswith("python3 -m venv .venv && .venv/bin/pip install -e . ")
    assert "supportdesk serve" in commands[0]
    assert commands[1].startswith("python3 -m venv .venv && .venv/bin/pip install -e '.[test]'")
    assert "pytest" in commands[1]


def test_the_settings_table_is_the_one_the_code_generates():
    assert table() in README


async def test_the_python_client_example_runs(data_dir):
    from tests.support.processes import http_server

    example = README.split("```python\n", 1)[1].split("```", 1)[0]
    example = example.replace("asyncio.run(main())", "")
    namespace: dict = {}
    exec(compile(example, "README.md", "exec"), namespace)
    with http_server("all", data_dir=data_dir) as suite:
        await namespace["main"](suite.mcp_url)


async def test_the_readme_lists_every_prompt_and_resource_the_suite_serves(data_dir):
    import re

    from events import MemoryPublisher
    from servers.settings import CoreSettings
    from servers.suite import build_suite
    from tests.support.eras import client_for

    suite = build_suite(CoreSettings(data_dir=data_dir), MemoryPublisher()).server
    async with client_for(suite, "2026-07-28") as client:
        prompts = [p.name for p in await client.list_prompts()]
        uris = [str(r.uri) for r in await client.list_resources()]
        uris += [str(t.uri_template) for t in await client.list_resource_templates()]
    listed = re.sub(r"\{[a-z_]+\}", "{}", README)
    missing = [name for name in prompts if f"`{name}`" not in README]
    missing += [uri for uri in uris if f"`{re.sub(r'{[a-z_]+}', '{}', uri)}`" not in listed]
    assert missing == []


def test_the_readme_policy_example_is_a_valid_policy(tmp_path):
    from orchestrator.policy import BUILT_IN_RULES, load_policy

    example = README.split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "policy.toml").write_text(example)
    policy = load_policy(tmp_path / "policy.toml")
    assert len(policy.approval_rules("demo")) == len(BUILT_IN_RULES) + 2
    assert [rule.name for rule in policy.approval_rules("acme")] == ["every urgent request"]


def test_the_langgraph_example_runs_with_its_adapter(data_dir, tmp_path):
    """In an environment of its own (the adapter pins mcp<2), against a served suite."""
    import os
    import subprocess
    import sys

    from tests.support.postgres import unavailable
    from tests.support.processes import http_server

    example = README.split("```python\n", 3)[2].split("```", 1)[0]
    assert "MultiServerMCPClient" in example
    venv = tmp_path / "agent-venv"
    # No pip of its own (this one installs into it), and the install runs beside the suite's
    # start: each takes seconds.
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    installing = subprocess.Popen(
        [sys.executable, "-m", "pip", "--python", str(venv / "bin/python"), "install", "-q", "langchain-mcp-adapters>=0.3,<0.4",
         "langgraph>=1.0,<2"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    with http_server("all", data_dir=data_dir) as suite:
        _, install_errors = installing.communicate(timeout=600)
        if installing.returncode != 0:
            unavailable(f"could not install the LangGraph adapter: {install_errors[-300:]}")
        script = tmp_path / "agent.py"
        script.write_text(example.replace("asyncio.run(main())",
                                          f"asyncio.run(main({suite.mcp_url!r}))"))
        ran = subprocess.run([str(venv / "bin/python"), str(script)], capture_output=True,
                             text=True, timeout=120, env={**os.environ, "PYTHONPATH": ""})
    assert ran.returncode == 0, ran.stderr[-2000:]
    status, first_line = ran.stdout.splitlines()[:2]
    assert status == "resolved" and first_line.startswith("Hi Bob")


def test_every_file_the_readme_points_to_exists():
    import re

    root = Path(__file__).resolve().parents[1]
    targets = re.findall(r"\]\(((?!https?://|#)[^)\s]+)\)", README)
    assert targets, "the README shows the views' screenshots"
    assert [t for t in targets if not (root / t).is_file()] == []
