"""The Helm chart, rendered offline by Helm's own engine and checked object by object
(issue #18: TEN-1, ARC-4, SEC-4, FREE-1, AVL-1).

Every rendered object is validated against the Kubernetes API schemas (kubernetes-validate,
strict: unknown fields are errors), for the default values and for the production example;
then the invariants a cluster administrator relies on are asserted; then values.schema.json
is shown to refuse planted mistakes, naming the value's path.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import helm_python
import kubernetes_validate
import pytest

from tests.deploy.chart import (
    CHART_DIR,
    KUBERNETES_VERSION,
    KUBERNETES_VERSIONS,
    VALIDATED,
    by_kind,
    component,
    merged_values,
    objects,
    pod_specs,
    processes,
    render,
    values_files,
    with_value,
)

VALUES = values_files()
VALUE_SETS = sorted(VALUES)
QUEUE_KINDS = ["archive", "default", "notifications", "reports", "rollups"]


@pytest.fixture(scope="module")
def rendered() -> dict[str, list[dict[str, Any]]]:
    return {name: objects(render(values)) for name, values in VALUES.items()}


def _merged(name: str) -> dict[str, Any]:
    return merged_values(VALUES[name])


# --- Kubernetes schemas ----------------------------------------------------------------------


@pytest.mark.parametrize("name", VALUE_SETS)
def test_every_rendered_object_meets_the_kubernetes_schema(
    name: str, rendered: dict[str, list[dict[str, Any]]]
) -> None:
    objs = rendered[name]
    errors = []
    for obj in objs:
        for version in KUBERNETES_VERSIONS:
            try:
                kubernetes_validate.validate(obj, version, strict=True)
            except kubernetes_validate.ValidationError as exc:
                path = ".".join(str(part) for part in exc.path)
                where = f"{version} {obj['kind']}/{obj['metadata']['name']}"
                errors.append(f"{where}: {path}: {exc.message}")
    assert errors == []
    VALIDATED[name] = len(objs)
    kinds = {obj["kind"] for obj in objs}
    assert {
        "ConfigMap",
        "Deployment",
        "Service",
        "Ingress",
        "Job",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "NetworkPolicy",
        "ServiceAccount",
    } <= kinds
    # web, five workers and beat (and PgBouncer in production)
    expected_deployments = 7 + (1 if name == "production" else 0)
    assert len(by_kind(objs, "Deployment")) == expected_deployments, (
        f"{len(objs)} objects checked for {name}"
    )


def test_the_validator_refuses_a_planted_mistake(rendered: dict[str, list[dict[str, Any]]]) -> None:
    """The schema check bites: a Deployment with a word for replicas or an unknown field."""
    web = dict(by_kind(rendered["default"], "Deployment")["edujournal-web"])
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(
            {**web, "spec": {**web["spec"], "replicas": "two"}}, KUBERNETES_VERSION, strict=True
        )
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(
            {**web, "spec": {**web["spec"], "replica": 2}}, KUBERNETES_VERSION, strict=True
        )


def test_helm_lint_finds_no_error_or_warning() -> None:
    for values in VALUES.values():
        report = helm_python.lint(CHART_DIR, values, strict=True, kube_version="v1.30.0")
        assert report["errors"] == []
        # Severity 1 is "info" (e.g. "icon is recommended"); 2 warning, 3 error.
        assert [m for m in report["messages"] if m["severity"] >= 2] == []


# --- Processes ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", VALUE_SETS)
def test_beat_is_a_singleton_replaced_by_recreate(
    name: str, rendered: dict[str, list[dict[str, Any]]]
) -> None:
    beats = [d for d in by_kind(rendered[name], "Deployment").values() if component(d) == "beat"]
    assert len(beats) == 1
    beat = beats[0]
    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"] == {"type": "Recreate"}
    assert beat["spec"]["template"]["spec"]["containers"][0]["command"] == processes()["beat"]
    scaled = {
        h["spec"]["scaleTargetRef"]["name"]
        for h in by_kind(rendered[name], "HorizontalPodAutoscaler").values()
    }
    assert beat["metadata"]["name"] not in scaled


@pytest.mark.parametrize("name", VALUE_SETS)
def test_the_migration_job_is_a_pre_install_and_pre_upgrade_hook(
    name: str, rendered: dict[str, list[dict[str, Any]]]
) -> None:
    jobs = list(by_kind(rendered[name], "Job").values())
    assert len(jobs) == 1
    job = jobs[0]
    annotations = job["metadata"]["annotations"]
    assert set(annotations["helm.sh/hook"].split(",")) == {"pre-install", "pre-upgrade"}
    container = job["spec"]["template"]["spec"]["containers"][0]
    assert container["command"] == ["python", "platform/manage.py", "platform_migrate"]
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"
    # A hook runs before the release's ConfigMap exists: its settings are inline.
    env = {e["name"]: e.get("value") for e in container["env"]}
    config = next(iter(by_kind(rendered[name], "ConfigMap").values()))
    for key, value in config["data"].items():
        if key in env:
            assert env[key] == value
    assert "envFrom" not in container
    if name == "production":
        # DATABASE_URL goes through PgBouncer, which the first install has not made yet.
        assert env["DATABASE_URL_FILE"] == "/run/secrets/edujournal/DATABASE_DIRECT_URL"
    else:
        assert env["DATABASE_URL_FILE"] == "/run/secrets/edujournal/DATABASE_URL"


@pytest.mark.parametrize("name", VALUE_SETS)
def test_one_worker_deployment_per_queue_kind_with_its_queues(
    name: str, rendered: dict[str, list[dict[str, Any]]]
) -> None:
    values = _merged(name)
    workers = {
        d["metadata"]["labels"]["edujournal.ru/queue-kind"]: d
        for d in by_kind(rendered[name], "Deployment").values()
        if component(d).startswith("worker-")
    }
    assert sorted(workers) == QUEUE_KINDS
    for kind, deployment in workers.items():
        argv = deployment["spec"]["template"]["spec"]["containers"][0]["command"]
        assert argv[: len(processes()["worker"])] == processes()["worker"]
        options = dict(
            zip(
                argv[len(processes()["worker"]) :: 2],
                argv[len(processes()["worker"]) + 1 :: 2],
                strict=True,
            )
        )
        assert options["--queues"].split(",") == values["workers"][kind]["queues"]
        assert options["--hostname"] == f"{kind}@%h"
        assert options["--concurrency"] == str(values["workers"][kind]["concurrency"])
    assert {k: values["workers"][k]["queues"] for k in QUEUE_KINDS} == {k: [k] for k in QUEUE_KINDS}


@pytest.mark.parametrize("name", VALUE_SETS)
def test_autoscalers_and_disruption_budgets_point_at_real_deployments(
    name: str, rendered: dict[str, list[dict[str, Any]]]
) -> None:
    values = _merged(name)
    deployments = by_kind(rendered[name], "Deployment")
    hpas = by_kind(rendered[name], "HorizontalPodAutoscaler")
    targets = {h["spec"]["scaleTargetRef"]["name"]: h for h in hpas.values()}
    assert "edujournal-web" in targets
    for kind in QUEUE_KINDS:
        scaled = f"edujournal-worker-{kind}" in targets
        assert scaled == values["workers"][kind]["autoscaling"]["enabled"]
        # An autoscaled Deployment leaves its replica count to the autoscaler.
        assert ("replicas" in deployments[f"edujournal-worker-{kind}"]["spec"]) is not scaled
    for target, hpa in targets.items():
        assert target in deployments
        assert hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
    pdbs = by_kind(rendered[name], "PodDisruptionBudget")
    covered = set()
    for pdb in pdbs.values():
        selector = pdb["spec"]["selector"]["matchLabels"]
        matched = [
            d_name
            for d_name, d in deployments.items()
            if selector.items() <= d["spec"]["template"]["metadata"]["labels"].items()
        ]
        assert len(matched) == 1, pdb["metadata"]["name"]
        covered.update(matched)
    assert "edujournal-web" in covered
    assert {f"edujournal-worker-{kind}" for kind in QUEUE_KINDS} <= covered
    assert "edujournal-beat" not in covered


# --- Pods: non-root, read-only, probes, resources ---------------------------------------------


@pytest.mark.parametrize("name", VALUE_SETS)
def test_every_container_is_hardened_and_has_resources(
    name: str, rendered: dict[str, list[dict[str, Any]]]
) -> None:
    checked = 0
    for obj, spec in pod_specs(rendered[name]):
        pod_context = spec["securityContext"]
        assert pod_context["runAsNonRoot"] is True, obj["metadata"]["name"]
        assert pod_context["runAsUser"] > 0
        assert spec["automountServiceAccountToken"] is False
        volumes = {v["name"]: v for v in spec["volumes"]}
        for container in spec["containers"]:
            where = f"{obj['metadata']['name']}/{container['name']}"
            context = container["securityContext"]
            assert context["runAsNonRoot"] is True, where
            assert context["readOnlyRootFilesystem"] is True, where
            assert context["allowPrivilegeEscalation"] is False, where
            assert context["capabilities"]["drop"] == ["ALL"], where
            resources = container["resources"]
            assert {"cpu", "memory"} <= resources["requests"].keys(), where
            assert "memory" in resources["limits"], where
            # The only writable place besides the data volumes: an emptyDir on /tmp.
            tmp = [m for m in container["volumeMounts"] if m["mountPath"] == "/tmp"]  # noqa: S108
            assert len(tmp) == 1, where
            assert "emptyDir" in volumes[tmp[0]["name"]], where
            checked += 1
    # web, five workers, beat, the migration job (and PgBouncer in production)
    assert checked == 8 + (1 if name == "production" else 0)


@pytest.mark.parametrize("name", VALUE_SETS)
def test_http_containers_have_liveness_and_readiness_on_healthz_and_readyz(
    name: str, rendered: dict[str, list[dict[str, Any]]]
) -> None:
    domain = _merged(name)["platformDomain"]
    serving = 0
    for _obj, spec in pod_specs(rendered[name]):
        for container in spec["containers"]:
            ports = container.get("ports", [])
            if not ports:
                continue
            assert "livenessProbe" in container and "readinessProbe" in container
            if any(p["name"] == "http" for p in ports):
                serving += 1
                live, ready = container["livenessProbe"], container["readinessProbe"]
                assert live["httpGet"]["path"] == "/healthz"
                assert ready["httpGet"]["path"] == "/readyz"
                for probe in (live, ready):
                    headers = {h["name"]: h["value"] for h in probe["httpGet"]["httpHeaders"]}
                    # ALLOWED_HOSTS holds <platformDomain>; the kubelet's default Host (the
                    # pod's IP) would get 400, and plain HTTP a redirect to HTTPS.
                    assert headers == {"Host": domain, "X-Forwarded-Proto": "https"}
    assert serving == 1


@pytest.mark.parametrize("name", VALUE_SETS)
def test_the_probe_host_is_one_django_accepts(name: str) -> None:
    """The probes' Host header is PLATFORM_DOMAIN, the first of ALLOWED_HOSTS (settings/base.py)."""
    config = next(iter(by_kind(objects(render(VALUES[name])), "ConfigMap").values()))
    assert config["data"]["PLATFORM_DOMAIN"] == _merged(name)["platformDomain"]
    base = (Path(__file__).resolve().parents[2] / "platform/config/settings/base.py").read_text()
    assert 'ALLOWED_HOSTS = [PLATFORM_DOMAIN, f".{PLATFORM_DOMAIN}"' in base


