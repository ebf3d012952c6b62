// Bad requests and unknown reporters through an in-process QueryService:
// INVALID_ARGUMENT naming the field, NOT_FOUND for a reporter without data.
#include <grpcpp/grpcpp.h>

#include <string>

#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "tests/support/paths.h"
#include "tests/support/query_fixture.h"

namespace evtrade {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

v1::Period P(int year, int month) { return testing::MakePeriod(year, month); }

class QueryValidationTest : public testing::SharedQueryServerSuite {
 protected:
  void SetUp() override {
    UseSharedServer([](store::IngestStore& store) {
      auto version =
          testing::IngestBatch(store, testing::FixtureBatch1(), "fixture");
      ASSERT_TRUE(version.ok()) << version.status();
    });
  }

  template <typename Response, typename Request, typename Method>
  grpc::Status Call(Method method, const Request& request) {
    Response response;
    return testing::CallQuery(stub(), method, request, &response);
  }

  grpc::Status Series(const v1::GetSeriesRequest& r) {
    return Call<v1::GetSeriesResponse>(&v1::QueryService::Stub::GetSeries, r);
  }

  static v1::GetSeriesRequest GoodSeries() {
    v1::GetSeriesRequest r;
    r.set_reporter("CHN");
    *r.mutable_start() = P(2022, 1);
    *r.mutable_end() = P(2022, 12);
    return r;
  }
};

EVTRADE_INSTANTIATE_FOR_EACH_BACKEND(QueryValidationTest);

void ExpectInvalid(const grpc::Status& status, const std::string& prefix) {
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << status.error_message();
  EXPECT_THAT(status.error_message(), StartsWith(prefix));
}

TEST_P(QueryValidationTest, GoodRequestPasses) {
  EXPECT_TRUE(Series(GoodSeries()).ok());
}

TEST_P(QueryValidationTest, ReporterCodes) {
  v1::GetSeriesRequest r = GoodSeries();
  r.set_reporter("XYZ");
  grpc::Status status = Series(r);
  ExpectInvalid(status, "reporter: ");
  EXPECT_EQ(status.error_message(),
            "reporter: unknown country code \"XYZ\" (ISO 3166-1 alpha-3)");
  r.set_reporter("");
  ExpectInvalid(Series(r), "reporter: is required");
  r.set_reporter("W00");
  ExpectInvalid(Series(r),
                "reporter: must be a country, not the World total W00");
  r.set_reporter("S19");
  ExpectInvalid(Series(r),
                "reporter: must be a country, not the special area \"S19\"");
}

TEST_P(QueryValidationTest, ReporterWithoutDataIsNotFound) {
  v1::GetSeriesRequest r = GoodSeries();
  r.set_reporter("USA");  // a partner in the fixture, never a reporter
  grpc::Status status = Series(r);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("USA"));

