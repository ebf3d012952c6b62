// The gateway's HTTP server on real sockets on 127.0.0.1: slow clients do
// not starve the others, every phase has its deadline, every limit its
// status code.
#include "gateway/http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "tests/support/test_certs.h"

namespace evtrade::testing {
namespace {

using gateway::HttpHandler;
using gateway::HttpRequest;
using gateway::HttpResponse;
using gateway::HttpServer;
using gateway::HttpServerConfig;

// A plain TCP client with deadlines: every call gives up at its deadline.
class RawClient {
 public:
  explicit RawClient(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) !=
        0) {
      close(fd_);
      fd_ = -1;
    }
    if (fd_ >= 0) fcntl(fd_, F_SETFL, fcntl(fd_, F_GETFL) | O_NONBLOCK);
  }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;
  ~RawClient() { Close(); }

  bool connected() const { return fd_ >= 0; }
  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

  // All of `bytes`; false when the peer is gone or the deadline passed.
  bool Send(absl::string_view bytes, absl::Time deadline) {
    while (!bytes.empty()) {
      const ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n > 0) {
        bytes.remove_prefix(static_cast<size_t>(n));
      } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
        return false;
      } else if (!Wait(POLLOUT, deadline)) {
        return false;
      }
    }
    return true;
  }

  // One response (head and Content-Length body), "" on EOF, a timeout or
  // an error before it is complete.
  std::string ReadResponse(absl::Time deadline) {
    while (true) {
      const size_t head_end = buffer_.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        size_t length = 0;
        for (absl::string_view line : absl::StrSplit(
                 absl::string_view(buffer_).substr(0, head_end), "\r\n")) {
          if (absl::StartsWithIgnoreCase(line, "content-length:")) {
            EXPECT_TRUE(absl::SimpleAtoi(
                line.substr(sizeof("content-length:") - 1), &length));
          }
        }
        const bool head = absl::StartsWith(last_method_, "HEAD");
        const size_t end = head_end + 4 + (head ? 0 : length);
        if (buffer_.size() >= end) {
          std::string response = buffer_.substr(0, end);
          buffer_.erase(0, end);
          return response;
        }
      }
      if (!ReadSome(deadline)) return "";
    }
  }

  // Everything up to the peer's EOF; `closed` says whether EOF came
  // before the deadline.
  std::string ReadToEof(absl::Time deadline, bool& closed) {
    while (ReadSome(deadline)) {
    }
    closed = eof_;
    return std::exchange(buffer_, "");
  }

  // Sends `request` and reads its response.
  std::string RoundTrip(absl::string_view request, absl::Time deadline) {
    last_method_ = std::string(request.substr(0, 4));
    if (!Send(request, deadline)) return "";
    return ReadResponse(deadline);
  }

  // Sends one byte of `bytes` every `interval` (cycling) until the peer
  // closes or `deadline`; what the peer sent, and whether it closed.
  std::string Trickle(absl::string_view bytes, absl::Duration interval,
                      absl::Time deadline, bool& closed) {
    for (size_t i = 0; absl::Now() < deadline && !eof_; ++i) {
      send(fd_, &bytes[i % bytes.size()], 1, MSG_NOSIGNAL);
      const absl::Time next = std::min(deadline, absl::Now() + interval);
      while (!eof_ && ReadSome(next)) {
      }
    }
    closed = eof_;
    return std::exchange(buffer_, "");
  }

  int fd() const { return fd_; }

 private:
  bool Wait(short events, absl::Time deadline) {
    const int64_t ms = absl::ToInt64Milliseconds(deadline - absl::Now());
    if (ms <= 0) return false;
    pollfd p{fd_, events, 0};
    return poll(&p, 1, static_cast<int>(ms)) > 0;
  }

  // Appends what arrives; false at EOF, an error or the deadline.
  bool ReadSome(absl::Time deadline) {
    char chunk[4096];
    while (true) {
      const ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
      if (n > 0) {
        buffer_.append(chunk, static_cast<size_t>(n));
        return true;
      }
      if (n == 0) {
        eof_ = true;
        return false;
      }
      if (errno == ECONNRESET) {
        eof_ = true;
        return false;
      }
      if (errno != EAGAIN && errno != EINTR) return false;
      if (!Wait(POLLIN, deadline)) return false;
    }
  }

  int fd_ = -1;
  bool eof_ = false;
  std::string buffer_;
  std::string last_method_;
};