# --- Labels ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", VALUE_SETS)
def test_standard_labels_on_every_object(
    name: str, rendered: dict[str, list[dict[str, Any]]]
) -> None:
    for obj in rendered[name]:
        labels = obj["metadata"]["labels"]
        for key in (
            "app.kubernetes.io/name",
            "app.kubernetes.io/instance",
            "app.kubernetes.io/version",
            "app.kubernetes.io/component",
            "app.kubernetes.io/managed-by",
            "app.kubernetes.io/part-of",
            "helm.sh/chart",
        ):
            assert labels.get(key), f"{obj['kind']}/{obj['metadata']['name']} lacks {key}"
        assert labels["app.kubernetes.io/instance"] == "edujournal"
        assert labels["app.kubernetes.io/managed-by"] == "Helm"
    for deployment in by_kind(rendered[name], "Deployment").values():
        selector = deployment["spec"]["selector"]["matchLabels"]
        assert selector.items() <= deployment["spec"]["template"]["metadata"]["labels"].items()
    for service in by_kind(rendered[name], "Service").values():
        selected = [
            d
            for d in by_kind(rendered[name], "Deployment").values()
            if service["spec"]["selector"].items()
            <= d["spec"]["template"]["metadata"]["labels"].items()
        ]
        assert len(selected) == 1


