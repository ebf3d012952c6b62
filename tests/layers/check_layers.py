#!/usr/bin/python3
"""Checks the layering the build enforces (issue 10 item 5): every target's
link closure, as cmake/EvtradeLayers.cmake writes it at configure time
(build/layers/link_closure.txt, "<target>: <closure>"), against the rules
below. The rules live here only; common/CMakeLists.txt says what each layer
is.

Usage: check_layers.py --closures build/layers/link_closure.txt
Exit 0 when every rule holds, 1 with one line per broken rule."""

import argparse
import re
import sys

# Our libraries each layer may reach (directly or through another layer);
# third-party libraries are not limited by this table.
LAYER_MAY_LINK = {
    "evtrade_util": set(),
    # google.rpc.Status, the details of an error.
    "evtrade_grpc_status": {"evtrade_proto"},
    "evtrade_env_flags": set(),
    "evtrade_domain": {"evtrade_util", "evtrade_proto"},
    "evtrade_formats": {"evtrade_domain", "evtrade_util", "evtrade_proto"},
    "evtrade_store": {"evtrade_domain", "evtrade_util", "evtrade_proto"},
    # TLS identity and peer checks (reads PEM files through util).
    "evtrade_tls": {"evtrade_util"},
    "evtrade_server": {"evtrade_grpc_status", "evtrade_env_flags",
                       "evtrade_tls", "evtrade_util", "evtrade_proto"},
    "evtrade_client": {"evtrade_grpc_status", "evtrade_tls", "evtrade_util",
                       "evtrade_proto"},
}

# A storage engine's client library (SQLite, PostgreSQL's libpq).
STORE_ENGINE = re.compile(r"sqlite|libpq|postgres|(^|::)pq($|::)", re.I)

# Targets that must never reach the store, by our library or by an engine:
# the gateway talks to the query service only, the domain and the clients
# sit below or beside the store.
NO_STORE = ("gateway", "gateway_lib", "evtrade_domain", "evtrade_util",
            "evtrade_client", "evtrade_server", "evtrade_formats",
            "evtrade_tls",
            "evtrade_test_gateway", "evtrade_test_process")


def parse_closures(text):
    """{target: set(closure)} from the file's lines."""
    closures = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        target, sep, rest = line.partition(":")
        if not sep or not target.strip():
            raise ValueError(f"line {number}: expected '<target>: <libs>'")
        closures[target.strip()] = set(rest.split())
    return closures


def check(closures):
    """One message per broken rule, sorted."""
    errors = []
    ours = set(closures)
    for target in sorted(set(LAYER_MAY_LINK) | set(NO_STORE)):
        if target not in closures:
            errors.append(f"{target}: no such target (a rule names it)")
    for layer, allowed in sorted(LAYER_MAY_LINK.items()):
        if layer not in closures:
            continue
        for lib in sorted((closures[layer] & ours) - allowed):
            errors.append(f"{layer}: links {lib}, outside its layer "
                          f"(may link: {', '.join(sorted(allowed)) or 'none'})")
    for target in NO_STORE:
        if target not in closures:
            continue
        for lib in sorted(closures[target]):
            if lib == "evtrade_store" or STORE_ENGINE.search(lib):
                errors.append(f"{target}: links the store ({lib})")
    return sorted(set(errors))


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--closures", required=True,
                        help="build/layers/link_closure.txt")
    args = parser.parse_args(argv)
    with open(args.closures, encoding="utf-8") as f:
        closures = parse_closures(f.read())
    errors = check(closures)
    for error in errors:
        print(error)
    if errors:
        return 1
    print(f"layers: {len(closures)} targets, every rule holds")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
