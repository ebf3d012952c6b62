#include "common/formats/record_reader.h"

#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/domain/flow.h"
#include "common/domain/month.h"
#include "common/formats/decimal.h"
#include "common/util/status_macros.h"
#include "common/util/strings.h"

namespace evtrade::formats {
namespace {

std::string Quoted(std::string_view text) {
  return absl::StrCat("\"", ToAbsl(text), "\"");
}

// The columns each format reads, by canonical name. Indexes into the
// tables below; a header is matched by lower-cased, trimmed name.
enum NativeColumn {
  kReporter,
  kPartner,
  kFlow,
  kHsCode,
  kPeriodNative,
  kValueUsd,
  kQuantity,
  kNetWeightKg,
  kManufacturer,
  kSource,
  kNativeColumnCount
};
constexpr std::array<std::string_view, kNativeColumnCount> kNativeNames = {
    "reporter",  "partner",  "flow",          "hs_code",      "period",
    "value_usd", "quantity", "net_weight_kg", "manufacturer", "source"};
constexpr int kNativeRequired = kQuantity;  // columns before it are required

enum ComtradeColumn {
  kReporterIso,
  kPartnerIso,
  kFlowCode,
  kCmdCode,
  kPrimaryValue,
  kRefYear,  // refYear + refMonth, or else period
  kRefMonth,
  kPeriod,
  kQty,
  kQtyUnitCode,
  kNetWgt,
  kCustomsCode,
  kMotCode,
  kPartner2Code,
  kComtradeColumnCount
};
constexpr std::array<std::string_view, kComtradeColumnCount> kComtradeNames = {
    "reporterISO", "partnerISO",  "flowCode", "cmdCode",     "primaryValue",
    "refYear",     "refMonth",    "period",   "qty",         "qtyUnitCode",
    "netWgt",      "customsCode", "motCode",  "partner2Code"};
constexpr int kComtradeRequired = kRefYear;

// Where a format's columns are in the file; -1 = absent.
template <size_t N>
std::array<int, N> FindColumns(const std::vector<std::string>& header,
                               const std::array<std::string_view, N>& names) {
  std::array<int, N> index;
  index.fill(-1);
  for (size_t i = 0; i < N; ++i) {
    const std::string wanted = absl::AsciiStrToLower(ToAbsl(names[i]));
    for (size_t col = 0; col < header.size(); ++col) {
      // The first column of a name wins.
      if (absl::AsciiStrToLower(ToAbsl(StripAscii(header[col]))) == wanted) {
        index[i] = static_cast<int>(col);
        break;
      }
    }
  }
  return index;
}

// The first `count` names, comma-separated (std::string_view does not
// convert to Debian Abseil's string_view, so no absl::StrJoin).
template <size_t N>
std::string JoinNames(const std::array<std::string_view, N>& names,
                      size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i) {
    if (i > 0) out += ", ";
    out += names[i];
  }
  return out;
}

template <size_t N>
bool AnyFound(const std::array<int, N>& index) {
  for (int i : index) {
    if (i >= 0) return true;
  }
  return false;
}

RowError Invalid(int64_t line, std::string_view field, std::string reason) {
  return RowError{line, std::string(field), std::move(reason),
                  RowError::Kind::kInvalid};
}

// A money or quantity column and the record field it fills.
struct AmountField {
  std::string_view column;  // canonical name, for errors
  std::string_view text;
  bool empty_is_zero;
  void (v1::TradeRecord::*set)(int64_t);
};

// Parses each amount into `record`; the first bad one is the row's error.
std::optional<RowError> SetAmounts(int64_t line,
                                   std::initializer_list<AmountField> fields,
                                   v1::TradeRecord& record) {
  for (const AmountField& f : fields) {
    if (f.empty_is_zero && f.text.empty()) {
      (record.*f.set)(0);
      continue;
    }
    std::variant<int64_t, std::string> parsed = ParseRoundedInt64(f.text);
    if (auto* reason = std::get_if<std::string>(&parsed)) {
      return Invalid(line, f.column, std::move(*reason));
    }
    (record.*f.set)(std::get<int64_t>(parsed));
  }
  return std::nullopt;
}

// The reason of a Month::Parse error, without its "<field>: " prefix.
std::string MonthReason(const absl::Status& status, std::string_view field) {
  std::string_view message(status.message().data(), status.message().size());
  const std::string prefix = absl::StrCat(ToAbsl(field), ": ");
  if (message.substr(0, prefix.size()) == prefix) {
    message.remove_prefix(prefix.size());
  }
  return std::string(message);
}

}  // namespace

struct RecordReader::Columns {
  std::array<int, kNativeColumnCount> native;
  std::array<int, kComtradeColumnCount> comtrade;
  // Comtrade: the month comes from refYear + refMonth (else from period).
  bool ref_year_month = false;
};

std::optional<InputFormat> ParseInputFormat(std::string_view text) {
  const std::string lower = absl::AsciiStrToLower(ToAbsl(StripAscii(text)));
  if (lower == "auto") return InputFormat::kAuto;
  if (lower == "native") return InputFormat::kNative;
  if (lower == "comtrade") return InputFormat::kComtrade;
  return std::nullopt;
}

