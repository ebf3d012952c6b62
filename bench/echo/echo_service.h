// The gRPC baseline's server side: a unary Echo that does no work.
#ifndef EVTRADE_BENCH_ECHO_ECHO_SERVICE_H_
#define EVTRADE_BENCH_ECHO_ECHO_SERVICE_H_

#include "evtrade/bench/echo.grpc.pb.h"

namespace evtrade::bench {

// Answers on the gRPC thread that received the call (callback API), as the
// evtrade services do. Stateless and thread-safe.
class EchoServiceImpl final : public EchoService::CallbackService {
 public:
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context,
                                 const EchoRequest* request,
                                 EchoResponse* response) override;
};

}  // namespace evtrade::bench

#endif  // EVTRADE_BENCH_ECHO_ECHO_SERVICE_H_
