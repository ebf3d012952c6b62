#include "bench/echo/echo_service.h"

namespace evtrade::bench {

grpc::ServerUnaryReactor* EchoServiceImpl::Echo(
    grpc::CallbackServerContext* context, const EchoRequest* request,
    EchoResponse* response) {
  response->set_payload(request->payload());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

}  // namespace evtrade::bench
