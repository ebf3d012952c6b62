#include "gateway/http_server.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "common/server/server_runner.h"
#include "common/util/host_port.h"
#include "gateway/http_target.h"
#include "spdlog/spdlog.h"

namespace evtrade::gateway {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using ErrorCode = beast::error_code;

// How long a closing connection keeps discarding what its client still
// sends (see Session::Linger).
constexpr auto kLingerTime = std::chrono::seconds(2);
// Bytes read at once while a keep-alive connection waits for its next
// request, and while lingering.
constexpr size_t kReadChunk = 4096;

std::chrono::steady_clock::duration ToChrono(absl::Duration d) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      absl::ToChronoNanoseconds(d));
}

// The request the handler sees, from Beast's.
HttpRequest ToHttpRequest(const http::request<http::string_body>& in) {
  HttpRequest out;
  out.method = std::string(in.method_string());
  DecodedTarget target =
      DecodeTarget(absl::string_view(in.target().data(), in.target().size()));
  out.path = std::move(target.path);
  out.params = std::move(target.params);
  for (const auto& field : in) {
    out.headers.emplace_back(
        absl::AsciiStrToLower(absl::string_view(field.name_string().data(),
                                                field.name_string().size())),
        std::string(field.value()));
  }
  out.body = in.body();
  return out;
}

HttpResponse PlainResponse(int status, absl::string_view text) {
  return HttpResponse{.status = status,
                      .content_type = "text/plain; charset=utf-8",
                      .headers = {},
                      .body = absl::StrCat(text, "\n")};
}

// Threads that run tasks from a bounded queue.
class WorkerPool {
 public:
  WorkerPool(int threads, int max_queued) : max_queued_(max_queued) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Run(); });
  }
  ~WorkerPool() { Shutdown(); }

  // False when max_queued tasks are already waiting, or after Shutdown.
  bool TrySubmit(std::function<void()> task) {
    absl::MutexLock lock(&mu_);
    if (stopping_ || static_cast<int>(queue_.size()) >= max_queued_) {
      return false;
    }
    queue_.push_back(std::move(task));
    return true;
  }

  // Runs what is queued, then joins. Idempotent.
  void Shutdown() {
    {
      absl::MutexLock lock(&mu_);
      stopping_ = true;
    }
    for (std::thread& thread : threads_) {
      if (thread.joinable()) thread.join();
    }
  }

 private:
  void Run() {
    while (true) {
      std::function<void()> task;
      {
        absl::MutexLock lock(&mu_);
        mu_.Await(absl::Condition(
            +[](WorkerPool* pool) ABSL_EXCLUSIVE_LOCKS_REQUIRED(pool->mu_) {
              return pool->stopping_ || !pool->queue_.empty();
            },
            this));
        if (queue_.empty()) return;  // stopping
        task = std::move(queue_.front());
        queue_.pop_front();
      }
      task();
    }
  }

  const int max_queued_;
  absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

// What Stop() needs of a connection, whatever its stream.
class Connection {
 public:
  virtual ~Connection() = default;
  // Closes the connection on its own strand; callable from any thread.
  virtual void Close() = 0;
};

}  // namespace

namespace internal {

class HttpServerImpl {
 public:
  HttpServerImpl(const HttpServerConfig& config, HttpHandler handler)
      : config_(config),
        handler_(std::move(handler)),
        io_context_(std::max(1, config.io_threads)),
        acceptor_(asio::make_strand(io_context_)),
        accept_retry_(acceptor_.get_executor()) {}

  ~HttpServerImpl() { Stop(); }

  absl::Status Start();
  void Stop();

  int port() const { return port_; }
  int64_t open_connections() const { return open_.load(); }
  int64_t rejected_connections() const { return rejected_.load(); }