int StatusOf(absl::string_view response) {
  int status = -1;
  if (absl::StartsWith(response, "HTTP/1.1 ") && response.size() >= 12) {
    EXPECT_TRUE(absl::SimpleAtoi(response.substr(9, 3), &status)) << response;
  }
  return status;
}

absl::string_view BodyOf(absl::string_view response) {
  const size_t head_end = response.find("\r\n\r\n");
  return head_end == absl::string_view::npos ? ""
                                             : response.substr(head_end + 4);
}

// Polls a server counter (a hook the server keeps up to date) until `done`
// or five seconds.
template <typename Done>
bool WaitUntil(Done done) {
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (!done()) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(1));
  }
  return true;
}

std::string Get(absl::string_view path) {
  return absl::StrCat("GET ", path, " HTTP/1.1\r\nHost: test\r\n\r\n");
}

// /healthz: "ok"; /echo: what the handler saw; /block: waits for
// `release` (after notifying `entered` once).
struct TestHandler {
  absl::Notification entered;
  absl::Notification release;
  std::atomic<int> blocked{0};

  HttpHandler Handler() {
    return [this](const HttpRequest& request) {
      if (request.path == "/healthz") {
        return HttpResponse{.status = 200,
                            .content_type = "text/plain",
                            .headers = {},
                            .body = "ok"};
      }
      if (request.path == "/block") {
        if (blocked.fetch_add(1) == 0) entered.Notify();
        release.WaitForNotification();
        return HttpResponse{.status = 200,
                            .content_type = "text/plain",
                            .headers = {},
                            .body = "released"};
      }
      std::string seen = absl::StrCat(request.method, " ", request.path, "\n");
      for (const auto& [name, value] : request.params) {
        absl::StrAppend(&seen, "param [", name, "]=[", value, "]\n");
      }
      for (const auto& [name, value] : request.headers) {
        if (absl::StartsWith(name, "x-")) {
          absl::StrAppend(&seen, "header ", name, ": ", value, "\n");
        }
      }
      absl::StrAppend(&seen, "body ", request.body.size(), "\n");
      return HttpResponse{.status = request.path == "/echo" ? 200 : 404,
                          .content_type = "text/plain",
                          .headers = {{"X-Handler", "test"}},
                          .body = seen};
    };
  }
};

class HttpServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // 1,000 slow clients and their 1,000 server sockets in one process.
    rlimit limit{};
    ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
    const rlim_t wanted = 4096;
    if (limit.rlim_cur < wanted) {
      ASSERT_GE(limit.rlim_max, wanted)
          << "the test needs 4096 file descriptors";
      limit.rlim_cur = wanted;
      ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &limit), 0);
    }
  }

  void Start(HttpServerConfig config) {
    config.listen_address = "127.0.0.1:0";
    server_ = std::make_unique<HttpServer>(config, handler_.Handler());
    absl::Status started = server_->Start();
    ASSERT_TRUE(started.ok()) << started;
    ASSERT_GT(server_->port(), 0);
  }

  void TearDown() override {
    if (!handler_.release.HasBeenNotified()) handler_.release.Notify();
    if (server_) server_->Stop();
  }

  int port() const { return server_->port(); }

  TestHandler handler_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, ThousandTricklersDoNotStarveOtherClients) {
  Start({.header_timeout = absl::Seconds(120)});
  constexpr int kTricklers = 1000;
  std::vector<std::unique_ptr<RawClient>> tricklers;
  for (int i = 0; i < kTricklers; ++i) {
    tricklers.push_back(std::make_unique<RawClient>(port()));
    ASSERT_TRUE(tricklers.back()->connected()) << i;
  }
  ASSERT_TRUE(WaitUntil([&] { return server_->open_connections() == 1000; }))
      << server_->open_connections();

  // Each sends one more byte of an endless head every 150 ms.
  const std::string head = "GET /healthz HTTP/1.1\r\nHost: t\r\nX-Slow: ";
  std::atomic<bool> stop{false};
  std::atomic<int64_t> bytes_sent{0};
  std::atomic<int64_t> send_failures{0};
  std::thread trickle([&] {
    for (size_t i = 0; !stop.load(); ++i) {
      for (const auto& client : tricklers) {
        const char byte = i < head.size() ? head[i] : 'a';
        if (send(client->fd(), &byte, 1, MSG_NOSIGNAL) == 1) {
          bytes_sent.fetch_add(1);
        } else {
          send_failures.fetch_add(1);
        }
      }
      absl::SleepFor(absl::Milliseconds(150));  // the pace, not a wait
    }
  });

  // Meanwhile, other clients are answered within a second, fresh
  // connections and one kept alive alike, for as long as the tricklers
  // take to send ten bytes each.
  RawClient kept_alive(port());
  absl::Duration slowest;
  int rounds = 0;
  for (int round = 0; bytes_sent.load() < 10 * kTricklers; ++round) {
    const absl::Time start = absl::Now();
    const absl::Time deadline = start + absl::Seconds(1);
    RawClient client(port());
    ASSERT_TRUE(client.connected());
    const std::string response = client.RoundTrip(Get("/healthz"), deadline);
    EXPECT_EQ(StatusOf(response), 200) << "round " << round << ": " << response;
    EXPECT_EQ(BodyOf(response), "ok");
    const std::string again = kept_alive.RoundTrip(Get("/healthz"), deadline);
    EXPECT_EQ(StatusOf(again), 200) << "round " << round << ": " << again;
    EXPECT_LT(absl::Now(), deadline) << "round " << round;
    slowest = std::max(slowest, absl::Now() - start);
    rounds = round + 1;
    absl::SleepFor(absl::Milliseconds(50));  // the pace, not a wait
  }
  stop = true;
  trickle.join();
  // The tricklers were trickling all along, and are all still open.
  EXPECT_EQ(send_failures.load(), 0);
  RecordProperty("rounds", rounds);
  RecordProperty("slowest_round_ms",
                 static_cast<int>(absl::ToInt64Milliseconds(slowest)));
  std::cerr << rounds << " rounds of two requests; the slowest took " << slowest
            << "\n";
  EXPECT_GE(server_->open_connections(), kTricklers);
  EXPECT_EQ(server_->rejected_connections(), 0);
}

TEST_F(HttpServerTest, TricklerGets408AtTheHeaderDeadline) {
  Start({.header_timeout = absl::Seconds(1)});
  RawClient client(port());
  const absl::Time start = absl::Now();
  bool closed = false;
  const std::string response =
      client.Trickle("GET /healthz HTTP/1.1\r\nHost: t\r\nX-Slow: aaaaaaaaaaaa",
                     absl::Milliseconds(100), start + absl::Seconds(5), closed);
  const absl::Duration elapsed = absl::Now() - start;
  EXPECT_TRUE(closed);
  EXPECT_EQ(StatusOf(response), 408) << response;
  EXPECT_TRUE(absl::StrContains(response, "Connection: close")) << response;
  EXPECT_GE(elapsed, absl::Milliseconds(950));
  EXPECT_LT(elapsed, absl::Seconds(3));
}

TEST_F(HttpServerTest, SilentConnectionGets408AtTheHeaderDeadline) {
  Start({.header_timeout = absl::Seconds(1)});
  RawClient client(port());
  const absl::Time start = absl::Now();
  bool closed = false;
  const std::string response =
      client.ReadToEof(start + absl::Seconds(5), closed);
  EXPECT_TRUE(closed);
  EXPECT_EQ(StatusOf(response), 408) << response;
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(950));
}