std::string_view InputFormatName(InputFormat format) {
  switch (format) {
    case InputFormat::kAuto:
      return "auto";
    case InputFormat::kNative:
      return "native";
    case InputFormat::kComtrade:
      return "comtrade";
  }
  return "auto";
}

RecordReader::RecordReader(std::unique_ptr<CsvReader> csv, InputFormat format,
                           std::unique_ptr<Columns> columns)
    : csv_(std::move(csv)), format_(format), columns_(std::move(columns)) {}

RecordReader::~RecordReader() = default;

absl::StatusOr<std::unique_ptr<RecordReader>> RecordReader::Open(
    const std::string& path, RecordReaderOptions options) {
  ASSIGN_OR_RETURN(std::unique_ptr<ByteSource> source, OpenFileSource(path));
  return FromSource(std::move(source), options);
}

absl::StatusOr<std::unique_ptr<RecordReader>> RecordReader::FromSource(
    std::unique_ptr<ByteSource> source, RecordReaderOptions options) {
  const std::string name = source->name();
  auto file_error = [&name](const absl::Status& status) {
    return absl::Status(status.code(),
                        absl::StrCat(name, ": ", status.message()));
  };
  absl::StatusOr<std::unique_ptr<CsvReader>> csv =
      CsvReader::Open(std::move(source), CsvOptions{options.delimiter});
  if (!csv.ok()) {
    // CsvReader's own "empty file" message already names the source.
    return absl::StrContains(csv.status().message(), name)
               ? csv.status()
               : file_error(csv.status());
  }
  const std::vector<std::string>& header = (*csv)->header().fields;
  auto columns = std::make_unique<Columns>();
  columns->native = FindColumns(header, kNativeNames);
  columns->comtrade = FindColumns(header, kComtradeNames);

  InputFormat format = options.format;
  if (format == InputFormat::kAuto) {
    // Comtrade's names never collide with native ones except "period", so
    // any Comtrade-only column decides.
    std::array<int, kComtradeColumnCount> comtrade_only = columns->comtrade;
    comtrade_only[kPeriod] = -1;
    if (AnyFound(comtrade_only)) {
      format = InputFormat::kComtrade;
    } else if (AnyFound(columns->native)) {
      format = InputFormat::kNative;
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          name, ": unrecognised header: expected native columns (",
          JoinNames(kNativeNames, kNativeRequired), ") or Comtrade columns (",
          JoinNames(kComtradeNames, kComtradeRequired),
          ", refYear + refMonth or period)"));
    }
  }

  auto missing = [&](std::string_view column) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": missing column ", Quoted(column), " (",
                     ToAbsl(InputFormatName(format)), " format)"));
  };
  if (format == InputFormat::kNative) {
    for (int i = 0; i < kNativeRequired; ++i) {
      if (columns->native[i] < 0) return missing(kNativeNames[i]);
    }
  } else {
    for (int i = 0; i < kComtradeRequired; ++i) {
      if (columns->comtrade[i] < 0) return missing(kComtradeNames[i]);
    }
    const bool has_year = columns->comtrade[kRefYear] >= 0;
    const bool has_month = columns->comtrade[kRefMonth] >= 0;
    if (has_year && has_month) {
      columns->ref_year_month = true;
    } else if (columns->comtrade[kPeriod] < 0) {
      return missing(has_year ? "refMonth" : has_month ? "refYear" : "period");
    }
  }
  return std::unique_ptr<RecordReader>(
      new RecordReader(*std::move(csv), format, std::move(columns)));
}

absl::StatusOr<std::optional<ReadRow>> RecordReader::Next() {
  absl::StatusOr<const CsvRow*> row = csv_->Next();
  if (!row.ok()) {
    return absl::Status(
        row.status().code(),
        absl::StrCat(csv_->source().name(), ": ", row.status().message()));
  }
  if (*row == nullptr) return std::nullopt;
  const CsvRow& r = **row;
  if (std::optional<std::string> width = csv_->WidthError(r)) {
    return ReadRow(Invalid(r.line, "", *std::move(width)));
  }
  return format_ == InputFormat::kNative ? ParseNative(r) : ParseComtrade(r);
}