  // For the connections.
  const HttpServerConfig& config() const { return config_; }
  const HttpHandler& handler() const { return handler_; }
  WorkerPool& pool() { return *pool_; }
  void Register(const std::shared_ptr<Connection>& connection) {
    std::lock_guard<std::mutex> lock(connections_mu_);
    connections_[connection.get()] = connection;
  }
  void Unregister(Connection* connection) {
    {
      std::lock_guard<std::mutex> lock(connections_mu_);
      connections_.erase(connection);
    }
    open_.fetch_sub(1);
  }
  // A request went to a worker / its response went out (or failed).
  void RequestStarted() {
    absl::MutexLock lock(&in_flight_mu_);
    ++in_flight_;
  }
  void RequestDone() {
    absl::MutexLock lock(&in_flight_mu_);
    --in_flight_;
  }

 private:
  void Accept();
  void OnAccept(const ErrorCode& error, tcp::socket socket);

  const HttpServerConfig config_;
  const HttpHandler handler_;
  std::unique_ptr<WorkerPool> pool_;
  std::optional<asio::ssl::context> tls_context_;
  std::atomic<int64_t> open_{0};
  std::atomic<int64_t> rejected_{0};
  absl::Mutex in_flight_mu_;
  int in_flight_ ABSL_GUARDED_BY(in_flight_mu_) = 0;
  std::mutex connections_mu_;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> connections_;
  std::mutex lifecycle_mu_;
  bool started_ = false;
  bool stopped_ = false;
  int port_ = 0;
  std::vector<std::thread> io_threads_;
  // Declared after everything the connections use: destroying the context
  // destroys the connections its pending handlers still hold.
  asio::io_context io_context_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>>
      work_guard_;
  tcp::acceptor acceptor_;
  asio::steady_timer accept_retry_;
};

}  // namespace internal

using internal::HttpServerImpl;

namespace {

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// One connection: reads requests, hands complete ones to the worker pool,
// writes the answers. Every member is used on the connection's strand only.
template <typename Stream>
class Session : public Connection,
                public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  Session(HttpServerImpl& server, Stream stream)
      : server_(server),
        stream_(std::move(stream)),
        timer_(stream_.get_executor()) {}
  ~Session() override { server_.Unregister(this); }

  void Start() {
    server_.Register(this->shared_from_this());
    asio::dispatch(stream_.get_executor(),
                   [self = this->shared_from_this()] { self->Begin(); });
  }

  void Close() override {
    asio::post(stream_.get_executor(),
               [self = this->shared_from_this()] { self->CloseNow(); });
  }

 private:
  enum class Phase {
    kHandshake,
    kIdle,
    kHead,
    kBody,
    kHandling,
    kWriting,
    kLingering,
    kClosed
  };

  tcp::socket& Socket() { return beast::get_lowest_layer(stream_).socket(); }
  const HttpServerConfig& config() const { return server_.config(); }

  void Begin() {
    if (phase_ == Phase::kClosed) return;
    if constexpr (kTls) {
      phase_ = Phase::kHandshake;
      Arm(config().header_timeout);
      stream_.async_handshake(
          asio::ssl::stream_base::server,
          [self = this->shared_from_this()](const ErrorCode& error) {
            if (self->phase_ == Phase::kClosed) return;
            if (error) {
              self->CloseNow();
              return;
            }
            self->ReadHead();
          });
    } else {
      ReadHead();
    }
  }

  // The deadline of the current phase (see OnDeadline); a later Arm or
  // Disarm replaces it.
  void Arm(absl::Duration timeout) {
    const uint64_t generation = ++timer_generation_;
    timer_.expires_after(ToChrono(timeout));
    timer_.async_wait(
        [self = this->shared_from_this(), generation](const ErrorCode& error) {
          if (error || generation != self->timer_generation_) return;
          self->OnDeadline();
        });
  }
  void Disarm() {
    ++timer_generation_;
    timer_.cancel();
  }

  void OnDeadline() {
    ErrorCode ignored;
    switch (phase_) {
      case Phase::kHead:
      case Phase::kBody:
        // The pending read ends with operation_aborted; OnReadError answers
        // 408.
        timed_out_ = true;
        Socket().cancel(ignored);
        break;
      case Phase::kHandling:
      case Phase::kClosed:
        break;
      default:
        CloseNow();
    }
  }

