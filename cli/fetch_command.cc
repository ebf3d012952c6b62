#include "cli/fetch_command.h"

#include <openssl/evp.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "cli/ingest_batch.h"
#include "common/domain/areas.h"
#include "common/domain/flow.h"
#include "common/domain/month.h"
#include "common/domain/powertrain.h"
#include "common/domain/record_validation.h"
#include "common/formats/record_reader.h"
#include "common/util/strings.h"
#include "common/util/token.h"

namespace evtrade::cli {
namespace {

using formats::LineRecord;
using formats::RecordReader;
using formats::RowError;

constexpr int kMaxPeriodsPerCall = 12;  // the API's limit
constexpr int64_t kPreviewMaxRecords = 500;

// One API call: every list is non-empty except partners (empty = all).
struct Query {
  std::vector<std::string> reporters;  // Comtrade codes
  std::vector<std::string> partners;
  std::vector<std::string> periods;  // YYYYMM
  std::vector<std::string> hs_codes;
  std::vector<std::string> flows;

  // The query parameters, in a fixed order (maxRecords aside).
  std::vector<std::pair<std::string, std::string>> Params() const {
    std::vector<std::pair<std::string, std::string>> params = {
        {"reporterCode", absl::StrJoin(reporters, ",")},
        {"period", absl::StrJoin(periods, ",")},
        {"cmdCode", absl::StrJoin(hs_codes, ",")},
        {"flowCode", absl::StrJoin(flows, ",")}};
    if (!partners.empty()) {
      params.emplace_back("partnerCode", absl::StrJoin(partners, ","));
    }
    params.emplace_back("includeDesc", "true");
    return params;
  }
  std::string Text() const {
    std::string text;
    for (const auto& [name, value] : Params()) {
      absl::StrAppend(&text, text.empty() ? "" : "&", name, "=", value);
    }
    return text;
  }
};

// Halves the first list that can be split: periods, then reporters, then
// partners, HS codes, flows. nullopt when every list has one entry (or
// partners are all).
std::optional<std::pair<Query, Query>> Split(const Query& query) {
  for (auto member : {&Query::periods, &Query::reporters, &Query::partners,
                      &Query::hs_codes, &Query::flows}) {
    const std::vector<std::string>& list = query.*member;
    if (list.size() < 2) continue;
    const auto middle =
        list.begin() + static_cast<std::ptrdiff_t>(list.size() / 2);
    std::pair<Query, Query> halves{query, query};
    halves.first.*member = std::vector<std::string>(list.begin(), middle);
    halves.second.*member = std::vector<std::string>(middle, list.end());
    return halves;
  }
  return std::nullopt;
}

// SHA-256 of everything added, in hex.
class Digest {
 public:
  Digest() : context_(EVP_MD_CTX_new()) {
    EVP_DigestInit_ex(context_, EVP_sha256(), nullptr);
  }
  ~Digest() { EVP_MD_CTX_free(context_); }
  Digest(const Digest&) = delete;
  Digest& operator=(const Digest&) = delete;

