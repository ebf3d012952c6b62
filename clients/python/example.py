#!/usr/bin/python3
"""evtrade Python client example: ingest a native CSV, print a market report.

Streams the records of a native CSV (header: the TradeRecord field names,
period as YYYY-MM) to IngestService.Ingest with the bearer token read from a
file, then asks GatewayService.GetMarketReport for one reporter's month and
prints its headline and figures.

Needs the generated stubs (run generate_stubs.py first) and Debian's
python3-grpcio and python3-protobuf: run it with /usr/bin/python3.
"""

import argparse
import csv
import decimal
import pathlib
import re
import sys

try:
    import grpc
except ImportError:
    sys.exit(f"example.py: no grpc module in {sys.executable}: run it with "
             "/usr/bin/python3 (Debian's python3-grpcio, python3-protobuf)")

try:
    from evtrade.v1 import common_pb2
    from evtrade.v1 import gateway_service_pb2
    from evtrade.v1 import gateway_service_pb2_grpc
    from evtrade.v1 import ingest_service_pb2
    from evtrade.v1 import ingest_service_pb2_grpc
except ImportError as error:
    sys.exit(f"example.py: evtrade stubs not found ({error}); generate them "
             "with /usr/bin/python3 clients/python/generate_stubs.py")

REPO = pathlib.Path(__file__).resolve().parent.parent.parent

# The contract allows at most 10,000 records per IngestRequest message.
RECORDS_PER_MESSAGE = 10000

# Comtrade flow codes and plain names, as the native CSV may spell them.
FLOWS = {
    "X": common_pb2.FLOW_EXPORT,
    "EXPORT": common_pb2.FLOW_EXPORT,
    "M": common_pb2.FLOW_IMPORT,
    "IMPORT": common_pb2.FLOW_IMPORT,
    "RX": common_pb2.FLOW_RE_EXPORT,
    "RE-EXPORT": common_pb2.FLOW_RE_EXPORT,
    "RM": common_pb2.FLOW_RE_IMPORT,
    "RE-IMPORT": common_pb2.FLOW_RE_IMPORT,
}


def parse_period(text):
    """'2022-11' -> Period(year=2022, month=11)."""
    year, sep, month = text.strip().partition("-")
    if not sep or not year.isdigit() or not month.isdigit():
        raise ValueError(f"period {text!r} is not YYYY-MM")
    return common_pb2.Period(year=int(year), month=int(month))


def parse_whole(text, field):
    """A non-empty number rounded to whole units (half away from zero)."""
    text = text.strip()
    if not text:
        return 0
    # Plain decimals only: no exponent, NaN or Infinity.
    if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)", text):
        raise ValueError(f"{field} {text!r} is not a number")
    number = decimal.Decimal(text)
    return int(number.quantize(decimal.Decimal(1), decimal.ROUND_HALF_UP))


def read_records(path):
    """Reads a native CSV into TradeRecords. Raises ValueError naming the
    line of the first malformed field; domain checks are the server's."""
    records = []
    with open(path, newline="", encoding="utf-8") as file:
        for row in csv.DictReader(file):
            line = f"{path}:{len(records) + 2}"
            try:
                flow_text = row["flow"].strip().upper()
                if flow_text not in FLOWS:
                    raise ValueError(f"flow {row['flow']!r} is unknown")
                records.append(
                    common_pb2.TradeRecord(
                        reporter=row["reporter"],
                        partner=row["partner"],
                        flow=FLOWS[flow_text],
                        hs_code=row["hs_code"],
                        period=parse_period(row["period"]),
                        value_usd=parse_whole(row["value_usd"], "value_usd"),
                        quantity=parse_whole(row.get("quantity") or "",
                                             "quantity"),
                        net_weight_kg=parse_whole(
                            row.get("net_weight_kg") or "", "net_weight_kg"),
                        manufacturer=row.get("manufacturer") or "",
                        source=row.get("source") or ""))
            except (KeyError, ValueError) as error:
                raise ValueError(f"{line}: {error}") from None
    return records


def ingest_requests(records, source, request_id):
    """The messages of one Ingest stream; the first carries the metadata."""
    first = ingest_service_pb2.IngestRequest(source=source,
                                             request_id=request_id)
    first.records.extend(records[:RECORDS_PER_MESSAGE])
    yield first
    for start in range(RECORDS_PER_MESSAGE, len(records), RECORDS_PER_MESSAGE):
        message = ingest_service_pb2.IngestRequest()
        message.records.extend(records[start:start + RECORDS_PER_MESSAGE])
        yield message


def ingest(channel, token, records, source, request_id="", timeout=30.0):
    """Streams `records` in one batch; returns the IngestResponse."""
    stub = ingest_service_pb2_grpc.IngestServiceStub(channel)
    return stub.Ingest(ingest_requests(records, source, request_id),
                       metadata=[("authorization", f"Bearer {token}")],
                       timeout=timeout)


