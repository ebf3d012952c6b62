#!/usr/bin/python3
"""Structural checks of the evtrade Kubernetes manifests (k8s/).

Renders every overlay in k8s/overlays with `kubectl kustomize` and checks the
rendered objects against what the services need (their flags, k8s/README.md):

  * every container runs one of our binaries, at the path where the
    Dockerfile installs it, and listens, per its flags
    (EVTRADE_<FLAG> variables from ConfigMaps/env), on non-loopback ports;
    each such port is a containerPort and every containerPort is one of them;
  * native gRPC liveness and readiness probes (and startup probes, where
    there are any) on the --listen port;
  * resource requests and limits (cpu, memory);
  * securityContext: non-root, read-only root filesystem, no privilege
    escalation, all capabilities dropped; the SQLite directory on a writable
    volume;
  * a preStop pause and a terminationGracePeriodSeconds at least that pause
    plus the service's SIGTERM drain (EVTRADE_DRAIN_SECONDS) plus its
    shutdown timeout for in-flight calls;
  * Prometheus scrape annotations on the metrics port;
  * every Service selects pods and its targetPorts are container ports;
  * the gateway reaches query pods through a headless Service as
    dns:///<service>:<port>;
  * the ingest token file is a key of a Secret volume;
  * SQLite store (dev, prod): ingest is one replica, Recreate, not
    autoscaled; ingest and query share the store claim and are pinned to one
    node by required podAffinity;
  * PostgreSQL store (ha): one CloudNativePG Cluster (postgresql.cnpg.io/v1)
    of 3+ instances required on distinct nodes, with storage, resources and
    the database and owner the services use; ingest (2+ replicas) on its -rw
    Service, query on its -ro Service, each by a libpq URI without a
    password, the user and password from the operator's Secret <cluster>-app
    (PGUSER/PGPASSWORD from secretKeyRef, or a Secret volume for
    EVTRADE_DB_PASSWORD_FILE), sslrootcert on a Secret volume; no
    ReadWriteOnce claim, no PersistentVolumeClaim volume, no podAffinity;
  * per overlay expectations (EXPECTATIONS): dev has one replica each and its
    token Secret; prod has HPAs and PodDisruptionBudgets for gateway and
    query; ha also has no `replicas:` in a Deployment an HPA scales, a hard
    spread over nodes (DoNotSchedule topologySpreadConstraints or required
    podAntiAffinity on kubernetes.io/hostname) for every service, a PDB for
    each, NetworkPolicies (NETWORK_ALLOWED, NETWORK_DENIED: default-deny
    ingress, gateway <- clients, query <- gateway, ingest <- writers,
    PostgreSQL <- ingest/query/instances/operator, Prometheus -> metrics,
    DNS and what each service calls as egress), and node drains that finish:
    on 3, 4 and 5 nodes, at every service's lowest and highest replica count,
    pods placed by their spread rules, draining any one node evicts all its
    pods within every PodDisruptionBudget (ours and the ones the operator
    creates for the Cluster), each replacement scheduled on the other nodes
    where its rules allow.

Exit status 0 when every overlay passes, 1 with one line per problem
otherwise, 2 when an overlay cannot be rendered at all.

Only the standard library and PyYAML (Debian: python3-yaml).
"""

import argparse
import dataclasses
import os
import posixpath
import re
import shutil
import subprocess
import sys
import urllib.parse

import yaml

# What each binary listens on: the flags (as env variables) whose values are
# addresses, and which of them is gRPC (probed) and which serves /metrics.
BINARIES = {
    "ingest_service": {
        "listen": ["EVTRADE_LISTEN", "EVTRADE_METRICS_LISTEN"],
        "grpc": "EVTRADE_LISTEN",
        "metrics": "EVTRADE_METRICS_LISTEN",
    },
    "query_service": {
        "listen": ["EVTRADE_LISTEN", "EVTRADE_METRICS_LISTEN"],
        "grpc": "EVTRADE_LISTEN",
        "metrics": "EVTRADE_METRICS_LISTEN",
    },
    "gateway": {
        "listen": ["EVTRADE_LISTEN", "EVTRADE_HTTP_LISTEN"],
        "grpc": "EVTRADE_LISTEN",
        "metrics": "EVTRADE_HTTP_LISTEN",
    },
}
# Binaries that open the SQLite store (--db).
STORE_BINARIES = ("ingest_service", "query_service")
# The services' default --drain_seconds.
DEFAULT_DRAIN_SECONDS = 1
# How long in-flight calls get after the drain (shutdown_timeout in
# common/server/server_runner.h).
SHUTDOWN_TIMEOUT_SECONDS = 10
# Kubernetes' default terminationGracePeriodSeconds.
DEFAULT_GRACE_SECONDS = 30
LOOPBACK_HOSTS = ("localhost", "::1", "[::1]")
HOSTNAME_KEY = "kubernetes.io/hostname"

# The PostgreSQL store (overlay ha): a CloudNativePG Cluster whose initdb
# bootstrap creates the database and owner the services connect as.
CNPG_API_VERSION = "postgresql.cnpg.io/v1"
PG_DATABASE = "evtrade"
PG_OWNER = "evtrade"
PG_PORT = 5432
# A primary and two hot standbys, one per node.
MIN_PG_INSTANCES = 3
# Several writers, one per node, so that losing a node keeps ingest up.
MIN_INGEST_REPLICAS_HA = 2
# The Service of the Cluster each binary uses: the primary for writes, the
# hot standbys for reads.
PG_SERVICE_SUFFIX = {"ingest_service": "-rw", "query_service": "-ro"}
# Ports of an instance pod: PostgreSQL, the metrics exporter, the instance
# manager's status endpoint (the operator calls it).
PG_POD_PORTS = {"postgresql": PG_PORT, "metrics": 9187, "status": 8000}

# The drain simulation's clusters: 3 nodes (one per PostgreSQL instance) and
# larger ones.
DRAIN_NODE_COUNTS = (3, 4, 5)

# NetworkPolicy checks (overlay ha). Peers outside the overlay, by the
# conventions k8s/overlays/ha/networkpolicies.yaml documents: (namespace,
# pod labels, named ports).
EXTERNAL_PEERS = {
    "client": ("clients", {}, {}),
    "writer": ("writers", {"evtrade.io/ingest-writer": "true"}, {}),
    "prometheus": ("monitoring", {"app.kubernetes.io/name": "prometheus"},
                   {}),
    "operator": ("cnpg-system", {"app.kubernetes.io/name": "cloudnative-pg"},
                 {}),
    "dns": ("kube-system", {"k8s-app": "kube-dns"}, {"dns": 53}),
}
# Our pods by binary, and the PostgreSQL instances by role.
SERVICE_PEERS = {"gateway": "gateway", "ingest_service": "ingest",
                 "query_service": "query"}