  void ReadHead() {
    parser_.emplace();
    // Beast's own limit counts the request line and the fields apart;
    // ParseHead counts the head whole.
    parser_->header_limit(
        static_cast<std::uint32_t>(config().max_header_bytes));
    parser_->body_limit(static_cast<std::uint64_t>(config().max_body_bytes));
    head_bytes_ = 0;
    phase_ = Phase::kHead;
    Arm(config().header_timeout);
    ParseHead();
  }

  // Parses what is buffered; reads more, never past one byte over the
  // head limit, until the head is complete.
  void ParseHead() {
    if (buffer_.size() > 0) {
      ErrorCode error;
      const size_t used = parser_->put(buffer_.data(), error);
      buffer_.consume(used);
      head_bytes_ += used;
      if (error == http::error::need_more) error = {};
      if (!error && (parser_->is_header_done()
                         ? head_bytes_ > HeadLimit()
                         : head_bytes_ + buffer_.size() > HeadLimit())) {
        error = http::error::header_limit;
      }
      if (error || parser_->is_header_done()) {
        OnHead(error);
        return;
      }
    }
    const size_t room = HeadLimit() + 1 - head_bytes_ - buffer_.size();
    stream_.async_read_some(
        buffer_.prepare(std::min(kReadChunk, room)),
        [self = this->shared_from_this()](const ErrorCode& error, size_t n) {
          if (self->phase_ == Phase::kClosed) return;
          self->buffer_.commit(n);
          if (error) {
            self->OnHead(error);
            return;
          }
          self->ParseHead();
        });
  }

  size_t HeadLimit() const {
    return static_cast<size_t>(config().max_header_bytes);
  }

  void OnHead(const ErrorCode& error) {
    if (phase_ == Phase::kClosed) return;
    if (error) {
      OnReadError(error);
      return;
    }
    if (parser_->is_done()) {
      Dispatch();
      return;
    }
    phase_ = Phase::kBody;
    Arm(config().body_timeout);
    // A client that asks waits for "100 Continue" before it sends the body
    // (curl asks for bodies over 1 KiB and waits a second without it). A
    // body over the limit was refused with its head (Content-Length), so
    // this is never sent for a body that would be refused for its size.
    // Not needed when the body has begun to arrive anyway.
    if (ExpectsContinue(parser_->get()) && buffer_.size() == 0) {
      static constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
      asio::async_write(
          stream_, asio::buffer(kContinue, sizeof(kContinue) - 1),
          [self = this->shared_from_this()](const ErrorCode& error, size_t) {
            if (self->phase_ == Phase::kClosed) return;
            if (error) {
              self->CloseNow();
              return;
            }
            self->ReadBody();
          });
      return;
    }
    ReadBody();
  }

  static bool ExpectsContinue(const http::request<http::string_body>& head) {
    return head.version() >= 11 &&
           beast::iequals(head[http::field::expect], "100-continue");
  }

