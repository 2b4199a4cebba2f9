"""deploy/ for the federated platform: generated for every installed plugin, current, valid
(Kubernetes manifests checked offline against the bundled schemas of kubernetes-validate,
the compose file parsed and its services and mounted files checked)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from core.plugins import create_manager
from gateway.federation import deploy, supergraph
from gateway.federation.subgraph import names
from tests.conftest import settings_for

KUBERNETES_VERSION = "1.30.0"
K8S = deploy.DEPLOY_DIR / "k8s"


def _subgraphs() -> list[str]:
    return names(create_manager(settings_for("sqlite+aiosqlite:///unused.db")))


def test_generated_deploy_files_are_current() -> None:
    """What `make supergraph` writes now, for every installed plugin."""
    sdl = supergraph.SUPERGRAPH_FILE.read_text(encoding="utf-8")
    for path, content in deploy.files(_subgraphs(), sdl).items():
        assert path.read_text(encoding="utf-8") == content, f"{path} is stale: make supergraph"


def _manifests() -> list[tuple[Path, dict[str, Any]]]:
    found = []
    for path in sorted(K8S.rglob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if document and document.get("kind") != "Kustomization":
                found.append((path, document))
    return found


@pytest.mark.parametrize(
    "manifest", _manifests(), ids=lambda m: f"{m[0].name}:{m[1]['kind']}/{m[1]['metadata']['name']}"
)
def test_kubernetes_manifests_are_valid(manifest: tuple[Path, dict[str, Any]]) -> None:
    _path, document = manifest
    kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)


def test_every_subgraph_and_the_router_run_in_kubernetes() -> None:
    kinds = {(d["kind"], d["metadata"]["name"]): d for _, d in _manifests()}
    for name in _subgraphs():
        service = f"dutygraph-{supergraph.service_name(name)}"
        deployment = kinds[("Deployment", service)]
        assert ("Service", service) in kinds
        args = deployment["spec"]["template"]["spec"]["containers"][0]["args"]
        assert args[:4] == ["dutygraph", "serve", "--subgraph", name]
    assert kinds[("Deployment", "dutygraph-core")]["spec"]["replicas"] == 2
    assert ("Deployment", "dutygraph-router") in kinds
    config = kinds[("ConfigMap", "dutygraph-router")]["data"]
    assert config["supergraph.graphql"] == supergraph.SUPERGRAPH_FILE.read_text(encoding="utf-8")
    kustomization = yaml.safe_load((K8S / "federation" / "kustomization.yaml").read_text())
    for resource in kustomization["resources"]:
        assert (K8S / "federation" / resource).is_file()


def test_the_compose_file_runs_the_router_every_subgraph_and_observability() -> None:
    compose = yaml.safe_load(deploy.COMPOSE_FILE.read_text(encoding="utf-8"))
    services = compose["services"]
    for name in ("postgres", "redis", "otel-collector", "jaeger", "migrate", "router"):
        assert name in services
    for name in _subgraphs():
        service = services[f"dutygraph-{supergraph.service_name(name)}"]
        assert service["command"][:4] == ["dutygraph", "serve", "--subgraph", name]
        assert service["environment"]["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://otel-collector:4318"
    assert services["dutygraph-core"]["deploy"]["replicas"] == 2
    for volume in [*services["router"]["volumes"], *services["otel-collector"]["volumes"]]:
        source = volume.split(":")[0]
        assert (deploy.DEPLOY_DIR / source).is_file(), volume
    assert "--opentelemetry" in services["router"]["command"]
