// IngestService in-process: a real server on 127.0.0.1 port 0, a real store
// (a SQLite file in a temporary folder, or a fresh PostgreSQL database),
// called through the real client.
#include "ingest_service/ingest_service.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/client/ingest_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/ingest_server.h"
#include "tests/support/metric_sample.h"
#include "tests/support/paths.h"
#include "tests/support/store_backends.h"

namespace evtrade {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr char kToken[] = "s3cret-token";

v1::TradeRecord Rec(std::string reporter, std::string partner,
                    std::string hs_code, int year, int month, int64_t value,
                    int64_t quantity) {
  v1::TradeRecord r;
  r.set_reporter(std::move(reporter));
  r.set_partner(std::move(partner));
  r.set_flow(v1::FLOW_EXPORT);
  r.set_hs_code(std::move(hs_code));
  r.mutable_period()->set_year(year);
  r.mutable_period()->set_month(month);
  r.set_value_usd(value);
  r.set_quantity(quantity);
  return r;
}

MATCHER_P2(RecordErrorIs, index, field, "") {
  return arg.index() == index && arg.field() == field && !arg.reason().empty();
}

class IngestServiceTest : public ::testing::TestWithParam<testing::Backend> {
 protected:
  void SetUp() override {
    absl::StatusOr<std::string> db = testing::FreshStore(GetParam());
    ASSERT_TRUE(db.ok()) << db.status();
    db_path_ = *db;
    StartService();
  }

  void TearDown() override { StopService(); }

  void StartService(IngestServiceConfig config = {.token = kToken}) {
    auto server =
        testing::InProcessIngestServer::Start(db_path_, std::move(config));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    address_ = server_->address();
  }

  void StopService() { server_.reset(); }

  IngestClient Client(std::string token = kToken,
                      absl::Duration stream_timeout = absl::Seconds(30)) {
    return IngestClient({.address = address_,
                         .token = std::move(token),
                         .stream_timeout = stream_timeout});
  }

  // Sends `messages` as one stream and returns the answer.
  absl::StatusOr<v1::IngestResponse> Ingest(
      IngestClient& client, std::vector<std::vector<v1::TradeRecord>> messages,
      IngestOptions options = {}) {
    std::unique_ptr<IngestStream> stream =
        client.StartIngest(std::move(options));
    for (auto& message : messages) {
      if (!stream->Send(std::move(message))) break;
    }
    return stream->Finish();
  }

  absl::StatusOr<v1::IngestResponse> Ingest(
      std::vector<std::vector<v1::TradeRecord>> messages,
      IngestOptions options = {}) {
    IngestClient client = Client();
    return Ingest(client, std::move(messages), std::move(options));
  }

  // What a reader of the store sees.
  int64_t Count(const std::string& sql) {
    return testing::StoreInt(db_path_, sql);
  }
  int64_t RecordCount() { return Count("SELECT COUNT(*) FROM records"); }
  int64_t BatchCount() { return Count("SELECT COUNT(*) FROM batches"); }

  std::string db_path_;  // as --db: a SQLite file or a PostgreSQL URI
  std::unique_ptr<testing::InProcessIngestServer> server_;
  std::string address_;
};

EVTRADE_INSTANTIATE_FOR_EACH_BACKEND(IngestServiceTest);

TEST_P(IngestServiceTest, InsertsEveryRecordOfAMultiMessageStream) {
  auto response = Ingest({{Rec("CHN", "BEL", "870380", 2022, 11, 1000, 10),
                           Rec("CHN", "GBR", "870380", 2022, 11, 2000, 20)},
                          {Rec("CHN", "W00", "870380", 2022, 11, 5000, 50)}});
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->batch_id(), 1);
  EXPECT_EQ(response->data_version(), 1);
  EXPECT_EQ(response->received(), 3);
  EXPECT_EQ(response->inserted(), 3);
  EXPECT_EQ(response->updated(), 0);
  EXPECT_EQ(response->unchanged(), 0);
  EXPECT_EQ(response->rejected(), 0);
  EXPECT_FALSE(response->replayed());
  EXPECT_EQ(RecordCount(), 3);
  EXPECT_EQ(Count("SELECT SUM(value_usd) FROM records"), 8000);
}