  void ReadBody() {
    http::async_read(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](const ErrorCode& error, size_t) {
          if (self->phase_ == Phase::kClosed) return;
          if (error) {
            self->OnReadError(error);
            return;
          }
          self->Dispatch();
        });
  }

  void OnReadError(const ErrorCode& error) {
    static const boost::system::error_category& kParseErrors =
        http::make_error_code(http::error::bad_target).category();
    if (timed_out_) {
      WriteError(408, "the request did not arrive in time");
    } else if (error == http::error::header_limit ||
               error == http::error::buffer_overflow) {
      WriteError(431, "request header too large");
    } else if (error == http::error::body_limit) {
      WriteError(413, "request body too large");
    } else if (error.category() == kParseErrors &&
               error != http::error::end_of_stream &&
               error != http::error::partial_message) {
      WriteError(400, "malformed request");
    } else {
      CloseNow();  // the client went away or the socket failed
    }
  }

  void Dispatch() {
    phase_ = Phase::kHandling;
    Disarm();
    const http::request<http::string_body>& request = parser_->get();
    keep_alive_ = request.keep_alive();
    head_ = request.method() == http::verb::head;
    HttpRequest http_request = ToHttpRequest(request);
    if (head_) http_request.method = "GET";
    parser_.reset();

    server_.RequestStarted();
    const bool queued =
        server_.pool().TrySubmit([self = this->shared_from_this(),
                                  http_request = std::move(http_request)] {
          HttpResponse response = self->server_.handler()(http_request);
          asio::post(self->stream_.get_executor(),
                     [self, response = std::move(response)]() mutable {
                       self->Write(std::move(response), true);
                     });
        });
    if (!queued) {
      server_.RequestDone();
      HttpResponse busy = PlainResponse(503, "server busy, retry later");
      busy.headers.emplace_back("Retry-After", "1");
      Write(std::move(busy), false);
    }
  }

  // An error the server answers itself; the connection closes after it.
  void WriteError(int status, absl::string_view text) {
    keep_alive_ = false;
    head_ = false;
    Write(PlainResponse(status, text), false);
  }

  void Write(HttpResponse in, bool from_worker) {
    if (phase_ == Phase::kClosed) {
      if (from_worker) server_.RequestDone();
      return;
    }
    response_.emplace();
    response_->version(11);
    // Beast throws on a status outside 100..999; a handler's bug is a 500.
    response_->result(in.status >= 100 && in.status <= 999
                          ? static_cast<unsigned>(in.status)
                          : 500u);
    if (!in.content_type.empty()) {
      response_->set(http::field::content_type, in.content_type);
    }
    for (const auto& [name, value] : in.headers) {
      response_->insert(name, value);
    }
    response_->keep_alive(keep_alive_);
    response_->body() = std::move(in.body);
    response_->prepare_payload();
    if (head_) response_->body().clear();  // Content-Length stays

    phase_ = Phase::kWriting;
    Arm(config().body_timeout);
    http::async_write(stream_, *response_,
                      [self = this->shared_from_this(), from_worker](
                          const ErrorCode& error, size_t) {
                        if (from_worker) self->server_.RequestDone();
                        self->OnWritten(error);
                      });
  }

  void OnWritten(const ErrorCode& error) {
    response_.reset();
    if (phase_ == Phase::kClosed) return;
    if (error) {
      CloseNow();
    } else if (!keep_alive_) {
      Linger();
    } else {
      WaitForNextRequest();
    }
  }

  // Keep-alive: the idle timeout runs until the next request's first byte;
  // from there the header timeout.
  void WaitForNextRequest() {
    if (buffer_.size() > 0) {  // pipelined
      ReadHead();
      return;
    }
    phase_ = Phase::kIdle;
    Arm(config().idle_timeout);
    stream_.async_read_some(
        buffer_.prepare(std::min(kReadChunk, HeadLimit() + 1)),
        [self = this->shared_from_this()](const ErrorCode& error, size_t n) {
          if (self->phase_ == Phase::kClosed) return;
          self->buffer_.commit(n);
          if (error) {
            self->CloseNow();
            return;
          }
          self->ReadHead();
        });
  }

  // Stops sending and discards what the client still sends until it
  // closes or kLingerTime passes: closing a socket with unread bytes would
  // reset the connection, and the client could lose the response it has
  // not read yet (a 413 sent while the body is still coming).
  void Linger() {
    phase_ = Phase::kLingering;
    ErrorCode ignored;
    Socket().shutdown(tcp::socket::shutdown_send, ignored);
    drain_ = std::make_unique<std::array<char, kReadChunk>>();
    ++timer_generation_;
    const uint64_t generation = timer_generation_;
    timer_.expires_after(kLingerTime);
    timer_.async_wait(
        [self = this->shared_from_this(), generation](const ErrorCode& error) {
          if (error || generation != self->timer_generation_) return;
          self->CloseNow();
        });
    Drain();
  }

  void Drain() {
    Socket().async_read_some(
        asio::buffer(*drain_),
        [self = this->shared_from_this()](const ErrorCode& error, size_t) {
          if (self->phase_ == Phase::kClosed) return;
          if (error) {
            self->CloseNow();
            return;
          }
          self->Drain();
        });
  }

  void CloseNow() {
    if (phase_ == Phase::kClosed) return;
    phase_ = Phase::kClosed;
    Disarm();
    ErrorCode ignored;
    Socket().shutdown(tcp::socket::shutdown_both, ignored);
    Socket().close(ignored);
  }

  HttpServerImpl& server_;
  Stream stream_;
  asio::steady_timer timer_;
  uint64_t timer_generation_ = 0;
  Phase phase_ = Phase::kHandshake;
  bool timed_out_ = false;  // the head or body deadline passed
  bool keep_alive_ = false;
  bool head_ = false;      // a HEAD request: no body in the response
  size_t head_bytes_ = 0;  // of the current request's head, parsed so far
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> response_;
  std::unique_ptr<std::array<char, kReadChunk>> drain_;
};