ReadRow RecordReader::ParseNative(const CsvRow& row) const {
  const auto& col = columns_->native;
  auto field = [&](NativeColumn c) -> std::string_view {
    return col[c] < 0 ? std::string_view() : StripAscii(row.fields[col[c]]);
  };
  LineRecord out{row.line, {}};
  v1::TradeRecord& rec = out.record;
  rec.set_reporter(std::string(field(kReporter)));
  rec.set_partner(std::string(field(kPartner)));
  const std::optional<v1::Flow> flow = ParseFlow(field(kFlow));
  if (!flow) {
    return Invalid(row.line, "flow",
                   absl::StrCat("unknown flow ", Quoted(field(kFlow)),
                                " (expected X, M, RX, RM or export, import, "
                                "re_export, re_import)"));
  }
  rec.set_flow(*flow);
  rec.set_hs_code(std::string(field(kHsCode)));
  const absl::StatusOr<Month> month =
      Month::Parse(field(kPeriodNative), "period");
  if (!month.ok()) {
    return Invalid(row.line, "period", MonthReason(month.status(), "period"));
  }
  *rec.mutable_period() = month->ToProto();

  if (std::optional<RowError> error =
          SetAmounts(row.line,
                     {{kNativeNames[kValueUsd], field(kValueUsd), false,
                       &v1::TradeRecord::set_value_usd},
                      {kNativeNames[kQuantity], field(kQuantity), true,
                       &v1::TradeRecord::set_quantity},
                      {kNativeNames[kNetWeightKg], field(kNetWeightKg), true,
                       &v1::TradeRecord::set_net_weight_kg}},
                     rec)) {
    return *std::move(error);
  }
  rec.set_manufacturer(std::string(field(kManufacturer)));
  rec.set_source(std::string(field(kSource)));
  return out;
}

ReadRow RecordReader::ParseComtrade(const CsvRow& row) const {
  const auto& col = columns_->comtrade;
  auto field = [&](ComtradeColumn c) -> std::string_view {
    return col[c] < 0 ? std::string_view() : StripAscii(row.fields[col[c]]);
  };

  // Breakdowns of a total would count twice next to it: skip them.
  struct Breakdown {
    ComtradeColumn column;
    std::string_view total;  // the value that marks a total
    std::string_view by;
  };
  for (const Breakdown& b :
       {Breakdown{kCustomsCode, "C00", "customs procedure"},
        Breakdown{kMotCode, "0", "mode of transport"},
        Breakdown{kPartner2Code, "0", "second partner"}}) {
    const std::string_view value = field(b.column);
    if (!value.empty() &&
        !absl::EqualsIgnoreCase(ToAbsl(value), ToAbsl(b.total))) {
      return RowError{row.line, std::string(kComtradeNames[b.column]),
                      absl::StrCat("a breakdown by ", ToAbsl(b.by), " (",
                                   ToAbsl(kComtradeNames[b.column]), " ",
                                   ToAbsl(value), "), not a total: skipped"),
                      RowError::Kind::kSkipped};
    }
  }

  LineRecord out{row.line, {}};
  v1::TradeRecord& rec = out.record;
  if (columns_->ref_year_month) {
    int year = 0;
    int month = 0;
    if (!absl::SimpleAtoi(ToAbsl(field(kRefYear)), &year)) {
      return Invalid(row.line, "refYear",
                     absl::StrCat("not a year: ", Quoted(field(kRefYear))));
    }
    if (!absl::SimpleAtoi(ToAbsl(field(kRefMonth)), &month)) {
      return Invalid(row.line, "refMonth",
                     absl::StrCat("not a month: ", Quoted(field(kRefMonth))));
    }
    if (month == 52) {
      return Invalid(row.line, "refMonth",
                     "annual rows (refMonth 52) are not monthly data");
    }
    rec.mutable_period()->set_year(year);
    rec.mutable_period()->set_month(month);
  } else {
    const std::string_view period = field(kPeriod);
    if (period.size() == 4 && AllAsciiDigits(period)) {
      return Invalid(row.line, "period",
                     absl::StrCat("annual rows (period ", ToAbsl(period),
                                  ") are not monthly data"));
    }
    const absl::StatusOr<Month> month = Month::Parse(period, "period");
    if (!month.ok()) {
      return Invalid(row.line, "period", MonthReason(month.status(), "period"));
    }
    *rec.mutable_period() = month->ToProto();
  }

  rec.set_reporter(std::string(field(kReporterIso)));
  rec.set_partner(std::string(field(kPartnerIso)));
  const std::optional<v1::Flow> flow = ParseFlow(field(kFlowCode));
  if (!flow) {
    return Invalid(row.line, "flowCode",
                   absl::StrCat("unknown flow code ", Quoted(field(kFlowCode)),
                                " (expected X, M, RX or RM)"));
  }
  rec.set_flow(*flow);
  const std::string_view code = field(kCmdCode);
  if (code.size() != 6 || !AllAsciiDigits(code)) {
    return Invalid(
        row.line, "cmdCode",
        absl::StrCat("must be a 6-digit HS code, got ", Quoted(code)));
  }
  rec.set_hs_code(std::string(code));

  // A quantity counts vehicles (items, unit code 5); a qty in another unit
  // (8 = kg, -1 = none) is no count of anything we sum, so it becomes 0.
  const std::string_view unit = field(kQtyUnitCode);
  const std::string_view qty =
      unit.empty() || unit == "5" ? field(kQty) : std::string_view();
  if (std::optional<RowError> error = SetAmounts(
          row.line,
          {{kComtradeNames[kPrimaryValue], field(kPrimaryValue), false,
            &v1::TradeRecord::set_value_usd},
           {kComtradeNames[kQty], qty, true, &v1::TradeRecord::set_quantity},
           {kComtradeNames[kNetWgt], field(kNetWgt), true,
            &v1::TradeRecord::set_net_weight_kg}},
          rec)) {
    return *std::move(error);
  }
  return out;
}

}  // namespace evtrade::formats
