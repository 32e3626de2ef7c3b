// The query-parser service: strict request validation, the routes' answers, readiness, and the
// asynchronous path over the in-process bus (one result per question, same id).
#include "query_parser/query_parser.h"

#include "bus/local_bus.h"
#include "nl2sql/demo_database.h"
#include "nl2sql/sqlite_source.h"
#include "tests/unit/nl2sql/test_databases.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include <condition_variable>
#include <mutex>

namespace chatdb::query_parser {
namespace {

class QueryParserService : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(nl2sql::DemoDatabase::ensure(dir_.path() + "/demo.db").ok());
    engine_ = nl2sql::testing::engine_for("demo", std::make_shared<nl2sql::SqliteSource>(dir_.path() + "/demo.db"));
    bus_ = std::make_shared<bus::LocalBus>();
    service_ = std::make_shared<QueryParser>(engine_, AsyncTopics{bus_, "queries", "query_results"});
    service_->register_metrics(metrics_);
    service_->mount(router_);
  }

  http::Response call(const std::string& method, const std::string& path, const std::string& body = "",
                      std::map<std::string, std::string> query = {}) {
    auto match = router_.match(method, path);
    EXPECT_EQ(match.status, 200) << method << " " << path;
    http::Request r;
    r.method = method;
    r.path = path;
    r.body = body;
    r.query = std::move(query);
    r.headers = {{"content-type", "application/json"}};
    return match.route->handler(r);
  }

  nl2sql::testing::TempDir dir_;
  std::shared_ptr<nl2sql::QueryEngine> engine_;
  std::shared_ptr<bus::LocalBus> bus_;
  std::shared_ptr<QueryParser> service_;
  http::MetricsRegistry metrics_;
  http::Router router_{"", "/api/v1"};
};

TEST_F(QueryParserService, ParseAndQueryAnswer) {
  auto parsed = call("POST", "/parse", R"({"query": "how many customers are in Germany"})");
  ASSERT_EQ(parsed.status, 200) << parsed.body;
  auto p = nlohmann::json::parse(parsed.body);
  EXPECT_EQ(p["sql"], "SELECT COUNT(*) AS count FROM customers WHERE country = 'Germany'");
  EXPECT_EQ(p["tables"], nlohmann::json::array({"customers"}));
  EXPECT_GT(p["confidence"].get<double>(), 0.6);
  EXPECT_FALSE(p["explanation"].get<std::string>().empty());

  auto queried = call("POST", "/api/v1/query", R"({"query": "top 3 most expensive products", "database": "demo"})");
  ASSERT_EQ(queried.status, 200) << queried.body;
  auto q = nlohmann::json::parse(queried.body);
  // The products themselves: every column, the name among them.
  EXPECT_NE(std::find(q["columns"].begin(), q["columns"].end(), "name"), q["columns"].end()) << q["columns"];
  EXPECT_EQ(q["alternatives"], nlohmann::json::array());
  EXPECT_EQ(q["row_count"], 3);
  EXPECT_EQ(q["rows"].size(), 3u);
  EXPECT_EQ(q["truncated"], false);
  EXPECT_TRUE(q["elapsed_ms"].is_number());
}

TEST_F(QueryParserService, RefusesMalformedRequests) {
  struct Case {
    std::string body;
    int status;
  };
  for (const auto& c : std::vector<Case>{{R"({"query": "list customers", "limit": 5})", 400},
                                         {R"({"query": 42})", 400},
                                         {R"({"database": "demo"})", 400},
                                         {R"({"query": "list customers", "database": 7})", 400},
                                         {R"({"query": "list customers", "database": ""})", 400},
                                         {R"({"query": ""})", 400},
                                         {R"(["query"])", 400},
                                         {R"({"query": )", 400},
                                         {R"({"query": "list customers", "database": "nowhere"})", 404},
                                         {nlohmann::json{{"query", std::string(10241, 'q')}}.dump(), 413},
                                         {R"({"query": "drop table customers"})", 400},
                                         {R"({"query": "what is the meaning of life"})", 400}}) {
    for (const std::string path : {"/parse", "/query"}) {
      auto r = call("POST", path, c.body);
      EXPECT_EQ(r.status, c.status) << path << " " << c.body.substr(0, 60) << " -> " << r.body;
      EXPECT_EQ(r.content_type, "application/problem+json") << c.body.substr(0, 60);
    }
  }
}

TEST_F(QueryParserService, ListsDatabasesAndSchemas) {
  auto dbs = nlohmann::json::parse(call("GET", "/databases").body);
  ASSERT_EQ(dbs["databases"].size(), 1u);
  EXPECT_EQ(dbs["databases"][0]["name"], "demo");
  EXPECT_EQ(dbs["databases"][0]["dialect"], "sqlite");
  auto schema = call("GET", "/schema", "", {{"database", "demo"}});
  ASSERT_EQ(schema.status, 200);
  auto s = nlohmann::json::parse(schema.body);
  EXPECT_EQ(s["tables"].size(), 6u);
  EXPECT_GT(s["indexed_values"].get<int>(), 100);
  EXPECT_EQ(call("GET", "/schema", "", {{"database", "nowhere"}}).status, 404);
  EXPECT_EQ(call("GET", "/schema", "", {{"db", "demo"}}).status, 400);
}

TEST_F(QueryParserService, ReadyWhenItsSourcesAnswer) {
  auto checks = service_->check_dependencies();
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_TRUE(checks[0].ok);
  EXPECT_EQ(checks[0].name, "database:demo");
}

TEST_F(QueryParserService, AnswersEachQueuedQuestionOnceWithItsId) {
  std::mutex mutex;
  std::condition_variable cv;
  std::map<std::string, nlohmann::json> results;
  auto sub = bus_->subscribe("query_results", "test", [&](const bus::Message& m) {
    std::lock_guard lock(mutex);
    auto doc = nlohmann::json::parse(m.payload);
    results[doc["id"].get<std::string>()] = doc;
    cv.notify_all();
    return Status::success();
  });
  service_->start();
  ASSERT_TRUE(bus_->publish("queries", "q1", R"({"id": "q1", "query": "how many customers are there"})").ok());
  ASSERT_TRUE(bus_->publish("queries", "q2", R"({"id": "q2", "query": "drop table customers", "database": "demo"})").ok());
  ASSERT_TRUE(bus_->publish("queries", "q3", R"({"id": "q3", "query": 5})").ok());
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return results.size() == 3; }));
  }
  service_->stop();
  EXPECT_EQ(results["q1"]["status"], "ok");
  EXPECT_EQ(results["q1"]["rows"][0][0], 240);
  EXPECT_EQ(results["q2"]["status"], "error");
  EXPECT_EQ(results["q2"]["error"]["status"], 400);
  EXPECT_EQ(results["q3"]["status"], "error");
  EXPECT_EQ(results["q3"]["id"], "q3");
}

}  // namespace
}  // namespace chatdb::query_parser
