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
#include "absl/strings/strip.h"
#include "common/domain/areas.h"
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
  kReporterIso,  // or kReporterCode
  kPartnerIso,   // or kPartnerCode
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
  kReporterCode,
  kPartnerCode,
  kFreqCode,
  kComtradeColumnCount
};
constexpr std::array<std::string_view, kComtradeColumnCount> kComtradeNames = {
    "reporterISO", "partnerISO",  "flowCode", "cmdCode",      "primaryValue",
    "refYear",     "refMonth",    "period",   "qty",          "qtyUnitCode",
    "netWgt",      "customsCode", "motCode",  "partner2Code", "reporterCode",
    "partnerCode", "freqCode"};
constexpr int kComtradeRequired = kRefYear;

// Flow codes Comtrade uses beyond X, M, RX, RM (domestic exports, foreign
// imports, inward/outward processing, ...): real data, not ours to sum.
constexpr std::array<std::string_view, 10> kOtherFlowCodes = {
    "DX", "FM", "MIP", "MOP", "XIP", "XOP", "MIF", "XIF", "MTP", "XTP"};

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
                  RowError::Kind::kInvalid, ""};
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

RowError Skipped(int64_t line, std::string_view field, std::string reason,
                 std::string group) {
  return RowError{line, std::string(field), std::move(reason),
                  RowError::Kind::kSkipped, std::move(group)};
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

// Where the Comtrade columns are in a row's fields, and what the file
// calls them.
struct ComtradeLayout {
  std::array<int, kComtradeColumnCount> index;
  std::array<std::string, kComtradeColumnCount> names;
  // The month comes from refYear + refMonth (else from period).
  bool ref_year_month = false;
};

// The layout of JSON records: fields in kComtradeNames order.
ComtradeLayout JsonLayout(bool ref_year_month) {
  ComtradeLayout layout;
  for (int i = 0; i < kComtradeColumnCount; ++i) {
    layout.index[i] = i;
    layout.names[i] = std::string(kComtradeNames[i]);
  }
  layout.ref_year_month = ref_year_month;
  return layout;
}

// The area of a row from its ISO column and its numeric code column (the
// code where the ISO column is empty; both must agree where both are set).
std::variant<std::string, RowError> AreaOf(std::string_view iso,
                                           std::string_view iso_name,
                                           std::string_view code,
                                           std::string_view code_name,
                                           int64_t line) {
  if (code.empty()) {
    if (iso.empty()) {
      return Invalid(line, iso_name,
                     absl::StrCat("is required (or a Comtrade code in ",
                                  ToAbsl(code_name), ")"));
    }
    return std::string(iso);
  }
  int64_t number = 0;
  if (!absl::SimpleAtoi(ToAbsl(code), &number)) {
    return Invalid(line, code_name,
                   absl::StrCat("not a Comtrade area code: ", Quoted(code)));
  }
  const std::optional<std::string_view> area = AreaCodeOfM49(number);
  if (iso.empty()) {
    if (!area) {
      return Invalid(line, code_name,
                     absl::StrCat("unknown Comtrade area code ", number));
    }
    return std::string(*area);
  }
  // An unknown (historical) code next to an ISO code: the ISO code decides.
  if (area && NormalizeAreaCode(iso) != *area) {
    return Invalid(line, iso_name,
                   absl::StrCat(ToAbsl(iso_name), " ", Quoted(iso), " and ",
                                ToAbsl(code_name), " ", number, " (",
                                ToAbsl(*area), ") disagree"));
  }
  return std::string(iso);
}

// One Comtrade row (CSV fields, or a JSON record laid out in column order).
ReadRow ParseComtradeFields(const ComtradeLayout& layout,
                            const std::vector<std::string>& fields,
                            int64_t line) {
  auto field = [&](ComtradeColumn c) -> std::string_view {
    const int i = layout.index[c];
    return i < 0 || i >= static_cast<int>(fields.size())
               ? std::string_view()
               : StripAscii(fields[i]);
  };
  auto name = [&](ComtradeColumn c) -> std::string_view {
    return layout.names[c];
  };

  if (absl::EqualsIgnoreCase(ToAbsl(field(kFreqCode)), "A")) {
    return Skipped(line, name(kFreqCode), "an annual row (freqCode A): skipped",
                   "annual rows");
  }
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
      return Skipped(line, name(b.column),
                     absl::StrCat("a breakdown by ", ToAbsl(b.by), " (",
                                  ToAbsl(name(b.column)), " ", ToAbsl(value),
                                  "), not a total: skipped"),
                     absl::StrCat("breakdowns by ", ToAbsl(b.by)));
    }
  }

  LineRecord out{line, {}};
  v1::TradeRecord& rec = out.record;
  if (layout.ref_year_month) {
    int year = 0;
    int month = 0;
    if (!absl::SimpleAtoi(ToAbsl(field(kRefYear)), &year)) {
      return Invalid(line, name(kRefYear),
                     absl::StrCat("not a year: ", Quoted(field(kRefYear))));
    }
    if (!absl::SimpleAtoi(ToAbsl(field(kRefMonth)), &month)) {
      return Invalid(line, name(kRefMonth),
                     absl::StrCat("not a month: ", Quoted(field(kRefMonth))));
    }
    if (month == 52) {
      return Skipped(line, name(kRefMonth),
                     "an annual row (refMonth 52): skipped", "annual rows");
    }
    rec.mutable_period()->set_year(year);
    rec.mutable_period()->set_month(month);
  } else {
    const std::string_view period = field(kPeriod);
    if (period.size() == 4 && AllAsciiDigits(period)) {
      return Skipped(
          line, name(kPeriod),
          absl::StrCat("an annual row (period ", ToAbsl(period), "): skipped"),
          "annual rows");
    }
    const absl::StatusOr<Month> month = Month::Parse(period, "period");
    if (!month.ok()) {
      return Invalid(line, name(kPeriod),
                     MonthReason(month.status(), "period"));
    }
    *rec.mutable_period() = month->ToProto();
  }

  const std::string_view flow_code = field(kFlowCode);
  const std::optional<v1::Flow> flow = ParseFlow(flow_code);
  if (!flow) {
    const std::string upper = AsciiUpper(flow_code);
    for (std::string_view other : kOtherFlowCodes) {
      if (upper == other) {
        return Skipped(
            line, name(kFlowCode),
            absl::StrCat("flow ", upper, " is not X, M, RX or RM: skipped"),
            absl::StrCat("flow ", upper));
      }
    }
    return Invalid(line, name(kFlowCode),
                   absl::StrCat("unknown flow code ", Quoted(flow_code),
                                " (expected X, M, RX or RM)"));
  }
  rec.set_flow(*flow);

  std::variant<std::string, RowError> reporter =
      AreaOf(field(kReporterIso), name(kReporterIso), field(kReporterCode),
             name(kReporterCode), line);
  if (auto* error = std::get_if<RowError>(&reporter)) return *std::move(error);
  rec.set_reporter(std::get<std::string>(std::move(reporter)));
  std::variant<std::string, RowError> partner =
      AreaOf(field(kPartnerIso), name(kPartnerIso), field(kPartnerCode),
             name(kPartnerCode), line);
  if (auto* error = std::get_if<RowError>(&partner)) return *std::move(error);
  rec.set_partner(std::get<std::string>(std::move(partner)));

  const std::string_view code = field(kCmdCode);
  if (code.size() != 6 || !AllAsciiDigits(code)) {
    return Invalid(
        line, name(kCmdCode),
        absl::StrCat("must be a 6-digit HS code, got ", Quoted(code)));
  }
  rec.set_hs_code(std::string(code));

  // A quantity counts vehicles (items, unit code 5); a qty in another unit
  // (8 = kg, -1 = none) is no count of anything we sum, so it becomes 0.
  const std::string_view unit = field(kQtyUnitCode);
  const std::string_view qty =
      unit.empty() || unit == "5" ? field(kQty) : std::string_view();
  if (std::optional<RowError> error =
          SetAmounts(line,
                     {{name(kPrimaryValue), field(kPrimaryValue), false,
                       &v1::TradeRecord::set_value_usd},
                      {name(kQty), qty, true, &v1::TradeRecord::set_quantity},
                      {name(kNetWgt), field(kNetWgt), true,
                       &v1::TradeRecord::set_net_weight_kg}},
                     rec)) {
    return *std::move(error);
  }
  return out;
}

