#include "cli/report_command.h"

#include <grpcpp/grpcpp.h>

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/import_command.h"
#include "common/domain/month.h"
#include "evtrade/v1/gateway_service.grpc.pb.h"

namespace evtrade::cli {
namespace {

std::string Pct(bool has, double value) {
  return has ? absl::StrFormat("%+.1f%%", value) : std::string("n/a");
}

std::string Usd(int64_t value) {
  return absl::StrFormat("$%.2fbn", static_cast<double>(value) / 1e9);
}

void PrintSummary(std::string_view label, const v1::SegmentSummary& s) {
  absl::PrintF("%-13s %s, %d vehicles, YoY value %s%s\n", label,
               Usd(s.value_usd()), s.quantity(),
               Pct(s.has_value_yoy_pct(), s.value_yoy_pct()),
               s.record_high() ? ", record high" : "");
}

}  // namespace

int RunReport(const ReportConfig& config) {
  absl::StatusOr<Month> month = Month::Parse(config.period, "period");
  if (!month.ok()) {
    absl::FPrintF(stderr, "evtrade report: %s\n", month.status().message());
    return kExitUsage;
  }
  v1::GetMarketReportRequest request;
  request.set_reporter(config.reporter);
  *request.mutable_period() = month->ToProto();
  if (!config.powertrain.empty()) {
    v1::Powertrain powertrain;
    if (!v1::Powertrain_Parse(
            absl::StrCat("POWERTRAIN_",
                         absl::AsciiStrToUpper(config.powertrain)),
            &powertrain)) {
      absl::FPrintF(stderr,
                    "evtrade report: --powertrain: unknown \"%s\" (all, "
                    "electric, bev, phev, hev, ice, other)\n",
                    config.powertrain);
      return kExitUsage;
    }
    request.set_powertrain(powertrain);
  }
  auto channel = grpc::CreateChannel(config.gateway_addr,
                                     MakeChannelCredentials(config.tls));
  auto stub = v1::GatewayService::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + config.timeout));
  v1::MarketReport report;
  grpc::Status status = stub->GetMarketReport(&context, request, &report);
  if (!status.ok()) {
    absl::FPrintF(stderr, "evtrade report: GetMarketReport failed (%s): %s\n",
                  absl::StatusCodeToString(
                      static_cast<absl::StatusCode>(status.error_code())),
                  status.error_message());
    return kExitFailed;
  }
  absl::PrintF("%s\n\n", report.headline());
  PrintSummary("segment:", report.segment());
  PrintSummary("all vehicles:", report.all_vehicles());
  absl::PrintF(
      "segment share of all: %s, majority streak %d months\n",
      report.has_segment_share_of_all_pct()
          ? absl::StrFormat("%.1f%%", report.segment_share_of_all_pct())
          : std::string("n/a"),
      report.segment_majority_streak_months());
  for (const v1::PartnerShare& p : report.top_partners()) {
    absl::PrintF("  #%d %s %s (%.1f%%)\n", p.rank(), p.partner(),
                 Usd(p.value_usd()), p.value_share_pct());
  }
  absl::PrintF("year to date: segment %d vehicles, all %d vehicles\n",
               report.ytd_segment().quantity(), report.ytd_all().quantity());
  if (report.exporter_rank().rank() > 0) {
    absl::PrintF("exporter rank (all vehicles, YTD value): #%d\n",
                 report.exporter_rank().rank());
  }
  for (const std::string& warning : report.warnings()) {
    absl::PrintF("warning: %s\n", warning);
  }
  return kExitOk;
}

}  // namespace evtrade::cli