TEST_F(HttpServerTest, SlowBodyGets408AtTheBodyDeadline) {
  Start({.header_timeout = absl::Seconds(5), .body_timeout = absl::Seconds(1)});
  RawClient client(port());
  ASSERT_TRUE(client.Send(
      "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n",
      absl::Now() + absl::Seconds(1)));
  const absl::Time start = absl::Now();
  bool closed = false;
  const std::string response = client.Trickle("b", absl::Milliseconds(100),
                                              start + absl::Seconds(5), closed);
  EXPECT_TRUE(closed);
  EXPECT_EQ(StatusOf(response), 408) << response;
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(950));
}

TEST_F(HttpServerTest, IdleKeepAliveConnectionIsClosedAtTheIdleDeadline) {
  Start({.header_timeout = absl::Seconds(5), .idle_timeout = absl::Seconds(1)});
  RawClient client(port());
  EXPECT_EQ(StatusOf(client.RoundTrip(Get("/healthz"),
                                      absl::Now() + absl::Seconds(5))),
            200);
  const absl::Time start = absl::Now();
  bool closed = false;
  EXPECT_EQ(client.ReadToEof(start + absl::Seconds(5), closed), "");
  EXPECT_TRUE(closed);
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(950));
}

TEST_F(HttpServerTest, ConnectionsOverTheLimitAreClosedAtOnce) {
  Start({.max_connections = 3});
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  std::vector<std::unique_ptr<RawClient>> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(std::make_unique<RawClient>(port()));
    EXPECT_EQ(StatusOf(clients.back()->RoundTrip(Get("/healthz"), deadline)),
              200);
  }
  EXPECT_EQ(server_->open_connections(), 3);

  RawClient fourth(port());
  bool closed = false;
  EXPECT_EQ(fourth.ReadToEof(deadline, closed), "");
  EXPECT_TRUE(closed);
  EXPECT_EQ(server_->rejected_connections(), 1);

  // Once one goes, a new connection is served; the others still are.
  clients[0]->Close();
  ASSERT_TRUE(WaitUntil([&] { return server_->open_connections() == 2; }));
  RawClient fifth(port());
  EXPECT_EQ(StatusOf(fifth.RoundTrip(Get("/healthz"), deadline)), 200);
  EXPECT_EQ(StatusOf(clients[2]->RoundTrip(Get("/healthz"), deadline)), 200);
  EXPECT_EQ(server_->rejected_connections(), 1);
}

TEST_F(HttpServerTest, HeadAtTheLimitPassesAndOneByteMoreGets431) {
  Start({.max_header_bytes = 1024});
  // "GET /echo HTTP/1.1\r\nX-Pad: " is 27 bytes, the final "\r\n\r\n" 4.
  auto head_of = [](size_t total) {
    return absl::StrCat("GET /echo HTTP/1.1\r\nX-Pad: ",
                        std::string(total - 27 - 4, 'p'), "\r\n\r\n");
  };
  ASSERT_EQ(head_of(1024).size(), 1024u);
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  RawClient at_limit(port());
  EXPECT_EQ(StatusOf(at_limit.RoundTrip(head_of(1024), deadline)), 200);

  RawClient over(port());
  ASSERT_TRUE(over.Send(head_of(1025), deadline));
  bool closed = false;
  const std::string response = over.ReadToEof(deadline, closed);
  EXPECT_EQ(StatusOf(response), 431) << response;
  EXPECT_TRUE(closed);
}

TEST_F(HttpServerTest, DefaultHeaderLimitIs16KiB) {
  Start({});
  RawClient client(port());
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  ASSERT_TRUE(client.Send(absl::StrCat("GET /echo HTTP/1.1\r\nX-Pad: ",
                                       std::string(16 * 1024, 'p'), "\r\n\r\n"),
                          deadline));
  bool closed = false;
  EXPECT_EQ(StatusOf(client.ReadToEof(deadline, closed)), 431);
}