// Whether the first bytes, past a byte order mark and white space, open a
// JSON object or array.
bool LooksLikeJson(std::string_view head) {
  if (head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
  for (char c : head) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    return c == '{' || c == '[';
  }
  return false;
}

// A final error of the CSV tokenizer (or of reading), named as the rows are:
// "line N: why" becomes "NAME:N: why"; other errors (a read error) get "NAME: "
// unless they already name the input.
absl::Status NamedInputError(const absl::Status& status,
                             std::string_view name) {
  absl::string_view rest = status.message();
  if (absl::ConsumePrefix(&rest, "line ")) {
    const size_t colon = rest.find(": ");
    int64_t line = 0;
    if (colon != absl::string_view::npos &&
        absl::SimpleAtoi(rest.substr(0, colon), &line)) {
      return absl::Status(
          status.code(),
          absl::StrCat(ToAbsl(name), ":", line, ": ", rest.substr(colon + 2)));
    }
  }
  if (absl::StrContains(status.message(), ToAbsl(name))) return status;
  return absl::Status(status.code(),
                      absl::StrCat(ToAbsl(name), ": ", status.message()));
}

}  // namespace

struct RecordReader::Columns {
  std::array<int, kNativeColumnCount> native;
  std::array<std::string, kNativeColumnCount> native_names;
  ComtradeLayout comtrade;
  // JSON records: with refYear + refMonth, or with period only.
  ComtradeLayout json_ref_year_month = JsonLayout(true);
  ComtradeLayout json_period = JsonLayout(false);
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

RecordReader::RecordReader(std::unique_ptr<CsvReader> csv,
                           std::unique_ptr<ComtradeJsonReader> json,
                           InputFormat format, std::unique_ptr<Columns> columns)
    : csv_(std::move(csv)),
      json_(std::move(json)),
      format_(format),
      columns_(std::move(columns)) {}

RecordReader::~RecordReader() = default;

absl::StatusOr<std::unique_ptr<RecordReader>> RecordReader::Open(
    const std::string& path, RecordReaderOptions options) {
  ASSIGN_OR_RETURN(std::unique_ptr<ByteSource> source,
                   path == "-" ? OpenStdinSource() : OpenFileSource(path));
  return FromSource(std::move(source), options);
}

absl::StatusOr<std::unique_ptr<RecordReader>> RecordReader::FromSource(
    std::unique_ptr<ByteSource> source, RecordReaderOptions options) {
  const std::string name = options.name.empty() ? source->name() : options.name;
  // The content decides between JSON and CSV, whatever the file is called.
  absl::StatusOr<std::string> head = ReadHead(*source, 4096);
  if (!head.ok()) return NamedInputError(head.status(), name);
  const bool json = LooksLikeJson(*head);
  source = PrependToSource(*std::move(head), std::move(source), name);
  if (json) {
    if (options.format == InputFormat::kNative) {
      return absl::InvalidArgumentError(absl::StrCat(
          name,
          ": JSON input is read as a Comtrade API response, not as the "
          "native format"));
    }
    ASSIGN_OR_RETURN(std::unique_ptr<ComtradeJsonReader> reader,
                     ComtradeJsonReader::Open(std::move(source)));
    return std::unique_ptr<RecordReader>(
        new RecordReader(nullptr, std::move(reader), InputFormat::kComtrade,
                         std::make_unique<Columns>()));
  }
  absl::StatusOr<std::unique_ptr<CsvReader>> csv = CsvReader::Open(
      std::move(source), CsvOptions{.delimiter = options.delimiter});
  if (!csv.ok()) return NamedInputError(csv.status(), name);
  const std::vector<std::string>& header = (*csv)->header().fields;
  auto columns = std::make_unique<Columns>();
  columns->native = FindColumns(header, kNativeNames);
  ComtradeLayout& comtrade = columns->comtrade;
  comtrade.index = FindColumns(header, kComtradeNames);
  for (int i = 0; i < kComtradeColumnCount; ++i) {
    comtrade.names[i] =
        comtrade.index[i] < 0
            ? std::string(kComtradeNames[i])
            : std::string(StripAscii(header[comtrade.index[i]]));
  }

  InputFormat format = options.format;
  if (format == InputFormat::kAuto) {
    // Comtrade's names never collide with native ones except "period", so
    // any Comtrade-only column decides.
    std::array<int, kComtradeColumnCount> comtrade_only = comtrade.index;
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
          ", refYear + refMonth or period), or a Comtrade API JSON "
          "response"));
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
    for (auto [iso, code] : {std::pair{kReporterIso, kReporterCode},
                             std::pair{kPartnerIso, kPartnerCode}}) {
      if (comtrade.index[iso] < 0 && comtrade.index[code] < 0) {
        return missing(absl::StrCat(ToAbsl(kComtradeNames[iso]), "\" or \"",
                                    ToAbsl(kComtradeNames[code])));
      }
    }
    for (int i = kFlowCode; i < kComtradeRequired; ++i) {
      if (comtrade.index[i] < 0) return missing(kComtradeNames[i]);
    }
    const bool has_year = comtrade.index[kRefYear] >= 0;
    const bool has_month = comtrade.index[kRefMonth] >= 0;
    if (has_year && has_month) {
      comtrade.ref_year_month = true;
    } else if (comtrade.index[kPeriod] < 0) {
      return missing(has_year ? "refMonth" : has_month ? "refYear" : "period");
    }
  }
  return std::unique_ptr<RecordReader>(
      new RecordReader(*std::move(csv), nullptr, format, std::move(columns)));
}

