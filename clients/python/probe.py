#!/usr/bin/python3
"""Health check (grpc.health.v1) and reflection listing of an evtrade server.

Every evtrade service enables gRPC's standard health service and server
reflection (v1alpha, the version gRPC C++ 1.51 serves). grpcurl is not on the
machine; this does what `grpcurl -plaintext ADDR list` and a health probe do:

  /usr/bin/python3 clients/python/probe.py --addr 127.0.0.1:50050
  /usr/bin/python3 clients/python/probe.py --addr 127.0.0.1:50050 \
      --service evtrade.v1.GatewayService

Exit status 0 only when the server (or --service) is SERVING.
"""

import argparse
import sys

try:
    import grpc
except ImportError:
    sys.exit(f"probe.py: no grpc module in {sys.executable}: run it with "
             "/usr/bin/python3 (Debian's python3-grpcio, python3-protobuf)")

try:
    from grpc_health.v1 import health_pb2
    from grpc_health.v1 import health_pb2_grpc
    from grpc_reflection.v1alpha import reflection_pb2
    from grpc_reflection.v1alpha import reflection_pb2_grpc
except ImportError as error:
    sys.exit(f"probe.py: stubs not found ({error}); generate them with "
             "/usr/bin/python3 clients/python/generate_stubs.py")


def check_health(channel, service="", timeout=5.0):
    """The serving status name ("SERVING", "NOT_SERVING", ...) of `service`
    ("" = the whole server). Raises grpc.RpcError (NOT_FOUND for a service
    the server does not know)."""
    stub = health_pb2_grpc.HealthStub(channel)
    response = stub.Check(health_pb2.HealthCheckRequest(service=service),
                          timeout=timeout)
    return health_pb2.HealthCheckResponse.ServingStatus.Name(response.status)


def list_services(channel, timeout=5.0):
    """The full names of the services the server registered, sorted."""
    stub = reflection_pb2_grpc.ServerReflectionStub(channel)
    request = reflection_pb2.ServerReflectionRequest(list_services="")
    for response in stub.ServerReflectionInfo(iter([request]),
                                              timeout=timeout):
        if response.HasField("error_response"):
            error = response.error_response
            raise RuntimeError(f"reflection error {error.error_code}: "
                               f"{error.error_message}")
        return sorted(s.name for s in response.list_services_response.service)
    raise RuntimeError("reflection stream ended without an answer")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--addr", default="127.0.0.1:50050")
    parser.add_argument("--service",
                        default="",
                        help="service to check (default: the whole server)")
    args = parser.parse_args()
    with grpc.insecure_channel(args.addr) as channel:
        try:
            status = check_health(channel, args.service)
            print(f"health {args.service or '(server)'}: {status}")
            for name in list_services(channel):
                print(f"service {name}")
        except (grpc.RpcError, RuntimeError) as error:
            if isinstance(error, grpc.RpcError):
                error = f"{error.code().name}: {error.details()}"
            sys.exit(f"probe.py: {args.addr}: {error}")
    sys.exit(0 if status == "SERVING" else 1)


if __name__ == "__main__":
    main()