# (source, destination, port, protocol): "grpc" and "metrics" are the
# destination service's ports from its flags, numbers are literal.
NETWORK_ALLOWED = (
    ("client", "gateway", "grpc", "TCP"),
    ("client", "gateway", "metrics", "TCP"),  # HTTP: dashboard, JSON
    ("gateway", "query", "grpc", "TCP"),
    ("writer", "ingest", "grpc", "TCP"),
    ("ingest", "postgres-primary", PG_PORT, "TCP"),
    ("query", "postgres-replica", PG_PORT, "TCP"),
    ("postgres-replica", "postgres-primary", PG_PORT, "TCP"),
    ("operator", "postgres-primary", 8000, "TCP"),
    ("operator", "postgres-replica", PG_PORT, "TCP"),
    ("prometheus", "gateway", "metrics", "TCP"),
    ("prometheus", "ingest", "metrics", "TCP"),
    ("prometheus", "query", "metrics", "TCP"),
    ("prometheus", "postgres-primary", 9187, "TCP"),
    ("gateway", "dns", 53, "UDP"),
    ("ingest", "dns", 53, "UDP"),
    ("query", "dns", 53, "UDP"),
)
NETWORK_DENIED = (
    ("client", "query", "grpc", "TCP"),
    ("client", "ingest", "grpc", "TCP"),
    ("client", "ingest", "metrics", "TCP"),
    ("client", "postgres-primary", PG_PORT, "TCP"),
    ("gateway", "ingest", "grpc", "TCP"),
    ("gateway", "postgres-primary", PG_PORT, "TCP"),
    ("writer", "query", "grpc", "TCP"),
)


@dataclasses.dataclass
class Expectation:
    """What one overlay must add to the common rules."""
    # True: the token Secret must be rendered; False: it must not be (created
    # out of band); None: either.
    token_secret_rendered: bool | None = None
    # Deployments that must have an HPA and a PodDisruptionBudget.
    autoscaled: tuple = ()
    # If set, every Deployment must have exactly this many replicas.
    replicas: int | None = None
    # "sqlite": one file on one node's volume; "postgres": a CloudNativePG
    # Cluster across nodes.
    store: str = "sqlite"
    # Deployments that must be spread over nodes (hard) and have a PDB.
    spread: tuple = ()
    # A Deployment an HPA scales must not set `replicas:` (applying the
    # overlay would reset the HPA's count).
    hpa_owns_replicas: bool = False
    # NetworkPolicies per NETWORK_ALLOWED / NETWORK_DENIED.
    network_policies: bool = False
    # Simulate a drain of every node (simulate_drains).
    drain: bool = False


EXPECTATIONS = {
    "dev": Expectation(token_secret_rendered=True, replicas=1),
    "prod": Expectation(token_secret_rendered=False,
                        autoscaled=("gateway", "query-service")),
    "ha": Expectation(token_secret_rendered=False,
                      autoscaled=("gateway", "query-service"),
                      store="postgres",
                      spread=("gateway", "ingest-service", "query-service"),
                      hpa_owns_replicas=True, network_policies=True,
                      drain=True),
}
REQUIRED_OVERLAYS = tuple(EXPECTATIONS)


FLAG_RE = re.compile(r"ABSL_FLAG\(\s*[^,]+,\s*(\w+)\s*,")


def source_flags(repo_root):
    """{binary: {EVTRADE_<FLAG>}} from the ABSL_FLAG definitions in each
    binary's main.cc and in common/ (which every binary links), or None while
    a main.cc does not exist yet. The services ignore unknown EVTRADE_*
    variables, so a misspelt one would silently leave a default in force."""
    common = set()
    for dirpath, _, files in os.walk(os.path.join(repo_root, "common")):
        for f in files:
            if f.endswith(".cc"):
                with open(os.path.join(dirpath, f)) as src:
                    common |= set(FLAG_RE.findall(src.read()))
    flags = {}
    for binary in BINARIES:
        main_cc = os.path.join(repo_root, binary, "main.cc")
        if not os.path.isfile(main_cc):
            return None
        with open(main_cc) as src:
            names = set(FLAG_RE.findall(src.read())) | common
        flags[binary] = {"EVTRADE_" + n.upper() for n in names}
    return flags


def image_binaries(repo_root):
    """Paths of the binaries the Dockerfile's final stage installs (from its
    `COPY --from=...` lines), or None without a Dockerfile. Docker cannot run
    here, so this is how the manifests' commands are held to the image."""
    path = os.path.join(repo_root, "Dockerfile")
    if not os.path.isfile(path):
        return None
    with open(path) as f:
        text = re.sub(r"\\\n", " ", f.read())  # Join continued lines.
    final_stage = re.split(r"(?m)^FROM\s", text)[-1]
    installed = set()
    for line in final_stage.splitlines():
        words = line.split()
        if len(words) >= 3 and words[0] == "COPY" and words[1].startswith(
                "--from="):
            dest = words[-1]
            for src in words[2:-1]:
                installed.add(posixpath.join(dest, posixpath.basename(src))
                              if dest.endswith("/") else dest)
    return installed


class RenderError(Exception):
    pass


def find_kubectl(explicit):
    kubectl = explicit or os.environ.get("KUBECTL") or shutil.which("kubectl")
    if not kubectl or not os.access(kubectl, os.X_OK):
        raise RenderError(
            "kubectl not found (looked at --kubectl, $KUBECTL, PATH): install "
            "it (Debian package kubernetes-client) to render the overlays")
    return kubectl


def render(kubectl, directory):
    """Returns the objects `kubectl kustomize directory` renders."""
    proc = subprocess.run([kubectl, "kustomize", directory],
                          capture_output=True, text=True, timeout=60)
    if proc.returncode != 0:
        raise RenderError(f"kubectl kustomize {directory} failed "
                          f"(exit {proc.returncode}):\n{proc.stderr.strip()}")
    try:
        docs = [d for d in yaml.safe_load_all(proc.stdout) if d is not None]
    except yaml.YAMLError as e:
        raise RenderError(f"kubectl kustomize {directory}: bad YAML: {e}")
    for d in docs:
        if not isinstance(d, dict) or "kind" not in d:
            raise RenderError(f"kubectl kustomize {directory}: object without "
                              f"kind: {d!r}")
    return docs


def parse_address(value):
    """'host:port' or '[v6]:port' -> (host, port); port None if malformed."""
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        return host, None
    return host, int(port)


def is_loopback(host):
    return host in LOOPBACK_HOSTS or host.startswith("127.") or host == ""


def selector_matches(selector, labels):
    """A LabelSelector, or a Service's plain selector map, against labels."""
    if not selector:
        return False
    if "matchLabels" not in selector and "matchExpressions" not in selector:
        return all(labels.get(k) == v for k, v in selector.items())
    if any(labels.get(k) != v
           for k, v in (selector.get("matchLabels") or {}).items()):
        return False
    for e in selector.get("matchExpressions") or []:
        key, op, values = e.get("key"), e.get("operator"), e.get("values", [])
        ok = {
            "In": key in labels and labels[key] in values,
            "NotIn": labels.get(key) not in values,
            "Exists": key in labels,
            "DoesNotExist": key not in labels,
        }.get(op, False)
        if not ok:
            return False
    return True


def label_selector_selects(selector, labels):
    """A LabelSelector where, unlike a Service's selector, {} selects all."""
    if selector == {}:
        return True
    return selector_matches(selector, labels)