const ByteSource& RecordReader::source() const {
  return json_ != nullptr ? json_->source() : csv_->source();
}

int64_t RecordReader::rows_read() const {
  return json_ != nullptr ? json_->records_read() : csv_->rows_read();
}

std::string RecordReader::Location(int64_t line) const {
  return json_ != nullptr ? absl::StrCat(source().name(), ":data[", line, "]")
                          : absl::StrCat(source().name(), ":", line);
}

std::string RecordReader::SourceColumn(std::string_view record_field) const {
  if (format_ == InputFormat::kNative) return std::string(record_field);
  const ComtradeLayout& layout = columns_->comtrade;
  auto named = [&](ComtradeColumn c) -> std::string {
    return json_ != nullptr ? std::string(kComtradeNames[c]) : layout.names[c];
  };
  // ISO codes where the file has the column, else the numeric codes.
  auto area = [&](ComtradeColumn iso, ComtradeColumn code) {
    return json_ == nullptr && layout.index[iso] < 0 ? named(code) : named(iso);
  };
  if (record_field == "reporter") return area(kReporterIso, kReporterCode);
  if (record_field == "partner") return area(kPartnerIso, kPartnerCode);
  if (record_field == "flow") return named(kFlowCode);
  if (record_field == "hs_code") return named(kCmdCode);
  if (record_field == "value_usd") return named(kPrimaryValue);
  if (record_field == "quantity") return named(kQty);
  if (record_field == "net_weight_kg") return named(kNetWgt);
  if (record_field == "period") {
    if (json_ != nullptr || layout.ref_year_month) {
      return absl::StrCat(named(kRefYear), "/", named(kRefMonth));
    }
    return named(kPeriod);
  }
  return std::string(record_field);
}