TEST_F(HttpServerTest, BodyAtTheLimitPassesAndOneByteMoreGets413) {
  Start({.max_body_bytes = 1000});
  auto post_of = [](size_t length) {
    return absl::StrCat("POST /echo HTTP/1.1\r\nContent-Length: ", length,
                        "\r\n\r\n", std::string(length, 'b'));
  };
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  RawClient at_limit(port());
  const std::string ok = at_limit.RoundTrip(post_of(1000), deadline);
  EXPECT_EQ(StatusOf(ok), 200) << ok;
  EXPECT_EQ(BodyOf(ok), "POST /echo\nbody 1000\n");

  // The whole body is sent; the client still reads the 413 (no reset).
  RawClient over(port());
  ASSERT_TRUE(over.Send(post_of(1001), deadline));
  bool closed = false;
  const std::string response = over.ReadToEof(deadline, closed);
  EXPECT_EQ(StatusOf(response), 413) << response;
  EXPECT_TRUE(closed);

  // A chunked body is counted as it comes.
  RawClient chunked(port());
  ASSERT_TRUE(chunked.Send(
      absl::StrCat("POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
                   "3e8\r\n", std::string(1000, 'c'),
                   "\r\n1\r\nc\r\n0\r\n\r\n"),
      deadline));
  EXPECT_EQ(StatusOf(chunked.ReadToEof(deadline, closed)), 413);
}

// curl sends "Expect: 100-continue" with a body over 1 KiB and waits (a
// second) for the interim answer before the body: the server answers at
// once, and refuses a body over the limit from its head, unsent.
TEST_F(HttpServerTest,
       ExpectContinueIsAnsweredAtOnceAndAnOversizedBodyRefused) {
  Start({.header_timeout = absl::Seconds(5),
         .body_timeout = absl::Seconds(5),
         .max_body_bytes = 4000});
  const absl::Time deadline = absl::Now() + absl::Seconds(4);
  auto head_of = [](size_t length) {
    return absl::StrCat("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: ",
                        length, "\r\nExpect: 100-continue\r\n\r\n");
  };
  RawClient client(port());
  ASSERT_TRUE(client.Send(head_of(2000), deadline));
  const absl::Time sent = absl::Now();
  EXPECT_EQ(client.ReadResponse(deadline), "HTTP/1.1 100 Continue\r\n\r\n");
  EXPECT_LT(absl::Now() - sent, absl::Milliseconds(500));
  ASSERT_TRUE(client.Send(std::string(2000, 'b'), deadline));
  const std::string ok = client.ReadResponse(deadline);
  EXPECT_EQ(StatusOf(ok), 200) << ok;
  EXPECT_EQ(BodyOf(ok), "POST /echo\nbody 2000\n");

  // A client that sends the body without waiting gets no interim answer.
  const std::string eager =
      client.RoundTrip(head_of(3) + "abc", absl::Now() + absl::Seconds(4));
  EXPECT_EQ(StatusOf(eager), 200) << eager;
  EXPECT_EQ(BodyOf(eager), "POST /echo\nbody 3\n");

  RawClient over(port());
  ASSERT_TRUE(over.Send(head_of(4001), deadline));
  bool closed = false;
  const std::string refused = over.ReadToEof(deadline, closed);
  EXPECT_EQ(StatusOf(refused), 413) << refused;
  EXPECT_TRUE(closed);
}

