// The one-sentence English summary of a market report.
#ifndef EVTRADE_GATEWAY_HEADLINE_H_
#define EVTRADE_GATEWAY_HEADLINE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "evtrade/v1/gateway_service.pb.h"

namespace evtrade::gateway {

// A headline made only from the figures in `report` (every field but
// headline filled in as far as the parts allowed), e.g. "China's electric
// vehicle exports hit a record $3.2 billion in November 2022, up 165% year on
// year; Belgium and the United Kingdom took 69%."
// Degrades gracefully: "were" instead of "hit a record", "down", no growth
// clause when YoY is undefined, one or no partners, "reported no ..." for a
// zero month; the all-vehicles figures when the segment part is missing.
// Empty when neither the segment nor all vehicles could be read.
std::string MakeHeadline(const v1::MarketReport& report);

// "$3.2 billion", "$612 million", "$6 billion", "$45,210".
std::string FormatUsdShort(int64_t value_usd);

// "165%", "4.5%", "0.3%" (magnitude only; one decimal below 10).
std::string FormatPercent(double pct);

// A country's English name as it reads inside a sentence: "China",
// "the United Kingdom", "the Netherlands".
std::string AreaNameInSentence(std::string_view code);

}  // namespace evtrade::gateway

#endif  // EVTRADE_GATEWAY_HEADLINE_H_
