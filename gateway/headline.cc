#include "gateway/headline.h"

#include <array>
#include <cmath>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/domain/areas.h"
#include "common/domain/powertrain.h"

namespace evtrade::gateway {
namespace {

constexpr std::array<const char*, 12> kMonthNames = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

// "The Netherlands", "the United States": names that take the article.
bool TakesArticle(absl::string_view name) {
  static constexpr absl::string_view kPrefixes[] = {
      "United ",         "Republic ",       "Democratic Republic",
      "Russian Fed",     "Netherlands",     "Philippines",
      "Bahamas",         "Gambia",          "Maldives",
      "Comoros",         "Czech Republic",  "Dominican Republic",
      "Central African", "Syrian Arab",     "Holy See",
      "Lao People",      "Federated States"};
  for (absl::string_view prefix : kPrefixes) {
    if (absl::StartsWith(name, prefix)) return true;
  }
  return absl::EndsWith(name, "Islands") || absl::EndsWith(name, "Emirates");
}

std::string Capitalized(std::string text) {
  if (!text.empty()) text[0] = absl::ascii_toupper(text[0]);
  return text;
}

std::string Possessive(std::string name) {
  return absl::EndsWith(name, "s") ? absl::StrCat(name, "'")
                                   : absl::StrCat(name, "'s");
}

absl::string_view FlowNoun(v1::Flow flow) {
  switch (flow) {
    case v1::FLOW_IMPORT:
      return "imports";
    case v1::FLOW_RE_EXPORT:
      return "re-exports";
    case v1::FLOW_RE_IMPORT:
      return "re-imports";
    default:
      return "exports";
  }
}

// "one decimal place, or none when it is .0".
std::string TrimmedTenths(int64_t tenths) {
  if (tenths % 10 == 0) return absl::StrCat(tenths / 10);
  return absl::StrCat(tenths / 10, ".", tenths % 10);
}

std::string WithThousands(int64_t value) {
  std::string digits = absl::StrCat(value);
  std::string out;
  const int n = static_cast<int>(digits.size());
  for (int i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

// The growth clause: ", up 165% year on year", or "" when undefined.
std::string GrowthClause(const v1::SegmentSummary& summary) {
  if (!summary.has_value_yoy_pct()) return "";
  const double pct = summary.value_yoy_pct();
  const std::string magnitude = FormatPercent(pct);
  if (magnitude == "0%") return ", unchanged year on year";
  return absl::StrCat(pct > 0 ? ", up " : ", down ", magnitude,
                      " year on year");
}

// "; Belgium and the United Kingdom took 69%" from the top two partners.
std::string PartnerClause(const v1::MarketReport& report) {
  const auto& partners = report.top_partners();
  if (partners.empty()) return "";
  const int shown = partners.size() >= 2 ? 2 : 1;
  const v1::PartnerShare& last = partners[shown - 1];
  if (!last.has_cumulative_share_pct()) return "";
  std::string names = AreaNameInSentence(partners[0].partner());
  if (shown == 2) {
    absl::StrAppend(&names, " and ", AreaNameInSentence(partners[1].partner()));
  }
  return absl::StrCat("; ", names, " took ",
                      FormatPercent(last.cumulative_share_pct()));
}

}  // namespace

std::string FormatUsdShort(int64_t value_usd) {
  const int64_t v = std::llabs(value_usd);
  const std::string sign = value_usd < 0 ? "-" : "";
  // The thresholds are where rounding to one decimal would reach 1000 of
  // the smaller unit ("$1000 million" reads as "$1 billion").
  if (v >= 999'950'000) {
    return absl::StrCat(
        sign, "$", TrimmedTenths((v + 50'000'000) / 100'000'000), " billion");
  }
  if (v >= 999'950) {
    return absl::StrCat(sign, "$", TrimmedTenths((v + 50'000) / 100'000),
                        " million");
  }
  return absl::StrCat(sign, "$", WithThousands(v));
}

std::string FormatPercent(double pct) {
  const double magnitude = std::fabs(pct);
  if (std::llround(magnitude * 10) < 100) {
    return absl::StrCat(TrimmedTenths(std::llround(magnitude * 10)), "%");
  }
  return absl::StrCat(std::llround(magnitude), "%");
}

std::string AreaNameInSentence(std::string_view code) {
  std::string name(AreaName(code));
  return TakesArticle(name) ? absl::StrCat("the ", name) : name;
}

std::string MakeHeadline(const v1::MarketReport& report) {
  const bool use_segment = report.has_segment();
  if (!use_segment && !report.has_all_vehicles()) return "";
  const v1::SegmentSummary& summary =
      use_segment ? report.segment() : report.all_vehicles();
  const v1::Powertrain powertrain =
      use_segment ? report.powertrain() : v1::POWERTRAIN_ALL;
  const std::string noun =
      powertrain == v1::POWERTRAIN_ALL
          ? std::string("vehicle")
          : absl::StrCat(std::string(PowertrainNoun(powertrain)), " vehicle");
  const int month = report.period().month();
  const std::string when =
      absl::StrCat(month >= 1 && month <= 12 ? kMonthNames[month - 1] : "", " ",
                   report.period().year());
  const std::string reporter = AreaNameInSentence(report.reporter());

  if (summary.value_usd() == 0) {
    return absl::StrCat(Capitalized(reporter), " reported no ", noun, " ",
                        FlowNoun(report.flow()), " for ", when, ".");
  }
  std::string sentence = absl::StrCat(
      Capitalized(Possessive(reporter)), " ", noun, " ",
      FlowNoun(report.flow()),
      summary.record_high() ? " hit a record " : " were ",
      FormatUsdShort(summary.value_usd()), " in ", when, GrowthClause(summary));
  if (use_segment) absl::StrAppend(&sentence, PartnerClause(report));
  sentence.push_back('.');
  return sentence;
}

}  // namespace evtrade::gateway
