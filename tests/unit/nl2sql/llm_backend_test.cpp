// The optional LLM backend against a local stub of an OpenAI-compatible server: the protocol,
// SQL extraction, errors, timeouts, the one correction round, and that its SQL still passes
// the validator.
#include "nl2sql/llm_backend.h"
#include "nl2sql/sqlite_source.h"
#include "tests/unit/nl2sql/test_databases.h"

#include "http/server.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <deque>
#include <mutex>
#include <thread>

namespace chatdb::nl2sql {
namespace {

// Replies with queued contents (or a status, or a delay) and records what it was sent.
class StubModel {
 public:
  struct Reply {
    int status = 200;
    std::string content;
    std::string raw_body;  // sent as is when set
    std::chrono::milliseconds delay{0};
  };

  StubModel() : server_(http::ServerOptions{2}) {
    auto router = std::make_shared<http::Router>();
    router->add("POST", "/v1/chat/completions", [this](const http::Request& r) {
      Reply reply;
      {
        std::lock_guard lock(mutex_);
        requests.push_back(nlohmann::json::parse(r.body));
        authorization.push_back(r.header("authorization"));
        if (!replies_.empty()) {
          reply = replies_.front();
          replies_.pop_front();
        }
      }
      std::this_thread::sleep_for(reply.delay);
      if (!reply.raw_body.empty()) return http::Response::text(reply.raw_body, "application/json", reply.status);
      nlohmann::json body = {{"id", "x"}, {"object", "chat.completion"},
                             {"choices", {{{"index", 0}, {"message", {{"role", "assistant"}, {"content", reply.content}}}}}}};
      return http::Response::json(body, reply.status);
    });
    port_ = server_.listen("stub", "127.0.0.1", 0, router, [](const http::Exchange&) {});
    thread_ = std::thread([this] { server_.run(); });
  }
  ~StubModel() {
    server_.stop();
    thread_.join();
  }

  void queue_content(std::string content) {
    Reply r;
    r.content = std::move(content);
    queue(std::move(r));
  }
  void queue(Reply r) {
    std::lock_guard lock(mutex_);
    replies_.push_back(std::move(r));
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }

  std::vector<nlohmann::json> requests;
  std::vector<std::string> authorization;

 private:
  http::Server server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::deque<Reply> replies_;
};

class LlmBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::write_library_database(dir_.path() + "/library.db");
    source_ = std::make_shared<SqliteSource>(dir_.path() + "/library.db");
    auto schema = source_->introspect();
    ASSERT_TRUE(schema.ok());
    schema_ = *schema;
  }
  LlmBackend backend(std::chrono::milliseconds timeout = std::chrono::milliseconds(3000)) {
    return LlmBackend(LlmOptions{stub_.url(), "test-model", "key-123", timeout});
  }

  testing::TempDir dir_;
  std::shared_ptr<SqliteSource> source_;
  Schema schema_;
  StubModel stub_;
};

TEST_F(LlmBackendTest, SpeaksChatCompletionsAndExtractsTheSql) {
  stub_.queue_content("Here you go:\n```sql\nSELECT title FROM book;\n```\nEnjoy.");
  auto sql = backend().write_sql("list the books", schema_, Dialect::kSqlite);
  ASSERT_TRUE(sql.ok()) << sql.error().message;
  EXPECT_EQ(*sql, "SELECT title FROM book");
  ASSERT_EQ(stub_.requests.size(), 1u);
  const auto& request = stub_.requests[0];
  EXPECT_EQ(request["model"], "test-model");
  EXPECT_EQ(request["temperature"], 0);
  ASSERT_EQ(request["messages"].size(), 2u);
  EXPECT_EQ(request["messages"][0]["role"], "system");
  std::string user = request["messages"][1]["content"];
  EXPECT_NE(user.find("CREATE TABLE \"book\""), std::string::npos);
  EXPECT_NE(user.find("list the books"), std::string::npos);
  EXPECT_EQ(stub_.authorization[0], "Bearer key-123");
}