@pytest.mark.parametrize("name", VALUE_SETS)
def test_ingress_serves_the_public_host_and_every_school_with_tls(
    name: str, rendered: dict[str, list[dict[str, Any]]]
) -> None:
    values = _merged(name)
    domain = values["platformDomain"]
    (ingress,) = by_kind(rendered[name], "Ingress").values()
    hosts = [rule["host"] for rule in ingress["spec"]["rules"]]
    assert hosts == [domain, f"*.{domain}"]
    assert ingress["spec"]["tls"] == [
        {"hosts": hosts, "secretName": values["ingress"]["tlsSecret"]}
    ]
    for rule in ingress["spec"]["rules"]:
        backend = rule["http"]["paths"][0]["backend"]["service"]
        assert backend == {"name": "edujournal-web", "port": {"name": "http"}}


def test_the_ingress_pins_each_school_to_a_web_pod_unless_told_not_to() -> None:
    """School affinity (#17): the ingress hashes the Host, so a school's requests reach the
    same web pod, whose connections keep that school's catalogue cache warm; the web pods'
    connections are recycled after the configured number of schools."""
    (ingress,) = by_kind(objects(render({})), "Ingress").values()
    assert ingress["metadata"]["annotations"] == {
        "nginx.ingress.kubernetes.io/upstream-hash-by": "$host"
    }
    config = by_kind(objects(render({"web": {"recycleAfterSchools": 120}})), "ConfigMap")
    assert config["edujournal-config"]["data"]["DB_RECYCLE_AFTER_SCHOOLS_WEB"] == "120"
    own = {"example.org/owner": "municipality"}
    values = {"ingress": {"schoolAffinity": False, "annotations": own}}
    (plain,) = by_kind(objects(render(values)), "Ingress").values()
    assert plain["metadata"]["annotations"] == own