absl::StatusOr<std::optional<ReadRow>> RecordReader::Next() {
  if (json_ != nullptr) {
    ASSIGN_OR_RETURN(const JsonRecord* record, json_->Next());
    if (record == nullptr) return std::nullopt;
    return FromJson(*record);
  }
  absl::StatusOr<const CsvRow*> row = csv_->Next();
  if (!row.ok()) return NamedInputError(row.status(), csv_->source().name());
  if (*row == nullptr) return std::nullopt;
  const CsvRow& r = **row;
  if (std::optional<std::string> width = csv_->WidthError(r)) {
    return ReadRow(Invalid(r.line, "", *std::move(width)));
  }
  return format_ == InputFormat::kNative
             ? ParseNative(r)
             : ParseComtradeFields(columns_->comtrade, r.fields, r.line);
}

ReadRow RecordReader::FromJson(const JsonRecord& record) {
  json_fields_.assign(kComtradeColumnCount, std::string());
  std::array<bool, kComtradeColumnCount> present{};
  for (const auto& [key, value] : record.members) {
    int column = -1;
    for (int i = 0; i < kComtradeColumnCount; ++i) {
      if (absl::EqualsIgnoreCase(ToAbsl(key), ToAbsl(kComtradeNames[i]))) {
        column = i;
        break;
      }
    }
    if (column < 0 || present[column]) continue;
    present[column] = true;
    switch (value.type) {
      case JsonScalar::Type::kNull:
        break;
      case JsonScalar::Type::kNumber:
      case JsonScalar::Type::kString:
        json_fields_[column] = value.text;
        break;
      case JsonScalar::Type::kBool:
      case JsonScalar::Type::kComplex:
        return Invalid(record.index, key,
                       absl::StrCat("expected a number or a string, got ",
                                    value.type == JsonScalar::Type::kBool
                                        ? value.text
                                        : std::string("an object or array")));
    }
  }
  const bool ref_year_month =
      !json_fields_[kRefYear].empty() && !json_fields_[kRefMonth].empty();
  return ParseComtradeFields(
      ref_year_month ? columns_->json_ref_year_month : columns_->json_period,
      json_fields_, record.index);
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

}  // namespace evtrade::formats
