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