TEST_P(IngestServiceTest, CountsRevisionsAndUnchangedRecordsExactly) {
  ASSERT_TRUE(Ingest({{Rec("CHN", "BEL", "870380", 2022, 11, 1000, 10),
                       Rec("CHN", "GBR", "870380", 2022, 11, 2000, 20)}})
                  .ok());
  auto response = Ingest({{Rec("CHN", "BEL", "870380", 2022, 11, 1000, 10),
                           Rec("CHN", "GBR", "870380", 2022, 11, 2500, 25),
                           Rec("CHN", "FRA", "870380", 2022, 11, 300, 3)}});
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->batch_id(), 2);
  EXPECT_EQ(response->data_version(), 2);
  EXPECT_EQ(response->received(), 3);
  EXPECT_EQ(response->inserted(), 1);
  EXPECT_EQ(response->updated(), 1);
  EXPECT_EQ(response->unchanged(), 1);
  EXPECT_EQ(RecordCount(), 3);
  EXPECT_EQ(Count("SELECT SUM(value_usd) FROM records"), 3800);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM record_revisions"), 1);
  EXPECT_EQ(Count("SELECT value_usd FROM record_revisions"), 2000);
}

TEST_P(IngestServiceTest, RejectsEachInvalidFieldByNameAndCommitsTheRest) {
  std::vector<v1::TradeRecord> records = {
      Rec("CHN", "BEL", "870380", 2022, 11, 1000, 10),  // 0 valid
      Rec("XYZ", "BEL", "870380", 2022, 11, 1000, 10),  // 1 unknown country
      Rec("CHN", "BEL", "8703", 2022, 11, 1000, 10),    // 2 bad HS code
      Rec("CHN", "BEL", "870380", 2022, 13, 1000, 10),  // 3 month 13
      Rec("CHN", "BEL", "870380", 2022, 52, 1000, 10),  // 4 month 52
      Rec("CHN", "BEL", "870380", 2022, 11, -1, 10),    // 5 negative value
      Rec("CHN", "BEL", "870380", 2022, 11, 1000, -5),  // 6 negative quantity
      Rec("", "BEL", "870380", 2022, 11, 1000, 10),     // 7 empty reporter
      Rec("W00", "BEL", "870380", 2022, 11, 1000, 10),  // 8 World reporter
      Rec("CHN", "ZZZ", "870380", 2022, 11, 1000, 10),  // 9 unknown partner
  };
  records.push_back(Rec("CHN", "GBR", "870380", 2022, 11, 7, 1));  // 10 valid
  // Split over two messages: indexes count across the whole stream.
  std::vector<v1::TradeRecord> second(records.begin() + 6, records.end());
  records.resize(6);
  auto response = Ingest({records, second});
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->received(), 11);
  EXPECT_EQ(response->rejected(), 9);
  EXPECT_EQ(response->inserted(), 2);
  EXPECT_EQ(response->batch_id(), 1);
  EXPECT_THAT(
      response->errors(),
      ElementsAre(RecordErrorIs(1, "reporter"), RecordErrorIs(2, "hs_code"),
                  RecordErrorIs(3, "period.month"),
                  RecordErrorIs(4, "period.month"),
                  RecordErrorIs(5, "value_usd"), RecordErrorIs(6, "quantity"),
                  RecordErrorIs(7, "reporter"), RecordErrorIs(8, "reporter"),
                  RecordErrorIs(9, "partner")));
  EXPECT_EQ(RecordCount(), 2);
  EXPECT_EQ(Count("SELECT SUM(value_usd) FROM records"), 1007);
  EXPECT_EQ(Count("SELECT rejected FROM batches WHERE batch_id = 1"), 9);
}