def scaled(value, total):
    """A PDB's minAvailable/maxUnavailable: an int or "N%" of total, the
    percentage rounded up as the disruption controller does."""
    if isinstance(value, str) and value.endswith("%"):
        return -(-int(value[:-1]) * total // 100)
    return int(value)


def hard_spread_rules(spec):
    """The pod spec's hard rules for spreading over nodes: ("skew", maxSkew,
    selector, honor_taints) for DoNotSchedule topologySpreadConstraints and
    ("anti", selector) for required podAntiAffinity, on the hostname key."""
    rules = []
    for c in spec.get("topologySpreadConstraints") or []:
        if (c.get("topologyKey") == HOSTNAME_KEY
                and c.get("whenUnsatisfiable") == "DoNotSchedule"):
            rules.append(("skew", int(c.get("maxSkew", 1)),
                          c.get("labelSelector") or {},
                          c.get("nodeTaintsPolicy") == "Honor"))
    anti = ((spec.get("affinity") or {}).get("podAntiAffinity") or {}).get(
        "requiredDuringSchedulingIgnoredDuringExecution") or []
    for term in anti:
        if term.get("topologyKey") == HOSTNAME_KEY:
            rules.append(("anti", term.get("labelSelector") or {}))
    return rules


def required_pod_affinity(spec):
    """Selectors of required podAffinity terms on the hostname key."""
    terms = ((spec.get("affinity") or {}).get("podAffinity") or {}).get(
        "requiredDuringSchedulingIgnoredDuringExecution") or []
    return [t.get("labelSelector") or {} for t in terms
            if t.get("topologyKey") == HOSTNAME_KEY]


def cluster_spread_rules(cluster):
    """A CloudNativePG Cluster's hard spread: its instance pods' required
    anti-affinity (affinity.enablePodAntiAffinity, default on, with
    podAntiAffinityType required; topologyKey default hostname) and its
    topologySpreadConstraints."""
    name = cluster["metadata"]["name"]
    spec = cluster.get("spec") or {}
    affinity = spec.get("affinity") or {}
    rules = hard_spread_rules(spec)
    if (affinity.get("enablePodAntiAffinity", True) is not False
            and affinity.get("podAntiAffinityType") == "required"
            and affinity.get("topologyKey", HOSTNAME_KEY) == HOSTNAME_KEY):
        rules.append(("anti", {"matchLabels": {
            "cnpg.io/cluster": name, "cnpg.io/podRole": "instance"}}))
    return rules


def pg_pod_labels(cluster_name, role):
    return {"cnpg.io/cluster": cluster_name, "cnpg.io/podRole": "instance",
            "cnpg.io/instanceRole": role, "role": role}


@dataclasses.dataclass
class Workload:
    """What the drain simulation schedules: a Deployment or the instances
    of a Cluster."""
    name: str
    labels: dict
    counts: tuple  # replica counts to simulate, lowest first
    rules: list  # hard_spread_rules / cluster_spread_rules
    affinity: list  # required_pod_affinity
    cluster: str | None = None  # set for a Cluster's instances


@dataclasses.dataclass
class Pod:
    workload: Workload
    labels: dict
    node: str | None  # None: pending, nowhere to schedule it


@dataclasses.dataclass
class Budget:
    name: str
    selector: dict
    min_available: object = None
    max_unavailable: object = None


def drain_model(docs):
    """(workloads, budgets) of the rendered objects: every Deployment (at
    its HPA's minReplicas and maxReplicas, or its replicas) and every
    CloudNativePG Cluster's instances; the rendered PodDisruptionBudgets and
    the two the operator creates per Cluster unless enablePDB is false: the
    primary's (minAvailable 1) and, from 3 instances, the standbys'
    (minAvailable instances - 2)."""
    hpas = {}
    for hpa in docs:
        if hpa["kind"] == "HorizontalPodAutoscaler":
            spec = hpa.get("spec") or {}
            hpas[(spec.get("scaleTargetRef") or {}).get("name")] = spec
    workloads, budgets = [], []
    for d in docs:
        name = d.get("metadata", {}).get("name", "")
        if d["kind"] == "Deployment":
            template = d["spec"].get("template") or {}
            spec = template.get("spec") or {}
            hpa = hpas.get(name)
            counts = ((hpa.get("minReplicas", 1), hpa["maxReplicas"])
                      if hpa else (d["spec"].get("replicas", 1),))
            workloads.append(Workload(
                name, (template.get("metadata") or {}).get("labels") or {},
                counts, hard_spread_rules(spec),
                required_pod_affinity(spec)))
        elif (d["kind"] == "Cluster"
              and d.get("apiVersion") == CNPG_API_VERSION):
            spec = d.get("spec") or {}
            instances = int(spec.get("instances", 1))
            workloads.append(Workload(
                name, pg_pod_labels(name, "replica"), (instances,),
                cluster_spread_rules(d), [], cluster=name))
            if spec.get("enablePDB", True) is not False:
                budgets.append(Budget(
                    f"{name}-primary", {"matchLabels": {
                        "cnpg.io/cluster": name,
                        "cnpg.io/instanceRole": "primary"}}, min_available=1))
                if instances >= 3:
                    budgets.append(Budget(
                        name, {"matchLabels": {
                            "cnpg.io/cluster": name,
                            "cnpg.io/instanceRole": "replica"}},
                        min_available=instances - 2))
        elif d["kind"] == "PodDisruptionBudget":
            spec = d.get("spec") or {}
            budgets.append(Budget(name, spec.get("selector") or {},
                                  spec.get("minAvailable"),
                                  spec.get("maxUnavailable")))
    workloads.sort(key=lambda w: w.name)
    return workloads, budgets


def schedule(workload, labels, pods, nodes, cordoned):
    """The node the scheduler may put a new pod on, or None: hard rules
    first, then the node with fewest pods of the workload, then of all."""
    candidates = []
    for node in nodes:
        if node in cordoned:
            continue
        ok = True
        for rule in workload.rules:
            if rule[0] == "anti":
                ok &= not any(p.node == node and label_selector_selects(
                    rule[1], p.labels) for p in pods)
            else:
                _, max_skew, selector, honor = rule
                domains = [n for n in nodes if not (honor and n in cordoned)]
                count = {n: sum(1 for p in pods if p.node == n and
                                label_selector_selects(selector, p.labels))
                         for n in domains}
                ok &= count[node] + 1 - min(count.values()) <= max_skew
        for selector in workload.affinity:
            matching = [p for p in pods if p.node is not None and
                        label_selector_selects(selector, p.labels)]
            if matching:
                ok &= any(p.node == node for p in matching)
            else:  # The first such pod may go anywhere if it matches itself.
                ok &= label_selector_selects(selector, labels)
        if ok:
            candidates.append(node)
    if not candidates:
        return None
    return min(candidates, key=lambda n: (
        sum(1 for p in pods if p.node == n and p.workload is workload),
        sum(1 for p in pods if p.node == n), nodes.index(n)))


def disruptions_allowed(budget, pods):
    """How many more of the budget's pods an eviction may take down now.
    Placed pods count as healthy (the replacement started and got ready)."""
    matched = [p for p in pods if label_selector_selects(budget.selector,
                                                         p.labels)]
    healthy = sum(1 for p in matched if p.node is not None)
    if budget.min_available is not None:
        desired = scaled(budget.min_available, len(matched))
    else:
        desired = len(matched) - scaled(budget.max_unavailable or 0,
                                        len(matched))
    return healthy - desired


def simulate_drain(workloads, budgets, node_count, scenario, drained):
    """Places every workload's pods (scenario: index into its counts, 0 the
    lowest, -1 the highest) on node-1..node-N, cordons `drained` and evicts
    its pods one at a time as `kubectl drain` does, each only when every
    budget allows it. Returns None when the node empties, else why not."""
    nodes = [f"node-{i}" for i in range(1, node_count + 1)]
    pods = []
    for w in workloads:
        for i in range(w.counts[scenario]):
            labels = dict(w.labels)
            if w.cluster is not None and i == 0:
                labels = pg_pod_labels(w.cluster, "primary")
            node = schedule(w, labels, pods, nodes, set())
            if node is None:
                return (f"{w.name}: replica {i + 1} of {w.counts[scenario]} "
                        f"fits on no node")
            pods.append(Pod(w, labels, node))
    # The operator switches the primary over to a standby on another node
    # when its node is cordoned; then the old primary is a standby.
    for p in pods:
        if p.node == drained and p.labels.get("cnpg.io/instanceRole") == (
                "primary"):
            standby = next((q for q in pods if q.workload is p.workload and
                            q.node not in (None, drained)), None)
            if standby is not None:
                p.labels, standby.labels = standby.labels, p.labels
    while True:
        on_node = [p for p in pods if p.node == drained]
        if not on_node:
            return None
        blocked = set()
        for p in on_node:
            covering = [b for b in budgets
                        if label_selector_selects(b.selector, p.labels)]
            if len(covering) > 1:
                return (f"a {p.workload.name} pod is selected by "
                        f"{len(covering)} PodDisruptionBudgets "
                        f"({', '.join(sorted(b.name for b in covering))}): "
                        "the eviction API refuses to evict it")
            if covering and disruptions_allowed(covering[0], pods) < 1:
                blocked.add(covering[0].name)
                continue
            pods.remove(p)
            labels = dict(p.labels)
            if p.workload.cluster is not None:
                labels = pg_pod_labels(p.workload.cluster, "replica")
            pods.append(Pod(p.workload, labels, schedule(
                p.workload, labels, pods, nodes, {drained})))
            break
        else:
            pending = sorted({p.workload.name for p in pods
                              if p.node is None})
            return (f"draining {drained} never finishes: "
                    + ", ".join(f"PodDisruptionBudget/{b}"
                                for b in sorted(blocked))
                    + (" allows" if len(blocked) == 1 else " allow")
                    + " no eviction"
                    + (f" (pending, nowhere to schedule: "
                       f"{', '.join(pending)})" if pending else ""))


def simulate_drains(docs):
    """simulate_drain of every node, at the lowest and the highest replica
    counts, for each cluster size in DRAIN_NODE_COUNTS: the first problem
    per size."""
    workloads, budgets = drain_model(docs)
    problems = []
    for node_count in DRAIN_NODE_COUNTS:
        problems += [
            f"{node_count} nodes, {label} replica counts: {why}"
            for scenario, label in ((0, "lowest"), (-1, "highest"))
            for why in (simulate_drain(workloads, budgets, node_count,
                                       scenario, f"node-{i}")
                        for i in range(1, node_count + 1))
            if why is not None][:1]
    return problems


@dataclasses.dataclass
class Peer:
    """One end of a connection for the NetworkPolicy checks."""
    name: str
    namespace: str
    labels: dict
    named_ports: dict  # container port name -> number
    roles: dict = dataclasses.field(default_factory=dict)  # grpc/metrics


def peer_selected(peer_spec, peer, policy_namespace):
    """A NetworkPolicyPeer against a pod (ipBlock selects no pod)."""
    if "ipBlock" in peer_spec:
        return False
    ns_selector = peer_spec.get("namespaceSelector")
    if ns_selector is None:
        ns_ok = peer.namespace == policy_namespace
    else:
        ns_ok = label_selector_selects(
            ns_selector, {"kubernetes.io/metadata.name": peer.namespace})
    pod_selector = peer_spec.get("podSelector")
    return ns_ok and (pod_selector is None or label_selector_selects(
        pod_selector, peer.labels))


def port_selected(port_spec, port, protocol, destination):
    if port_spec.get("protocol", "TCP") != protocol:
        return False
    value = port_spec.get("port")
    if value is None:
        return True
    if isinstance(value, str):
        value = destination.named_ports.get(value)
        return value == port
    return value <= port <= port_spec.get("endPort", value)


def policy_allows(policies, direction, subject, other, port, protocol,
                  destination):
    """Whether the NetworkPolicies of subject's namespace let `direction`
    ("Ingress"/"Egress") traffic between subject and other through."""
    applicable = []
    for pol in policies:
        spec = pol.get("spec") or {}
        types = spec.get("policyTypes") or (
            ["Ingress"] + (["Egress"] if "egress" in spec else []))
        if (pol["metadata"].get("namespace") == subject.namespace
                and direction in types and label_selector_selects(
                    spec.get("podSelector") or {}, subject.labels)):
            applicable.append(pol)
    if not applicable:
        return True
    key, peers_key = (("ingress", "from") if direction == "Ingress"
                      else ("egress", "to"))
    for pol in applicable:
        for rule in pol["spec"].get(key) or []:
            peers = rule.get(peers_key)
            if peers and not any(peer_selected(p, other,
                                               pol["metadata"]["namespace"])
                                 for p in peers):
                continue
            ports = rule.get("ports")
            if ports and not any(port_selected(p, port, protocol,
                                               destination) for p in ports):
                continue
            return True
    return False


def connection_allowed(policies, source, destination, port, protocol):
    return (policy_allows(policies, "Egress", source, destination, port,
                          protocol, destination)
            and policy_allows(policies, "Ingress", destination, source, port,
                              protocol, destination))


class Checker:
    """Checks one rendered overlay; problems collect in self.errors."""

    def __init__(self, overlay, docs, expectation, flags=None,
                 image_paths=None):
        self.overlay = overlay
        self.flags = flags
        self.image_paths = image_paths
        self.docs = docs
        self.expect = expectation
        self.errors = []
        self.by_kind = {}
        for d in docs:
            name = d.get("metadata", {}).get("name", "")
            self.by_kind.setdefault(d["kind"], {})[name] = d
        # Filled by check_workloads: (deployment, pod spec, container, info).
        self.containers = []

    def error(self, where, message):
        self.errors.append(f"[{self.overlay}] {where}: {message}")

    def objects(self, kind):
        return self.by_kind.get(kind, {})

    def run(self):
        if not self.objects("Deployment"):
            self.error("render", "no Deployment rendered")
        self.check_workloads()
        self.check_services()
        self.check_gateway_query_addr()
        self.check_ingest()
        if self.expect.store == "sqlite":
            self.check_store_colocation()
        else:
            self.check_postgres_store()
        self.check_autoscaling()
        self.check_spread()
        if self.expect.network_policies:
            self.check_network_policies()
        if self.expect.drain:
            for problem in simulate_drains(self.docs):
                self.error("drain", problem)
        return self.errors

    # ---- containers -------------------------------------------------------

    def container_env(self, where, container):
        """EVTRADE_* values the container gets, from envFrom and env."""
        env = {}
        for source in container.get("envFrom", []):
            ref = source.get("configMapRef")
            if ref is None:
                continue
            cm = self.objects("ConfigMap").get(ref.get("name"))
            if cm is None:
                self.error(where, f"envFrom ConfigMap {ref.get('name')!r} is "
                           "not rendered")
                continue
            prefix = source.get("prefix", "")
            for k, v in (cm.get("data") or {}).items():
                env[prefix + k] = str(v)
        for var in container.get("env", []):
            if "value" in var:
                env[var["name"]] = str(var["value"])
            elif "valueFrom" in var:
                env[var["name"]] = None  # Set, but not known statically.
        return env

    def check_workloads(self):
        for name, dep in sorted(self.objects("Deployment").items()):
            pod = dep.get("spec", {}).get("template", {})
            spec = pod.get("spec", {})
            containers = spec.get("containers", [])
            if not containers:
                self.error(f"Deployment/{name}", "no containers")
            if self.expect.replicas is not None:
                replicas = dep["spec"].get("replicas", 1)
                if replicas != self.expect.replicas:
                    self.error(f"Deployment/{name}",
                               f"replicas {replicas}, this overlay wants "
                               f"{self.expect.replicas}")
            for c in containers:
                self.check_container(dep, pod, c)

    def check_container(self, dep, pod, c):
        where = (f"Deployment/{dep['metadata']['name']} "
                 f"container {c.get('name')}")
        spec = pod.get("spec", {})
        command = c.get("command") or []
        binary = posixpath.basename(command[0]) if command else None
        info = BINARIES.get(binary)
        if info is None:
            self.error(where, f"command {command!r} does not run one of "
                       f"{sorted(BINARIES)}")
            return
        if self.image_paths is not None and command[0] not in self.image_paths:
            self.error(where, f"command {command[0]} is not installed by the "
                       f"Dockerfile (it installs {sorted(self.image_paths)})")
        env = self.container_env(where, c)
        known = (self.flags or {}).get(binary)
        if known is not None:
            for var in sorted(v for v in env if v.startswith("EVTRADE_")):
                if var not in known:
                    self.error(where, f"{var} sets no flag of {binary} (its "
                               f"flags: {', '.join(sorted(known))}); the "
                               "service would ignore it")

        ports = {}  # env var -> port
        for var in info["listen"]:
            value = env.get(var)
            if not value:
                self.error(where, f"{var} is not set: the default listens on "
                           "loopback, unreachable from probes and Services")
                continue
            host, port = parse_address(value)
            if port is None:
                self.error(where, f"{var}={value!r} is not host:port")
                continue
            if is_loopback(host):
                self.error(where, f"{var}={value!r} listens on loopback only")
            ports[var] = port
        self.containers.append((dep, pod, c, binary, env, ports))

        container_ports = {p.get("containerPort") for p in c.get("ports", [])}
        for var, port in ports.items():
            if port not in container_ports:
                self.error(where,
                           f"port {port} ({var}) is not a containerPort")
        for p in sorted(container_ports - set(ports.values()), key=str):
            self.error(where, f"containerPort {p} is no port the flags "
                       f"listen on ({sorted(ports.values())})")

        grpc_port = ports.get(info["grpc"])
        # A startupProbe is optional; if there is one, it probes the same.
        for probe_name in ("livenessProbe", "readinessProbe", "startupProbe"):
            probe = c.get(probe_name)
            if not probe:
                if probe_name != "startupProbe":
                    self.error(where, f"no {probe_name}")
                continue
            grpc = probe.get("grpc")
            if grpc is None:
                self.error(where, f"{probe_name} is not a native gRPC probe "
                           "(grpc: {port: N})")
                continue
            port = grpc.get("port")
            if not isinstance(port, int):
                self.error(where, f"{probe_name}.grpc.port {port!r} is not a "
                           "number")
            elif grpc_port is not None and port != grpc_port:
                self.error(where, f"{probe_name}.grpc.port {port} is not the "
                           f"gRPC port {grpc_port} ({info['grpc']}="
                           f"{env.get(info['grpc'])})")
            if grpc.get("service"):
                self.error(where, f"{probe_name}.grpc.service "
                           f"{grpc['service']!r}: probe the server's overall "
                           "health (empty service name)")

        resources = c.get("resources") or {}
        for kind in ("requests", "limits"):
            for res in ("cpu", "memory"):
                if res not in (resources.get(kind) or {}):
                    self.error(where, f"no resources.{kind}.{res}")

        pod_sc = spec.get("securityContext") or {}
        sc = c.get("securityContext") or {}
        non_root = sc.get("runAsNonRoot", pod_sc.get("runAsNonRoot"))
        if non_root is not True:
            self.error(where, "runAsNonRoot is not true")
        user = sc.get("runAsUser", pod_sc.get("runAsUser"))
        if user == 0:
            self.error(where, "runAsUser is 0 (root)")
        if sc.get("readOnlyRootFilesystem") is not True:
            self.error(where, "readOnlyRootFilesystem is not true")
        if sc.get("allowPrivilegeEscalation") is not False:
            self.error(where, "allowPrivilegeEscalation is not false")
        if "ALL" not in ((sc.get("capabilities") or {}).get("drop") or []):
            self.error(where, "capabilities.drop does not contain ALL")

        mounts = {m.get("mountPath"): m for m in c.get("volumeMounts", [])}
        if binary in STORE_BINARIES and self.expect.store == "sqlite":
            db = env.get("EVTRADE_DB")
            if not db or not db.startswith("/"):
                self.error(where, f"EVTRADE_DB={db!r}: set an absolute path "
                           "on the store volume")
            else:
                mount = mounts.get(posixpath.dirname(db))
                if mount is None:
                    self.error(where, f"the directory of EVTRADE_DB={db} is "
                               "not a volumeMount (root filesystem is "
                               "read-only)")
                elif mount.get("readOnly"):
                    self.error(where, f"the store mount {mount['mountPath']} "
                               "is readOnly: SQLite writes its -shm/-wal "
                               "files there")

        sleep = self.prestop_sleep(where, c)
        drain = env.get("EVTRADE_DRAIN_SECONDS") or DEFAULT_DRAIN_SECONDS
        try:
            drain = float(drain)
        except ValueError:
            self.error(where, f"EVTRADE_DRAIN_SECONDS={drain!r} not a number")
            drain = 0
        grace = spec.get("terminationGracePeriodSeconds",
                         DEFAULT_GRACE_SECONDS)
        needed = (sleep or 0) + drain + SHUTDOWN_TIMEOUT_SECONDS
        if sleep is not None and grace < needed:
            self.error(where, f"terminationGracePeriodSeconds {grace} < "
                       f"preStop {sleep}s + drain {drain:g}s + shutdown "
                       f"{SHUTDOWN_TIMEOUT_SECONDS}s: SIGKILL would cut "
                       "in-flight calls")

        annotations = pod.get("metadata", {}).get("annotations") or {}
        metrics_port = ports.get(info["metrics"])
        if annotations.get("prometheus.io/scrape") != "true":
            self.error(where, "pod lacks annotation prometheus.io/scrape: "
                       "\"true\"")
        elif metrics_port is not None and (
                annotations.get("prometheus.io/port") != str(metrics_port)):
            self.error(where, "annotation prometheus.io/port "
                       f"{annotations.get('prometheus.io/port')!r} is not the "
                       f"metrics port {metrics_port} ({info['metrics']})")

    def prestop_sleep(self, where, c):
        """The preStop pause in seconds, or None (after reporting why)."""
        pre = (c.get("lifecycle") or {}).get("preStop") or {}
        if "sleep" in pre:
            return int(pre["sleep"].get("seconds", 0))
        command = (pre.get("exec") or {}).get("command") or []
        if (len(command) == 2 and posixpath.basename(command[0]) == "sleep"
                and command[1].isdigit() and int(command[1]) > 0):
            return int(command[1])
        self.error(where, "no preStop pause (exec [sleep, N] or sleep: "
                   "{seconds: N}) to let endpoint removal reach clients")
        return None

    # ---- services ---------------------------------------------------------

    def pods_selected(self, selector):
        return [(dep, pod, c, binary, env, ports)
                for (dep, pod, c, binary, env, ports) in self.containers
                if selector_matches(selector,
                                    pod.get("metadata", {}).get("labels", {}))]

    def resolve_target_port(self, svc_port, container):
        """The container port a Service port reaches, or None."""
        target = svc_port.get("targetPort", svc_port.get("port"))
        for p in container.get("ports", []):
            if target == p.get("containerPort") or target == p.get("name"):
                return p.get("containerPort")
        return None

    def check_services(self):
        for name, svc in sorted(self.objects("Service").items()):
            where = f"Service/{name}"
            spec = svc.get("spec", {})
            selected = self.pods_selected(spec.get("selector"))
            if not selected:
                self.error(where, f"selector {spec.get('selector')} matches "
                           "no pod template")
                continue
            for sp in spec.get("ports", []):
                for dep, _, c, *_ in selected:
                    if self.resolve_target_port(sp, c) is None:
                        self.error(where, f"port {sp.get('name')} "
                                   f"targetPort {sp.get('targetPort')!r} is "
                                   f"no port of container {c.get('name')} "
                                   f"in Deployment/{dep['metadata']['name']}")

    def check_gateway_query_addr(self):
        for dep, _, c, binary, env, _ in self.containers:
            if binary != "gateway":
                continue
            where = (f"Deployment/{dep['metadata']['name']} "
                     f"container {c['name']}")
            addr = env.get("EVTRADE_QUERY_ADDR") or ""
            if not addr.startswith("dns:///"):
                self.error(where, f"EVTRADE_QUERY_ADDR={addr!r}: use "
                           "dns:///<headless service>:<port> so the gateway "
                           "resolves every query pod")
                continue
            host, port = parse_address(addr[len("dns:///"):])
            svc_name = host.split(".")[0]
            svc = self.objects("Service").get(svc_name)
            if svc is None or port is None:
                self.error(where, f"EVTRADE_QUERY_ADDR={addr!r}: no Service "
                           f"{svc_name!r} with a port")
                continue
            spec = svc.get("spec", {})
            if spec.get("clusterIP") != "None":
                self.error(where, f"Service/{svc_name} for EVTRADE_QUERY_ADDR "
                           "is not headless (clusterIP: None): one ClusterIP "
                           "connection would pin every RPC to one query pod")
            svc_ports = [p for p in spec.get("ports", [])
                         if p.get("port") == port]
            if not svc_ports:
                self.error(where, f"Service/{svc_name} has no port {port}")
                continue
            selected = self.pods_selected(spec.get("selector"))
            if not any(b == "query_service" for _, _, _, b, _, _ in selected):
                self.error(where, f"Service/{svc_name} selects no "
                           "query_service pod")
            for _, _, qc, qbinary, _, qports in selected:
                target = self.resolve_target_port(svc_ports[0], qc)
                if qbinary == "query_service" and target != qports.get(
                        "EVTRADE_LISTEN"):
                    self.error(where, f"Service/{svc_name} port {port} "
                               f"reaches {target}, not query's gRPC port "
                               f"{qports.get('EVTRADE_LISTEN')}")

    # ---- ingest, store, scaling -------------------------------------------

    def binary_deployments(self, binary):
        seen = {}
        for dep, pod, c, b, env, _ in self.containers:
            if b == binary:
                seen[dep["metadata"]["name"]] = (dep, pod, c, env)
        return list(seen.values())

    def check_ingest(self):
        ingest = self.binary_deployments("ingest_service")
        sqlite = self.expect.store == "sqlite"
        if len(ingest) != 1:
            self.error("ingest", f"{len(ingest)} Deployments run "
                       "ingest_service; there must be exactly one"
                       + (" writer" if sqlite else ""))
        for dep, pod, c, env in ingest:
            where = f"Deployment/{dep['metadata']['name']}"
            spec = dep.get("spec", {})
            if sqlite and spec.get("replicas", 1) != 1:
                self.error(where, f"replicas {spec.get('replicas')}: ingest "
                           "is one writer (replicas: 1)")
            if sqlite and (spec.get("strategy") or {}).get(
                    "type") != "Recreate":
                self.error(where, "strategy is not Recreate: a rollout would "
                           "run two writers")
            if not sqlite and spec.get("replicas",
                                       1) < MIN_INGEST_REPLICAS_HA:
                self.error(where, f"replicas {spec.get('replicas', 1)}: run "
                           f"at least {MIN_INGEST_REPLICAS_HA} writers, one "
                           "per node, so that losing a node keeps ingest up")
            self.check_token(where, pod, c, env)

    def check_token(self, where, pod, c, env):
        token_file = env.get("EVTRADE_TOKEN_FILE")
        if not token_file:
            self.error(where, "EVTRADE_TOKEN_FILE is not set")
            return
        mount_dir, file_name = posixpath.split(token_file)
        mount = next((m for m in c.get("volumeMounts", [])
                      if m.get("mountPath") == mount_dir), None)
        volumes = {v.get("name"): v for v in pod["spec"].get("volumes", [])}
        volume = volumes.get(mount.get("name")) if mount else None
        secret = (volume or {}).get("secret")
        if secret is None:
            self.error(where, f"EVTRADE_TOKEN_FILE={token_file}: its "
                       "directory is not a mounted Secret volume")
            return
        key = file_name
        if secret.get("items"):
            item = next((i for i in secret["items"]
                         if i.get("path") == file_name), None)
            if item is None:
                self.error(where, f"Secret volume items give no file "
                           f"{file_name!r}")
                return
            key = item.get("key")
        name = secret.get("secretName")
        rendered = self.objects("Secret").get(name)
        want = self.expect.token_secret_rendered
        if rendered is None and want:
            self.error(where, f"token Secret {name!r} is not rendered")
        if rendered is not None and want is False:
            self.error(where, f"token Secret {name!r} is rendered: this "
                       "overlay must not commit a token")
        if rendered is not None:
            keys = set(rendered.get("data") or {}) | set(
                rendered.get("stringData") or {})
            if key not in keys:
                self.error(where, f"Secret/{name} has no key {key!r} "
                           f"(has {sorted(keys)})")

    def check_store_colocation(self):
        store = [(b, d) for b in STORE_BINARIES
                 for d in self.binary_deployments(b)]
        claims = set()
        for binary, (dep, pod, c, env) in store:
            where = f"Deployment/{dep['metadata']['name']}"
            volumes = {v.get("name"): v
                       for v in pod["spec"].get("volumes", [])}
            db_dir = posixpath.dirname(env.get("EVTRADE_DB") or "")
            mount = next((m for m in c.get("volumeMounts", [])
                          if m.get("mountPath") == db_dir), None)
            pvc = (volumes.get(mount.get("name")) or {}).get(
                "persistentVolumeClaim") if mount else None
            if pvc is None:
                self.error(where, "the store directory is not a "
                           "PersistentVolumeClaim")
                continue
            claims.add(pvc.get("claimName"))
            # Required podAffinity on hostname to every other store pod.
            terms = (((pod["spec"].get("affinity") or {}).get("podAffinity")
                      or {}).get(
                          "requiredDuringSchedulingIgnoredDuringExecution")
                     or [])
            others = [p for _, (_, p, _, _) in store]
            if not any(
                    t.get("topologyKey") == "kubernetes.io/hostname" and all(
                        selector_matches(t.get("labelSelector"),
                                         o["metadata"].get("labels", {}))
                        for o in others) for t in terms):
                self.error(where, "no required podAffinity (topologyKey "
                           "kubernetes.io/hostname) matching every ingest "
                           "and query pod: SQLite's WAL needs them on one "
                           "node")
        if len(claims) > 1:
            self.error("store", f"ingest and query mount different claims "
                       f"{sorted(claims)}: they must share one store")
        for claim in claims:
            if claim not in self.objects("PersistentVolumeClaim"):
                self.error("store", f"PersistentVolumeClaim/{claim} is not "
                           "rendered")

    def check_autoscaling(self):
        hpas = self.objects("HorizontalPodAutoscaler")
        targets = {}
        for name, hpa in hpas.items():
            ref = hpa.get("spec", {}).get("scaleTargetRef", {})
            targets[ref.get("name")] = hpa
            if ref.get("kind") != "Deployment" or ref.get(
                    "name") not in self.objects("Deployment"):
                self.error(f"HorizontalPodAutoscaler/{name}",
                           f"scaleTargetRef {ref} is no rendered Deployment")
        for dep, *_ in self.binary_deployments("ingest_service"):
            if (self.expect.store == "sqlite"
                    and dep["metadata"]["name"] in targets):
                self.error(f"Deployment/{dep['metadata']['name']}",
                           "ingest is autoscaled: there must be one writer")
        if self.expect.hpa_owns_replicas:
            for name, hpa in sorted(targets.items()):
                dep = self.objects("Deployment").get(name)
                if dep is not None and "replicas" in dep["spec"]:
                    self.error(f"Deployment/{name}",
                               f"replicas {dep['spec']['replicas']} set "
                               "although HorizontalPodAutoscaler/"
                               f"{hpa['metadata']['name']} owns the count: "
                               "every apply would reset it")
        for name in self.expect.autoscaled:
            dep = self.objects("Deployment").get(name)
            if dep is None:
                self.error(f"Deployment/{name}", "not rendered")
                continue
            hpa = targets.get(name)
            if hpa is None:
                self.error(f"Deployment/{name}", "no HorizontalPodAutoscaler")
            elif hpa["spec"].get("minReplicas", 1) < 2:
                self.error(
                    f"HorizontalPodAutoscaler/{hpa['metadata']['name']}",
                    "minReplicas < 2: one pod is no scale-out")
            labels = dep["spec"]["template"]["metadata"].get("labels", {})
            if not any(
                    selector_matches(p.get("spec", {}).get("selector"), labels)
                    for p in self.objects("PodDisruptionBudget").values()):
                self.error(f"Deployment/{name}", "no PodDisruptionBudget "
                           "selects its pods")

    def has_budget(self, labels):
        return any(selector_matches(p.get("spec", {}).get("selector"), labels)
                   for p in self.objects("PodDisruptionBudget").values())

    def check_spread(self):
        for name in self.expect.spread:
            dep = self.objects("Deployment").get(name)
            if dep is None:
                self.error(f"Deployment/{name}", "not rendered")
                continue
            template = dep["spec"].get("template") or {}
            labels = (template.get("metadata") or {}).get("labels") or {}
            rules = hard_spread_rules(template.get("spec") or {})
            if not any(label_selector_selects(r[2] if r[0] == "skew"
                                              else r[1], labels)
                       for r in rules):
                self.error(f"Deployment/{name}", "not spread over nodes: add "
                           "a topologySpreadConstraint on "
                           f"{HOSTNAME_KEY} with whenUnsatisfiable: "
                           "DoNotSchedule (or a required podAntiAffinity) "
                           "selecting its pods")
            if name not in self.expect.autoscaled and not self.has_budget(
                    labels):
                self.error(f"Deployment/{name}", "no PodDisruptionBudget "
                           "selects its pods")

    # ---- PostgreSQL store -------------------------------------------------

    def secret_file(self, pod, c, path):
        """(Secret name, key) of the file `path` if it lies on a mounted
        Secret volume, else None."""
        if not path:
            return None
        mount_dir, file_name = posixpath.split(path)
        mount = next((m for m in c.get("volumeMounts", [])
                      if m.get("mountPath") == mount_dir), None)
        volumes = {v.get("name"): v for v in pod["spec"].get("volumes", [])}
        secret = (volumes.get(mount.get("name")) or {}).get(
            "secret") if mount else None
        if secret is None:
            return None
        key = file_name
        if secret.get("items"):
            item = next((i for i in secret["items"]
                         if i.get("path") == file_name), None)
            if item is None:
                return None
            key = item.get("key")
        return secret.get("secretName"), key

    def check_postgres_store(self):
        clusters = [d for d in self.docs if d["kind"] == "Cluster"
                    and d.get("apiVersion") == CNPG_API_VERSION]
        if len(clusters) != 1:
            self.error("store", f"{len(clusters)} CloudNativePG Clusters "
                       f"({CNPG_API_VERSION}) rendered; the PostgreSQL store "
                       "needs exactly one")
            return
        cluster = clusters[0]
        name = cluster["metadata"]["name"]
        spec = cluster.get("spec") or {}
        where = f"Cluster/{name}"
        instances = spec.get("instances", 1)
        if instances < MIN_PG_INSTANCES:
            self.error(where, f"instances {instances}: a primary and hot "
                       f"standbys need at least {MIN_PG_INSTANCES}")
        if not cluster_spread_rules(cluster):
            self.error(where, "instances not spread over nodes: set "
                       "affinity.enablePodAntiAffinity with "
                       "podAntiAffinityType: required and topologyKey "
                       f"{HOSTNAME_KEY} (or DoNotSchedule "
                       "topologySpreadConstraints)")
        if not (spec.get("storage") or {}).get("size"):
            self.error(where, "no storage.size")
        resources = spec.get("resources") or {}
        for kind in ("requests", "limits"):
            for res in ("cpu", "memory"):
                if res not in (resources.get(kind) or {}):
                    self.error(where, f"no resources.{kind}.{res}")
        initdb = (spec.get("bootstrap") or {}).get("initdb") or {}
        if (initdb.get("database"), initdb.get("owner")) != (PG_DATABASE,
                                                             PG_OWNER):
            self.error(where, "bootstrap.initdb creates database "
                       f"{initdb.get('database')!r} owned by "
                       f"{initdb.get('owner')!r}; the services use "
                       f"{PG_DATABASE!r} owned by {PG_OWNER!r}")
        if spec.get("enablePDB") is False:
            self.error(where, "enablePDB is false: a drain would stop the "
                       "primary without a switchover")
        for binary in STORE_BINARIES:
            for dep, pod, c, env in self.binary_deployments(binary):
                self.check_pg_connection(dep, pod, c, env, binary, name)
        for pvc_name, pvc in sorted(
                self.objects("PersistentVolumeClaim").items()):
            if "ReadWriteOnce" in (pvc.get("spec") or {}).get(
                    "accessModes", []):
                self.error(f"PersistentVolumeClaim/{pvc_name}",
                           "ReadWriteOnce ties its pods to one node; the "
                           "services need no volume on PostgreSQL")
        for dep_name, dep in sorted(self.objects("Deployment").items()):
            spec = (dep["spec"].get("template") or {}).get("spec") or {}
            for v in spec.get("volumes") or []:
                if "persistentVolumeClaim" in v:
                    self.error(f"Deployment/{dep_name}", "mounts "
                               "PersistentVolumeClaim "
                               f"{v['persistentVolumeClaim'].get('claimName')}"
                               ": its pods would follow a node's volume")
            if required_pod_affinity(spec):
                self.error(f"Deployment/{dep_name}", "required podAffinity "
                           "pins its pods next to others; the PostgreSQL "
                           "store needs none")

    def check_pg_connection(self, dep, pod, c, env, binary, cluster):
        where = (f"Deployment/{dep['metadata']['name']} "
                 f"container {c.get('name')}")
        uri = env.get("EVTRADE_DB") or ""
        parsed = urllib.parse.urlsplit(uri)
        if parsed.scheme not in ("postgresql", "postgres"):
            self.error(where, f"EVTRADE_DB={uri!r} is not a libpq URI "
                       "(postgresql://host:port/dbname?...)")
            return
        service = cluster + PG_SERVICE_SUFFIX[binary]
        host = parsed.hostname or ""
        if host.split(".")[0] != service:
            role = ("the primary" if service.endswith("-rw")
                    else "the hot standbys")
            self.error(where, f"EVTRADE_DB host {host!r}: {binary} uses "
                       f"{service} ({role})")
        if parsed.port not in (None, PG_PORT):
            self.error(where, f"EVTRADE_DB port {parsed.port}: PostgreSQL "
                       f"listens on {PG_PORT}")
        if parsed.path.lstrip("/") != PG_DATABASE:
            self.error(where, f"EVTRADE_DB database "
                       f"{parsed.path.lstrip('/')!r} is not {PG_DATABASE!r}")
        params = urllib.parse.parse_qs(parsed.query)
        secret = f"{cluster}-app"
        if parsed.password is not None or "password" in params:
            self.error(where, "EVTRADE_DB carries a password: take it from "
                       f"the Secret {secret} (PGPASSWORD or "
                       "EVTRADE_DB_PASSWORD_FILE)")
        env_vars = {e.get("name"): e for e in c.get("env") or []}

        def from_secret(var, key):
            ref = ((env_vars.get(var) or {}).get("valueFrom") or {}).get(
                "secretKeyRef") or {}
            return (ref.get("name"), ref.get("key")) == (secret, key)

        if parsed.username:
            if parsed.username != PG_OWNER:
                self.error(where, f"EVTRADE_DB user {parsed.username!r} is "
                           f"not the database owner {PG_OWNER!r}")
        elif not from_secret("PGUSER", "username"):
            self.error(where, f"no database user: PGUSER from the Secret "
                       f"{secret} (key username), or {PG_OWNER}@ in "
                       "EVTRADE_DB")
        if not (from_secret("PGPASSWORD", "password") or self.secret_file(
                pod, c, env.get("EVTRADE_DB_PASSWORD_FILE")) == (secret,
                                                                 "password")):
            self.error(where, "no database password from the Secret "
                       f"{secret} (key password): set PGPASSWORD from a "
                       "secretKeyRef, or EVTRADE_DB_PASSWORD_FILE to a file "
                       "of a Secret volume")
        root_cert = (params.get("sslrootcert") or [None])[0]
        if root_cert and self.secret_file(pod, c, root_cert) is None:
            self.error(where, f"sslrootcert {root_cert} is no file of a "
                       "mounted Secret volume")

    # ---- network policies -------------------------------------------------

    def network_peers(self):
        peers = {name: Peer(name, ns, labels, ports)
                 for name, (ns, labels, ports) in EXTERNAL_PEERS.items()}
        for dep, pod, c, binary, env, ports in self.containers:
            info = BINARIES[binary]
            peers[SERVICE_PEERS[binary]] = Peer(
                SERVICE_PEERS[binary],
                dep["metadata"].get("namespace", "default"),
                pod.get("metadata", {}).get("labels") or {},
                {p["name"]: p.get("containerPort")
                 for p in c.get("ports", []) if "name" in p},
                {"grpc": ports.get(info["grpc"]),
                 "metrics": ports.get(info["metrics"])})
        for d in self.docs:
            if d["kind"] == "Cluster" and d.get(
                    "apiVersion") == CNPG_API_VERSION:
                for role in ("primary", "replica"):
                    peers[f"postgres-{role}"] = Peer(
                        f"postgres-{role}",
                        d["metadata"].get("namespace", "default"),
                        pg_pod_labels(d["metadata"]["name"], role),
                        PG_POD_PORTS)
        return peers

    def check_network_policies(self):
        policies = list(self.objects("NetworkPolicy").values())
        if not any((p.get("spec") or {}).get("podSelector") == {}
                   and "Ingress" in (p["spec"].get("policyTypes") or [])
                   and not p["spec"].get("ingress") for p in policies):
            self.error("NetworkPolicy", "no default-deny ingress policy "
                       "(podSelector: {}, policyTypes: [Ingress], no ingress "
                       "rules)")
        peers = self.network_peers()
        missing = set()
        for expected, connections in ((True, NETWORK_ALLOWED),
                                      (False, NETWORK_DENIED)):
            for source, destination, port, protocol in connections:
                src, dst = peers.get(source), peers.get(destination)
                if src is None or dst is None:
                    missing |= {n for n in (source, destination)
                                if n not in peers}
                    continue
                number = (dst.roles.get(port) if isinstance(port, str)
                          else port)
                allowed = connection_allowed(policies, src, dst, number,
                                             protocol)
                if allowed != expected:
                    verdict = {True: "allowed", False: "blocked"}
                    self.error("NetworkPolicy", f"{source} -> {destination} "
                               f"port {number}/{protocol} is "
                               f"{verdict[allowed]}; it must be "
                               f"{verdict[expected]}")
        for name in sorted(missing):
            self.error("NetworkPolicy", f"no {name} pods to check")


def check_overlay(overlay, docs, flags=None, image_paths=None):
    """Problems with one rendered overlay (empty list = passes). `flags` as
    from source_flags(), `image_paths` as from image_binaries(); None skips
    that check."""
    return Checker(overlay, docs, EXPECTATIONS.get(overlay, Expectation()),
                   flags, image_paths).run()


def overlay_dirs(k8s_dir):
    root = os.path.join(k8s_dir, "overlays")
    found = sorted(
        d for d in os.listdir(root)
        if os.path.isfile(os.path.join(root, d, "kustomization.yaml")))
    return {d: os.path.join(root, d) for d in found}


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--k8s-dir", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "k8s"))
    parser.add_argument("--kubectl", help="default: $KUBECTL, then PATH")
    args = parser.parse_args(argv)
    try:
        kubectl = find_kubectl(args.kubectl)
        overlays = overlay_dirs(args.k8s_dir)
        repo_root = os.path.dirname(os.path.abspath(args.k8s_dir))
        flags = source_flags(repo_root)
        if flags is None:
            print("flag names not checked: a service main.cc is missing")
        image_paths = image_binaries(repo_root)
        if image_paths is None:
            print("commands not checked against the image: no Dockerfile")
        errors = [f"overlay {o!r} is missing from {args.k8s_dir}/overlays"
                  for o in REQUIRED_OVERLAYS if o not in overlays]
        for name, path in overlays.items():
            problems = check_overlay(name, render(kubectl, path), flags,
                                     image_paths)
            print(f"{name}: {'ok' if not problems else 'FAILED'}")
            errors += problems
    except (RenderError, OSError, subprocess.TimeoutExpired) as e:
        print(f"check_manifests: {e}", file=sys.stderr)
        return 2
    for e in errors:
        print(e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