TEST_F(HttpServerTest, FullWorkerQueueGets503WithRetryAfter) {
  Start({.worker_threads = 1, .max_queued_requests = 1});
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  RawClient running(port());
  ASSERT_TRUE(running.Send(Get("/block"), deadline));
  handler_.entered.WaitForNotification();

  // One of the next two waits in the queue, the other is turned away.
  RawClient first(port());
  RawClient second(port());
  ASSERT_TRUE(first.Send(Get("/block"), deadline));
  ASSERT_TRUE(second.Send(Get("/block"), deadline));
  absl::Mutex mu;
  std::vector<std::string> answers;
  auto read = [&](RawClient& client) {
    std::string response = client.ReadResponse(deadline);
    absl::MutexLock lock(&mu);
    answers.push_back(std::move(response));
  };
  std::thread reader_first([&] { read(first); });
  std::thread reader_second([&] { read(second); });
  {
    absl::MutexLock lock(&mu);
    mu.Await(absl::Condition(
        +[](std::vector<std::string>* a) { return !a->empty(); }, &answers));
    EXPECT_EQ(StatusOf(answers[0]), 503) << answers[0];
    EXPECT_TRUE(absl::StrContains(answers[0], "Retry-After: 1\r\n"))
        << answers[0];
  }
  handler_.release.Notify();
  reader_first.join();
  reader_second.join();
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(StatusOf(answers[1]), 200) << answers[1];
  EXPECT_EQ(StatusOf(running.ReadResponse(deadline)), 200);
  EXPECT_EQ(handler_.blocked.load(), 2);
}

TEST_F(HttpServerTest, KeepAliveServesRequestsInTurnOnOneConnection) {
  Start({});
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  RawClient client(port());
  const std::string first = client.RoundTrip(Get("/echo?n=1"), deadline);
  EXPECT_EQ(BodyOf(first), "GET /echo\nparam [n]=[1]\nbody 0\n") << first;
  const std::string second = client.RoundTrip(Get("/echo?n=2"), deadline);
  EXPECT_EQ(BodyOf(second), "GET /echo\nparam [n]=[2]\nbody 0\n") << second;
  EXPECT_EQ(server_->open_connections(), 1);

  // Connection: close is honoured after the response.
  const std::string last = client.RoundTrip(
      "GET /echo HTTP/1.1\r\nConnection: close\r\n\r\n", deadline);
  EXPECT_EQ(StatusOf(last), 200);
  EXPECT_TRUE(absl::StrContains(last, "Connection: close\r\n")) << last;
  bool closed = false;
  EXPECT_EQ(client.ReadToEof(deadline, closed), "");
  EXPECT_TRUE(closed);
}

TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  Start({});
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  RawClient client(port());
  ASSERT_TRUE(
      client.Send(absl::StrCat(Get("/echo?n=1"), Get("/echo?n=2")), deadline));
  EXPECT_EQ(BodyOf(client.ReadResponse(deadline)),
            "GET /echo\nparam [n]=[1]\nbody 0\n");
  EXPECT_EQ(BodyOf(client.ReadResponse(deadline)),
            "GET /echo\nparam [n]=[2]\nbody 0\n");
}

TEST_F(HttpServerTest, RequestIsDecodedForTheHandler) {
  Start({});
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  RawClient client(port());
  const std::string response = client.RoundTrip(
      "GET /e%63ho?a=1%202&b=x+y&flag&&%zz=100%25 HTTP/1.1\r\n"
      "X-Mixed-Case: Value\r\n\r\n",
      deadline);
  EXPECT_EQ(StatusOf(response), 200) << response;
  EXPECT_EQ(BodyOf(response),
            "GET /echo\n"
            "param [a]=[1 2]\n"
            "param [b]=[x y]\n"
            "param [flag]=[]\n"
            "param [%zz]=[100%]\n"
            "header x-mixed-case: Value\n"
            "body 0\n");
  // The handler's own headers go out; the server sets the framing ones.
  EXPECT_TRUE(absl::StrContains(response, "X-Handler: test\r\n")) << response;
  EXPECT_TRUE(absl::StrContains(response, "Content-Type: text/plain\r\n"));
}

TEST_F(HttpServerTest, HeadIsGetWithoutTheBody) {
  Start({});
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  RawClient client(port());
  const std::string head =
      client.RoundTrip("HEAD /healthz HTTP/1.1\r\nHost: t\r\n\r\n", deadline);
  EXPECT_EQ(StatusOf(head), 200) << head;
  EXPECT_TRUE(absl::StrContains(head, "Content-Length: 2\r\n")) << head;
  EXPECT_EQ(BodyOf(head), "");
  // The connection is still in step: the next response is whole.
  const std::string get = client.RoundTrip(Get("/healthz"), deadline);
  EXPECT_EQ(BodyOf(get), "ok") << get;
}