def get_report(channel, reporter, period, timeout=10.0):
    """The ELECTRIC export MarketReport of `reporter` in `period`."""
    stub = gateway_service_pb2_grpc.GatewayServiceStub(channel)
    request = gateway_service_pb2.GetMarketReportRequest(
        reporter=reporter, period=period)
    return stub.GetMarketReport(request, timeout=timeout)


def usd(value):
    return f"${value:,}"


def pct(message, field, signed=False):
    """An optional percentage, or 'n/a' when absent (undefined)."""
    if not message.HasField(field):
        return "n/a"
    return f"{getattr(message, field):{'+' if signed else ''}.1f}%"


def month(period):
    return f"{period.year:04d}-{period.month:02d}"


def format_ingest(path, response):
    lines = [
        f"Ingested {pathlib.Path(path).name}: received {response.received}, "
        f"inserted {response.inserted}, updated {response.updated}, "
        f"unchanged {response.unchanged}, rejected {response.rejected}"
        f"{' (replayed)' if response.replayed else ''}"
    ]
    lines += [
        f"  record {e.index}: {e.field}: {e.reason}" for e in response.errors
    ]
    return lines


def format_summary(label, summary):
    line = (f"{label}: {usd(summary.value_usd)}, {summary.quantity:,} "
            f"vehicles, {pct(summary, 'value_yoy_pct', signed=True)} "
            f"year on year")
    if summary.record_high:
        previous = summary.previous_record
        line += (f", record high (previous {month(previous.period)} "
                 f"{usd(previous.value_usd)})")
    return line


def format_report(report):
    """The report as lines of text; the Node example prints the same."""
    segment = common_pb2.Powertrain.Name(report.powertrain).removeprefix(
        "POWERTRAIN_")
    rank = report.exporter_rank
    lines = [
        f"Market report {report.reporter} {month(report.period)}, "
        f"{segment} exports",
        f"Headline: {report.headline}",
        format_summary("Segment", report.segment),
        format_summary("All vehicles", report.all_vehicles),
        f"Segment share of all vehicles: "
        f"{pct(report, 'segment_share_of_all_pct')}, majority for "
        f"{report.segment_majority_streak_months} months",
        f"Top partners: {pct(report, 'top_partners_share_pct')} of the "
        f"segment",
    ]
    lines += [
        f"  {p.rank}. {p.partner} {usd(p.value_usd)} "
        f"({pct(p, 'value_share_pct')})" for p in report.top_partners
    ]
    lines += [
        f"Year to date: segment {usd(report.ytd_segment.value_usd)} "
        f"({report.ytd_segment.quantity:,} vehicles), all vehicles "
        f"{usd(report.ytd_all.value_usd)} ({report.ytd_all.quantity:,} "
        f"vehicles)",
        "Top manufacturers:",
    ]
    lines += [
        f"  {m.rank}. {m.manufacturer} {m.quantity:,} vehicles "
        f"{usd(m.value_usd)} ({pct(m, 'quantity_share_pct')})"
        for m in report.top_manufacturers
    ]
    lines.append(
        f"Exporter rank, all vehicles year to date: {rank.rank} of "
        f"{rank.reporters_ranked} ({usd(rank.value_usd)}), behind "
        f"{rank.behind or '-'}, ahead of {rank.ahead_of or '-'}")
    lines.append(f"Warnings: {'; '.join(report.warnings) or 'none'}")
    return lines


def read_token(path):
    token = pathlib.Path(path).read_text(encoding="utf-8").strip()
    if not token:
        raise ValueError(f"token file {path} is empty")
    return token


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ingest_addr", default="127.0.0.1:50051")
    parser.add_argument("--gateway_addr", default="127.0.0.1:50050")
    parser.add_argument("--token_file", default="var/ingest.token")
    parser.add_argument("--csv",
                        default=str(REPO / "clients/testdata/small.csv"))
    parser.add_argument("--source", default="python-example")
    parser.add_argument("--request_id",
                        default="",
                        help="idempotency key (empty: none)")
    parser.add_argument("--reporter", default="CHN")
    parser.add_argument("--period", default="2022-11", help="YYYY-MM")
    args = parser.parse_args()

    try:
        token = read_token(args.token_file)
        records = read_records(args.csv)
        period = parse_period(args.period)
    except (OSError, ValueError) as error:
        sys.exit(f"example.py: {error}")

    # One channel per backend, reused by every call.
    with grpc.insecure_channel(args.ingest_addr) as ingest_channel, \
            grpc.insecure_channel(args.gateway_addr) as gateway_channel:
        try:
            response = ingest(ingest_channel, token, records, args.source,
                              args.request_id)
            print("\n".join(format_ingest(args.csv, response)))
            report = get_report(gateway_channel, args.reporter.upper(),
                                period)
        except grpc.RpcError as error:
            sys.exit(f"example.py: {error.code().name}: {error.details()}")
    print("\n".join(format_report(report)))


if __name__ == "__main__":
    main()
