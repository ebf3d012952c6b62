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
        cls.rendered = {o: cm.render(kubectl, overlays[o])
                        for o in ("dev", "prod", "ha")}

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

    def test_startup_probe_on_wrong_port(self):
        def mutate(d):
            container(d, "query-service")["startupProbe"]["grpc"][
                "port"] = 9092
        self.assertFails(
            "ha", mutate,
            "[ha] Deployment/query-service container query-service: "
            "startupProbe.grpc.port 9092 is not the gRPC port 50052 "
            "(EVTRADE_LISTEN=0.0.0.0:50052)")

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

    # ---- ha: PostgreSQL across nodes --------------------------------------

    def test_ha_cluster_instances(self):
        # One instance: no standby to switch over to, so the operator's
        # primary budget blocks every drain of its node.
        self.assertFails(
            "ha", lambda d: find(d, "Cluster", "evtrade-db")["spec"].update(
                instances=1),
            "[ha] Cluster/evtrade-db: instances 1: a primary and hot standbys "
            "need at least 3",
            *(f"[ha] drain: {n} nodes, lowest replica counts: draining "
              "node-1 never finishes: PodDisruptionBudget/evtrade-db-primary "
              "allows no eviction" for n in (3, 4, 5)))

    def test_ha_cluster_spread_only_preferred(self):
        self.assertFails(
            "ha", lambda d: find(d, "Cluster", "evtrade-db")["spec"][
                "affinity"].update(podAntiAffinityType="preferred"),
            "[ha] Cluster/evtrade-db: instances not spread over nodes: set "
            "affinity.enablePodAntiAffinity with podAntiAffinityType: "
            "required and topologyKey kubernetes.io/hostname (or "
            "DoNotSchedule topologySpreadConstraints)")

    def test_ha_cluster_bootstrap_storage_resources_budgets(self):
        def mutate(d):
            spec = find(d, "Cluster", "evtrade-db")["spec"]
            spec["bootstrap"]["initdb"]["owner"] = "app"
            spec["resources"].pop("limits")
            spec["storage"].pop("size")
            spec["enablePDB"] = False
        self.assertFails(
            "ha", mutate,
            "[ha] Cluster/evtrade-db: no storage.size",
            "[ha] Cluster/evtrade-db: no resources.limits.cpu",
            "[ha] Cluster/evtrade-db: no resources.limits.memory",
            "[ha] Cluster/evtrade-db: bootstrap.initdb creates database "
            "'evtrade' owned by 'app'; the services use 'evtrade' owned by "
            "'evtrade'",
            "[ha] Cluster/evtrade-db: enablePDB is false: a drain would stop "
            "the primary without a switchover")

    def test_ha_no_cluster(self):
        self.assertFails(
            "ha", lambda d: d.remove(find(d, "Cluster", "evtrade-db")),
            "[ha] store: 0 CloudNativePG Clusters (postgresql.cnpg.io/v1) "
            "rendered; the PostgreSQL store needs exactly one",
            "[ha] NetworkPolicy: no postgres-primary pods to check",
            "[ha] NetworkPolicy: no postgres-replica pods to check")

    def test_ha_ingest_one_writer_is_not_enough(self):
        self.assertFails(
            "ha", lambda d: find(d, "Deployment", "ingest-service")[
                "spec"].update(replicas=1),
            "[ha] Deployment/ingest-service: replicas 1: run at least 2 "
            "writers, one per node, so that losing a node keeps ingest up")

    def test_ha_replicas_where_hpa_owns_them(self):
        self.assertFails(
            "ha", lambda d: find(d, "Deployment", "query-service")[
                "spec"].update(replicas=2),
            "[ha] Deployment/query-service: replicas 2 set although "
            "HorizontalPodAutoscaler/query-service owns the count: every "
            "apply would reset it")

    def test_ha_password_in_uri(self):
        def mutate(d):
            data = configmap(d, "ingest-service-config")["data"]
            data["EVTRADE_DB"] = data["EVTRADE_DB"].replace(
                "postgresql://", "postgresql://evtrade:s3cret@")
        self.assertFails(
            "ha", mutate,
            "[ha] Deployment/ingest-service container ingest-service: "
            "EVTRADE_DB carries a password: take it from the Secret "
            "evtrade-db-app (PGPASSWORD or EVTRADE_DB_PASSWORD_FILE)")

    def test_ha_password_not_from_the_operators_secret(self):
        def mutate(d):
            env = {e["name"]: e for e in container(d, "query-service")["env"]}
            env["PGPASSWORD"]["valueFrom"]["secretKeyRef"][
                "name"] = "evtrade-db-superuser"
        self.assertFails(
            "ha", mutate,
            "[ha] Deployment/query-service container query-service: no "
            "database password from the Secret evtrade-db-app (key "
            "password): set PGPASSWORD from a secretKeyRef, or "
            "EVTRADE_DB_PASSWORD_FILE to a file of a Secret volume")

    def test_ha_password_file_from_the_operators_secret_passes(self):
        def mutate(d):
            spec = find(d, "Deployment", "ingest-service")["spec"][
                "template"]["spec"]
            c = spec["containers"][0]
            c["env"] = [e for e in c["env"] if e["name"] != "PGPASSWORD"]
            c["env"].append({"name": "EVTRADE_DB_PASSWORD_FILE",
                             "value": "/etc/evtrade/db/password"})
            c["volumeMounts"].append({"name": "db", "readOnly": True,
                                      "mountPath": "/etc/evtrade/db"})
            spec["volumes"].append({"name": "db", "secret": {
                "secretName": "evtrade-db-app"}})
        self.assertEqual(self.broken("ha", mutate), [])

    def test_ha_query_on_the_primary(self):
        def mutate(d):
            data = configmap(d, "query-service-config")["data"]
            data["EVTRADE_DB"] = data["EVTRADE_DB"].replace(
                "-ro:", "-rw:").replace("/evtrade?", "/postgres?")
        self.assertFails(
            "ha", mutate,
            "[ha] Deployment/query-service container query-service: "
            "EVTRADE_DB host 'evtrade-db-rw': query_service uses "
            "evtrade-db-ro (the hot standbys)",
            "[ha] Deployment/query-service container query-service: "
            "EVTRADE_DB database 'postgres' is not 'evtrade'")

    def test_ha_sqlite_volume_and_pod_affinity(self):
        prod = self.rendered["prod"]

        def mutate(d):
            d.append(copy.deepcopy(find(prod, "PersistentVolumeClaim",
                                        "evtrade-store")))
            find(d, "Deployment", "query-service")["spec"]["template"][
                "spec"]["affinity"] = copy.deepcopy(find(
                    prod, "Deployment", "query-service")["spec"]["template"][
                        "spec"]["affinity"])
        # The query pods' affinity names a label no pod has: they fit
        # nowhere, which the drain check reports too.
        self.assertFails(
            "ha", mutate,
            "[ha] PersistentVolumeClaim/evtrade-store: ReadWriteOnce ties "
            "its pods to one node; the services need no volume on "
            "PostgreSQL",
            "[ha] Deployment/query-service: required podAffinity pins its "
            "pods next to others; the PostgreSQL store needs none",
            *(f"[ha] drain: {n} nodes, lowest replica counts: "
              "query-service: replica 1 of 2 fits on no node"
              for n in (3, 4, 5)))

    def test_ha_service_not_spread(self):
        self.assertFails(
            "ha", lambda d: find(d, "Deployment", "query-service")["spec"][
                "template"]["spec"].pop("topologySpreadConstraints"),
            "[ha] Deployment/query-service: not spread over nodes: add a "
            "topologySpreadConstraint on kubernetes.io/hostname with "
            "whenUnsatisfiable: DoNotSchedule (or a required "
            "podAntiAffinity) selecting its pods")

    def test_ha_ingest_without_budget(self):
        self.assertFails(
            "ha", lambda d: d.remove(
                find(d, "PodDisruptionBudget", "ingest-service")),
            "[ha] Deployment/ingest-service: no PodDisruptionBudget selects "
            "its pods")

    def test_ha_budget_that_blocks_drains(self):
        # minAvailable 2 of 2 ingest replicas: no ingest pod may ever go.
        # (On 3 nodes the PostgreSQL instance evicted first has nowhere to
        # go: one instance per node.)
        def mutate(d):
            find(d, "PodDisruptionBudget", "ingest-service")["spec"] = {
                "minAvailable": 2,
                "selector": {"matchLabels": {"app": "ingest-service"}}}
        self.assertFails(
            "ha", mutate,
            "[ha] drain: 3 nodes, lowest replica counts: draining node-1 "
            "never finishes: PodDisruptionBudget/ingest-service allows no "
            "eviction (pending, nowhere to schedule: evtrade-db)",
            "[ha] drain: 4 nodes, lowest replica counts: draining node-2 "
            "never finishes: PodDisruptionBudget/ingest-service allows no "
            "eviction",
            "[ha] drain: 5 nodes, lowest replica counts: draining node-1 "
            "never finishes: PodDisruptionBudget/ingest-service allows no "
            "eviction")

    def test_prod_sqlite_layout_cannot_drain(self):
        # The finding of issue 10: the store's node never drains, since the
        # last query pod's replacement cannot leave it.
        self.assertEqual(cm.simulate_drains(self.rendered["prod"]), [
            f"{n} nodes, lowest replica counts: draining node-3 never "
            "finishes: PodDisruptionBudget/query-service allows no eviction "
            "(pending, nowhere to schedule: ingest-service, query-service)"
            for n in (3, 4, 5)])

    def test_drain_respects_overlapping_budgets_and_percentages(self):
        deployment = find(self.rendered["ha"], "Deployment", "gateway")
        budget = find(self.rendered["ha"], "PodDisruptionBudget", "gateway")
        docs = [deployment, budget]
        self.assertEqual(cm.simulate_drains(docs), [])
        second = copy.deepcopy(budget)
        second["metadata"]["name"] = "gateway-too"
        self.assertEqual(cm.simulate_drains(docs + [second]), [
            f"{n} nodes, lowest replica counts: a gateway pod is selected "
            "by 2 PodDisruptionBudgets (gateway, gateway-too): the eviction "
            "API refuses to evict it" for n in (3, 4, 5)])
        self.assertEqual(cm.scaled("50%", 3), 2)  # rounded up
        self.assertEqual(cm.scaled(1, 3), 1)

    def test_ha_network_default_deny(self):
        self.assertFails(
            "ha", lambda d: d.remove(
                find(d, "NetworkPolicy", "default-deny-ingress")),
            "[ha] NetworkPolicy: no default-deny ingress policy "
            "(podSelector: {}, policyTypes: [Ingress], no ingress rules)")

    def test_ha_network_query_open_to_all(self):
        def mutate(d):
            for rule in find(d, "NetworkPolicy", "query-ingress")["spec"][
                    "ingress"]:
                if rule["ports"] == [{"port": "grpc"}]:
                    rule.pop("from")
        self.assertFails(
            "ha", mutate,
            "[ha] NetworkPolicy: client -> query port 50052/TCP is allowed; "
            "it must be blocked",
            "[ha] NetworkPolicy: writer -> query port 50052/TCP is allowed; "
            "it must be blocked")

    def test_ha_network_postgres_closed_to_services(self):
        def mutate(d):
            for rule in find(d, "NetworkPolicy", "postgres-ingress")["spec"][
                    "ingress"]:
                rule["from"] = [p for p in rule["from"]
                                if "matchExpressions" not in p.get(
                                    "podSelector", {})]
        self.assertFails(
            "ha", mutate,
            "[ha] NetworkPolicy: ingest -> postgres-primary port 5432/TCP is "
            "blocked; it must be allowed",
            "[ha] NetworkPolicy: query -> postgres-replica port 5432/TCP is "
            "blocked; it must be allowed")

    def test_ha_network_egress_without_dns(self):
        def mutate(d):
            find(d, "NetworkPolicy", "services-egress-dns")["spec"][
                "egress"][0]["ports"] = [{"port": 53, "protocol": "TCP"}]
        self.assertFails(
            "ha", mutate,
            *(f"[ha] NetworkPolicy: {s} -> dns port 53/UDP is blocked; it "
              "must be allowed" for s in ("gateway", "ingest", "query")))

    def test_ha_network_gateway_may_not_reach_postgres(self):
        def mutate(d):
            egress = find(d, "NetworkPolicy", "gateway-egress")["spec"][
                "egress"]
            egress.append({"to": [{"podSelector": {"matchLabels": {
                "cnpg.io/cluster": "evtrade-db"}}}]})
            for rule in find(d, "NetworkPolicy", "postgres-ingress")["spec"][
                    "ingress"]:
                for peer in rule["from"]:
                    for e in peer.get("podSelector", {}).get(
                            "matchExpressions", []):
                        e["values"].append("gateway")
        self.assertFails(
            "ha", mutate,
            "[ha] NetworkPolicy: gateway -> postgres-primary port 5432/TCP "
            "is allowed; it must be blocked")

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
            self.assertEqual(proc.stdout.splitlines()[-3:],
                             ["dev: FAILED", "ha: FAILED", "prod: FAILED"])
            self.assertEqual(proc.stderr.splitlines(), [
                f"[{o}] Deployment/query-service container query-service: "
                "readinessProbe.grpc.port 50051 is not the gRPC port 50052 "
                "(EVTRADE_LISTEN=0.0.0.0:50052)"
                for o in ("dev", "ha", "prod")])

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