absl::Status CheckConfig(const HttpServerConfig& config) {
  auto fail = [](absl::string_view what) {
    return absl::InvalidArgumentError(
        absl::StrCat("HTTP server: ", what, " must be positive"));
  };
  if (config.io_threads < 1) return fail("io_threads");
  if (config.worker_threads < 1) return fail("worker_threads");
  if (config.max_connections < 1) return fail("max_connections");
  if (config.max_queued_requests < 1) return fail("max_queued_requests");
  if (config.header_timeout <= absl::ZeroDuration()) {
    return fail("header_timeout");
  }
  if (config.body_timeout <= absl::ZeroDuration()) return fail("body_timeout");
  if (config.idle_timeout <= absl::ZeroDuration()) return fail("idle_timeout");
  if (config.max_header_bytes < 1 ||
      config.max_header_bytes > std::numeric_limits<std::uint32_t>::max()) {
    return fail("max_header_bytes (at most 4 GiB)");
  }
  if (config.max_body_bytes < 1) return fail("max_body_bytes");
  return absl::OkStatus();
}

}  // namespace

absl::Status internal::HttpServerImpl::Start() {
  std::lock_guard<std::mutex> lock(lifecycle_mu_);
  if (started_) return absl::FailedPreconditionError("already started");
  if (absl::Status s = CheckConfig(config_); !s.ok()) return s;
  absl::StatusOr<HostPort> address = ParseHostPort(config_.listen_address);
  if (!address.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("HTTP listen address: ", address.status().message()));
  }
  const std::string& host = address->host;
  const std::string port = absl::StrCat(address->port);

  if (config_.tls.has_identity()) {
    tls_context_.emplace(asio::ssl::context::tls_server);
    if (!ConfigureServerContext(config_.tls, *tls_context_->native_handle())) {
      return absl::InvalidArgumentError(
          "TLS: OpenSSL refused the certificate, key or CA");
    }
  }

  ErrorCode error;
  tcp::resolver resolver(io_context_);
  const tcp::resolver::results_type endpoints = resolver.resolve(
      host, port, tcp::resolver::passive | tcp::resolver::numeric_service,
      error);
  if (error || endpoints.empty()) {
    return absl::UnavailableError(absl::StrCat(
        "cannot listen on ", config_.listen_address, ": ", error.message()));
  }
  const tcp::endpoint endpoint = endpoints.begin()->endpoint();
  acceptor_.open(endpoint.protocol(), error);
  if (!error) acceptor_.set_option(tcp::acceptor::reuse_address(true), error);
  if (!error) acceptor_.bind(endpoint, error);
  if (!error)
    acceptor_.listen(asio::socket_base::max_listen_connections, error);
  tcp::endpoint bound;
  if (!error) bound = acceptor_.local_endpoint(error);
  if (error) {
    ErrorCode ignored;
    acceptor_.close(ignored);
    return absl::UnavailableError(absl::StrCat(
        "cannot listen on ", config_.listen_address, ": ", error.message()));
  }
  port_ = bound.port();

  pool_ = std::make_unique<WorkerPool>(config_.worker_threads,
                                       config_.max_queued_requests);
  work_guard_.emplace(io_context_.get_executor());
  asio::dispatch(acceptor_.get_executor(), [this] { Accept(); });
  for (int i = 0; i < config_.io_threads; ++i) {
    io_threads_.emplace_back([this] { io_context_.run(); });
  }
  started_ = true;
  return absl::OkStatus();
}

