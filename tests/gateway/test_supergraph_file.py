"""Subgraph schemas, the committed supergraph (deploy/supergraph.graphql) and composition
errors. Composition runs npm's @theguild/federation-composition (deploy/router): without
node those tests are skipped, never under CI=true."""

from __future__ import annotations

import os
import shutil
import subprocess
import types
from typing import Any

import pluggy
import pytest
import strawberry
from graphql import EnumTypeDefinitionNode, build_ast_schema, parse, print_ast
from typer.testing import CliRunner

from core import hookimpl
from core.plugins import PluginError, create_manager, register
from core.specs import PluginInfo
from gateway.cli import app
from gateway.federation import supergraph
from gateway.federation.sdl import subgraph_sdl
from gateway.federation.subgraph import build_subgraph, names
from tests.conftest import IN_CI, settings_for

URL = "sqlite+aiosqlite:///unused.db"


@pytest.fixture(scope="module")
def composer() -> None:
    """deploy/router's node packages (npm ci when missing), else a skip (never under CI)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        if IN_CI:
            pytest.fail("node and npm are required under CI to compose the supergraph")
        pytest.skip("node/npm not installed: composition needs them")
    if not (supergraph.ROUTER_DIR / "node_modules" / "@theguild").is_dir():
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--silent"],
            cwd=supergraph.ROUTER_DIR,
            check=True,
            timeout=600,
        )


@strawberry.type(name="Sector")
class ClashingSector:
    """A plugin's own `Sector` whose `code` is an Int: it cannot compose with the core's."""

    code: int = 1


@strawberry.type
class ClashQuery:
    @strawberry.field
    def clash_sector(self) -> ClashingSector:
        return ClashingSector()


def _plugin(name: str, **impls: object) -> types.ModuleType:
    module = types.ModuleType(f"federation_plugin_{name}")
    info = PluginInfo(name=name, title="测试插件", version="0.0.1", sector_code=name.upper())
    module.dutygraph_plugin_info = hookimpl(lambda: info)  # type: ignore[attr-defined]
    for hook, func in impls.items():
        setattr(module, hook, hookimpl(func))
    return module


def _manager(*plugins: types.ModuleType) -> pluggy.PluginManager:
    pm = create_manager(settings_for(URL))
    for plugin in plugins:
        register(pm, plugin.__name__.removeprefix("federation_plugin_"), plugin)
    return pm


def test_every_installed_plugin_is_a_subgraph() -> None:
    pm = create_manager(settings_for(URL))
    plugin_names = sorted(str(name) for name, _ in pm.list_name_plugin())
    assert names(pm) == ["core", *plugin_names]
    assert "soe" in plugin_names


def test_the_core_subgraph_declares_its_entities() -> None:
    sdl = subgraph_sdl(build_subgraph(create_manager(settings_for(URL)), "core"))
    assert sdl.startswith('extend schema @link(url: "https://specs.apollo.dev/federation/v2.3"')
    assert 'type Organization implements Node @key(fields: "code") @key(fields: "id")' in sdl
    assert 'type Person @key(fields: "code")' in sdl
    assert 'type Task implements Node @key(fields: "id")' in sdl
    assert "type PageInfo @shareable" in sdl
    assert "soeProfile" not in sdl and "soeGroups" not in sdl  # the plugin is not in the core
    for plumbing in ("_entities", "_service", "_Any", "_Entity"):
        assert plumbing not in sdl
    build_ast_schema(parse(sdl.replace(sdl.splitlines()[0], "")), assume_valid_sdl=True)


def test_a_plugin_subgraph_extends_organization_by_key() -> None:
    sdl = subgraph_sdl(build_subgraph(create_manager(settings_for(URL)), "soe"))
    organization = sdl[sdl.index("type Organization") :]
    organization = organization[: organization.index("}")]
    assert '@key(fields: "code") @key(fields: "id")' in organization
    fields = [line.split(":")[0].strip() for line in organization.splitlines()[1:] if ":" in line]
    assert [f for f in fields if not f.startswith('"')] == ["code", "id", "soeProfile"]
    query = sdl[sdl.index("type Query") :]
    assert "soeGroups" in query and "organization(" not in query


def test_an_unknown_subgraph_fails_naming_the_choices() -> None:
    pm = create_manager(settings_for(URL))
    with pytest.raises(PluginError, match=r"no subgraph named 'nope'.*core, .*soe"):
        build_subgraph(pm, "nope")


@strawberry.type
class ViewerExtra:
    shoe_size: int = 42


def test_a_plugin_extending_viewer_joins_it_by_username() -> None:
    viewer = _plugin("viewerish", dutygraph_type_extensions=lambda: {"Viewer": [ViewerExtra]})
    sdl = subgraph_sdl(build_subgraph(_manager(viewer), "viewerish"))
    assert 'type Viewer @key(fields: "username") @shareable {\n  username: String!\n' in sdl
    assert "shoeSize: Int!" in sdl


def test_cli_serves_and_prints_subgraphs() -> None:
    runner = CliRunner()
    unknown = runner.invoke(app, ["serve", "--subgraph", "nope"])
    assert unknown.exit_code == 1
    assert "no subgraph named 'nope'" in unknown.output
    printed = runner.invoke(app, ["schema", "--subgraph", "soe"])
    assert printed.exit_code == 0, printed.output
    assert "soeProfile: SoeProfile" in printed.output


def test_the_committed_supergraph_is_current(composer: None) -> None:
    """deploy/supergraph.graphql is what `make supergraph` writes now (every plugin)."""
    pm = create_manager(settings_for(URL))
    composed = supergraph.compose(supergraph.subgraphs(pm))
    committed = supergraph.SUPERGRAPH_FILE.read_text(encoding="utf-8")
    assert composed == committed, "deploy/supergraph.graphql is stale: run `make supergraph`"
    graphs = next(
        d
        for d in parse(committed).definitions
        if isinstance(d, EnumTypeDefinitionNode) and d.name.value == "join__Graph"
    )
    joined = {
        tuple(print_ast(argument.value).strip('"') for argument in value.directives[0].arguments)
        for value in graphs.values or ()
    }
    assert joined == {
        (name, supergraph.URL_TEMPLATE.format(service=supergraph.service_name(name)))
        for name in names(pm)
    }


def test_a_subgraph_that_fails_composition_is_named(composer: None) -> None:
    clash = _plugin("clash", dutygraph_query_fields=lambda: [ClashQuery])
    pm = _manager(clash)
    with pytest.raises(supergraph.CompositionError) as failed:
        supergraph.compose(supergraph.subgraphs(pm))
    message = str(failed.value)
    assert "Sector.code" in message and '"clash"' in message, message


def test_serve_subgraph_runs_its_factory_with_a_long_keep_alive(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import uvicorn

    from gateway.federation.app import SUBGRAPH_ENV

    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: calls.append((args, kwargs)))
    monkeypatch.setenv(SUBGRAPH_ENV, "")  # restored after the test
    result = CliRunner().invoke(app, ["serve", "--subgraph", "soe", "--port", "9001"])
    assert result.exit_code == 0, result.output
    [(args, kwargs)] = calls
    assert args == ("gateway.federation.app:create_subgraph_app",)
    assert kwargs["factory"] is True and kwargs["port"] == 9001
    assert kwargs["timeout_keep_alive"] == 75  # outlives the router's pooled connections
    assert os.environ[SUBGRAPH_ENV] == "soe"  # what every worker's factory reads