# --- Secrets --------------------------------------------------------------------------------

PLANTED = {
    "DJANGO_SECRET_KEY": "planted-django-key-5e1b0c",
    "DATABASE_URL": "postgresql://journal:planted-db-pass-77a1@db:5432/journal",
    "REDIS_URL": "redis://:planted-redis-pass-c3d2@redis:6379/0",
    "SSO_CLIENT_SECRET": "planted-sso-secret-9f40",
}


def test_a_planted_secret_lands_only_in_the_secret() -> None:
    values = {"secrets": {"existingSecret": "", "keys": [], "values": PLANTED}}
    rendered = render(values)
    objs = objects(rendered)
    secrets = by_kind(objs, "Secret")
    assert list(secrets) == ["edujournal-secrets"]
    assert secrets["edujournal-secrets"]["stringData"] == PLANTED
    # It exists before the migration hook that mounts it.
    assert int(secrets["edujournal-secrets"]["metadata"]["annotations"]["helm.sh/hook-weight"]) < 0
    for path, text in rendered.items():
        if path.endswith("secret.yaml"):
            continue
        for planted in PLANTED.values():
            assert planted not in text, f"{planted!r} leaked into {path}"
    for config in by_kind(objs, "ConfigMap").values():
        assert not set(config["data"]) & set(PLANTED)
    # Each key becomes <KEY>_FILE naming the mounted file, in every pod.
    for _obj, spec in pod_specs(objs):
        (container,) = spec["containers"]
        env = {e["name"]: e for e in container["env"]}
        for key in PLANTED:
            assert key not in env
            assert env[f"{key}_FILE"]["value"] == f"/run/secrets/edujournal/{key}"
        mounted = {v["name"]: v for v in spec["volumes"]}["secrets"]["secret"]
        assert mounted["secretName"] == "edujournal-secrets"
        assert sorted(item["key"] for item in mounted["items"]) == sorted(PLANTED)