  void Add(std::string_view data) {
    // Length first, so that ("ab","c") and ("a","bc") differ.
    const std::string length = absl::StrCat(data.size(), ":");
    EVP_DigestUpdate(context_, length.data(), length.size());
    EVP_DigestUpdate(context_, data.data(), data.size());
  }
  std::string Hex() {
    unsigned char bytes[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_DigestFinal_ex(context_, bytes, &size);
    std::string hex;
    for (unsigned int i = 0; i < size; ++i) {
      absl::StrAppendFormat(&hex, "%02x", bytes[i]);
    }
    return hex;
  }

 private:
  EVP_MD_CTX* context_;
};

// What a downloaded response holds.
struct Scan {
  int64_t records = 0;  // elements of "data", whatever became of them
  std::string digest;   // of the query and of every row as read
};

// Reads the response once: how many records, and a digest of the query and
// of what every row gave. The digest is the call's request id, so the same
// call answered with the same data is written once, however often it runs;
// a revised answer is a new batch.
absl::StatusOr<Scan> ScanResponse(const std::string& path, const Query& query) {
  absl::StatusOr<std::unique_ptr<RecordReader>> reader =
      RecordReader::Open(path);
  if (!reader.ok() || !(*reader)->is_json()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the API's answer is not a JSON response: ", ResponseStart(path)));
  }
  Digest digest;
  digest.Add(query.Text());
  for (;;) {
    absl::StatusOr<std::optional<formats::ReadRow>> row = (*reader)->Next();
    if (!row.ok()) return row.status();
    if (!row->has_value()) break;
    if (const auto* record = std::get_if<LineRecord>(&**row)) {
      digest.Add(record->record.SerializeAsString());
    } else {
      const RowError& error = std::get<RowError>(**row);
      digest.Add(absl::StrCat(error.line, error.field, error.reason));
    }
  }
  return Scan{(*reader)->rows_read(), digest.Hex()};
}

// "2022-01..2022-12" (or one month) as YYYYMM keys.
absl::StatusOr<std::vector<std::string>> ParsePeriods(std::string_view text) {
  const std::vector<std::string> ends =
      absl::StrSplit(ToAbsl(StripAscii(text)), "..");
  if (ends.empty() || ends.size() > 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--periods: expected YYYY-MM..YYYY-MM, got \"", ToAbsl(text), "\""));
  }
  absl::StatusOr<Month> first = Month::Parse(ends.front(), "--periods");
  if (!first.ok()) return first.status();
  absl::StatusOr<Month> last = Month::Parse(ends.back(), "--periods");
  if (!last.ok()) return last.status();
  if (last->Index() < first->Index()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--periods: ", ends.back(), " is before ", ends.front()));
  }
  std::vector<std::string> periods;
  for (int i = first->Index(); i <= last->Index(); ++i) {
    periods.push_back(absl::StrCat(Month::FromIndex(i).Key()));
  }
  return periods;
}

// ISO alpha-3 codes as Comtrade codes.
// Reporters must pass the one reporter rule (CheckReporter).
absl::StatusOr<std::vector<std::string>> AreaCodes(
    std::string_view flag, const std::vector<std::string>& areas) {
  std::vector<std::string> codes;
  for (const std::string& area : areas) {
    const std::string code = NormalizeAreaCode(area);
    if (flag == "reporters") {
      if (std::optional<FieldError> error =
              CheckReporter(code, "--reporters")) {
        return absl::InvalidArgumentError(
            absl::StrCat(error->field, ": ", error->reason));
      }
    }
    const std::optional<int> m49 = M49OfArea(code);
    if (!m49) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", ToAbsl(flag), ": unknown area \"", area, "\""));
    }
    codes.push_back(absl::StrCat(*m49));
  }
  return codes;
}

class Fetcher {
 public:
  explicit Fetcher(const FetchConfig& config) : config_(config) {}

  int Run() {
    if (std::optional<int> usage = Prepare()) return *usage;
    const std::string dir = MakeWorkDir();
    if (dir.empty()) {
      absl::FPrintF(stderr,
                    "evtrade fetch: cannot create a temporary folder\n");
      return kExitFailed;
    }
    const int code = FetchAll(dir);
    if (code != kExitFailed) {
      std::error_code ignored;
      std::filesystem::remove_all(dir, ignored);
    }
    return code;
  }