TEST_P(IngestServiceTest, CapsTheErrorListButCountsEveryRejection) {
  std::vector<v1::TradeRecord> bad(1005,
                                   Rec("CHN", "BEL", "870380", 2022, 13, 1, 1));
  auto response = Ingest({bad, {Rec("CHN", "BEL", "870380", 2022, 11, 1, 1)}});
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->received(), 1006);
  EXPECT_EQ(response->rejected(), 1005);
  EXPECT_EQ(response->inserted(), 1);
  ASSERT_THAT(response->errors(), SizeIs(1000));
  EXPECT_EQ(response->errors(999).index(), 999);
}

TEST_P(IngestServiceTest, FillsAnEmptySourceFromTheStream) {
  v1::TradeRecord labelled = Rec("CHN", "BEL", "870380", 2022, 11, 1, 1);
  labelled.set_source("own-label");
  auto response =
      Ingest({{labelled, Rec("CHN", "GBR", "870380", 2022, 11, 2, 1)}},
             {.source = "stream-label"});
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(Count("SELECT COUNT(*) FROM records WHERE partner = 'BEL' AND "
                  "source = 'own-label'"),
            1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM records WHERE partner = 'GBR' AND "
                  "source = 'stream-label'"),
            1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM batches WHERE source = "
                  "'stream-label' AND writer = 'token'"),
            1);
}

TEST_P(IngestServiceTest, ReplaysARequestIdWithoutWritingAgain) {
  const IngestOptions options{.request_id = "load-2022-11"};
  auto first = Ingest({{Rec("CHN", "BEL", "870380", 2022, 11, 1000, 10),
                        Rec("CHN", "GBR", "870380", 2022, 11, 13, 20)}},
                      options);
  ASSERT_TRUE(first.ok()) << first.status();
  // Other figures under the same key: a replay must not apply them.
  auto second =
      Ingest({{Rec("CHN", "BEL", "870380", 2022, 11, 9999, 10)}}, options);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_TRUE(second->replayed());
  EXPECT_EQ(second->batch_id(), first->batch_id());
  EXPECT_EQ(second->received(), 2);
  EXPECT_EQ(second->inserted(), 2);
  EXPECT_EQ(second->data_version(), 1);
  EXPECT_EQ(BatchCount(), 1);
  EXPECT_EQ(Count("SELECT SUM(value_usd) FROM records"), 1013);
}

TEST_P(IngestServiceTest, ReplaysARequestIdAfterARestart) {
  const IngestOptions options{.request_id = "load-once"};
  auto first =
      Ingest({{Rec("CHN", "BEL", "870380", 2022, 11, 1000, 10)}}, options);
  ASSERT_TRUE(first.ok()) << first.status();
  StopService();
  StartService();
  auto second =
      Ingest({{Rec("CHN", "BEL", "870380", 2022, 11, 1, 1)}}, options);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_TRUE(second->replayed());
  EXPECT_EQ(second->batch_id(), 1);
  EXPECT_EQ(second->inserted(), 1);
  EXPECT_EQ(BatchCount(), 1);
  EXPECT_EQ(Count("SELECT value_usd FROM records"), 1000);
  // A new request id still writes.
  auto third = Ingest({{Rec("CHN", "BEL", "870380", 2022, 11, 1, 1)}},
                      {.request_id = "load-twice"});
  ASSERT_TRUE(third.ok()) << third.status();
  EXPECT_FALSE(third->replayed());
  EXPECT_EQ(third->batch_id(), 2);
  EXPECT_EQ(third->updated(), 1);
}

TEST_P(IngestServiceTest, AllOrNothingWritesNothingWhenOneRecordIsInvalid) {
  auto response = Ingest({{Rec("CHN", "BEL", "870380", 2022, 11, 1000, 10),
                           Rec("CHN", "BEL", "870380", 2022, 13, 1000, 10)},
                          {Rec("CHN", "GBR", "870380", 2022, 11, 1000, 10),
                           Rec("CHN", "GBR", "8703", 2022, 11, 1000, 10)}},
                         {.request_id = "aon", .all_or_nothing = true});
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->batch_id(), 0);
  EXPECT_EQ(response->received(), 4);
  EXPECT_EQ(response->rejected(), 4);
  EXPECT_EQ(response->inserted(), 0);
  EXPECT_THAT(response->errors(), ElementsAre(RecordErrorIs(1, "period.month"),
                                              RecordErrorIs(3, "hs_code")));
  EXPECT_EQ(RecordCount(), 0);
  EXPECT_EQ(BatchCount(), 0);
  // Nothing was stored under the request id: a corrected retry writes.
  auto retry = Ingest({{Rec("CHN", "BEL", "870380", 2022, 11, 1000, 10)}},
                      {.request_id = "aon", .all_or_nothing = true});
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_FALSE(retry->replayed());
  EXPECT_EQ(retry->batch_id(), 1);
  EXPECT_EQ(retry->inserted(), 1);
}