@pytest.mark.parametrize("name", VALUE_SETS)
def test_secrets_reach_containers_only_as_mounted_files(
    name: str, rendered: dict[str, list[dict[str, Any]]]
) -> None:
    keys = set(_merged(name)["secrets"]["keys"])
    userlist = _merged(name)["pgbouncer"]["userlistKey"]
    assert not by_kind(rendered[name], "Secret")  # existingSecret: the chart makes none
    for obj, spec in pod_specs(rendered[name]):
        for container in spec["containers"]:
            for entry in container.get("env", []):
                assert "valueFrom" not in entry, entry
            for source in container.get("envFrom", []):
                assert "secretRef" not in source
        if component(obj) == "pgbouncer":
            continue
        env = {e["name"] for e in spec["containers"][0]["env"]}
        assert {f"{key}_FILE" for key in keys - {userlist}} <= env
        assert f"{userlist}_FILE" not in env
        items = {v["name"]: v for v in spec["volumes"]}["secrets"]["secret"]["items"]
        assert userlist not in {item["key"] for item in items}


def test_the_configmap_sets_only_settings_the_platform_reads(
    rendered: dict[str, list[dict[str, Any]]],
) -> None:
    """Every ConfigMap name is read by Django's settings, gunicorn's config or the OS."""
    repo = Path(__file__).resolve().parents[2]
    sources = (repo / "platform/config/settings/base.py").read_text() + (
        repo / "infra/gunicorn.conf.py"
    ).read_text()
    read = set(re.findall(r"""(?:env\w*|environ\.get)\(\s*["']([A-Z_][A-Z0-9_]*)["']""", sources))
    # Names built from a prefix: archive_location("ARCHIVE_PRIMARY", ...) reads
    # env(f"{prefix}_ROOT"), env(f"{prefix}_S3_BUCKET"), ...
    suffixes = set(re.findall(r"""env\w*\(\s*f["']\{prefix\}(_[A-Z0-9_]+)["']""", sources))
    prefixes = set(re.findall(r"""archive_location\(\s*["']([A-Z_][A-Z0-9_]*)["']""", sources))
    assert suffixes and prefixes, "the archive locations' settings are no longer read this way"
    read |= {p + x for p in prefixes for x in suffixes}
    outside = {"DJANGO_SETTINGS_MODULE", "HOME", "XDG_CACHE_HOME"}
    config = by_kind(rendered["default"], "ConfigMap")["edujournal-config"]
    assert set(config["data"]) - outside <= read, sorted(set(config["data"]) - outside - read)
    assert config["data"]["DJANGO_SETTINGS_MODULE"] == "config.settings.prod"


# --- NetworkPolicy --------------------------------------------------------------------------


@pytest.mark.parametrize("name", VALUE_SETS)
def test_network_policy_limits_egress_to_the_backing_services(
    name: str, rendered: dict[str, list[dict[str, Any]]]
) -> None:
    values = _merged(name)
    np = values["networkPolicy"]
    allowed = {53} | {rule["port"] for rule in np["egress"].values()} | {6432}
    allowed |= {p["port"] for extra in np["extraEgress"] for p in extra["ports"]}
    policies = by_kind(rendered[name], "NetworkPolicy")
    covered: set[str] = set()
    for policy in policies.values():
        spec = policy["spec"]
        assert set(spec["policyTypes"]) == {"Ingress", "Egress"}
        for rule in spec["egress"]:
            ports = rule.get("ports")
            assert ports, f"{policy['metadata']['name']}: an egress rule without ports"
            assert {p["port"] for p in ports} <= allowed
            if name == "production":
                assert rule.get("to"), "production names every destination"
        selector = spec["podSelector"]
        for d_name, deployment in by_kind(rendered[name], "Deployment").items():
            labels = deployment["spec"]["template"]["metadata"]["labels"]
            if not selector.get("matchLabels", {}).items() <= labels.items():
                continue
            expressions = selector.get("matchExpressions", [])
            if all(labels.get(e["key"]) in e["values"] for e in expressions):
                covered.add(d_name)
    # Every Deployment is under a policy.
    assert covered == set(by_kind(rendered[name], "Deployment"))
    web = policies["edujournal-web"]["spec"]
    assert web["ingress"] == [
        {"from": [np["ingressController"]], "ports": [{"port": 8000, "protocol": "TCP"}]}
    ]
    assert policies["edujournal-background"]["spec"]["ingress"] == []
    dns = web["egress"][0]
    assert dns["to"] == [np["dns"]]
    assert {p["port"] for p in dns["ports"]} == {53}