  v1::GetPartnerBreakdownRequest partners;
  partners.set_reporter("FRA");
  *partners.mutable_start() = P(2022, 1);
  *partners.mutable_end() = P(2022, 1);
  EXPECT_EQ((Call<v1::GetPartnerBreakdownResponse>(
                 &v1::QueryService::Stub::GetPartnerBreakdown, partners))
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::GetPowertrainMixRequest mix;
  mix.set_reporter("FRA");
  *mix.mutable_period() = P(2022, 1);
  EXPECT_EQ((Call<v1::GetPowertrainMixResponse>(
                 &v1::QueryService::Stub::GetPowertrainMix, mix))
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::GetManufacturerBreakdownRequest manufacturers;
  manufacturers.set_reporter("FRA");
  *manufacturers.mutable_start() = P(2022, 1);
  *manufacturers.mutable_end() = P(2022, 1);
  EXPECT_EQ(
      (Call<v1::GetManufacturerBreakdownResponse>(
           &v1::QueryService::Stub::GetManufacturerBreakdown, manufacturers))
          .error_code(),
      grpc::StatusCode::NOT_FOUND);
}

TEST_P(QueryValidationTest, Ranges) {
  v1::GetSeriesRequest r = GoodSeries();
  r.clear_start();
  ExpectInvalid(Series(r), "start: required");
  r = GoodSeries();
  r.clear_end();
  ExpectInvalid(Series(r), "end: required");
  r = GoodSeries();
  *r.mutable_start() = P(2022, 13);
  ExpectInvalid(Series(r), "start.month");
  r = GoodSeries();
  *r.mutable_start() = P(2023, 1);
  ExpectInvalid(Series(r), "end: must not be before start");
  r = GoodSeries();
  *r.mutable_start() = P(1960, 1);
  *r.mutable_end() = P(2010, 1);  // 601 months
  ExpectInvalid(Series(r), "end: range must be at most 600 months");
  *r.mutable_end() = P(2009, 12);  // exactly 600
  EXPECT_TRUE(Series(r).ok());
}

TEST_P(QueryValidationTest, PartnersFlowsAndPowertrains) {
  v1::GetSeriesRequest r = GoodSeries();
  r.set_partner("QQQ");
  ExpectInvalid(Series(r), "partner: unknown area code \"QQQ\"");
  r = GoodSeries();
  r.set_flow(static_cast<v1::Flow>(9));
  ExpectInvalid(Series(r), "flow: ");
  r = GoodSeries();
  r.set_powertrain(static_cast<v1::Powertrain>(42));
  ExpectInvalid(Series(r), "powertrain: ");

  v1::GetPowertrainMixRequest mix;
  mix.set_reporter("CHN");
  ExpectInvalid(Call<v1::GetPowertrainMixResponse>(
                    &v1::QueryService::Stub::GetPowertrainMix, mix),
                "period: required");
  *mix.mutable_period() = P(2022, 11);
  mix.set_majority_threshold_pct(100);
  ExpectInvalid(Call<v1::GetPowertrainMixResponse>(
                    &v1::QueryService::Stub::GetPowertrainMix, mix),
                "majority_threshold_pct: ");
  mix.set_majority_threshold_pct(-5);
  ExpectInvalid(Call<v1::GetPowertrainMixResponse>(
                    &v1::QueryService::Stub::GetPowertrainMix, mix),
                "majority_threshold_pct: ");

  v1::GetExporterRankingRequest ranking;
  *ranking.mutable_start() = P(2022, 1);
  *ranking.mutable_end() = P(2022, 1);
  ranking.set_partner("ZZZ");
  ExpectInvalid(Call<v1::GetExporterRankingResponse>(
                    &v1::QueryService::Stub::GetExporterRanking, ranking),
                "partner: ");
}

TEST_P(QueryValidationTest, NegativeLimits) {
  v1::GetPartnerBreakdownRequest partners;
  partners.set_reporter("CHN");
  *partners.mutable_start() = P(2022, 1);
  *partners.mutable_end() = P(2022, 1);
  partners.set_limit(-1);
  ExpectInvalid(Call<v1::GetPartnerBreakdownResponse>(
                    &v1::QueryService::Stub::GetPartnerBreakdown, partners),
                "limit: must not be negative, got -1");
  v1::GetManufacturerBreakdownRequest manufacturers;
  manufacturers.set_reporter("CHN");
  *manufacturers.mutable_start() = P(2022, 1);
  *manufacturers.mutable_end() = P(2022, 1);
  manufacturers.set_limit(-3);
  ExpectInvalid(
      Call<v1::GetManufacturerBreakdownResponse>(
          &v1::QueryService::Stub::GetManufacturerBreakdown, manufacturers),
      "limit: ");
  v1::GetExporterRankingRequest ranking;
  *ranking.mutable_start() = P(2022, 1);
  *ranking.mutable_end() = P(2022, 1);
  ranking.set_limit(-2);
  ExpectInvalid(Call<v1::GetExporterRankingResponse>(
                    &v1::QueryService::Stub::GetExporterRanking, ranking),
                "limit: ");
}

TEST_P(QueryValidationTest, ListRecordsPagingArguments) {
  auto list = [&](const v1::ListRecordsRequest& r,
                  v1::ListRecordsResponse* out) {
    grpc::ClientContext context;
    return stub().ListRecords(&context, r, out);
  };
  v1::ListRecordsResponse out;
  v1::ListRecordsRequest r;
  // Over the maximum is clamped (common/domain/paging.h), not refused.
  r.set_page_size(1001);
  EXPECT_TRUE(list(r, &out).ok());
  EXPECT_EQ(out.records_size(), 22);
  r.set_page_size(-1);
  ExpectInvalid(list(r, &out), "page_size: must not be negative, got -1");
  r.set_page_size(0);
  r.set_page_token("not-a-token");
  ExpectInvalid(list(r, &out), "page_token: ");
  r.clear_page_token();
  *r.mutable_start() = P(2022, 1);
  ExpectInvalid(list(r, &out), "end: required");
  r.clear_start();
  r.set_hs_code("8703");
  ExpectInvalid(list(r, &out), "hs_code: ");

  // A token only works with the filters it was issued for.
  v1::ListRecordsRequest chn;
  chn.set_reporter("CHN");
  chn.set_page_size(2);
  ASSERT_TRUE(list(chn, &out).ok());
  ASSERT_FALSE(out.next_page_token().empty());
  v1::ListRecordsRequest other;
  other.set_reporter("DEU");
  other.set_page_size(2);
  other.set_page_token(out.next_page_token());
  v1::ListRecordsResponse unused;
  ExpectInvalid(list(other, &unused), "page_token: was issued for other");
  chn.set_page_token(out.next_page_token());
  EXPECT_TRUE(list(chn, &unused).ok());
}

// The one-line change that stops a limit of 1 from being applied (`limit > 1`
// in ApplyLimit, say) fails here for every RPC that takes a limit.
TEST_P(QueryValidationTest, LimitOfOneIsApplied) {
  v1::GetPartnerBreakdownRequest partners;
  partners.set_reporter("CHN");
  *partners.mutable_start() = P(2022, 11);
  *partners.mutable_end() = P(2022, 11);
  v1::GetPartnerBreakdownResponse all_partners, one_partner, two_partners;
  ASSERT_TRUE(testing::CallQuery(stub(),
                                 &v1::QueryService::Stub::GetPartnerBreakdown,
                                 partners, &all_partners)
                  .ok());
  // BEL, GBR, DEU and the special area S19.
  ASSERT_EQ(all_partners.partners_size(), 4);
  partners.set_limit(1);
  ASSERT_TRUE(testing::CallQuery(stub(),
                                 &v1::QueryService::Stub::GetPartnerBreakdown,
                                 partners, &one_partner)
                  .ok());
  ASSERT_EQ(one_partner.partners_size(), 1);
  EXPECT_EQ(one_partner.partners(0).partner(),
            all_partners.partners(0).partner());
  EXPECT_EQ(one_partner.partner_count(), 4);
  partners.set_limit(2);
  ASSERT_TRUE(testing::CallQuery(stub(),
                                 &v1::QueryService::Stub::GetPartnerBreakdown,
                                 partners, &two_partners)
                  .ok());
  EXPECT_EQ(two_partners.partners_size(), 2);

  v1::GetManufacturerBreakdownRequest makers;
  makers.set_reporter("CHN");
  *makers.mutable_start() = P(2022, 11);
  *makers.mutable_end() = P(2022, 11);
  v1::GetManufacturerBreakdownResponse all_makers, one_maker;
  ASSERT_TRUE(testing::CallQuery(
                  stub(), &v1::QueryService::Stub::GetManufacturerBreakdown,
                  makers, &all_makers)
                  .ok());
  ASSERT_EQ(all_makers.manufacturers_size(), 2);  // Tesla, BYD
  makers.set_limit(1);
  ASSERT_TRUE(testing::CallQuery(
                  stub(), &v1::QueryService::Stub::GetManufacturerBreakdown,
                  makers, &one_maker)
                  .ok());
  ASSERT_EQ(one_maker.manufacturers_size(), 1);
  EXPECT_EQ(one_maker.manufacturers(0).manufacturer(),
            all_makers.manufacturers(0).manufacturer());

  v1::GetExporterRankingRequest ranking;
  *ranking.mutable_start() = P(2022, 11);
  *ranking.mutable_end() = P(2022, 11);
  v1::GetExporterRankingResponse all_ranks, one_rank;
  ASSERT_TRUE(testing::CallQuery(stub(),
                                 &v1::QueryService::Stub::GetExporterRanking,
                                 ranking, &all_ranks)
                  .ok());
  ASSERT_EQ(all_ranks.ranks_size(), 3);  // CHN, DEU, JPN
  ranking.set_limit(1);
  ASSERT_TRUE(testing::CallQuery(stub(),
                                 &v1::QueryService::Stub::GetExporterRanking,
                                 ranking, &one_rank)
                  .ok());
  ASSERT_EQ(one_rank.ranks_size(), 1);
  EXPECT_EQ(one_rank.ranks(0).reporter(), all_ranks.ranks(0).reporter());

  v1::ListRecordsRequest records;
  records.set_page_size(1);
  v1::ListRecordsResponse one_record;
  ASSERT_TRUE(testing::CallQuery(stub(), &v1::QueryService::Stub::ListRecords,
                                 records, &one_record)
                  .ok());
  EXPECT_EQ(one_record.records_size(), 1);
  EXPECT_FALSE(one_record.next_page_token().empty());
}

// A bad field is named in the trailers too (grpc-status-details-bin), as a
// google.rpc.BadRequest any gRPC client can read.
TEST_P(QueryValidationTest, BadFieldIsNamedInTheStatusDetails) {
  v1::GetSeriesRequest request = GoodSeries();
  request.set_reporter("ZZZ");
  v1::GetSeriesResponse response;
  grpc::ClientContext context;
  const grpc::Status status = stub().GetSeries(&context, request, &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(status.error_details()));
  EXPECT_EQ(details.code(), 3);
  EXPECT_EQ(details.message(), status.error_message());
  ASSERT_EQ(details.details_size(), 1);
  EXPECT_EQ(details.details(0).type_url(),
            "type.googleapis.com/google.rpc.BadRequest");
  google::rpc::BadRequest bad_request;
  ASSERT_TRUE(details.details(0).UnpackTo(&bad_request));
  ASSERT_EQ(bad_request.field_violations_size(), 1);
  EXPECT_EQ(bad_request.field_violations(0).field(), "reporter");
  EXPECT_EQ(bad_request.field_violations(0).description(),
            "unknown country code \"ZZZ\" (ISO 3166-1 alpha-3)");

  // A reporter is checked by the one rule, with its one message, wherever
  // it is given (the ingest service and the gateway say the same).
  request.set_reporter("W00");
  grpc::ClientContext world_context;
  EXPECT_EQ(
      stub().GetSeries(&world_context, request, &response).error_message(),
      "reporter: must be a country, not the World total W00");
}

}  // namespace
}  // namespace evtrade
