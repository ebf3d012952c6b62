#!/usr/bin/python3
"""Proves check_manifests.py can fail: each test breaks one rule in a copy of
the rendered overlays (or, end to end, in a copy of k8s/ on disk) and expects
the exact message for it; the committed overlays must pass untouched."""

import copy
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_manifests as cm  # noqa: E402

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      "check_manifests.py")
K8S_DIR = os.environ.get("EVTRADE_K8S_DIR") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "k8s")


def find(docs, kind, name):
    for d in docs:
        if d["kind"] == kind and d["metadata"]["name"] == name:
            return d
    raise KeyError(f"{kind}/{name}")


def container(docs, name):
    return find(docs, "Deployment", name)["spec"]["template"]["spec"][
        "containers"][0]


def configmap(docs, prefix):
    """A generated ConfigMap (its name carries a hash suffix)."""
    for d in docs:
        name = d["metadata"]["name"]
        if (d["kind"] == "ConfigMap" and name.startswith(prefix + "-")
                and len(name) == len(prefix) + 11):
            return d
    raise KeyError(f"ConfigMap/{prefix}-<hash>")


class CheckManifestsTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        kubectl = cm.find_kubectl(None)
        overlays = cm.overlay_dirs(K8S_DIR)
        cls.rendered = {o: cm.render(kubectl, overlays[o]) for o in ("dev",
                                                                     "prod")}

    def broken(self, overlay, mutate):
        """Errors for `overlay` after mutate(docs) on a deep copy."""
        docs = copy.deepcopy(self.rendered[overlay])
        mutate(docs)
        return cm.check_overlay(overlay, docs)

    def assertFails(self, overlay, mutate, *expected):
        errors = self.broken(overlay, mutate)
        for message in expected:
            self.assertIn(message, errors)
        # Nothing else broke: one mutation, the listed messages only.
        self.assertEqual(sorted(errors), sorted(expected))

    def test_committed_overlays_pass(self):
        for overlay, docs in self.rendered.items():
            with self.subTest(overlay=overlay):
                self.assertEqual(cm.check_overlay(overlay, docs), [])

    def test_missing_readiness_probe(self):
        self.assertFails(
            "dev", lambda d: container(d, "query-service").pop(
                "readinessProbe"),
            "[dev] Deployment/query-service container query-service: "
            "no readinessProbe")

    def test_liveness_probe_on_wrong_port(self):
        def mutate(d):
            container(d, "gateway")["livenessProbe"]["grpc"]["port"] = 8080
        self.assertFails(
            "prod", mutate,
            "[prod] Deployment/gateway container gateway: livenessProbe.grpc."
            "port 8080 is not the gRPC port 50050 "
            "(EVTRADE_LISTEN=0.0.0.0:50050)")

    def test_http_probe_is_not_grpc(self):
        def mutate(d):
            container(d, "ingest-service")["readinessProbe"] = {
                "httpGet": {"port": 9091, "path": "/metrics"}}
        self.assertFails(
            "dev", mutate,
            "[dev] Deployment/ingest-service container ingest-service: "
            "readinessProbe is not a native gRPC probe (grpc: {port: N})")

    def test_listen_flag_moved_away_from_probes_and_ports(self):
        def mutate(d):
            configmap(d, "query-service-config")["data"][
                "EVTRADE_LISTEN"] = "0.0.0.0:50099"
        where = "[dev] Deployment/query-service container query-service: "
        errors = self.broken("dev", mutate)
        for message in (
                where + "port 50099 (EVTRADE_LISTEN) is not a containerPort",
                where + "containerPort 50052 is no port the flags listen on "
                "([9092, 50099])",
                where + "livenessProbe.grpc.port 50052 is not the gRPC port "
                "50099 (EVTRADE_LISTEN=0.0.0.0:50099)",
                where + "readinessProbe.grpc.port 50052 is not the gRPC port "
                "50099 (EVTRADE_LISTEN=0.0.0.0:50099)",
                "[dev] Deployment/gateway container gateway: Service/"
                "query-headless port 50052 reaches 50052, not query's gRPC "
                "port 50099"):
            self.assertIn(message, errors)
        self.assertEqual(len(errors), 5, errors)

    def test_loopback_listen(self):
        def mutate(d):
            configmap(d, "ingest-service-config")["data"][
                "EVTRADE_METRICS_LISTEN"] = "127.0.0.1:9091"
        self.assertFails(
            "dev", mutate,
            "[dev] Deployment/ingest-service container ingest-service: "
            "EVTRADE_METRICS_LISTEN='127.0.0.1:9091' listens on loopback only")

    def test_missing_memory_limit(self):
        self.assertFails(
            "prod", lambda d: container(d, "ingest-service")["resources"][
                "limits"].pop("memory"),
            "[prod] Deployment/ingest-service container ingest-service: "
            "no resources.limits.memory")

    def test_security_context(self):
        def mutate(d):
            sc = container(d, "gateway")["securityContext"]
            sc["runAsNonRoot"] = False
            sc.pop("readOnlyRootFilesystem")
            sc["allowPrivilegeEscalation"] = True
            sc["capabilities"]["drop"] = ["NET_RAW"]
        where = "[dev] Deployment/gateway container gateway: "
        self.assertFails("dev", mutate,
                         where + "runAsNonRoot is not true",
                         where + "readOnlyRootFilesystem is not true",
                         where + "allowPrivilegeEscalation is not false",
                         where + "capabilities.drop does not contain ALL")

    def test_read_only_store_mount(self):
        def mutate(d):
            for m in container(d, "query-service")["volumeMounts"]:
                if m["name"] == "store":
                    m["readOnly"] = True
        self.assertFails(
            "dev", mutate,
            "[dev] Deployment/query-service container query-service: the "
            "store mount /var/lib/evtrade is readOnly: SQLite writes its "
            "-shm/-wal files there")

    def test_grace_period_shorter_than_drain(self):
        def mutate(d):
            find(d, "Deployment", "gateway")["spec"]["template"]["spec"][
                "terminationGracePeriodSeconds"] = 19
        self.assertFails(
            "dev", mutate,
            "[dev] Deployment/gateway container gateway: "
            "terminationGracePeriodSeconds 19 < preStop 5s + drain 5s + "
            "shutdown 10s: SIGKILL would cut in-flight calls")

    def test_prometheus_port_annotation(self):
        def mutate(d):
            find(d, "Deployment", "gateway")["spec"]["template"]["metadata"][
                "annotations"]["prometheus.io/port"] = "50050"
        self.assertFails(
            "dev", mutate,
            "[dev] Deployment/gateway container gateway: annotation "
            "prometheus.io/port '50050' is not the metrics port 8080 "
            "(EVTRADE_HTTP_LISTEN)")

    def test_service_target_port(self):
        def mutate(d):
            find(d, "Service", "gateway")["spec"]["ports"][1][
                "targetPort"] = 8081
        self.assertFails(
            "dev", mutate,
            "[dev] Service/gateway: port http targetPort 8081 is no port of "
            "container gateway in Deployment/gateway")

    def test_query_service_not_headless(self):
        self.assertFails(
            "prod", lambda d: find(d, "Service", "query-headless")[
                "spec"].pop("clusterIP"),
            "[prod] Deployment/gateway container gateway: Service/"
            "query-headless for EVTRADE_QUERY_ADDR is not headless (clusterIP:"
            " None): one ClusterIP connection would pin every RPC to one "
            "query pod")

    def test_query_addr_without_dns_scheme(self):
        def mutate(d):
            configmap(d, "gateway-config")["data"][
                "EVTRADE_QUERY_ADDR"] = "query-headless:50052"
        self.assertFails(
            "dev", mutate,
            "[dev] Deployment/gateway container gateway: EVTRADE_QUERY_ADDR="
            "'query-headless:50052': use dns:///<headless service>:<port> so "
            "the gateway resolves every query pod")

    def test_ingest_one_writer(self):
        def mutate(d):
            spec = find(d, "Deployment", "ingest-service")["spec"]
            spec["replicas"] = 2
            spec["strategy"] = {"type": "RollingUpdate"}
        self.assertFails(
            "prod", mutate,
            "[prod] Deployment/ingest-service: replicas 2: ingest is one "
            "writer (replicas: 1)",
            "[prod] Deployment/ingest-service: strategy is not Recreate: a "
            "rollout would run two writers")

    def test_token_file_not_from_secret(self):
        def mutate(d):
            configmap(d, "ingest-service-config")["data"][
                "EVTRADE_TOKEN_FILE"] = "/var/lib/evtrade/ingest.token"
        self.assertFails(
            "dev", mutate,
            "[dev] Deployment/ingest-service: EVTRADE_TOKEN_FILE=/var/lib/"
            "evtrade/ingest.token: its directory is not a mounted Secret "
            "volume")

    def test_token_secret(self):
        secret = lambda d: find(d, "Secret", "evtrade-ingest-token")
        self.assertFails(
            "dev", lambda d: d.remove(secret(d)),
            "[dev] Deployment/ingest-service: token Secret "
            "'evtrade-ingest-token' is not rendered")
        self.assertFails(
            "dev", lambda d: secret(d)["stringData"].update(
                {"tok": secret(d)["stringData"].pop("token")}),
            "[dev] Deployment/ingest-service: Secret/evtrade-ingest-token has "
            "no key 'token' (has ['tok'])")
        dev_secret = secret(self.rendered["dev"])
        self.assertFails(
            "prod", lambda d: d.append(copy.deepcopy(dev_secret)),
            "[prod] Deployment/ingest-service: token Secret "
            "'evtrade-ingest-token' is rendered: this overlay must not commit "
            "a token")

    def test_store_pods_not_pinned_to_one_node(self):
        self.assertFails(
            "prod", lambda d: find(d, "Deployment", "query-service")["spec"][
                "template"]["spec"].pop("affinity"),
            "[prod] Deployment/query-service: no required podAffinity "
            "(topologyKey kubernetes.io/hostname) matching every ingest and "
            "query pod: SQLite's WAL needs them on one node")

    def test_prod_autoscaling_and_disruption_budgets(self):
        self.assertFails(
            "prod", lambda d: d.remove(
                find(d, "HorizontalPodAutoscaler", "gateway")),
            "[prod] Deployment/gateway: no HorizontalPodAutoscaler")
        self.assertFails(
            "prod", lambda d: d.remove(
                find(d, "PodDisruptionBudget", "query-service")),
            "[prod] Deployment/query-service: no PodDisruptionBudget selects "
            "its pods")

    def test_dev_replicas(self):
        def mutate(d):
            find(d, "Deployment", "gateway")["spec"]["replicas"] = 3
        self.assertFails(
            "dev", mutate,
            "[dev] Deployment/gateway: replicas 3, this overlay wants 1")

    def test_misspelt_flag_variable(self):
        # source_flags reads ABSL_FLAG definitions from a repo's sources.
        with tempfile.TemporaryDirectory() as repo:
            for binary, names in (
                    ("ingest_service", "listen db token_file metrics_listen"),
                    ("query_service", "listen db metrics_listen"),
                    ("gateway", "listen query_addr http_listen")):
                os.makedirs(os.path.join(repo, binary))
                with open(os.path.join(repo, binary, "main.cc"), "w") as f:
                    f.write("".join(
                        f'ABSL_FLAG(std::string, {n},\n    "", "");\n'
                        for n in names.split()))
            os.makedirs(os.path.join(repo, "common", "server"))
            common_cc = os.path.join(repo, "common", "server", "f.cc")
            with open(common_cc, "w") as f:
                f.write("ABSL_FLAG(double, drain_seconds, 1, \"\");\n"
                        "ABSL_FLAG(std::string, log_level, \"info\", \"\");\n")
            flags = cm.source_flags(repo)
            self.assertEqual(flags["query_service"], {
                "EVTRADE_LISTEN", "EVTRADE_DB", "EVTRADE_METRICS_LISTEN",
                "EVTRADE_DRAIN_SECONDS", "EVTRADE_LOG_LEVEL"})
            for overlay, docs in self.rendered.items():
                self.assertEqual(cm.check_overlay(overlay, docs, flags), [])
            docs = copy.deepcopy(self.rendered["dev"])
            configmap(docs, "gateway-config")["data"][
                "EVTRADE_HTTP_LISTENER"] = "0.0.0.0:8081"
            self.assertEqual(cm.check_overlay("dev", docs, flags), [
                "[dev] Deployment/gateway container gateway: "
                "EVTRADE_HTTP_LISTENER sets no flag of gateway (its flags: "
                "EVTRADE_DRAIN_SECONDS, EVTRADE_HTTP_LISTEN, EVTRADE_LISTEN, "
                "EVTRADE_LOG_LEVEL, EVTRADE_QUERY_ADDR); the service would "
                "ignore it"])

    def test_commands_match_the_image(self):
        with tempfile.TemporaryDirectory() as repo:
            with open(os.path.join(repo, "Dockerfile"), "w") as f:
                f.write("FROM debian:bookworm AS build\n"
                        "COPY --from=other /x/tool /usr/bin/\n"
                        "FROM debian:bookworm-slim\n"
                        "COPY --from=build /src/build/bin/ingest_service \\\n"
                        "     /src/build/bin/query_service /opt/bin/\n"
                        "COPY --from=build /src/build/bin/gw "
                        "/opt/bin/gateway\n")
            paths = cm.image_binaries(repo)
        self.assertEqual(paths, {"/opt/bin/ingest_service",
                                 "/opt/bin/query_service", "/opt/bin/gateway"})
        real = cm.image_binaries(os.path.dirname(os.path.abspath(K8S_DIR)))
        for overlay, docs in self.rendered.items():
            self.assertEqual(
                cm.check_overlay(overlay, docs, image_paths=real), [])
        docs = copy.deepcopy(self.rendered["prod"])
        container(docs, "gateway")["command"] = ["/usr/bin/gateway"]
        self.assertEqual(cm.check_overlay("prod", docs, image_paths=real), [
            "[prod] Deployment/gateway container gateway: command "
            "/usr/bin/gateway is not installed by the Dockerfile (it installs "
            "['/usr/local/bin/evtrade', '/usr/local/bin/gateway', "
            "'/usr/local/bin/ingest_service', "
            "'/usr/local/bin/query_service'])"])

    def run_script(self, k8s_dir):
        return subprocess.run(
            [sys.executable, SCRIPT, "--k8s-dir", k8s_dir],
            capture_output=True, text=True, timeout=120)

    def test_broken_copy_on_disk_fails_end_to_end(self):
        # A base manifest edited on disk: both overlays render it, and the
        # script exits 1 naming the probe in each.
        with tempfile.TemporaryDirectory() as tmp:
            k8s = os.path.join(tmp, "k8s")
            shutil.copytree(K8S_DIR, k8s)
            path = os.path.join(k8s, "base", "query-service.yaml")
            with open(path) as f:
                text = f.read()
            probe = "readinessProbe:\n            grpc:\n              port: "
            self.assertEqual(text.count(probe + "50052"), 1)
            with open(path, "w") as f:
                f.write(text.replace(probe + "50052", probe + "50051"))
            proc = self.run_script(k8s)
            self.assertEqual(proc.returncode, 1, proc.stderr)
            self.assertEqual(proc.stdout.splitlines()[-2:],
                             ["dev: FAILED", "prod: FAILED"])
            self.assertEqual(proc.stderr.splitlines(), [
                f"[{o}] Deployment/query-service container query-service: "
                "readinessProbe.grpc.port 50051 is not the gRPC port 50052 "
                "(EVTRADE_LISTEN=0.0.0.0:50052)" for o in ("dev", "prod")])

    def test_unrenderable_overlay_and_missing_overlay(self):
        with tempfile.TemporaryDirectory() as tmp:
            k8s = os.path.join(tmp, "k8s")
            shutil.copytree(K8S_DIR, k8s)
            shutil.rmtree(os.path.join(k8s, "overlays", "prod"))
            proc = self.run_script(k8s)
            self.assertEqual(proc.returncode, 1, proc.stderr)
            self.assertIn(f"overlay 'prod' is missing from {k8s}/overlays",
                          proc.stderr)
            os.remove(os.path.join(k8s, "base", "gateway.yaml"))
            proc = self.run_script(k8s)
            self.assertEqual(proc.returncode, 2, proc.stderr)
            self.assertIn("check_manifests: kubectl kustomize "
                          f"{k8s}/overlays/dev failed", proc.stderr)


if __name__ == "__main__":
    unittest.main()
