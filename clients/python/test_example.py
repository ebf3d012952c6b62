#!/usr/bin/python3
"""End-to-end test of the Python client against the real suite on loopback.

Starts build/bin/ingest_service, query_service and gateway on free loopback
ports with a temporary store and token, loads data/sample with
`build/bin/evtrade import`, runs example.py (ingesting
clients/testdata/small.csv, rows equal to sample rows) and checks the CHN
2022-11 report against clients/testdata/report_CHN_2022-11.txt (figures from
data/sample/README.md). Also checks grpc.health.v1 and reflection.

Environment: EVTRADE_BIN_DIR (default <repo>/build/bin), EVTRADE_SOURCE_DIR
(default <repo>). A missing binary, tool or file fails the test; nothing is
skipped. Run with /usr/bin/python3 (Debian's grpcio and protobuf).
"""

import atexit
import os
import pathlib
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

HERE = pathlib.Path(__file__).resolve().parent
SOURCE_DIR = pathlib.Path(
    os.environ.get("EVTRADE_SOURCE_DIR") or HERE.parent.parent)
BIN_DIR = pathlib.Path(
    os.environ.get("EVTRADE_BIN_DIR") or SOURCE_DIR / "build" / "bin")
SAMPLE_FILES = [
    "data/sample/comtrade_chn_8703_2021_2022.csv",
    "data/sample/comtrade_jpn_deu_8703_2021_2022.csv",
    "data/sample/manufacturers.csv",
]
GOLDEN_REPORT = SOURCE_DIR / "clients/testdata/report_CHN_2022-11.txt"
SMALL_CSV = SOURCE_DIR / "clients/testdata/small.csv"
START_TIMEOUT_S = 30.0


def free_ports(count):
    """Ports the kernel just handed out on 127.0.0.1, all distinct (the
    sockets stay open until every port is picked)."""
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


class Suite:
    """The three services as child processes; stop() ends them all."""

    def __init__(self, work_dir):
        self.work_dir = pathlib.Path(work_dir)
        self.processes = {}
        (ingest, query, gateway, http, ingest_metrics,
         query_metrics) = free_ports(6)
        self.ingest_addr = f"127.0.0.1:{ingest}"
        self.query_addr = f"127.0.0.1:{query}"
        self.gateway_addr = f"127.0.0.1:{gateway}"
        self.token_file = self.work_dir / "ingest.token"
        self.token_file.write_text("clients-test-token\n", encoding="utf-8")
        db = self.work_dir / "evtrade.db"
        self.commands = {
            "ingest_service": [
                f"--listen={self.ingest_addr}", f"--db={db}",
                f"--token_file={self.token_file}",
                f"--metrics_listen=127.0.0.1:{ingest_metrics}"
            ],
            "query_service": [
                f"--listen={self.query_addr}", f"--db={db}",
                f"--metrics_listen=127.0.0.1:{query_metrics}"
            ],
            "gateway": [
                f"--listen={self.gateway_addr}",
                f"--query_addr={self.query_addr}",
                f"--http_listen=127.0.0.1:{http}"
            ],
        }

    @staticmethod
    def environment():
        # Flags are given explicitly; stray EVTRADE_* variables must not
        # change what the suite under test does.
        return {
            k: v for k, v in os.environ.items() if not k.startswith("EVTRADE_")
        }

    def start(self, probe):
        """Starts the services in order; each must report SERVING."""
        for name, flags in self.commands.items():
            binary = BIN_DIR / name
            if not os.access(binary, os.X_OK):
                raise AssertionError(f"{binary} is missing: build the project "
                                     "first (cmake --build build)")
            log = open(self.work_dir / f"{name}.log", "wb")
            self.processes[name] = subprocess.Popen(
                [str(binary)] + flags,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.environment())
            log.close()
        for name, addr in (("ingest_service", self.ingest_addr),
                           ("query_service", self.query_addr),
                           ("gateway", self.gateway_addr)):
            self.wait_serving(name, addr, probe)

    def wait_serving(self, name, addr, probe):
        import grpc
        deadline = time.monotonic() + START_TIMEOUT_S
        last = "no answer"
        with grpc.insecure_channel(addr) as channel:
            while time.monotonic() < deadline:
                if self.processes[name].poll() is not None:
                    raise AssertionError(
                        f"{name} exited with {self.processes[name].returncode}"
                        f":\n{self.log(name)}")
                try:
                    last = probe.check_health(channel, timeout=1.0)
                    if last == "SERVING":
                        return
                except grpc.RpcError as error:
                    last = error.code().name
                time.sleep(0.1)
        raise AssertionError(f"{name} not SERVING on {addr} after "
                             f"{START_TIMEOUT_S}s ({last}):\n{self.log(name)}")

    def log(self, name):
        path = self.work_dir / f"{name}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def stop(self):
        """SIGTERM (the services drain and exit 0), SIGKILL after 10 s."""
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        exit_codes = {n: p.returncode for n, p in self.processes.items()}
        self.processes = {}
        return exit_codes


def run(command, **kwargs):
    return subprocess.run(command,
                          capture_output=True,
                          text=True,
                          timeout=120,
                          **kwargs)


class PythonClientTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="evtrade_pyclient_")
        work = pathlib.Path(cls.tmp.name)
        cls.stubs = work / "stubs"
        generated = run(
            [sys.executable,
             str(HERE / "generate_stubs.py"), f"--out={cls.stubs}"])
        if generated.returncode != 0:
            raise AssertionError(f"generate_stubs.py failed:\n"
                                 f"{generated.stdout}{generated.stderr}")
        sys.path[:0] = [str(cls.stubs), str(HERE)]
        import probe  # needs the stubs on sys.path
        cls.probe = probe

        cls.suite = Suite(work)
        atexit.register(cls.suite.stop)  # even if setUpClass fails below
        try:
            cls.suite.start(probe)
            cli = BIN_DIR / "evtrade"
            if not os.access(cli, os.X_OK):
                raise AssertionError(f"{cli} is missing")
            imported = run([
                str(cli), "import", f"--ingest_addr={cls.suite.ingest_addr}",
                f"--token_file={cls.suite.token_file}"
            ] + [str(SOURCE_DIR / f) for f in SAMPLE_FILES],
                           env=Suite.environment())
            if imported.returncode != 0:
                raise AssertionError(f"evtrade import failed:\n"
                                     f"{imported.stdout}{imported.stderr}")
        except BaseException:
            cls.suite.stop()
            cls.tmp.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        exit_codes = cls.suite.stop()
        cls.tmp.cleanup()
        # A clean SIGTERM drain is part of the services' contract.
        if any(code != 0 for code in exit_codes.values()):
            raise AssertionError(f"services did not exit 0: {exit_codes}")

    def run_example(self):
        env = Suite.environment()
        env["PYTHONPATH"] = str(self.stubs)
        return run([
            sys.executable,
            str(HERE / "example.py"), f"--ingest_addr={self.suite.ingest_addr}",
            f"--gateway_addr={self.suite.gateway_addr}",
            f"--token_file={self.suite.token_file}", f"--csv={SMALL_CSV}"
        ],
                   env=env)

    def test_example_prints_chn_2022_11_report(self):
        result = self.run_example()
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = result.stdout.splitlines()
        # small.csv repeats sample rows with the same figures.
        self.assertEqual(
            lines[0], "Ingested small.csv: received 8, inserted 0, "
            "updated 0, unchanged 8, rejected 0")
        report = lines[1:]
        self.assertTrue(report[1].startswith("Headline: "), report[1])
        self.assertGreater(len(report[1]), len("Headline: ") + 20, report[1])
        del report[1]
        golden = GOLDEN_REPORT.read_text(encoding="utf-8").splitlines()
        self.assertEqual(report, golden)

    def test_report_exact_figures(self):
        import grpc
        import example
        from evtrade.v1 import common_pb2
        with grpc.insecure_channel(self.suite.gateway_addr) as channel:
            report = example.get_report(
                channel, "CHN", common_pb2.Period(year=2022, month=11))
        self.assertEqual(report.powertrain, common_pb2.POWERTRAIN_ELECTRIC)
        self.assertEqual(report.segment.value_usd, 3_216_400_000)
        self.assertEqual(report.segment.quantity, 118_511)
        # (3,216,400,000 - 1,213,735,849) / 1,213,735,849 * 100
        self.assertAlmostEqual(report.segment.value_yoy_pct,
                               165.0000000124,
                               places=8)
        self.assertTrue(report.segment.record_high)
        self.assertEqual(report.segment.previous_record.value_usd,
                         2_980_000_000)
        self.assertEqual(report.all_vehicles.value_usd, 6_020_000_000)
        # (6,020,000,000 - 3,300,000,000) / 3,300,000,000 * 100
        self.assertAlmostEqual(report.all_vehicles.value_yoy_pct,
                               82.4242424242,
                               places=8)
        # 3,216,400,000 / 6,020,000,000 * 100
        self.assertAlmostEqual(report.segment_share_of_all_pct,
                               53.4285714286,
                               places=8)
        self.assertEqual(report.segment_majority_streak_months, 2)
        self.assertEqual([p.partner for p in report.top_partners[:2]],
                         ["BEL", "GBR"])
        # (1,352,161,694 + 870,613,544) / 3,216,400,000 * 100
        self.assertAlmostEqual(report.top_partners[1].cumulative_share_pct,
                               69.1075,
                               places=4)
        self.assertEqual(report.ytd_all.quantity, 2_984_258)
        self.assertEqual(report.exporter_rank.rank, 2)
        self.assertEqual(list(report.warnings), [])

    def test_health_serving(self):
        import grpc
        for addr in (self.suite.gateway_addr, self.suite.ingest_addr,
                     self.suite.query_addr):
            with grpc.insecure_channel(addr) as channel:
                self.assertEqual(self.probe.check_health(channel), "SERVING")

    def test_reflection_lists_services(self):
        import grpc
        with grpc.insecure_channel(self.suite.gateway_addr) as channel:
            services = self.probe.list_services(channel)
        self.assertIn("evtrade.v1.GatewayService", services)
        self.assertIn("evtrade.v1.QueryService", services)  # forwarded
        with grpc.insecure_channel(self.suite.ingest_addr) as channel:
            self.assertIn("evtrade.v1.IngestService",
                          self.probe.list_services(channel))

    def test_probe_command(self):
        env = Suite.environment()
        env["PYTHONPATH"] = str(self.stubs)
        result = run([
            sys.executable,
            str(HERE / "probe.py"), f"--addr={self.suite.gateway_addr}"
        ],
                     env=env)
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = result.stdout.splitlines()
        self.assertEqual(lines[0], "health (server): SERVING")
        self.assertIn("service evtrade.v1.GatewayService", lines[1:])


if __name__ == "__main__":
    unittest.main(verbosity=2)