TEST_F(HttpServerTest, MalformedRequestGets400) {
  Start({});
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  RawClient client(port());
  ASSERT_TRUE(client.Send("GET /healthz HTTP/9\r\n\r\n", deadline));
  bool closed = false;
  EXPECT_EQ(StatusOf(client.ReadToEof(deadline, closed)), 400);
  EXPECT_TRUE(closed);
}

TEST_F(HttpServerTest, ServesHttpsWithClientCertificates) {
  absl::StatusOr<TestCerts> certs = MakeTestCerts();
  ASSERT_TRUE(certs.ok()) << certs.status();
  HttpServerConfig config;
  config.tls = LoadOrFail(certs->ServerFiles(), TlsRole::kServer);
  Start(config);

  httplib::SSLClient https("127.0.0.1", port(), certs->client_cert,
                           certs->client_key);
  https.set_ca_cert_path(certs->ca_cert.c_str());
  https.enable_server_certificate_verification(true);
  https.set_read_timeout(10, 0);
  for (int i = 0; i < 2; ++i) {  // the second on the same connection
    httplib::Result health = https.Get("/healthz");
    ASSERT_TRUE(health) << httplib::to_string(health.error());
    EXPECT_EQ(health->status, 200);
    EXPECT_EQ(health->body, "ok");
  }
  EXPECT_EQ(server_->open_connections(), 1);

  httplib::SSLClient anonymous("127.0.0.1", port());
  anonymous.set_ca_cert_path(certs->ca_cert.c_str());
  anonymous.enable_server_certificate_verification(true);
  EXPECT_FALSE(anonymous.Get("/healthz"));

  RawClient plain(port());
  const std::string response =
      plain.RoundTrip(Get("/healthz"), absl::Now() + absl::Seconds(10));
  EXPECT_NE(StatusOf(response), 200);
}

TEST_F(HttpServerTest, StartRefusesBadAddressTlsAndBusyPort) {
  TestHandler handler;
  HttpServer bad_address({.listen_address = "nonsense"}, handler.Handler());
  EXPECT_EQ(bad_address.Start().code(), absl::StatusCode::kInvalidArgument);

  HttpServerConfig bad_tls{.listen_address = "127.0.0.1:0"};
  bad_tls.tls.cert_chain = "not a certificate";
  bad_tls.tls.private_key = "not a key";
  HttpServer refused_tls(bad_tls, handler.Handler());
  EXPECT_EQ(refused_tls.Start().code(), absl::StatusCode::kInvalidArgument);

  HttpServer zero_workers(
      {.listen_address = "127.0.0.1:0", .worker_threads = 0},
      handler.Handler());
  EXPECT_EQ(zero_workers.Start().code(), absl::StatusCode::kInvalidArgument);

  Start({});
  HttpServer same_port({.listen_address = absl::StrCat("127.0.0.1:", port())},
                       handler.Handler());
  EXPECT_EQ(same_port.Start().code(), absl::StatusCode::kUnavailable);
}

TEST_F(HttpServerTest, StopClosesEveryConnectionAndIsIdempotent) {
  Start({});
  RawClient idle(port());
  RawClient kept(port());
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  EXPECT_EQ(StatusOf(kept.RoundTrip(Get("/healthz"), deadline)), 200);
  ASSERT_TRUE(WaitUntil([&] { return server_->open_connections() == 2; }));
  server_->Stop();
  server_->Stop();
  EXPECT_EQ(server_->open_connections(), 0);
  bool closed = false;
  idle.ReadToEof(deadline, closed);
  EXPECT_TRUE(closed);
  kept.ReadToEof(deadline, closed);
  EXPECT_TRUE(closed);
}

}  // namespace
}  // namespace evtrade::testing