 private:
  // Checks the flags and builds the first calls; an exit code on failure.
  std::optional<int> Prepare() {
    auto usage = [](const absl::Status& status) {
      absl::FPrintF(stderr, "evtrade fetch: %s\n", status.message());
      return kExitUsage;
    };
    if (config_.reporters.empty()) {
      return usage(absl::InvalidArgumentError(
          "--reporters: give at least one (ISO alpha-3, e.g. CHN,DEU)"));
    }
    if (config_.max_records < 1) {
      return usage(absl::InvalidArgumentError("--max_records: must be > 0"));
    }
    absl::StatusOr<std::vector<std::string>> reporters =
        AreaCodes("reporters", config_.reporters);
    if (!reporters.ok()) return usage(reporters.status());
    absl::StatusOr<std::vector<std::string>> partners =
        AreaCodes("partners", config_.partners);
    if (!partners.ok()) return usage(partners.status());
    absl::StatusOr<std::vector<std::string>> periods =
        ParsePeriods(config_.periods);
    if (!periods.ok()) return usage(periods.status());
    std::vector<std::string> hs_codes = config_.hs_codes;
    if (hs_codes.empty()) {
      for (std::string_view code : HsCodesOf(v1::POWERTRAIN_ALL)) {
        hs_codes.emplace_back(code);
      }
    }
    for (const std::string& code : hs_codes) {
      if (code.size() != 6 || !AllAsciiDigits(code)) {
        return usage(absl::InvalidArgumentError(absl::StrCat(
            "--hs_codes: \"", code, "\" is not a 6-digit HS code")));
      }
    }
    std::vector<std::string> flows;
    for (const std::string& flow : config_.flows) {
      const std::optional<v1::Flow> parsed = ParseFlow(flow);
      if (!parsed) {
        return usage(absl::InvalidArgumentError(
            absl::StrCat("--flows: \"", flow, "\" is not X, M, RX or RM")));
      }
      flows.emplace_back(ComtradeFlowCode(*parsed));
    }
    if (flows.empty()) {
      return usage(absl::InvalidArgumentError("--flows: give at least one"));
    }

    api_ = config_.api;
    if (!config_.api_key_file.empty()) {
      absl::StatusOr<std::string> key = ReadTokenFile(config_.api_key_file);
      if (!key.ok()) {
        return usage(absl::InvalidArgumentError(
            absl::StrCat("--api_key_file: ", key.status().message())));
      }
      api_.api_key = *std::move(key);
    }
    max_records_ = config_.max_records;
    if (api_.api_key.empty()) {
      max_records_ = std::min(max_records_, kPreviewMaxRecords);
      absl::PrintF(
          "no --api_key_file: using the public preview API, which returns "
          "at most %d records per call; calls are split to stay under it\n",
          kPreviewMaxRecords);
    }
    if (!config_.ingest.dry_run) {
      absl::StatusOr<std::unique_ptr<IngestClient>> client =
          DialIngest(config_.ingest);
      if (!client.ok()) return usage(client.status());
      client_ = *std::move(client);
    }
    for (size_t i = 0; i < periods->size(); i += kMaxPeriodsPerCall) {
      const size_t end = std::min(periods->size(), i + kMaxPeriodsPerCall);
      queue_.push_back(Query{*reporters, *partners,
                             std::vector<std::string>(periods->begin() + i,
                                                      periods->begin() + end),
                             hs_codes, flows});
    }
    return std::nullopt;
  }

  static std::string MakeWorkDir() {
    const char* tmp = getenv("TMPDIR");
    std::string pattern = absl::StrCat(
        tmp != nullptr && *tmp != '\0' ? tmp : "/tmp", "/evtrade-fetch-XXXXXX");
    return mkdtemp(pattern.data()) == nullptr ? std::string() : pattern;
  }

