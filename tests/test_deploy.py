"""Static checks of the deployment files under deploy/.

Docker and Kubernetes do not run in CI, so these tests check what can be checked by
reading: every YAML file parses, the manifests carry the fields operations rely on
(probes, grace periods, security context, autoscaling, scraping), and every metric the
alerts, recording rules and dashboard use is one the gateway actually exports.  When
``promtool`` is installed the rule files are also checked (and unit-tested) by it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest

from gateway.metrics import CALL_DURATION_BUCKETS, QUEUE_WAIT_BUCKETS

yaml = pytest.importorskip("yaml", reason="pyyaml is needed to check deploy/ (pip install pyyaml)")

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
PROM = DEPLOY / "prometheus"
GRAFANA = DEPLOY / "grafana"

MIB = 1 << 20
MAX_TIMEOUT = 600  # --max-timeout default
DEADLINE_GRACE = 5  # --deadline-grace default

# ---- the metric contract -----------------------------------------------------------------

DURATION = "sandbox_tool_call_duration_seconds"
HISTOGRAMS = {DURATION, "sandbox_queue_wait_seconds"}
GAUGES = {
    "sandbox_tool_calls_in_flight",
    "sandbox_workers",
    "sandbox_websocket_connections",
    "sandbox_sessions",
    "sandbox_max_sessions",
    "sandbox_mcp_servers",
    "sandbox_worker_shell_spawn",
    "sandbox_pending_connections",
}
COUNTERS = {
    "sandbox_worker_restarts_total",
    "sandbox_deadline_kills_total",
    "sandbox_mcp_server_restarts_total",
    "sandbox_shell_zygote_restarts_total",
    "sandbox_connections_refused_total",
}
CONTRACT_METRICS = (
    {h + suffix for h in HISTOGRAMS for suffix in ("_bucket", "_count", "_sum")} | GAUGES | COUNTERS
)
# series Prometheus itself attaches to every scrape target
SYNTHETIC_METRICS = {"up"}

# ---- helpers -----------------------------------------------------------------------------


def yaml_files() -> list[Path]:
    return sorted(p for p in DEPLOY.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file())


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text())


def load_all(path: Path) -> list[Any]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d is not None]


KUSTOMIZATION_KEYS = {"apiVersion", "kind", "resources", "images", "patches"}


def _json_pointer(doc: Any, path: str) -> tuple[Any, str | int]:
    parts = [p.replace("~1", "/").replace("~0", "~") for p in path.lstrip("/").split("/")]
    for part in parts[:-1]:
        doc = doc[int(part)] if isinstance(doc, list) else doc[part]
    last = parts[-1]
    return doc, (len(doc) if last == "-" else int(last)) if isinstance(doc, list) else last


def _apply_json6902(doc: dict[str, Any], ops: list[dict[str, Any]]) -> None:
    for op in ops:
        parent, key = _json_pointer(doc, op["path"])
        if op["op"] == "replace":
            assert (key in parent) if isinstance(parent, dict) else key < len(parent), f"replace of {op['path']}"
            parent[key] = op["value"]
        elif op["op"] == "add":
            if isinstance(parent, list):
                parent.insert(int(key), op["value"])
            else:
                parent[key] = op["value"]
        elif op["op"] == "remove":
            del parent[key]
        else:
            raise AssertionError(f"patch op {op['op']!r} is not rendered by this test")


def render(directory: Path) -> list[dict[str, Any]]:
    """What ``kubectl kustomize DIRECTORY`` outputs, for the features deploy/k8s uses (resources: files and
    directories; images: newTag/newName; patches: JSON 6902 with a target).  Anything else in a
    kustomization fails the test rather than being ignored."""
    kust = load_yaml(directory / "kustomization.yaml")
    unknown = set(kust) - KUSTOMIZATION_KEYS
    assert not unknown, f"{directory}: this test does not render {sorted(unknown)}"
    assert kust["kind"] == "Kustomization"
    objects: list[dict[str, Any]] = []
    for entry in kust.get("resources", []):
        path = (directory / entry).resolve()
        if path.is_dir():
            objects += render(path)
        else:
            assert path.parent == directory.resolve(), f"{directory}: {entry} is outside the kustomization"
            objects += load_all(path)
    for image in kust.get("images", []):
        for obj in objects:
            for c in obj.get("spec", {}).get("template", {}).get("spec", {}).get("containers", []):
                name, _, _tag = c["image"].partition(":")
                if name == image["name"]:
                    c["image"] = f"{image.get('newName', name)}:{image['newTag']}"
    for patch in kust.get("patches", []):
        target = patch["target"]
        matched = [o for o in objects if o["kind"] == target["kind"] and o["metadata"]["name"] == target["name"]
                   and o["apiVersion"] == f"{target['group']}/{target['version']}"]
        assert len(matched) == 1, f"{directory}: patch target {target} matches {len(matched)} objects"
        _apply_json6902(matched[0], yaml.safe_load(patch["patch"]))
    keys = [(o["kind"], o["metadata"].get("namespace"), o["metadata"]["name"]) for o in objects]
    assert len(keys) == len(set(keys)), f"{directory}: an object is listed twice: {keys}"
    return objects


def by_kind(objects: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    objs: dict[str, dict[str, Any]] = {}
    for doc in objects:
        assert doc["kind"] not in objs, f"two {doc['kind']} objects; the tests expect one"
        objs[doc["kind"]] = doc
    return objs


def k8s_objects(overlay: str = "") -> dict[str, dict[str, Any]]:
    """The objects ``kubectl apply -k deploy/k8s[/OVERLAY]`` applies, by kind."""
    return by_kind(render(K8S / overlay if overlay else K8S))


def gateway_container(deployment: dict[str, Any]) -> dict[str, Any]:
    containers = deployment["spec"]["template"]["spec"]["containers"]
    return next(c for c in containers if c["name"] == "gateway")


def arg_value(args: list[str], flag: str) -> str | None:
    for i, a in enumerate(args):
        if a == flag:
            return args[i + 1]
        if a.startswith(flag + "="):
            return a.split("=", 1)[1]
    return None


_PROMQL_KEYWORDS = {
    "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless",
    "bool", "offset", "inf", "nan", "atan2",
}  # fmt: skip


def promql_metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression (or Grafana query) reads.

    Not a parser, but enough for the expressions in this repository: strings, label
    matchers, ranges, grouping clauses and Grafana variables are removed first; what
    remains is function names (followed by "("), keywords, numbers and metric names.
    """
    s = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`', '""', expr)
    s = re.sub(r"\$\{[^}]*\}|\$\w+", "", s)
    s = re.sub(r"\{[^}]*\}", "", s)
    s = re.sub(r"\[[^\]]*\]", "", s)
    s = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", s)
    s = re.sub(r"\b\d+(\.\d+)?(e[+-]?\d+)?\b", "", s)
    names = set()
    for m in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", s):
        if s[m.end() :].lstrip().startswith("("):
            continue  # a function call (or an aggregation without a by clause)
        if m.group(0) in _PROMQL_KEYWORDS:
            continue
        names.add(m.group(0))
    return names


def recorded_names() -> set[str]:
    rules = load_yaml(PROM / "recording.yml")
    return {r["record"] for g in rules["groups"] for r in g["rules"] if "record" in r}


def rule_exprs(path: Path) -> list[tuple[str, str]]:
    doc = load_yaml(path)
    return [(r.get("alert") or r.get("record"), r["expr"]) for g in doc["groups"] for r in g["rules"]]


def dashboard() -> dict[str, Any]:
    return json.loads((GRAFANA / "dashboard.json").read_text())


def dashboard_queries() -> list[tuple[str, str]]:
    out = []
    for panel in dashboard()["panels"]:
        for t in panel.get("targets", []):
            out.append((panel["title"], t["expr"]))
    for var in dashboard()["templating"]["list"]:
        q = var.get("query")
        if var["type"] == "query":
            q = q["query"] if isinstance(q, dict) else q
            # label_values(<series selector>, <label>): the selector is the PromQL part
            m = re.fullmatch(r"label_values\((.*),\s*\w+\)", q.strip())
            out.append((f"variable {var['name']}", m.group(1) if m else q))
    return out


# ---- YAML in general ---------------------------------------------------------------------


def test_there_are_yaml_files() -> None:
    names = {p.relative_to(DEPLOY).as_posix() for p in yaml_files()}
    for expected in (
        "docker-compose.yml",
        "prometheus/prometheus.yml",
        "prometheus/alerts.yml",
        "prometheus/recording.yml",
        "k8s/kustomization.yaml",
        "k8s/base/deployment.yaml",
        "k8s/monitoring/servicemonitor.yaml",
        "k8s/ingress-nginx/ingress.yaml",
    ):
        assert expected in names


@pytest.mark.parametrize("path", yaml_files(), ids=lambda p: p.relative_to(DEPLOY).as_posix())
def test_yaml_parses(path: Path) -> None:
    docs = load_all(path)
    assert docs, f"{path} is empty"
    for doc in docs:
        assert isinstance(doc, dict), f"{path}: top level is not a mapping"


# ---- Dockerfile and compose --------------------------------------------------------------


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs with continuation lines joined and comments dropped."""
    text = (DEPLOY / "Dockerfile").read_text()
    lines: list[str] = []
    cur = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not cur and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        if line.endswith("\\"):
            cur += line[:-1] + " "
            continue
        lines.append(cur + line)
        cur = ""
    out = []
    for line in lines:
        instr, _, rest = line.partition(" ")
        out.append((instr.upper(), rest.strip()))
    return out


def test_dockerfile_is_multi_stage() -> None:
    instrs = dockerfile_instructions()
    froms = [rest for i, rest in instrs if i == "FROM"]
    assert len(froms) >= 2
    assert any(re.search(r"\bAS builder\b", f, re.I) for f in froms)
    args = dict(rest.split("=", 1) for i, rest in instrs if i == "ARG" and "=" in rest)
    assert args.get("PYTHON_IMAGE") == "python:3.11-slim"
    runs = " ".join(rest for i, rest in instrs if i == "RUN")
    assert "pip wheel" in runs
    for pkg in ("bash", "ripgrep", "util-linux"):
        assert re.search(rf"apt-get install[^&]*\b{re.escape(pkg)}\b", runs), pkg


def test_dockerfile_runtime() -> None:
    instrs = dockerfile_instructions()
    user = [rest for i, rest in instrs if i == "USER"]
    assert user, "no USER: tools would run as root"
    uid = user[-1].split(":")[0]
    assert uid.isdigit() and int(uid) != 0, "USER must be a numeric non-root uid (for runAsNonRoot)"

    (health,) = [rest for i, rest in instrs if i == "HEALTHCHECK"]
    assert "/healthz" in health and "urllib" in health and "curl" not in health
    # the command inside the healthcheck must be valid Python
    code = re.search(r'"-c",\s*"(.*)"\]', health)
    assert code, health
    compile(code.group(1), "<healthcheck>", "exec")
    # ... and ask the port the gateway listens on: both read SANDBOX_GATEWAY_PORT, which the image sets
    assert "8765/" not in code.group(1) and "os.environ.get('SANDBOX_GATEWAY_PORT'" in code.group(1)
    envs = " ".join(rest for i, rest in instrs if i == "ENV")
    assert "SANDBOX_GATEWAY_PORT=${SANDBOX_GATEWAY_PORT}" in envs
    args = dict(rest.split("=", 1) for i, rest in instrs if i == "ARG" and "=" in rest)
    assert args["SANDBOX_GATEWAY_PORT"] == "8765"
    assert ("EXPOSE", "${SANDBOX_GATEWAY_PORT}") in instrs

    assert ("STOPSIGNAL", "SIGTERM") in instrs
    assert any(i == "VOLUME" and "/workspace" in rest for i, rest in instrs)
    (entry,) = [json.loads(rest) for i, rest in instrs if i == "ENTRYPOINT"]
    assert "sandbox-gateway" in entry
    assert entry[entry.index("sandbox-gateway") + 1 :][:2] == ["--host", "0.0.0.0"]
    cmd = [json.loads(rest) for i, rest in instrs if i == "CMD"]
    assert cmd and arg_value(cmd[-1], "--workspace") == "/workspace"
    assert arg_value(cmd[-1], "--port") is None and "--port" not in entry, "the port is SANDBOX_GATEWAY_PORT's"


def test_the_deploy_files_say_the_build_needs_buildkit() -> None:
    text = (DEPLOY / "Dockerfile").read_text()
    assert text.startswith("# syntax=docker/dockerfile:1\n")
    assert "RUN --mount=" in text and "BuildKit" in text.split("FROM", 1)[0]  # the header says why
    assert "BuildKit" in (DEPLOY / "docker-compose.yml").read_text()
    assert "BuildKit" in (ROOT / "docs" / "operations.md").read_text()


def test_the_image_ships_the_zygote_builtin_built_ahead() -> None:
    # The runtime has no compiler: the builder builds the builtin into the cache the gateway reads,
    # else --shell-spawn auto would exec every shell.  The wheel must carry the C source for that.
    instrs = dockerfile_instructions()
    runs = " ".join(rest for i, rest in instrs if i == "RUN")
    assert re.search(r"apt-get install[^&]*\bgcc\b", runs)
    assert "SANDBOX_CACHE_DIR=/opt/sandbox-cache" in runs and "build_builtin()" in runs
    assert ("COPY", "--from=builder /opt/sandbox-cache /opt/sandbox-cache") in instrs
    assert ("ENV", "SANDBOX_CACHE_DIR=/opt/sandbox-cache") in instrs
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "zygote.c" in pyproject["tool"]["setuptools"]["package-data"]["worker"]


def test_compose() -> None:
    compose = load_yaml(DEPLOY / "docker-compose.yml")
    services = compose["services"]
    assert {"gateway", "prometheus", "grafana"} <= services.keys()

    gw = services["gateway"]
    build = gw["build"]
    assert (DEPLOY / build["context"] / build["dockerfile"]).resolve() == (DEPLOY / "Dockerfile").resolve()
    assert "SANDBOX_GATEWAY_TOKEN" in gw["environment"]
    assert any("/healthz" in part for part in gw["healthcheck"]["test"])
    # the port comes from SANDBOX_GATEWAY_PORT, which the healthcheck reads as well
    assert gw["environment"]["SANDBOX_GATEWAY_PORT"] == "8765" and arg_value(gw["command"], "--port") is None
    assert any("SANDBOX_GATEWAY_PORT" in part for part in gw["healthcheck"]["test"])
    assert [p.rsplit(":", 1)[1] for p in gw["ports"]] == [gw["environment"]["SANDBOX_GATEWAY_PORT"]]
    grace = float(arg_value(gw["command"], "--shutdown-grace"))
    assert grace >= MAX_TIMEOUT + DEADLINE_GRACE
    assert float(gw["stop_grace_period"].rstrip("s")) > grace

    # every bind-mounted file or directory exists in the repository
    for name in ("prometheus", "grafana"):
        for vol in services[name]["volumes"]:
            src = vol.split(":")[0]
            if src.startswith("."):
                assert (DEPLOY / src).exists(), f"{name} mounts missing {src}"

    # Prometheus is started with the config mounted, and the config loads both rule files
    prom = services["prometheus"]
    assert "--config.file=/etc/prometheus/prometheus.yml" in prom["command"]
    assert "./prometheus:/etc/prometheus:ro" in prom["volumes"]
    cfg = load_yaml(PROM / "prometheus.yml")
    assert set(cfg["rule_files"]) == {"alerts.yml", "recording.yml"}
    (job,) = [j for j in cfg["scrape_configs"] if j["job_name"] == "sandbox-gateway"]
    assert job.get("metrics_path", "/metrics") == "/metrics"
    assert job["static_configs"][0]["targets"] == ["gateway:8765"]
    # the gateway listens on 0.0.0.0 in its container: /metrics needs the token, which compose hands
    # Prometheus as a secret made from the same variable
    assert "--metrics-public" not in gw["command"]
    assert job["authorization"] == {"type": "Bearer", "credentials_file": "/run/secrets/gateway_token"}
    assert prom["secrets"] == ["gateway_token"]
    assert compose["secrets"]["gateway_token"] == {"environment": "SANDBOX_GATEWAY_TOKEN"}

    # Grafana gets a datasource and a dashboard provider pointing where the dashboard is mounted
    graf = services["grafana"]
    assert "./grafana/provisioning:/etc/grafana/provisioning:ro" in graf["volumes"]
    ds_files = list((GRAFANA / "provisioning" / "datasources").glob("*.yml"))
    assert ds_files
    (ds,) = load_yaml(ds_files[0])["datasources"]
    assert ds["type"] == "prometheus" and ds["url"] == "http://prometheus:9090"
    prov_files = list((GRAFANA / "provisioning" / "dashboards").glob("*.yml"))
    assert prov_files
    (provider,) = load_yaml(prov_files[0])["providers"]
    dash_dir = provider["options"]["path"]
    assert any(v.startswith("./grafana/dashboard.json:" + dash_dir + "/") for v in graf["volumes"])


# ---- Kubernetes --------------------------------------------------------------------------


KUSTOMIZATIONS = ("", "base", "monitoring", "ingress-nginx")
# The base applies on a bare cluster: nothing of an operator's CRDs, nothing outside its namespace.
BASE_KINDS = {("v1", "Namespace"), ("apps/v1", "Deployment"), ("v1", "Service"),
              ("autoscaling/v2", "HorizontalPodAutoscaler"), ("policy/v1", "PodDisruptionBudget"),
              ("networking.k8s.io/v1", "NetworkPolicy")}


def test_every_manifest_is_in_its_kustomization() -> None:
    found = {"" if p.parent == K8S else p.parent.relative_to(K8S).as_posix() for p in K8S.rglob("kustomization.yaml")}
    assert found == set(KUSTOMIZATIONS)
    for name in KUSTOMIZATIONS:
        directory = K8S / name
        listed = {r for r in load_yaml(directory / "kustomization.yaml").get("resources", []) if r.endswith(".yaml")}
        # Helm values for other releases (*-values.yaml) are documented there, not applied
        present = {p.name for p in directory.glob("*.yaml")} - {"kustomization.yaml"}
        assert listed == {p for p in present if not p.endswith("-values.yaml")}, name


def test_the_base_applies_on_a_bare_cluster() -> None:
    base = render(K8S)
    assert {(o["apiVersion"], o["kind"]) for o in base} == BASE_KINDS
    for obj in base:
        if obj["kind"] != "Namespace":
            assert obj["metadata"]["namespace"] == "sandbox", obj["kind"]
    assert render(K8S) == render(K8S / "base")


def test_the_overlays_are_the_base_plus_their_own() -> None:
    base = {(o["kind"], o["metadata"]["name"]) for o in render(K8S)}
    monitoring = render(K8S / "monitoring")
    assert {(o["kind"], o["metadata"]["name"]) for o in monitoring} - base == {
        ("ServiceMonitor", "sandbox-gateway"), ("PrometheusRule", "sandbox-gateway")}
    assert {o["apiVersion"] for o in monitoring if (o["kind"], o["metadata"]["name"]) not in base} == {
        "monitoring.coreos.com/v1"}
    ingress = render(K8S / "ingress-nginx")
    assert {(o["apiVersion"], o["kind"]) for o in ingress} - BASE_KINDS == {("networking.k8s.io/v1", "Ingress")}
    # neither touches anything outside the gateway's namespace (no cluster-wide ConfigMap is replaced)
    for obj in monitoring + ingress:
        assert obj["kind"] == "Namespace" or obj["metadata"]["namespace"] == "sandbox", obj["kind"]


def test_kubectl_renders_the_same_objects() -> None:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl not found: the kustomizations are checked by this test's own renderer only")
    for name in KUSTOMIZATIONS:
        out = subprocess.run([kubectl, "kustomize", str(K8S / name)], capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        real = sorted((o["kind"], o["metadata"]["name"], json.dumps(o, sort_keys=True))
                      for o in yaml.safe_load_all(out.stdout))
        ours = sorted((o["kind"], o["metadata"]["name"], json.dumps(o, sort_keys=True)) for o in render(K8S / name))
        assert real == ours, name


def test_k8s_objects_present() -> None:
    assert set(k8s_objects()) == {kind for _, kind in BASE_KINDS}
    assert {"ServiceMonitor", "PrometheusRule"} <= set(k8s_objects("monitoring"))
    assert "Ingress" in k8s_objects("ingress-nginx")


def test_deployment_probes_and_ports() -> None:
    dep = k8s_objects()["Deployment"]
    c = gateway_container(dep)
    assert c["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert c["readinessProbe"]["httpGet"]["path"] == "/readyz"
    ports = {p["name"]: p["containerPort"] for p in c["ports"]}
    assert ports == {"http": 8765}
    assert arg_value(c["args"], "--port") == "8765"
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        if probe in c:
            assert c[probe]["httpGet"]["port"] in ("http", 8765)
    for key in ("requests", "limits"):
        assert c["resources"][key].get("memory"), f"resources.{key}.memory"
    assert c["resources"]["requests"].get("cpu")


def test_deployment_shutdown_budget() -> None:
    dep = k8s_objects()["Deployment"]
    spec = dep["spec"]["template"]["spec"]
    c = gateway_container(dep)
    tgps = spec["terminationGracePeriodSeconds"]
    assert tgps > MAX_TIMEOUT + DEADLINE_GRACE
    max_timeout = float(arg_value(c["args"], "--max-timeout") or MAX_TIMEOUT)
    grace = float(arg_value(c["args"], "--deadline-grace") or DEADLINE_GRACE)
    shutdown = float(arg_value(c["args"], "--shutdown-grace") or 30)
    linger = float(arg_value(c["args"], "--shutdown-linger") or 2)
    # the gateway lets in-flight calls run to their deadline, and kubelet waits for it
    assert shutdown >= max_timeout + grace
    pre_stop = 0.0
    cmd = c.get("lifecycle", {}).get("preStop", {}).get("exec", {}).get("command", [])
    if cmd[:1] == ["sleep"]:
        pre_stop = float(cmd[1])
    assert tgps > pre_stop + shutdown + linger
    assert dep["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0


def test_deployment_security_context() -> None:
    dep = k8s_objects()["Deployment"]
    pod = dep["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] != 0
    assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
    assert pod.get("automountServiceAccountToken") is False
    c = gateway_container(dep)
    sc = c["securityContext"]
    assert sc["allowPrivilegeEscalation"] is False
    assert sc["capabilities"]["drop"] == ["ALL"]
    assert sc.get("privileged", False) is False
    if sc.get("readOnlyRootFilesystem"):
        mounts = {m["mountPath"] for m in c["volumeMounts"]}
        assert {"/workspace", "/tmp"} <= mounts
    # the image's uid
    instrs = dockerfile_instructions()
    user = [rest for i, rest in instrs if i == "USER"][-1]
    assert int(user.split(":")[0]) == pod["securityContext"]["runAsUser"]


def test_deployment_token_from_secret() -> None:
    c = gateway_container(k8s_objects()["Deployment"])
    env = {e["name"]: e for e in c["env"]}
    ref = env["SANDBOX_GATEWAY_TOKEN"]["valueFrom"]["secretKeyRef"]
    assert ref["name"] and ref["key"]
    assert "--no-auth" not in c["args"]
    assert not any(a.startswith("--token") for a in c["args"]), "a token on the command line leaks via ps"


def test_service_selects_the_pods() -> None:
    objs = k8s_objects()
    svc = objs["Service"]
    labels = objs["Deployment"]["spec"]["template"]["metadata"]["labels"]
    assert svc["spec"]["selector"].items() <= labels.items()
    (port,) = svc["spec"]["ports"]
    assert port["name"] == "http" and port["targetPort"] in ("http", 8765)


def test_service_keeps_a_clients_connections_on_one_pod() -> None:
    """kube-proxy balances connections; a Streamable HTTP session's requests may come on several, so a
    client that reaches the Service directly stays on one pod, for longer than a session may idle."""
    objs = k8s_objects()
    spec = objs["Service"]["spec"]
    assert spec["sessionAffinity"] == "ClientIP"
    args = gateway_container(objs["Deployment"])["args"]
    idle = float(arg_value(args, "--session-idle-timeout") or 1800)
    assert spec["sessionAffinityConfig"]["clientIP"]["timeoutSeconds"] >= idle


def test_hpa_scales_on_cpu_in_the_base_and_on_calls_in_flight_with_monitoring() -> None:
    for overlay in ("", "monitoring"):
        objs = k8s_objects(overlay)
        hpa = objs["HorizontalPodAutoscaler"]
        assert hpa["apiVersion"] == "autoscaling/v2"
        assert hpa["spec"]["scaleTargetRef"] == {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "name": objs["Deployment"]["metadata"]["name"],
        }
        assert 2 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
    # the base: what metrics-server serves on any cluster
    (metric,) = k8s_objects()["HorizontalPodAutoscaler"]["spec"]["metrics"]
    assert metric["type"] == "Resource" and metric["resource"]["name"] == "cpu"
    assert 0 < metric["resource"]["target"]["averageUtilization"] <= 100
    assert gateway_container(k8s_objects()["Deployment"])["resources"]["requests"]["cpu"]

    objs = k8s_objects("monitoring")
    (metric,) = objs["HorizontalPodAutoscaler"]["spec"]["metrics"]
    assert metric["type"] == "Pods"
    assert metric["pods"]["metric"]["name"] == "sandbox_tool_calls_in_flight"
    assert metric["pods"]["target"]["type"] == "AverageValue"
    # the target must be reachable: below the call slots per pod
    args = gateway_container(objs["Deployment"])["args"]
    slots = int(arg_value(args, "--workers")) * int(arg_value(args, "--max-calls-per-worker") or 32)
    assert 0 < float(metric["pods"]["target"]["averageValue"]) < slots

    # ... and prometheus-adapter serves that metric per pod (Helm values, merged into the adapter's release)
    adapter = load_yaml(K8S / "monitoring" / "prometheus-adapter-values.yaml")
    (rule,) = [r for r in adapter["rules"]["custom"] if "sandbox_tool_calls_in_flight" in r["seriesQuery"]]
    assert rule["name"]["as"] == "sandbox_tool_calls_in_flight"
    assert rule["resources"]["overrides"]["pod"] == {"resource": "pod"}
    assert rule["resources"]["overrides"]["namespace"] == {"resource": "namespace"}
    assert "<<.Series>>" in rule["metricsQuery"] and "<<.LabelMatchers>>" in rule["metricsQuery"]


def test_pdb() -> None:
    objs = k8s_objects()
    pdb = objs["PodDisruptionBudget"]
    assert pdb["apiVersion"] == "policy/v1"
    labels = objs["Deployment"]["spec"]["template"]["metadata"]["labels"]
    assert pdb["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert ("maxUnavailable" in pdb["spec"]) != ("minAvailable" in pdb["spec"])
    if "minAvailable" in pdb["spec"]:
        # with minAvailable >= minReplicas no node could ever be drained
        assert pdb["spec"]["minAvailable"] < objs["HorizontalPodAutoscaler"]["spec"]["minReplicas"]


def test_network_policy() -> None:
    objs = k8s_objects()
    np_ = objs["NetworkPolicy"]
    labels = objs["Deployment"]["spec"]["template"]["metadata"]["labels"]
    assert np_["spec"]["podSelector"]["matchLabels"].items() <= labels.items()
    assert set(np_["spec"]["policyTypes"]) == {"Ingress", "Egress"}
    ports = {p["port"] for rule in np_["spec"]["ingress"] for p in rule["ports"]}
    assert ports == {8765}
    # egress is restricted (DNS only by default)
    egress_ports = {p["port"] for rule in np_["spec"]["egress"] for p in rule.get("ports", [])}
    assert egress_ports == {53}
    assert all("ipBlock" not in peer for rule in np_["spec"]["egress"] for peer in rule.get("to", []))


def test_service_monitor() -> None:
    objs = k8s_objects("monitoring")
    sm = objs["ServiceMonitor"]
    assert sm["apiVersion"] == "monitoring.coreos.com/v1"
    assert sm["spec"]["selector"]["matchLabels"].items() <= objs["Service"]["metadata"]["labels"].items()
    (ep,) = sm["spec"]["endpoints"]
    assert ep["path"] == "/metrics"
    assert ep["port"] == objs["Service"]["spec"]["ports"][0]["name"]
    # alerts.yml matches job="sandbox-gateway"
    assert objs["Service"]["metadata"]["labels"][sm["spec"]["jobLabel"]] == "sandbox-gateway"
    # the pod listens on 0.0.0.0 (the image's --host), so /metrics needs the token: the scrape sends the
    # one the Deployment reads, from the same Secret
    c = gateway_container(objs["Deployment"])
    assert "--metrics-public" not in c["args"]
    ref = {e["name"]: e for e in c["env"]}["SANDBOX_GATEWAY_TOKEN"]["valueFrom"]["secretKeyRef"]
    assert ep["authorization"] == {"type": "Bearer", "credentials": {"name": ref["name"], "key": ref["key"]}}


def test_prometheus_rule_matches_rule_files() -> None:
    rule = k8s_objects("monitoring")["PrometheusRule"]
    expected = load_yaml(PROM / "recording.yml")["groups"] + load_yaml(PROM / "alerts.yml")["groups"]
    assert rule["spec"]["groups"] == expected, "regenerate deploy/k8s/monitoring/prometheusrule.yaml (see its header)"


def test_ingress_keeps_each_client_on_one_replica() -> None:
    """Every request of a client, initialize included, hashes the same (its address), so its sessions
    find the replica that issued them (tests/test_scale_out.py runs it through a real nginx)."""
    objs = k8s_objects("ingress-nginx")
    ing = objs["Ingress"]
    notes = ing["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/upstream-hash-by"] == "$remote_addr"
    assert not any("session" in key.lower() for key in notes.values())  # never the session header: see ingress.yaml
    # ... which must be the client's: the controller keeps source addresses
    values = load_yaml(K8S / "ingress-nginx" / "ingress-nginx-values.yaml")
    assert values["controller"]["service"]["externalTrafficPolicy"] == "Local"
    args = gateway_container(objs["Deployment"])["args"]
    longest_call = float(arg_value(args, "--max-timeout")) + float(arg_value(args, "--deadline-grace"))
    assert float(notes["nginx.ingress.kubernetes.io/proxy-read-timeout"]) > longest_call
    assert float(notes["nginx.ingress.kubernetes.io/proxy-send-timeout"]) > longest_call
    assert notes["nginx.ingress.kubernetes.io/proxy-buffering"] == "off"  # SSE
    body = notes["nginx.ingress.kubernetes.io/proxy-body-size"]
    assert body.endswith("m") and int(body[:-1]) * MIB >= int(arg_value(args, "--max-message-size") or 16 * MIB)
    # only /mcp, to the Service's port
    (rule,) = ing["spec"]["rules"]
    (path,) = rule["http"]["paths"]
    assert (path["path"], path["pathType"]) == ("/mcp", "Exact")
    assert path["backend"]["service"] == {"name": objs["Service"]["metadata"]["name"],
                                          "port": {"name": objs["Service"]["spec"]["ports"][0]["name"]}}


# ---- histogram buckets -------------------------------------------------------------------
BUCKETS = {DURATION: CALL_DURATION_BUCKETS, "sandbox_queue_wait_seconds": QUEUE_WAIT_BUCKETS}


def test_histogram_buckets_start_below_a_millisecond() -> None:
    for metric, buckets in BUCKETS.items():
        assert list(buckets) == sorted(set(buckets)), metric
        assert [b for b in buckets if b < 0.001][:3] in ([0.00025, 0.0005, 0.00075], [0.0001, 0.00025, 0.0005]), metric
        assert buckets[-1] >= MAX_TIMEOUT, f"{metric}: a call may take up to --max-timeout"


def test_thresholds_on_quantiles_are_bucket_bounds() -> None:
    """A quantile compared against a number in an alert is exact only at a bucket bound (between two,
    histogram_quantile interpolates): every threshold is one."""
    checked = 0
    for name, expr in rule_exprs(PROM / "alerts.yml"):
        m = re.search(r"histogram_quantile\([^,]+,.*?\b(\w+)_bucket\b.*\)\s*>\s*([0-9.]+)\s*$", expr, re.S)
        if m:
            metric, threshold = m.group(1), float(m.group(2))
            assert threshold in BUCKETS[metric], f"{name}: {threshold} is not a bucket bound of {metric}"
            checked += 1
    assert checked >= 2


def test_promtool_tests_use_real_buckets() -> None:
    for path in sorted((PROM / "tests").glob("*.yml")):
        for test in load_yaml(path)["tests"]:
            for series in test.get("input_series", []):
                m = re.match(r"(\w+)_bucket\{.*le=\"([^\"]+)\"", series["series"])
                if m:
                    le = m.group(2)
                    assert le == "+Inf" or float(le) in BUCKETS[m.group(1)], (path.name, series["series"])


def test_the_buckets_are_documented() -> None:
    docs = (ROOT / "docs" / "operations.md").read_text()
    for metric, buckets in BUCKETS.items():
        listed = ", ".join(f"{b:g}" for b in buckets)
        assert f"`{metric}`: {listed} s" in docs, f"docs/operations.md must list `{metric}`: {listed} s"


# ---- metric names ------------------------------------------------------------------------


def test_promql_metric_names_helper() -> None:
    expr = (
        "histogram_quantile(0.99, sum by (tool, le) (rate(sandbox_tool_call_duration_seconds_bucket"
        '{job=~"$job", outcome!="ok"}[$__rate_interval]))) / on (instance) group_left (x) up'
        " > bool 1e3 or vector(0)"
    )
    assert promql_metric_names(expr) == {"sandbox_tool_call_duration_seconds_bucket", "up"}
    names = promql_metric_names("sum(sandbox_workers) or sum without (a) (foo:bar:baz) * 0")
    assert names == {"sandbox_workers", "foo:bar:baz"}


def _check_names(where: str, expr: str, allowed: set[str]) -> None:
    names = promql_metric_names(expr)
    assert names, f"{where}: found no metric in {expr!r}"
    unknown = names - allowed
    assert not unknown, f"{where}: not exported by the gateway: {sorted(unknown)}"


def test_recording_rules_use_contract_metrics() -> None:
    for name, expr in rule_exprs(PROM / "recording.yml"):
        assert ":" in name, f"{name}: recorded series follow level:metric:operations"
        _check_names(name, expr, CONTRACT_METRICS)


def test_alerts_use_contract_metrics() -> None:
    allowed = CONTRACT_METRICS | SYNTHETIC_METRICS | recorded_names()
    alerts = rule_exprs(PROM / "alerts.yml")
    for name, expr in alerts:
        _check_names(name, expr, allowed)
    doc = load_yaml(PROM / "alerts.yml")
    for g in doc["groups"]:
        for r in g["rules"]:
            assert r["labels"]["severity"] in ("warning", "critical"), r["alert"]
            assert r["annotations"]["summary"], r["alert"]


def test_alerts_cover_the_issue() -> None:
    exprs = dict(rule_exprs(PROM / "alerts.yml"))
    joined = {name: promql_metric_names(e) for name, e in exprs.items()}

    def alert_on(metric: str) -> bool:
        return any(metric in names for names in joined.values())

    assert alert_on("sandbox_deadline_kills_total")  # deadline kills rising
    assert alert_on("sandbox_worker_restarts_total")  # restart loops
    assert alert_on("sandbox_tool_call_duration_seconds_bucket")  # p99 latency over SLO
    assert alert_on("sandbox_workers")  # no ready workers
    assert any({"sandbox_sessions", "sandbox_max_sessions"} <= names for names in joined.values())
    assert alert_on("sandbox_connections_refused_total")  # a refusal storm at the listener
    assert any("histogram_quantile(0.99" in e for e in exprs.values())


def test_recording_rules_cover_the_issue() -> None:
    rec = dict(rule_exprs(PROM / "recording.yml"))
    for q in ("0.50", "0.99"):
        assert any(
            f"histogram_quantile({q}" in e and "tool" in e and DURATION + "_bucket" in e for e in rec.values()
        ), q
    assert any(
        re.search(r"by \([^)]*outcome", e) and "sandbox_tool_call_duration_seconds_count" in e
        for e in rec.values()
    ), "calls/s by outcome"


def test_dashboard_uses_contract_metrics() -> None:
    for where, expr in dashboard_queries():
        _check_names(where, expr, CONTRACT_METRICS | recorded_names())


# ---- dashboard ---------------------------------------------------------------------------


def test_dashboard_panels() -> None:
    dash = dashboard()
    assert dash["uid"] and dash["title"]
    panels = [p for p in dash["panels"] if p["type"] != "row"]
    ids = [p["id"] for p in dash["panels"]]
    assert len(ids) == len(set(ids)), "panel ids must be unique"
    by_metric: dict[str, list[str]] = {}
    for p in panels:
        assert p["targets"], p["title"]
        assert p["gridPos"]["w"] > 0 and p["gridPos"]["h"] > 0
        for t in p["targets"]:
            assert t["refId"] and t["expr"]
            for name in promql_metric_names(t["expr"]):
                by_metric.setdefault(name, []).append(p["title"])

    titles = " | ".join(p["title"].lower() for p in panels)
    for words in ("latency", "outcome", "in flight", "queue wait", "workers by state", "restarts",
                  "connections", "sessions"):  # fmt: skip
        assert words in titles, f"no panel about {words!r}"
    # latency percentiles by tool
    lat = [p for p in panels if "latency" in p["title"].lower()]
    assert any(
        "histogram_quantile(0.99" in t["expr"] and "tool" in t["expr"] for p in lat for t in p["targets"]
    )
    for metric in (
        "sandbox_tool_call_duration_seconds_bucket",
        "sandbox_tool_call_duration_seconds_count",
        "sandbox_tool_calls_in_flight",
        "sandbox_queue_wait_seconds_bucket",
        "sandbox_workers",
        "sandbox_worker_restarts_total",
        "sandbox_websocket_connections",
        "sandbox_sessions",
    ):
        assert metric in by_metric, f"no panel shows {metric}"


def test_dashboard_shows_durations_to_the_bucket_resolution() -> None:
    """Panels of histogram quantiles are in seconds with Grafana's own scaling (so 0.4 ms reads 400 µs);
    a fixed number of decimals would round the sub-millisecond buckets away."""
    panels = [p for p in dashboard()["panels"] if any("_bucket" in t["expr"] for t in p.get("targets", []))]
    assert len(panels) >= 2
    for p in panels:
        defaults = p["fieldConfig"]["defaults"]
        assert defaults["unit"] == "s" and "decimals" not in defaults, p["title"]


def test_dashboard_datasource_is_provisioned() -> None:
    dash = dashboard()
    (var,) = [v for v in dash["templating"]["list"] if v["type"] == "datasource"]
    ds = load_yaml(next((GRAFANA / "provisioning" / "datasources").glob("*.yml")))["datasources"][0]
    assert var["query"] == ds["type"] == "prometheus"
    for p in dash["panels"]:
        if "datasource" in p:
            assert p["datasource"]["uid"] == "${" + var["name"] + "}"


# ---- promtool ----------------------------------------------------------------------------


def _promtool() -> str:
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip(
            "promtool not found: install it (Debian/Ubuntu: apt-get install prometheus) to check rules"
        )
    return promtool


def _run(cmd: list[str]) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, f"{' '.join(cmd)} failed:\n{proc.stdout}\n{proc.stderr}"


def test_promtool_check_rules() -> None:
    _run([_promtool(), "check", "rules", str(PROM / "alerts.yml"), str(PROM / "recording.yml")])


def test_promtool_check_config(tmp_path: Path) -> None:
    # promtool also checks that the token file exists: the one compose mounts is given a stand-in here
    config = load_yaml(PROM / "prometheus.yml")
    (job,) = [j for j in config["scrape_configs"] if j["job_name"] == "sandbox-gateway"]
    token = tmp_path / "gateway_token"
    token.write_text("a-token\n")
    job["authorization"]["credentials_file"] = str(token)
    for name in config["rule_files"]:
        shutil.copy(PROM / name, tmp_path / name)
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config))
    _run([_promtool(), "check", "config", str(tmp_path / "prometheus.yml")])


def test_promtool_rule_unit_tests() -> None:
    tests = sorted((PROM / "tests").glob("*.yml"))
    assert tests, "no rule unit tests under deploy/prometheus/tests"
    _run([_promtool(), "test", "rules", *map(str, tests)])
