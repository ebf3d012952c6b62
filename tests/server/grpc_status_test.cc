#include "common/server/grpc_status.h"

#include <chrono>

#include "gtest/gtest.h"

namespace evtrade {
namespace {

TEST(GrpcStatusTest, AbslAndGrpcCodesRoundTrip) {
  const absl::Status status = absl::DeadlineExceededError("too late");
  const grpc::Status grpc_status = ToGrpcStatus(status);
  EXPECT_EQ(grpc_status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_EQ(grpc_status.error_message(), "too late");
  EXPECT_EQ(FromGrpcStatus(grpc_status), status);
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
}

// Payloads (the details of an error, e.g. a google.rpc.BadRequest) travel
// as a google.rpc.Status in grpc-status-details-bin and come back as the
// same payloads.
TEST(GrpcStatusTest, PayloadsTravelAsStatusDetails) {
  absl::Status status = absl::InvalidArgumentError("reporter: bad");
  status.SetPayload("type.googleapis.com/test.B", absl::Cord("bee"));
  status.SetPayload("type.googleapis.com/test.A", absl::Cord("ay"));
  const grpc::Status grpc_status = ToGrpcStatus(status);
  EXPECT_EQ(grpc_status.error_message(), "reporter: bad");
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(grpc_status.error_details()));
  EXPECT_EQ(details.code(), 3);
  EXPECT_EQ(details.message(), "reporter: bad");
  ASSERT_EQ(details.details_size(), 2);
  // In the order of type URL, whatever order they were set in.
  EXPECT_EQ(details.details(0).type_url(), "type.googleapis.com/test.A");
  EXPECT_EQ(details.details(0).value(), "ay");
  EXPECT_EQ(details.details(1).type_url(), "type.googleapis.com/test.B");
  EXPECT_EQ(FromGrpcStatus(grpc_status), status);
  // No payload, no trailer.
  EXPECT_EQ(ToGrpcStatus(absl::NotFoundError("x")).error_details(), "");
}

TEST(GrpcStatusTest, CallEndedAfterItsDeadlineIsDeadlineExceeded) {
  const absl::Time deadline = absl::FromUnixSeconds(1000);
  grpc::Status status =
      EndedCallStatus(deadline, "before the read started", deadline);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_EQ(status.error_message(),
            "deadline exceeded before the read started");

  status = EndedCallStatus(deadline, "before the read started",
                           deadline - absl::Milliseconds(1));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_EQ(status.error_message(), "cancelled before the read started");

  EXPECT_EQ(EndedCallStatus(absl::InfiniteFuture(), "x").error_code(),
            grpc::StatusCode::CANCELLED);
}

TEST(GrpcStatusTest, CallDeadlineOfACallWithoutOneIsInfinite) {
  EXPECT_EQ(CallDeadline(std::chrono::system_clock::time_point::max()),
            absl::InfiniteFuture());
  EXPECT_EQ(CallDeadline(std::chrono::system_clock::from_time_t(1000)),
            absl::FromUnixSeconds(1000));
}

}  // namespace
}  // namespace evtrade