# --- Storage and PgBouncer -------------------------------------------------------------------


def test_archive_locations_as_volumes_or_buckets(rendered: dict[str, list[dict[str, Any]]]) -> None:
    default = by_kind(rendered["default"], "ConfigMap")["edujournal-config"]["data"]
    assert default["ARCHIVE_PRIMARY_ROOT"] == "/var/lib/edujournal/archive/primary"
    assert default["ARCHIVE_SECONDARY_ROOT"] == "/var/lib/edujournal/archive/secondary"
    claims = by_kind(rendered["default"], "PersistentVolumeClaim")
    assert {"edujournal-archive-primary", "edujournal-archive-secondary"} <= set(claims)
    for claim in claims.values():
        assert claim["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"

    production = by_kind(rendered["production"], "ConfigMap")["edujournal-config"]["data"]
    assert production["ARCHIVE_PRIMARY_ROOT"] == "/var/lib/edujournal/archive/primary"
    assert production["ARCHIVE_SECONDARY_S3_BUCKET"] == "edujournal-archive"
    assert production["ARCHIVE_SECONDARY_S3_ENDPOINT"] == "https://s3.dc2.edu.example.ru"
    assert "ARCHIVE_SECONDARY_ROOT" not in production
    claims = by_kind(rendered["production"], "PersistentVolumeClaim")
    assert "edujournal-archive-secondary" not in claims  # a bucket, not a volume
    assert "edujournal-archive-primary" not in claims  # existingClaim
    web = by_kind(rendered["production"], "Deployment")["edujournal-web"]["spec"]["template"][
        "spec"
    ]
    primary = {v["name"]: v for v in web["volumes"]}["archive-primary"]
    assert primary["persistentVolumeClaim"]["claimName"] == "edujournal-archive-primary"
    env = {e["name"] for e in web["containers"][0]["env"]}
    assert {"ARCHIVE_SECONDARY_S3_ACCESS_KEY_FILE", "ARCHIVE_SECONDARY_S3_SECRET_KEY_FILE"} <= env


def test_in_chart_pgbouncer_pools_sessions(rendered: dict[str, list[dict[str, Any]]]) -> None:
    assert "edujournal-pgbouncer" not in by_kind(rendered["default"], "Deployment")
    config = by_kind(rendered["production"], "ConfigMap")["edujournal-pgbouncer"]
    ini = config["data"]["pgbouncer.ini"]
    assert re.search(r"^pool_mode = session$", ini, re.MULTILINE)
    assert "host=10.20.0.10 port=5432" in ini
    deployment = by_kind(rendered["production"], "Deployment")["edujournal-pgbouncer"]
    volumes = {v["name"]: v for v in deployment["spec"]["template"]["spec"]["volumes"]}
    assert volumes["userlist"]["secret"]["items"] == [
        {"key": "PGBOUNCER_USERLIST", "path": "userlist.txt"}
    ]


# --- values.schema.json ----------------------------------------------------------------------

BAD_VALUES = [
    ("web.replicas", "two", "at '/web/replicas': got string, want integer"),
    ("web.recycleAfterSchools", 0, "at '/web/recycleAfterSchools': minimum: got 0, want 1"),
    (
        "workers.bulk",
        {"queues": ["bulk"]},
        "at '/workers': additional properties 'bulk' not allowed",
    ),
    ("web.resources.requests.memory", "-512Mi", "at '/web/resources/requests/memory'"),
    ("workers.reports.resources.limits.cpu", -2, "at '/workers/reports/resources/limits/cpu'"),
    ("workers.reports.queues", [], "at '/workers/reports/queues': minItems: got 0, want 1"),
    ("platformDomain", None, "at '': missing property 'platformDomain'"),
    ("platformDomain", "Edu Example", "at '/platformDomain'"),
    ("pgbouncer.poolMode", "transaction", "at '/pgbouncer/poolMode': value must be 'session'"),
    ("config.extra", {"SSO_CLIENT_SECRET": "x"}, "at '/config/extra/SSO_CLIENT_SECRET'"),
    ("config.celeryVisibilityTimeout", 600, "at '/config/celeryVisibilityTimeout'"),
    ("podSecurityContext.runAsUser", 0, "at '/podSecurityContext/runAsUser'"),
    ("storage.archive.primary.type", "s3", "at '/storage/archive/primary/s3/bucket'"),
    ("storage.archive.primary.type", "tape", "at '/storage/archive/primary/type'"),
    ("secrets.existingSecret", "", "at '/secrets/values': missing properties 'DJANGO_SECRET_KEY'"),
]


@pytest.mark.parametrize(("path", "value", "message"), BAD_VALUES, ids=[b[0] for b in BAD_VALUES])
def test_the_schema_refuses_a_planted_bad_value_naming_its_path(
    path: str, value: Any, message: str
) -> None:
    with pytest.raises(helm_python.HelmValuesError) as refused:
        render(with_value(None, path, value))
    assert message in str(refused.value)
    # The same mistake in the production example is refused too.
    with pytest.raises(helm_python.HelmValuesError) as refused:
        render(with_value(VALUES["production"], path, value))
    assert message in str(refused.value)


def test_the_schema_accepts_both_shipped_values_files() -> None:
    with helm_python.Chart.load(CHART_DIR) as chart:
        assert chart.schema is not None
        for values in VALUES.values():
            chart.validate_schema(chart.merge_values(values))


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"secrets": {"values": PLANTED}},
            "give either secrets.existingSecret or secrets.values, not both",
        ),
        ({"secrets": {"keys": ["DJANGO_SECRET_KEY", "DATABASE_URL"]}}, "must hold REDIS_URL"),
        (
            {
                "storage": {
                    "archive": {
                        "secondary": {
                            "type": "s3",
                            "s3": {"bucket": "arc", "endpoint": "https://s3.example.ru"},
                        }
                    }
                }
            },
            "type s3 needs the secret key ARCHIVE_SECONDARY_S3_ACCESS_KEY",
        ),
        (
            {"pgbouncer": {"enabled": True}},
            "pgbouncer.userlistKey: PGBOUNCER_USERLIST is not a key",
        ),
        ({"migrations": {"databaseUrlKey": "DATABASE_DIRECT_URL"}}, "migrations.databaseUrlKey"),
        (
            {"networkPolicy": {"enabled": False}},
            'config.forwardedAllowIps: "*" trusts every client\'s X-Forwarded-* headers',
        ),
    ],
)
def test_the_chart_refuses_inconsistent_values(values: dict[str, Any], message: str) -> None:
    with pytest.raises(helm_python.HelmRenderError) as refused:
        render(values)
    assert message in str(refused.value)


# --- The queues the platform sends to ---------------------------------------------------------


@pytest.mark.parametrize("name", VALUE_SETS)
def test_the_workers_consume_every_queue_the_platform_sends_to(name: str) -> None:
    """Celery's resolved configuration (config/celery.py): the default queue and every route's
    queue have a worker Deployment, or their tasks would wait forever."""
    from config.celery import app

    conf = app.conf
    routes = conf.task_routes or {}
    sent = {conf.task_default_queue} | {
        route["queue"] for route in (routes.values() if isinstance(routes, dict) else [])
    }
    values = _merged(name)
    served = {queue for worker in values["workers"].values() for queue in worker["queues"]}
    assert sent <= served, f"no worker for {sorted(sent - served)}"
