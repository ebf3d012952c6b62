// The dashboard page the gateway serves at GET /.
#ifndef EVTRADE_GATEWAY_DASHBOARD_H_
#define EVTRADE_GATEWAY_DASHBOARD_H_

#include "absl/strings/string_view.h"

namespace evtrade::gateway {

// A self-contained HTML page (inline CSS and JS, nothing fetched from
// elsewhere) that asks /v1/reports/{reporter}/{yyyy-mm} (CHN 2022-11 at
// first) and shows the headline and the report's tables, with inputs for
// reporter, month and segment.
absl::string_view DashboardHtml();

}  // namespace evtrade::gateway

#endif  // EVTRADE_GATEWAY_DASHBOARD_H_