TEST_P(IngestServiceTest, RefusesMissingAndWrongTokensWithoutWriting) {
  for (const std::string token : {"", "wrong-token", "s3cret-token-and-more"}) {
    IngestClient client = Client(token);
    auto response =
        Ingest(client, {{Rec("CHN", "BEL", "870380", 2022, 11, 1, 1)}});
    EXPECT_EQ(response.status().code(), absl::StatusCode::kUnauthenticated)
        << "token '" << token << "': " << response.status();
    EXPECT_EQ(client.ListBatches(10, "").status().code(),
              absl::StatusCode::kUnauthenticated);
  }
  // No authorization metadata at all.
  auto channel =
      grpc::CreateChannel(address_, grpc::InsecureChannelCredentials());
  auto stub = v1::IngestService::NewStub(channel);
  grpc::ClientContext context;
  v1::IngestResponse response;
  auto writer = stub->Ingest(&context, &response);
  v1::IngestRequest request;
  *request.add_records() = Rec("CHN", "BEL", "870380", 2022, 11, 1, 1);
  writer->Write(request);
  writer->WritesDone();
  EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(RecordCount(), 0);
  EXPECT_EQ(BatchCount(), 0);
}

TEST_P(IngestServiceTest, RefusesAnOverLimitMessageAndWritesNothing) {
  std::vector<v1::TradeRecord> too_many;
  for (int i = 0; i < 10001; ++i) {
    too_many.push_back(
        Rec("CHN", "BEL", "870380", 2000 + i % 100, 1 + i % 12, i, 1));
  }
  auto response = Ingest(
      {{Rec("CHN", "GBR", "870380", 2022, 11, 1, 1)}, std::move(too_many)});
  EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(response.status().message(),
              HasSubstr("records: at most 10000 per message"));
  EXPECT_EQ(RecordCount(), 0);
  EXPECT_EQ(BatchCount(), 0);
}

TEST_P(IngestServiceTest, RefusesAMessageOverTheSizeLimitAndWritesNothing) {
  // A raw stub without a client-side send limit, so the service's 16 MiB
  // message limit is what refuses the message.
  grpc::ChannelArguments args;
  args.SetMaxSendMessageSize(-1);
  auto stub = v1::IngestService::NewStub(grpc::CreateCustomChannel(
      address_, grpc::InsecureChannelCredentials(), args));
  grpc::ClientContext context;
  context.AddMetadata("authorization", absl::StrCat("Bearer ", kToken));
  v1::IngestResponse response;
  auto writer = stub->Ingest(&context, &response);
  v1::IngestRequest small;
  *small.add_records() = Rec("CHN", "GBR", "870380", 2022, 11, 1, 1);
  ASSERT_TRUE(writer->Write(small));
  v1::IngestRequest big;
  for (int i = 0; i < 90; ++i) {
    v1::TradeRecord* r = big.add_records();
    *r = Rec("CHN", "BEL", "870380", 2022, 1 + i % 12, i, 1);
    r->set_manufacturer(std::string(200 * 1024, 'x'));
  }
  ASSERT_GT(big.ByteSizeLong(), 16u * 1024 * 1024);
  writer->Write(big);
  writer->WritesDone();
  const grpc::Status status = writer->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(status.error_message(),
              HasSubstr("over the limit of 16777216 bytes"));
  EXPECT_EQ(RecordCount(), 0);
  EXPECT_EQ(BatchCount(), 0);
}