  // Runs the calls; each answer goes to DIR/call-N.json, kept when the
  // fetch stops on it.
  int FetchAll(const std::string& dir) {
    int exit_code = kExitOk;
    while (!queue_.empty()) {
      const Query query = queue_.front();
      queue_.pop_front();
      ++calls_;
      const std::string body_path =
          absl::StrCat(dir, "/call-", calls_, ".json");
      if (calls_ > 1) {
        std::error_code ignored;
        std::filesystem::remove(
            absl::StrCat(dir, "/call-", calls_ - 1, ".json"), ignored);
      }
      absl::PrintF("call %d: %s\n", calls_, query.Text());
      std::vector<std::pair<std::string, std::string>> params = query.Params();
      params.emplace_back("maxRecords", absl::StrCat(max_records_));
      last_body_ = body_path;
      const absl::Status fetched = FetchToFile(
          api_, params, body_path,
          [](const std::string& line) { absl::PrintF("  %s\n", line); });
      if (!fetched.ok()) return Stop(fetched);
      absl::StatusOr<Scan> scan = ScanResponse(body_path, query);
      if (!scan.ok()) return Stop(scan.status());
      if (scan->records >= max_records_) {
        std::optional<std::pair<Query, Query>> halves = Split(query);
        if (!halves) {
          return Stop(absl::ResourceExhaustedError(absl::StrFormat(
              "%d records, the most one call returns, for one reporter, "
              "period, HS code and flow: raise --max_records",
              scan->records)));
        }
        ++splits_;
        absl::PrintF("  %d records: may be cut at --max_records; split\n",
                     scan->records);
        queue_.push_front(std::move(halves->second));
        queue_.push_front(std::move(halves->first));
        continue;
      }
      // Errors then read "call 3:data[5]: primaryValue: ...".
      absl::StatusOr<std::unique_ptr<RecordReader>> reader = RecordReader::Open(
          body_path, {.name = absl::StrCat("call ", calls_)});
      if (!reader.ok()) return Stop(reader.status());
      std::vector<std::unique_ptr<RecordReader>> readers;
      readers.push_back(*std::move(reader));
      const BatchResult batch = SendBatch(
          config_.ingest, client_.get(), std::move(readers),
          {.request_id = absl::StrCat("comtrade-", scan->digest.substr(0, 32)),
           .source = absl::StrCat("comtrade api ", query.Text())},
          "evtrade fetch");
      Add(batch);
      if (batch.exit_code == kExitFailed) {
        PrintTotals();
        return kExitFailed;
      }
      exit_code = std::max(exit_code, batch.exit_code);
    }
    PrintTotals();
    return exit_code;
  }

  int Stop(const absl::Status& status) {
    absl::FPrintF(stderr, "evtrade fetch: call %d: %s\n", calls_,
                  status.message());
    absl::FPrintF(stderr,
                  "evtrade fetch: the answer to call %d is kept in %s\n",
                  calls_, last_body_);
    absl::PrintF(
        "stopped at call %d; what earlier calls loaded stays, and running "
        "the same fetch again loads the rest without writing anything "
        "twice\n",
        calls_);
    PrintTotals();
    return kExitFailed;
  }

  void Add(const BatchResult& batch) {
    rows_ += batch.rows;
    skipped_ += batch.skipped;
    unreadable_ += batch.unreadable;
    if (batch.replayed) {
      ++replayed_;  // its counts are the first run's: nothing happened now
      return;
    }
    received_ += batch.received;
    inserted_ += batch.inserted;
    updated_ += batch.updated;
    unchanged_ += batch.unchanged;
    rejected_ += batch.rejected;
  }

  void PrintTotals() const {
    absl::PrintF(
        "fetch: %d calls (%d split), rows %d, skipped %d, unreadable %d; "
        "received %d, inserted %d, updated %d, unchanged %d, rejected %d; "
        "%d calls loaded before (nothing written)\n",
        calls_, splits_, rows_, skipped_, unreadable_, received_, inserted_,
        updated_, unchanged_, rejected_, replayed_);
  }

  const FetchConfig& config_;
  ComtradeApiConfig api_;
  int64_t max_records_ = 0;
  std::unique_ptr<IngestClient> client_;
  std::deque<Query> queue_;
  int calls_ = 0;
  std::string last_body_;
  int splits_ = 0;
  int64_t rows_ = 0;
  int64_t skipped_ = 0;
  int64_t unreadable_ = 0;
  int64_t received_ = 0;
  int64_t inserted_ = 0;
  int64_t updated_ = 0;
  int64_t unchanged_ = 0;
  int64_t rejected_ = 0;
  int64_t replayed_ = 0;
};

}  // namespace

int RunFetch(const FetchConfig& config) { return Fetcher(config).Run(); }

}  // namespace evtrade::cli
