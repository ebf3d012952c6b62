#!/usr/bin/python3
"""Proves check_layers.py can fail: each test breaks one rule in a copy of
the configured build's link closures and expects the exact message; the
closures as configured must pass untouched.

Usage: check_layers_test.py build/layers/link_closure.txt"""

import copy
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_layers as cl  # noqa: E402

CLOSURES_FILE = None


class CheckLayersTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        with open(CLOSURES_FILE, encoding="utf-8") as f:
            cls.closures = cl.parse_closures(f.read())

    def assertFails(self, mutate, *expected):
        closures = copy.deepcopy(self.closures)
        mutate(closures)
        self.assertEqual(cl.check(closures), sorted(expected))

    def test_configured_build_passes(self):
        self.assertEqual(cl.check(self.closures), [])
        # The file covers the whole build, binaries included.
        for target in ("gateway", "ingest_service", "query_service",
                       "evtrade", "health_probe", "areas_test"):
            self.assertIn(target, self.closures)

    def test_configured_gateway_reaches_server_not_store(self):
        gateway = self.closures["gateway"]
        self.assertIn("evtrade_server", gateway)
        self.assertIn("evtrade_domain", gateway)
        self.assertNotIn("evtrade_store", gateway)
        self.assertIn("evtrade_store", self.closures["ingest_service"])
        self.assertIn("evtrade_store", self.closures["query_service"])

    def test_configured_domain_tests_link_the_domain_only(self):
        ours = set(self.closures)
        self.assertEqual(self.closures["areas_test"] & ours,
                         {"evtrade_domain", "evtrade_util", "evtrade_proto"})

    def test_gateway_linking_the_store(self):
        self.assertFails(
            lambda c: c["gateway"].add("evtrade_store"),
            "gateway: links the store (evtrade_store)")

    def test_gateway_lib_linking_libpq(self):
        self.assertFails(
            lambda c: c["gateway_lib"].add("PkgConfig::LIBPQ"),
            "gateway_lib: links the store (PkgConfig::LIBPQ)")

    def test_domain_linking_the_server(self):
        self.assertFails(
            lambda c: c["evtrade_domain"].add("evtrade_server"),
            "evtrade_domain: links evtrade_server, outside its layer "
            "(may link: evtrade_proto, evtrade_util)")

    def test_domain_linking_sqlite(self):
        self.assertFails(
            lambda c: c["evtrade_domain"].add("SQLiteCpp"),
            "evtrade_domain: links the store (SQLiteCpp)")

    def test_util_linking_the_domain(self):
        self.assertFails(
            lambda c: c["evtrade_util"].add("evtrade_domain"),
            "evtrade_util: links evtrade_domain, outside its layer "
            "(may link: none)")

    def test_layer_renamed_away(self):
        self.assertFails(lambda c: c.pop("evtrade_client"),
                         "evtrade_client: no such target (a rule names it)")

    def test_malformed_line(self):
        with self.assertRaisesRegex(ValueError, "line 2: expected"):
            cl.parse_closures("gateway: evtrade_server\nno colon here\n")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    CLOSURES_FILE = sys.argv.pop(1)
    unittest.main()