// A retry of a committed request id is answered from the stored response
// before anything else is checked, even when the retry's message would be
// refused on its own.
TEST_P(IngestServiceTest, AReplayIsAnsweredBeforeAnyOtherCheck) {
  const IngestOptions options{.request_id = "load-checked-last"};
  auto first =
      Ingest({{Rec("CHN", "BEL", "870380", 2022, 11, 1000, 10)}}, options);
  ASSERT_TRUE(first.ok()) << first.status();
  std::vector<v1::TradeRecord> too_many(
      10001, Rec("CHN", "ZZZ", "870380", 2022, 11, -1, 1));
  auto retry = Ingest({std::move(too_many)}, options);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_TRUE(retry->replayed());
  EXPECT_EQ(retry->batch_id(), 1);
  EXPECT_EQ(retry->inserted(), 1);
  EXPECT_EQ(retry->rejected(), 0);
  EXPECT_EQ(BatchCount(), 1);
}

// C++ protobuf sends a string that is not UTF-8 (it only logs), and gRPC
// shows a message it cannot parse to the server like a half-close. The
// service must refuse the stream instead of committing what came before.
TEST_P(IngestServiceTest, AMessageThatCannotBeParsedEndsTheStreamUnwritten) {
  v1::TradeRecord latin1 = Rec("CHN", "W00", "870380", 2022, 11, 2, 1);
  latin1.set_manufacturer("M\xfcller");
  auto response = Ingest({{Rec("CHN", "BEL", "870380", 2022, 11, 1, 1)},
                          {latin1},
                          {Rec("CHN", "GBR", "870380", 2022, 11, 3, 1)}},
                         {.request_id = "latin1"});
  EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument)
      << response.status();
  EXPECT_THAT(response.status().message(),
              HasSubstr("message 1 of the stream is not a valid "
                        "IngestRequest"));
  EXPECT_EQ(RecordCount(), 0);
  EXPECT_EQ(BatchCount(), 0);
}

