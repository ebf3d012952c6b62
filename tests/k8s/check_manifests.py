#!/usr/bin/python3
"""Structural checks of the evtrade Kubernetes manifests (k8s/).

Renders every overlay in k8s/overlays with `kubectl kustomize` and checks the
rendered objects against what the services need (DESIGN.md "Running"):

  * every container runs one of our binaries, at the path where the
    Dockerfile installs it, and listens, per its flags
    (EVTRADE_<FLAG> variables from ConfigMaps/env), on non-loopback ports;
    each such port is a containerPort and every containerPort is one of them;
  * native gRPC liveness and readiness probes on the --listen port;
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
  * ingest: one replica, Recreate, not autoscaled; ingest and query share the
    store claim and are pinned to one node by required podAffinity;
  * per overlay expectations (EXPECTATIONS): dev has one replica each and its
    token Secret; prod has HPAs and PodDisruptionBudgets for gateway and query.

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


EXPECTATIONS = {
    "dev": Expectation(token_secret_rendered=True, replicas=1),
    "prod": Expectation(token_secret_rendered=False,
                        autoscaled=("gateway", "query-service")),
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
        self.check_store_colocation()
        self.check_autoscaling()
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
        for probe_name in ("livenessProbe", "readinessProbe"):
            probe = c.get(probe_name)
            if not probe:
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
        if binary in STORE_BINARIES:
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
        if len(ingest) != 1:
            self.error("ingest", f"{len(ingest)} Deployments run "
                       "ingest_service; there must be exactly one writer")
        for dep, pod, c, env in ingest:
            where = f"Deployment/{dep['metadata']['name']}"
            spec = dep.get("spec", {})
            if spec.get("replicas", 1) != 1:
                self.error(where, f"replicas {spec.get('replicas')}: ingest "
                           "is one writer (replicas: 1)")
            if (spec.get("strategy") or {}).get("type") != "Recreate":
                self.error(where, "strategy is not Recreate: a rollout would "
                           "run two writers")
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
            if dep["metadata"]["name"] in targets:
                self.error(f"Deployment/{dep['metadata']['name']}",
                           "ingest is autoscaled: there must be one writer")
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
