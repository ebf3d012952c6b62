#!/usr/bin/python3
"""Generates the Python gRPC stubs of evtrade from protos/ (never committed).

Uses Debian's protoc (protobuf-compiler) and grpc_python_plugin
(protobuf-compiler-grpc); the generated code runs on Debian's python3-protobuf
and python3-grpcio, so run it and the clients with /usr/bin/python3.

Writes, under --out (default: this folder):
  evtrade/v1/*_pb2.py, *_pb2_grpc.py       the evtrade.v1 contract
  google/api/*_pb2.py                      google.api (HTTP annotations)
  grpc_health/v1/health_pb2*.py            grpc.health.v1 (protos/grpc/...)
  grpc_reflection/v1alpha/reflection_pb2*.py   grpc.reflection.v1alpha
The last two use the module names of PyPI's grpcio-health-checking and
grpcio-reflection, which Debian does not package: they cannot live under
"grpc/" because that would shadow the grpc runtime package.
"""

import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent.parent
PROTOS = REPO / "protos"
# googleapis' google/api (the HTTP annotations the contract imports), from
# Debian's golang-github-gogo-googleapis-dev.
GOOGLEAPIS = pathlib.Path("/usr/share/gocode/src/github.com/gogo/googleapis")
GOOGLEAPIS_PROTOS = ["google/api/http.proto", "google/api/annotations.proto"]

# (proto under protos/, module folder it is generated into).
VENDORED = [
    ("grpc/health/v1/health.proto", "grpc_health/v1"),
    ("grpc/reflection/v1alpha/reflection.proto", "grpc_reflection/v1alpha"),
]


def find_tool(name, env_var):
    """Returns the path of a code generator, preferring Debian's /usr/bin."""
    path = os.environ.get(env_var) or (
        f"/usr/bin/{name}" if os.path.exists(f"/usr/bin/{name}") else
        shutil.which(name))
    if not path:
        sys.exit(f"generate_stubs: {name} not found (apt-get install "
                 "protobuf-compiler protobuf-compiler-grpc, or set {env_var})")
    return path


def run_protoc(protoc, plugin, include, files, out):
    cmd = [
        protoc, f"-I{include}", f"-I{GOOGLEAPIS}", f"--python_out={out}",
        f"--grpc_out={out}", f"--plugin=protoc-gen-grpc={plugin}"
    ] + [str(f) for f in files]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"generate_stubs: {' '.join(cmd)} failed:\n{result.stderr}")


def mark_packages(root, rel_dir):
    """Adds empty __init__.py files so the folders are regular packages."""
    path = root
    for part in pathlib.PurePosixPath(rel_dir).parts:
        path = path / part
        (path / "__init__.py").touch()


def generate(out):
    """Generates every stub into the folder `out` (created if needed)."""
    out = pathlib.Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    protoc = find_tool("protoc", "PROTOC")
    plugin = find_tool("grpc_python_plugin", "GRPC_PYTHON_PLUGIN")

    evtrade = sorted((PROTOS / "evtrade" / "v1").glob("*.proto"))
    if not evtrade:
        sys.exit(f"generate_stubs: no protos in {PROTOS / 'evtrade' / 'v1'}")
    # google/protobuf/timestamp.proto comes from protoc's own include path;
    # its Python module ships with python3-protobuf.
    run_protoc(protoc, plugin, PROTOS, evtrade, out)
    mark_packages(out, "evtrade/v1")
    # google.api, imported by the contract. No __init__.py in google/: it
    # stays a namespace package beside python3-protobuf's google.protobuf.
    if not (GOOGLEAPIS / GOOGLEAPIS_PROTOS[0]).exists():
        sys.exit(f"generate_stubs: missing {GOOGLEAPIS} "
                 "(apt-get install golang-github-gogo-googleapis-dev)")
    run_protoc(protoc, plugin, GOOGLEAPIS,
               [GOOGLEAPIS / p for p in GOOGLEAPIS_PROTOS], out)

    # The vendored protos are staged at the path of their module folder, so
    # the generated imports name grpc_health.v1 / grpc_reflection.v1alpha.
    with tempfile.TemporaryDirectory() as stage:
        for proto, module_dir in VENDORED:
            source = PROTOS / proto
            if not source.exists():
                sys.exit(f"generate_stubs: missing {source}")
            staged = pathlib.Path(stage) / module_dir / source.name
            staged.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, staged)
            run_protoc(protoc, plugin, stage, [staged], out)
            mark_packages(out, module_dir)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out",
                        default=str(HERE),
                        help="folder to generate into (default: %(default)s)")
    args = parser.parse_args()
    out = generate(args.out)
    print(f"generated evtrade.v1, grpc_health.v1 and grpc_reflection.v1alpha "
          f"stubs in {out}")


if __name__ == "__main__":
    main()
