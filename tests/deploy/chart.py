"""Rendering the Helm chart offline with Helm's own engine (helm-python-sdk, the Go SDK)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import helm_python
import yaml

REPO = Path(__file__).resolve().parents[2]
CHART_DIR = REPO / "helm" / "edujournal"
PRODUCTION_VALUES = CHART_DIR / "values-production.example.yaml"
PROCESSES = CHART_DIR / "files" / "processes.yaml"
# The Kubernetes version whose bundled schemas (kubernetes-validate) the objects must meet:
# the oldest minor the chart supports in practice; and the newest the package ships, so an
# API removed since shows up.
KUBERNETES_VERSION = "1.30.0"
KUBERNETES_VERSIONS = (KUBERNETES_VERSION, "1.37.0")
RELEASE = "edujournal"
NAMESPACE = "edujournal"

# Objects validated per values file, shown by tests/deploy/conftest.py's terminal summary.
VALIDATED: dict[str, int] = {}


def values_files() -> dict[str, dict[str, Any] | None]:
    """The two values sets every chart test runs on: the defaults and the production example."""
    return {"default": None, "production": yaml.safe_load(PRODUCTION_VALUES.read_text())}


def processes() -> dict[str, list[str]]:
    loaded: dict[str, list[str]] = yaml.safe_load(PROCESSES.read_text())
    return loaded


def render(values: dict[str, Any] | None = None) -> dict[str, str]:
    """Template path -> rendered text, as `helm install` would render it (schema checked)."""
    with helm_python.Chart.load(CHART_DIR) as chart:
        return chart.render(values=values, name=RELEASE, namespace=NAMESPACE, is_install=True)


def objects(rendered: dict[str, str]) -> list[dict[str, Any]]:
    """Every Kubernetes object of a rendering (NOTES.txt is text for the operator)."""
    found: list[dict[str, Any]] = []
    for path, text in sorted(rendered.items()):
        if path.endswith("NOTES.txt"):
            continue
        found.extend(doc for doc in yaml.safe_load_all(text) if doc)
    return found


def merged_values(values: dict[str, Any] | None) -> dict[str, Any]:
    with helm_python.Chart.load(CHART_DIR) as chart:
        return chart.merge_values(values)


def with_value(values: dict[str, Any] | None, path: str, value: Any) -> dict[str, Any]:
    """A deep copy of `values` with the dotted `path` set to `value` (None deletes it)."""
    changed = copy.deepcopy(values) if values else {}
    *head, last = path.split(".")
    node = changed
    for key in head:
        node = node.setdefault(key, {})
    node[last] = value
    return changed


def pod_specs(objs: list[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(object, pod spec) of every Deployment and Job."""
    for obj in objs:
        if obj["kind"] in {"Deployment", "Job"}:
            yield obj, obj["spec"]["template"]["spec"]


def by_kind(objs: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {obj["metadata"]["name"]: obj for obj in objs if obj["kind"] == kind}


def component(obj: dict[str, Any]) -> str:
    return str(obj["metadata"]["labels"]["app.kubernetes.io/component"])