void internal::HttpServerImpl::Accept() {
  acceptor_.async_accept(asio::make_strand(io_context_),
                         [this](const ErrorCode& error, tcp::socket socket) {
                           OnAccept(error, std::move(socket));
                         });
}

void internal::HttpServerImpl::OnAccept(const ErrorCode& error,
                                        tcp::socket socket) {
  if (error == asio::error::operation_aborted || !acceptor_.is_open()) return;
  if (error) {
    // Out of descriptors, most likely: try again shortly rather than spin.
    spdlog::warn("HTTP accept: {}", error.message());
    accept_retry_.expires_after(std::chrono::milliseconds(50));
    accept_retry_.async_wait([this](const ErrorCode& e) {
      if (!e && acceptor_.is_open()) Accept();
    });
    return;
  }
  if (open_.load() >= config_.max_connections) {
    rejected_.fetch_add(1);
    ErrorCode ignored;
    socket.close(ignored);
  } else {
    open_.fetch_add(1);
    ErrorCode ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    if (tls_context_) {
      std::make_shared<Session<TlsStream>>(
          *this, TlsStream(std::move(socket), *tls_context_))
          ->Start();
    } else {
      std::make_shared<Session<beast::tcp_stream>>(
          *this, beast::tcp_stream(std::move(socket)))
          ->Start();
    }
  }
  Accept();
}

void internal::HttpServerImpl::Stop() {
  std::lock_guard<std::mutex> lock(lifecycle_mu_);
  if (!started_ || stopped_) return;
  stopped_ = true;
  // Closed on its strand, and waited for: every connection accepted before
  // is registered by then, and none after.
  absl::Notification closed;
  asio::post(acceptor_.get_executor(), [this, &closed] {
    ErrorCode ignored;
    acceptor_.close(ignored);
    accept_retry_.cancel();
    closed.Notify();
  });
  closed.WaitForNotification();
  // The requests with a worker finish, and their responses go out.
  pool_->Shutdown();
  {
    absl::MutexLock in_flight_lock(&in_flight_mu_);
    in_flight_mu_.AwaitWithTimeout(
        absl::Condition(
            +[](int* n) { return *n == 0; }, &in_flight_),
        config_.body_timeout);
  }
  std::vector<std::shared_ptr<Connection>> open;
  {
    std::lock_guard<std::mutex> connections_lock(connections_mu_);
    for (auto& [raw, weak] : connections_) {
      if (std::shared_ptr<Connection> connection = weak.lock()) {
        open.push_back(std::move(connection));
      }
    }
  }
  for (const std::shared_ptr<Connection>& connection : open) {
    connection->Close();
  }
  open.clear();
  work_guard_.reset();
  for (std::thread& thread : io_threads_) thread.join();
}

HttpServer::HttpServer(const HttpServerConfig& config, HttpHandler handler)
    : impl_(std::make_unique<HttpServerImpl>(config, std::move(handler))) {}
HttpServer::~HttpServer() = default;
absl::Status HttpServer::Start() { return impl_->Start(); }
void HttpServer::Stop() { impl_->Stop(); }
int HttpServer::port() const { return impl_->port(); }
int64_t HttpServer::open_connections() const {
  return impl_->open_connections();
}
int64_t HttpServer::rejected_connections() const {
  return impl_->rejected_connections();
}

}  // namespace evtrade::gateway