// Values at the documented bounds (common/domain/bounds.h) are stored and
// summed exactly; one past them is refused by name; a correction restores
// exact totals.
TEST_P(IngestServiceTest, FiguresAtTheBoundsSumExactlyAndCorrectionsRestore) {
  constexpr int64_t kMax = 100'000'000'000;
  auto at_bounds =
      Ingest({{Rec("CHN", "BEL", "870380", 2022, 11, kMax, 1),
               Rec("CHN", "GBR", "870380", 2022, 11, kMax, 1),
               Rec("CHN", "FRA", "870380", 2022, 11, kMax + 1, 1),
               Rec("CHN", "DEU", "870380", 2022, 11,
                   std::numeric_limits<int64_t>::max(), 1),
               Rec("CHN", "ESP", "870380", 2022, 11, 1, 10'000'000'001)}});
  ASSERT_TRUE(at_bounds.ok()) << at_bounds.status();
  EXPECT_EQ(at_bounds->inserted(), 2);
  EXPECT_EQ(at_bounds->rejected(), 3);
  ASSERT_EQ(at_bounds->errors_size(), 3);
  EXPECT_EQ(at_bounds->errors(0).reason(),
            "must be 0..100000000000, got 100000000001");
  EXPECT_EQ(at_bounds->errors(1).field(), "value_usd");
  EXPECT_EQ(at_bounds->errors(2).field(), "quantity");
  const std::string total_sql =
      "SELECT partner_value FROM hs_month WHERE reporter = 'CHN' AND "
      "period = 202211 AND hs_code = '870380' AND manufacturer = ''";
  EXPECT_EQ(Count(total_sql), 2 * kMax);

  auto corrected = Ingest({{Rec("CHN", "BEL", "870380", 2022, 11, 1, 1),
                            Rec("CHN", "GBR", "870380", 2022, 11, 2, 1)}});
  ASSERT_TRUE(corrected.ok()) << corrected.status();
  EXPECT_EQ(corrected->updated(), 2);
  EXPECT_EQ(Count(total_sql), 3);
  // SQLite keeps the sum an integer, never a REAL (PostgreSQL's BIGINT
  // column can hold nothing else).
  if (GetParam() == testing::Backend::kSqlite) {
    EXPECT_EQ(Count("SELECT typeof(partner_value) = 'integer' FROM hs_month"),
              1);
  }
}

TEST_P(IngestServiceTest, CancelledStreamLeavesNothingAndFreesTheWriter) {
  IngestClient client = Client();
  std::unique_ptr<IngestStream> stream = client.StartIngest({});
  ASSERT_TRUE(stream->Send({Rec("CHN", "BEL", "870380", 2022, 11, 1, 1)}));
  // Let the server write the message into its open transaction first.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  stream->Cancel();
  stream.reset();
  auto next = Ingest({{Rec("CHN", "GBR", "870380", 2022, 11, 2, 1)}});
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->batch_id(), 1);
  EXPECT_EQ(RecordCount(), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM records WHERE partner = 'BEL'"), 0);
}

TEST_P(IngestServiceTest, StreamPastItsDeadlineIsRolledBack) {
  IngestClient client = Client(kToken, absl::Milliseconds(300));
  std::unique_ptr<IngestStream> stream = client.StartIngest({});
  ASSERT_TRUE(stream->Send({Rec("CHN", "BEL", "870380", 2022, 11, 1, 1)}));
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  EXPECT_EQ(stream->Finish().status().code(),
            absl::StatusCode::kDeadlineExceeded);
  auto next = Ingest({{Rec("CHN", "GBR", "870380", 2022, 11, 2, 1)}});
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->batch_id(), 1);
  EXPECT_EQ(RecordCount(), 1);
}

TEST_P(IngestServiceTest, IdleStreamIsEndedAndTheNextStreamCommits) {
  StopService();
  StartService(
      {.token = kToken, .stream_idle_timeout = absl::Milliseconds(300)});
  IngestClient client = Client();
  std::unique_ptr<IngestStream> idle = client.StartIngest({});
  ASSERT_TRUE(idle->Send({Rec("CHN", "BEL", "870380", 2022, 11, 1, 1)}));
  // `idle` holds the writer slot (no other stream exists yet) and sends
  // nothing more; `next`, started only then, waits.
  ASSERT_TRUE(server_->service().AwaitWriterSlot(0, absl::Seconds(10)));
  std::unique_ptr<IngestStream> next = client.StartIngest({});
  ASSERT_TRUE(next->Send({Rec("CHN", "GBR", "870380", 2022, 11, 2, 1)}));
  ASSERT_TRUE(server_->service().AwaitWriterSlot(1, absl::Seconds(10)));

  // Answered only once `idle` was ended and the slot passed on.
  auto next_done = next->Finish();
  ASSERT_TRUE(next_done.ok()) << next_done.status();
  EXPECT_EQ(next_done->inserted(), 1);
  EXPECT_EQ(next_done->batch_id(), 1);

  auto idle_done = idle->Finish();
  EXPECT_EQ(idle_done.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(idle_done.status().message(),
            "stream idle for 300ms while holding the writer slot (the "
            "server's stream idle timeout); rolled back, nothing written; "
            "send the whole stream again");
  EXPECT_EQ(RecordCount(), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM records WHERE partner = 'BEL'"), 0);
  EXPECT_EQ(BatchCount(), 1);
}

TEST_P(IngestServiceTest, ConcurrentStreamsTakeTurnsAndBothCommit) {
  IngestClient client = Client();
  // Each stream starts only once the one before is where the test needs
  // it: streams of one channel can reach the server in either order.
  std::unique_ptr<IngestStream> first = client.StartIngest({});
  ASSERT_TRUE(first->Send({Rec("CHN", "BEL", "870380", 2022, 11, 1, 1)}));
  ASSERT_TRUE(server_->service().AwaitWriterSlot(0, absl::Seconds(10)));
  // Waits for the writer slot while `first` holds it.
  std::unique_ptr<IngestStream> second = client.StartIngest({});
  ASSERT_TRUE(second->Send({Rec("CHN", "GBR", "870380", 2022, 11, 2, 1)}));
  ASSERT_TRUE(server_->service().AwaitWriterSlot(1, absl::Seconds(10)));
  // Cancelled while waiting: must leave the queue without writing.
  std::unique_ptr<IngestStream> third = client.StartIngest({});
  ASSERT_TRUE(third->Send({Rec("CHN", "FRA", "870380", 2022, 11, 4, 1)}));
  ASSERT_TRUE(server_->service().AwaitWriterSlot(2, absl::Seconds(10)));
  third->Cancel();
  auto first_done = first->Finish();
  ASSERT_TRUE(first_done.ok()) << first_done.status();
  auto second_done = second->Finish();
  ASSERT_TRUE(second_done.ok()) << second_done.status();
  EXPECT_EQ(first_done->batch_id(), 1);
  EXPECT_EQ(second_done->batch_id(), 2);
  EXPECT_EQ(second_done->data_version(), 2);
  EXPECT_EQ(Count("SELECT SUM(value_usd) FROM records"), 3);
}

TEST_P(IngestServiceTest, StreamWithoutMessagesCommitsNothing) {
  auto channel =
      grpc::CreateChannel(address_, grpc::InsecureChannelCredentials());
  auto stub = v1::IngestService::NewStub(channel);
  grpc::ClientContext context;
  context.AddMetadata("authorization", absl::StrCat("Bearer ", kToken));
  v1::IngestResponse response;
  auto writer = stub->Ingest(&context, &response);
  writer->WritesDone();
  ASSERT_TRUE(writer->Finish().ok());
  EXPECT_EQ(response.batch_id(), 0);
  EXPECT_EQ(response.received(), 0);
  EXPECT_EQ(BatchCount(), 0);
}

TEST_P(IngestServiceTest, EmptyImportWithARequestIdIsABatchOfNothing) {
  // The client always sends a first message, so the request id is kept and
  // a retry of an empty import replays.
  auto response = Ingest({}, {.request_id = "empty", .source = "none"});
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->batch_id(), 1);
  EXPECT_EQ(response->received(), 0);
  EXPECT_EQ(response->inserted(), 0);
  auto again = Ingest({}, {.request_id = "empty", .source = "none"});
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->replayed());
  EXPECT_EQ(BatchCount(), 1);
  EXPECT_EQ(RecordCount(), 0);
}

TEST_P(IngestServiceTest, ListsBatchesNewestFirstInPages) {
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(Ingest({{Rec("CHN", "BEL", "870380", 2022, i, i, 1)}},
                       {.request_id = absl::StrCat("r", i), .source = "s"})
                    .ok());
  }
  IngestClient client = Client();
  auto page = client.ListBatches(2, "");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_THAT(page->batches(), SizeIs(2));
  EXPECT_EQ(page->batches(0).batch_id(), 3);
  EXPECT_EQ(page->batches(0).request_id(), "r3");
  EXPECT_EQ(page->batches(0).source(), "s");
  EXPECT_EQ(page->batches(0).writer(), "token");
  EXPECT_EQ(page->batches(0).received(), 1);
  EXPECT_EQ(page->batches(0).inserted(), 1);
  EXPECT_EQ(page->batches(0).data_version(), 3);
  EXPECT_GT(page->batches(0).ingest_time().seconds(), 1700000000);
  EXPECT_EQ(page->batches(1).batch_id(), 2);
  ASSERT_FALSE(page->next_page_token().empty());
  auto last = client.ListBatches(2, page->next_page_token());
  ASSERT_TRUE(last.ok()) << last.status();
  ASSERT_THAT(last->batches(), SizeIs(1));
  EXPECT_EQ(last->batches(0).batch_id(), 1);
  EXPECT_THAT(last->next_page_token(), IsEmpty());
  // Default page size holds all three.
  auto all = client.ListBatches(0, "");
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_THAT(all->batches(), SizeIs(3));
  EXPECT_EQ(client.ListBatches(2, "not-a-token").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(client.ListBatches(-1, "").status().code(),
            absl::StatusCode::kInvalidArgument);
}

class IngestMetricsTest : public IngestServiceTest {
 protected:
  double Outcome(const std::string& outcome) {
    return testing::MetricSample(server_->registry(),
                                 "evtrade_ingest_records_total",
                                 {{"outcome", outcome}});
  }
  double LastIngest() {
    return testing::MetricSample(
        server_->registry(), "evtrade_store_last_ingest_timestamp_seconds", {});
  }
  // The ingest time of the newest batch, as ListBatches reports it, in the
  // gauge's unit.
  double NewestBatchTime() {
    IngestClient client = Client();
    auto page = client.ListBatches(1, "");
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok() || page->batches().empty()) return -1;
    const auto& time = page->batches(0).ingest_time();
    return absl::ToDoubleSeconds(absl::FromUnixSeconds(time.seconds()) +
                                 absl::Nanoseconds(time.nanos()) -
                                 absl::UnixEpoch());
  }
};

EVTRADE_INSTANTIATE_FOR_EACH_BACKEND(IngestMetricsTest);

TEST_P(IngestMetricsTest, CountsRecordsByOutcomeAndTracksTheLastIngest) {
  EXPECT_EQ(Outcome("inserted"), 0);
  EXPECT_EQ(LastIngest(), 0);  // an empty store

  ASSERT_TRUE(Ingest({{Rec("CHN", "BEL", "870380", 2022, 11, 100, 1),
                       Rec("CHN", "GBR", "870380", 2022, 11, 200, 2)},
                      {Rec("CHN", "DEU", "870380", 2022, 11, 300, 3)}},
                     {.request_id = "first"})
                  .ok());
  EXPECT_EQ(Outcome("inserted"), 3);
  EXPECT_EQ(Outcome("updated"), 0);
  const double first_time = NewestBatchTime();
  EXPECT_GT(first_time, 1700000000);
  EXPECT_EQ(LastIngest(), first_time);

  // One revised, one the same again, one invalid.
  ASSERT_TRUE(Ingest({{Rec("CHN", "BEL", "870380", 2022, 11, 150, 1),
                       Rec("CHN", "GBR", "870380", 2022, 11, 200, 2),
                       Rec("CHN", "FRA", "870380", 2022, 13, 1, 1)}})
                  .ok());
  EXPECT_EQ(Outcome("inserted"), 3);
  EXPECT_EQ(Outcome("updated"), 1);
  EXPECT_EQ(Outcome("unchanged"), 1);
  EXPECT_EQ(Outcome("rejected"), 1);
  const double second_time = NewestBatchTime();
  EXPECT_GE(second_time, first_time);
  EXPECT_EQ(LastIngest(), second_time);

  // all_or_nothing with an invalid record: both records rejected.
  ASSERT_TRUE(Ingest({{Rec("CHN", "ITA", "870380", 2022, 11, 1, 1),
                       Rec("CHN", "ESP", "870380", 2022, 0, 1, 1)}},
                     {.all_or_nothing = true})
                  .ok());
  EXPECT_EQ(Outcome("inserted"), 3);
  EXPECT_EQ(Outcome("rejected"), 3);

  // A replay answers from the stored response and counts nothing.
  auto replay = Ingest({{Rec("CHN", "BEL", "870380", 2022, 11, 100, 1)}},
                       {.request_id = "first"});
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_TRUE(replay->replayed());
  EXPECT_EQ(Outcome("inserted"), 3);
  EXPECT_EQ(Outcome("updated"), 1);
  EXPECT_EQ(Outcome("unchanged"), 1);
  EXPECT_EQ(Outcome("rejected"), 3);

  // A stream refused as a whole counts nothing.
  IngestClient wrong = Client("wrong-token");
  EXPECT_FALSE(
      Ingest(wrong, {{Rec("CHN", "BEL", "870380", 2022, 11, 9, 1)}}).ok());
  EXPECT_EQ(Outcome("rejected"), 3);
  EXPECT_EQ(Outcome("updated"), 1);

  // A restarted service starts its counters at 0 and reads the last ingest
  // time from the store.
  StopService();
  StartService();
  EXPECT_EQ(Outcome("inserted"), 0);
  EXPECT_EQ(LastIngest(), second_time);
}

}  // namespace
}  // namespace evtrade