TEST_F(LlmBackendTest, ExtractsSqlWithoutFences) {
  EXPECT_EQ(LlmBackend::extract_sql("The answer is SELECT 1;"), "SELECT 1");
  EXPECT_EQ(LlmBackend::extract_sql("```\nselect a from b\n```"), "select a from b");
  EXPECT_FALSE(LlmBackend::extract_sql("I cannot help with that.").has_value());
}

TEST_F(LlmBackendTest, ServerErrorsAreUnavailable) {
  stub_.queue({500, "", "{\"error\": \"overloaded\"}", std::chrono::milliseconds(0)});
  auto sql = backend().write_sql("list the books", schema_, Dialect::kSqlite);
  ASSERT_FALSE(sql.ok());
  EXPECT_EQ(sql.error().code, ErrorCode::kUnavailable);
  EXPECT_TRUE(sql.error().retryable);
}

TEST_F(LlmBackendTest, MalformedRepliesAndRepliesWithoutSqlAreErrors) {
  stub_.queue({200, "", "{\"not\": \"a completion\"}", std::chrono::milliseconds(0)});
  auto malformed = backend().write_sql("list the books", schema_, Dialect::kSqlite);
  ASSERT_FALSE(malformed.ok());
  EXPECT_EQ(malformed.error().code, ErrorCode::kUnavailable);
  stub_.queue_content("Sorry, I do not know.");
  auto no_sql = backend().write_sql("list the books", schema_, Dialect::kSqlite);
  ASSERT_FALSE(no_sql.ok());
  EXPECT_EQ(no_sql.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(LlmBackendTest, SlowModelsTimeOut) {
  stub_.queue({200, "SELECT 1", "", std::chrono::milliseconds(1500)});
  auto started = std::chrono::steady_clock::now();
  auto sql = backend(std::chrono::milliseconds(300)).write_sql("list the books", schema_, Dialect::kSqlite);
  ASSERT_FALSE(sql.ok());
  EXPECT_EQ(sql.error().code, ErrorCode::kTimeout);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(1200));
}

TEST_F(LlmBackendTest, UnreachableEndpointIsUnavailable) {
  LlmBackend nowhere(LlmOptions{"http://127.0.0.1:1/v1", "m", "", std::chrono::milliseconds(500)});
  auto sql = nowhere.write_sql("list the books", schema_, Dialect::kSqlite);
  ASSERT_FALSE(sql.ok());
  EXPECT_EQ(sql.error().code, ErrorCode::kUnavailable);
}

TEST_F(LlmBackendTest, EngineAsksTheModelOnlyWhenTheRulesAbstainAndCorrectsOnce) {
  auto catalog = std::make_shared<Catalog>();
  catalog->add("library", source_);
  auto llm = std::make_shared<LlmBackend>(LlmOptions{stub_.url(), "test-model", "", std::chrono::milliseconds(3000)});
  QueryEngine engine(catalog, EngineOptions{}, [] { return std::chrono::system_clock::now(); }, llm);

  // The rules answer this one: the model is not asked.
  ASSERT_TRUE(engine.query("how many books are there", "library").ok());
  EXPECT_TRUE(stub_.requests.empty());

  // The rules abstain; the model's first SQL fails on the database, the second works.
  stub_.queue_content("```sql\nSELECT title FROM books_that_do_not_exist\n```");
  stub_.queue_content("```sql\nSELECT title FROM book WHERE page_count > 500\n```");
  auto answer = engine.query("which books would make a good doorstop", "library");
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_EQ(answer->parsed.backend, "llm");
  EXPECT_EQ(answer->rows.rows.size(), 2u);
  ASSERT_EQ(stub_.requests.size(), 2u);
  const auto& correction = stub_.requests[1]["messages"];
  ASSERT_EQ(correction.size(), 4u);
  EXPECT_NE(correction[3]["content"].get<std::string>().find("books_that_do_not_exist"), std::string::npos);

  // A model that writes a DELETE is refused before anything runs.
  stub_.queue_content("```sql\nDELETE FROM book\n```");
  auto refused = engine.query("please tidy up the books table", "library");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(testing::sorted_rows(*source_, "SELECT COUNT(*) FROM book")[0][0], 9);
}

}  // namespace
}  // namespace chatdb::nl2sql
