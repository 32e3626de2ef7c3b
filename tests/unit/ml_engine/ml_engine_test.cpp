// The ML engine's job runner and predictor against a real model registry (SQLite, local
// artifacts) and a scripted orchestrator, both served over HTTP on loopback, and the
// in-process bus.

#include "tests/support/ports.h"
#include "artifacts/local_artifact_store.h"
#include "bus/local_bus.h"
#include "tests/support/bus_recorder.h"
#include "http/client.h"
#include "http/problem.h"
#include "http/server.h"
#include "metadata/metadata_store_factory.h"
#include "metadata/schema_migrator.h"
#include "ml/demo_datasets.h"
#include "ml_engine/job_runner.h"
#include "ml_engine/predictor.h"
#include "model_registry/model_registry.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <random>
#include <thread>

namespace chatdb::ml_engine {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

/// What GET /jobs/{id} answers, as a test sets it.
class ScriptedOrchestrator {
 public:
  void set(const std::string& id, const std::string& status, std::int64_t attempts) {
    std::lock_guard lock(mutex_);
    jobs_[id] = {status, attempts};
  }
  http::Response get(const std::string& id) {
    std::lock_guard lock(mutex_);
    auto it = jobs_.find(id);
    if (it == jobs_.end()) return http::problem(Error::not_found("no job " + id));
    return http::Response::json({{"id", id}, {"status", it->second.first}, {"attempts", it->second.second}});
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::pair<std::string, std::int64_t>> jobs_;
};

class MlEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("chatdb-ml-engine-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_ / "datasets");
    ASSERT_TRUE(ml::DemoDatasets::ensure(dir_ / "datasets").ok());
    std::ofstream(dir_ / "datasets" / "broken.csv") << "a,b,label\n1,2,x\n3,\"4,y\n";
    std::ofstream(dir_ / "outside.csv") << "a,label\n1,x\n2,y\n";

    auto store = metadata::make_metadata_store("sqlite://" + (dir_ / "chatdb.db").string());
    ASSERT_TRUE(store.ok()) << store.error().message;
    std::shared_ptr<metadata::MetadataStore> metadata = std::move(store.value());
    ASSERT_TRUE(metadata::SchemaMigrator::migrate(*metadata).ok());
    auto artifacts = artifacts::LocalArtifactStore::open(dir_ / "artifacts");
    ASSERT_TRUE(artifacts.ok());
    bus_ = std::make_shared<bus::LocalBus>();
    registry_service_ = std::make_shared<model_registry::ModelRegistry>(metadata, std::move(artifacts.value()), bus_, "model_events");

    auto registry_router = std::make_shared<http::Router>();
    registry_service_->mount(*registry_router);
    registry_router->add("GET", "/health", [](const http::Request&) { return http::Response::json({{"status", "ok"}}); });
    auto orchestrator_router = std::make_shared<http::Router>();
    orchestrator_router->add("GET", "/jobs/{id}", [this](const http::Request& r) { return orchestrator_.get(r.params.at("id")); });
    http::ServerOptions options;
    options.threads = 1;
    options.handler_threads = 4;
    server_ = std::make_unique<http::Server>(options);
    registry_url_ = "http://127.0.0.1:" + std::to_string(server_->listen("model-registry", "127.0.0.1", 0, registry_router, {}));
    orchestrator_url_ =
        "http://127.0.0.1:" + std::to_string(server_->listen("training-orchestrator", "127.0.0.1", 0, orchestrator_router, {}));
    serving_ = std::thread([this] { server_->run(); });

    events_sub_ = bus_->subscribe("job_events", "test", [this](const bus::Message& m) {
      events_.add(m);
      return Status::success();
    });
    predictions_sub_ = bus_->subscribe("predictions", "test", [this](const bus::Message& m) {
      predictions_.add(m);
      return Status::success();
    });
    client_ = std::make_shared<http::Client>();
  }

  void TearDown() override {
    events_sub_.reset();
    predictions_sub_.reset();
    server_->stop();
    serving_.join();
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  std::unique_ptr<JobRunner> runner(const std::string& registry_url = "", const std::string& orchestrator_url = "") {
    ml::DatasetSources sources{dir_ / "datasets", "", "", "", {}, {}};
    JobReporter::Options reporting{20ms, 200ms, 50ms};
    return std::make_unique<JobRunner>(
        bus_, "job_events", std::make_shared<OrchestratorClient>(orchestrator_url.empty() ? orchestrator_url_ : orchestrator_url, client_),
        std::make_shared<RegistryClient>(registry_url.empty() ? registry_url_ : registry_url, client_),
        std::make_shared<const ml::DatasetLoader>(sources), reporting, DependencyWait::Options{300ms, 20ms, 100ms});
  }

  static bus::Message message(const std::string& id, nlohmann::json fields) {
    nlohmann::json job = {{"job_id", id},       {"attempt", 1},        {"model_name", "churn"},
                          {"dataset_location", "file://demo/churn.csv"}, {"task", "auto"},
                          {"algorithm", "xgboost"}, {"params", {{"num_rounds", 20}}}, {"cpu_request", 1}, {"timeout_s", 600}};
    if (fields.is_object()) job.update(fields);
    return bus::Message{"training_jobs", id, job.dump()};
  }

  /// The events of one job, as JSON, once its last one ("succeeded" or "failed") arrived.
  std::vector<nlohmann::json> events_of(const std::string& id, bool wait_for_last = true) {
    auto of_job = [&](const std::vector<bus::Message>& all) {
      std::vector<nlohmann::json> out;
      for (const auto& m : all) {
        if (m.key == id) out.push_back(nlohmann::json::parse(m.payload));
      }
      return out;
    };
    if (wait_for_last) {
      EXPECT_TRUE(events_.wait_until([&](const std::vector<bus::Message>& all) {
        auto e = of_job(all);
        return !e.empty() && (e.back()["type"] == "succeeded" || e.back()["type"] == "failed");
      }, 10s));
    } else {
      std::this_thread::sleep_for(300ms);  // time for anything published to arrive
    }
    return of_job(events_.messages());
  }

  /// A prediction of a JSON body, parsed as POST /predict parses it.
  static Result<nlohmann::json> predict(Predictor& predictor, const nlohmann::json& body) {
    auto input = ScoringInput::from_json(body.dump());
    if (!input) return input.error();
    auto out = predictor.predict(*input, "r");
    if (!out) return out.error();
    return nlohmann::json::parse(*out);
  }

  nlohmann::json versions(const std::string& model) {
    auto r = client_->get(registry_url_ + "/registered-models/" + model + "/versions");
    return r.ok() && r->status == 200 ? nlohmann::json::parse(r->body)["model_versions"] : nlohmann::json::array();
  }

  fs::path dir_;
  std::shared_ptr<model_registry::ModelRegistry> registry_service_;
  ScriptedOrchestrator orchestrator_;
  std::unique_ptr<http::Server> server_;
  std::thread serving_;
  std::string registry_url_, orchestrator_url_;
  std::shared_ptr<bus::LocalBus> bus_;
  bus::Recorder events_, predictions_;
  std::unique_ptr<bus::Subscription> events_sub_, predictions_sub_;
  std::shared_ptr<http::Client> client_;
};

TEST_F(MlEngineTest, TrainsRegistersAndReportsThenPredictions) {
  orchestrator_.set("job-1", "running", 1);
  ASSERT_TRUE(runner()->handle(message("job-1", {})).ok());
  auto events = events_of("job-1");
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events.front()["type"], "started");
  EXPECT_EQ(events.back()["type"], "succeeded");
  EXPECT_EQ(events.back()["model_version"], 1);
  EXPECT_EQ(events.back()["progress"], 1.0);
  EXPECT_GT(events.back()["metrics"]["roc_auc"].get<double>(), 0.7);
  for (const auto& e : events) {
    EXPECT_EQ(e["attempt"], 1);
    EXPECT_TRUE(e["at"].is_number_integer());
  }

  auto listed = versions("churn");
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["status"], "READY");
  const auto& metadata = listed[0]["metadata"];
  EXPECT_EQ(metadata["job_id"], "job-1");
  EXPECT_EQ(metadata["dataset_location"], "file://demo/churn.csv");
  EXPECT_EQ(metadata["target"]["name"], "churned");
  EXPECT_EQ(metadata["classes"], nlohmann::json({"no", "yes"}));
  EXPECT_EQ(metadata["dataset_sha256"].get<std::string>().size(), 64u);
  EXPECT_TRUE(metadata["feature_importance"].contains("contract"));

  auto audit = std::make_shared<PredictionAudit>(bus_, "predictions");
  Predictor predictor(std::make_shared<RegistryClient>(registry_url_, client_), audit, 4);
  nlohmann::json row = {{"tenure_months", 2},          {"monthly_charges", 99.5}, {"contract", "month-to-month"},
                        {"payment_method", "electronic check"}, {"internet_service", "fiber"}, {"support_calls", 5},
                        {"senior_citizen", 1},         {"total_charges", nullptr}};
  auto input = ScoringInput::from_json(nlohmann::json({{"model", "churn"}, {"instances", {row, row}}}).dump());
  ASSERT_TRUE(input.ok());
  auto text = predictor.predict(*input, "req-1");
  ASSERT_TRUE(text.ok()) << text.error().message;
  Result<nlohmann::json> out = nlohmann::json::parse(*text);
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ((*out)["version"], 1);
  EXPECT_EQ((*out)["model"], "churn");
  EXPECT_EQ((*out)["predictions"], nlohmann::json({"yes", "yes"}));
  EXPECT_EQ((*out)["classes"], nlohmann::json({"no", "yes"}));
  EXPECT_NEAR((*out)["probabilities"][0][0].get<double>() + (*out)["probabilities"][0][1].get<double>(), 1.0, 1e-6);
  ASSERT_TRUE(predictions_.wait_for_count(1, 5s));
  auto record = nlohmann::json::parse(predictions_.messages()[0].payload);
  EXPECT_EQ(record["request_id"], "req-1");
  EXPECT_EQ(record["model"], "churn");
  EXPECT_EQ(record["version"], 1);
  EXPECT_EQ(record["count"], 2);
}

TEST_F(MlEngineTest, ARedeliveredFinishedOrForeignAttemptIsANoOp) {
  orchestrator_.set("done", "succeeded", 1);
  orchestrator_.set("retried", "running", 2);
  auto r = runner();
  EXPECT_TRUE(r->handle(message("done", {})).ok());
  EXPECT_TRUE(r->handle(message("retried", {})).ok());  // attempt 1, but attempt 2 is running
  EXPECT_TRUE(r->handle(message("unknown", {})).ok());
  EXPECT_TRUE(r->handle(bus::Message{"training_jobs", "x", "not json"}).ok());  // acknowledged, logged
  EXPECT_TRUE(events_of("done", false).empty());
  EXPECT_TRUE(events_of("retried", false).empty());
  EXPECT_TRUE(versions("churn").empty());
}

TEST_F(MlEngineTest, RunningAJobTwiceRegistersOneVersion) {
  // As after a crash between registering and publishing: the message comes again.
  orchestrator_.set("job-2", "running", 1);
  auto r = runner();
  ASSERT_TRUE(r->handle(message("job-2", {})).ok());
  ASSERT_TRUE(r->handle(message("job-2", {})).ok());
  std::size_t succeeded = 0;
  for (const auto& e : events_of("job-2")) {
    if (e["type"] != "succeeded") continue;
    ++succeeded;
    EXPECT_EQ(e["model_version"], 1);
  }
  EXPECT_EQ(succeeded, 2u);
  EXPECT_EQ(versions("churn").size(), 1u);
}

TEST_F(MlEngineTest, DatasetProblemsFailAndAreNotRetryable) {
  std::map<std::string, std::pair<nlohmann::json, std::string>> cases = {
      {"missing", {{{"dataset_location", "file://demo/none.csv"}}, "no dataset at file://demo/none.csv"}},
      {"outside", {{{"dataset_location", "file://../outside.csv"}}, "is outside the dataset root"}},
      {"no-target", {{{"target", "price"}}, "the target column 'price' is not in the dataset"}},
      {"broken", {{{"dataset_location", "file://broken.csv"}}, "CSV line 3: a quoted field is never closed"}},
      {"bad-param", {{{"params", {{"depth", 3}}}}, "unknown parameter 'depth' for xgboost"}},
  };
  auto r = runner();
  for (const auto& [id, c] : cases) {
    orchestrator_.set(id, "running", 1);
    ASSERT_TRUE(r->handle(message(id, c.first)).ok()) << id;
    auto events = events_of(id);
    ASSERT_FALSE(events.empty()) << id;
    EXPECT_EQ(events.back()["type"], "failed") << id;
    EXPECT_EQ(events.back()["retryable"], false) << id;
    EXPECT_NE(events.back()["error"].get<std::string>().find(c.second), std::string::npos) << events.back().dump();
  }
  EXPECT_TRUE(versions("churn").empty());
}

// The registry is waited for on the dependency budget (300 ms here), saying so, and then the
// attempt fails without using the job's retries (issue 16, defect 9).
TEST_F(MlEngineTest, ARegistryThatStaysDownIsWaitedForThenFailsClearly) {
  orchestrator_.set("job-3", "running", 1);
  std::string down = "http://127.0.0.1:" + std::to_string(chatdb::testing::free_port());
  ASSERT_TRUE(runner(down)->handle(message("job-3", {{"params", {{"num_rounds", 2}}}})).ok());
  auto events = events_of("job-3");
  EXPECT_EQ(events.back()["type"], "failed");
  EXPECT_EQ(events.back()["retryable"], false);
  std::string error = events.back()["error"];
  EXPECT_NE(error.find("gave up after waiting 0 s for the model registry"), std::string::npos) << error;
  EXPECT_NE(error.find("the model registry is unreachable"), std::string::npos) << error;
  bool said_waiting = false;
  for (const auto& e : events) {
    if (e.contains("message") && e["message"].get<std::string>().starts_with("waiting for the model registry")) said_waiting = true;
  }
  EXPECT_TRUE(said_waiting);
}

TEST_F(MlEngineTest, AnOrchestratorThatIsDownHasTheMessageDeliveredAgain) {
  std::string down = "http://127.0.0.1:" + std::to_string(chatdb::testing::free_port());
  Status s = runner("", down)->handle(message("job-4", {}));
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.error().retryable);
  EXPECT_TRUE(events_of("job-4", false).empty());
}

TEST_F(MlEngineTest, ACancelledJobStopsBetweenRoundsWithoutAVersion) {
  orchestrator_.set("job-5", "running", 1);
  auto r = runner();
  auto done = std::async(std::launch::async, [&] {
    return r->handle(message("job-5", {{"params", {{"num_rounds", 5000}, {"max_depth", 8}}}}));
  });
  ASSERT_TRUE(events_.wait_until([](const std::vector<bus::Message>& all) {
    for (const auto& m : all) {
      if (m.key == "job-5" && nlohmann::json::parse(m.payload).contains("round")) return true;
    }
    return false;
  }, 10s));
  auto cancelled_at = std::chrono::steady_clock::now();
  orchestrator_.set("job-5", "cancelled", 1);
  ASSERT_EQ(done.wait_for(10s), std::future_status::ready);
  EXPECT_LT(std::chrono::steady_clock::now() - cancelled_at, 2s);
  EXPECT_TRUE(done.get().ok());
  for (const auto& e : events_of("job-5", false)) EXPECT_TRUE(e["type"] == "started" || e["type"] == "progress") << e.dump();
  EXPECT_TRUE(versions("churn").empty());
}

TEST_F(MlEngineTest, AJobPastItsTimeoutFails) {
  orchestrator_.set("job-6", "running", 1);
  ASSERT_TRUE(runner()->handle(message("job-6", {{"timeout_s", 1}, {"params", {{"num_rounds", 5000}, {"max_depth", 8}}}})).ok());
  auto events = events_of("job-6");
  EXPECT_EQ(events.back()["type"], "failed");
  EXPECT_EQ(events.back()["error"], "timed out after 1 s");
  EXPECT_EQ(events.back()["retryable"], false);
}

TEST_F(MlEngineTest, ShutdownLeavesTheMessageToBeDeliveredAgain) {
  orchestrator_.set("job-7", "running", 1);
  auto r = runner();
  auto done = std::async(std::launch::async, [&] {
    return r->handle(message("job-7", {{"params", {{"num_rounds", 5000}, {"max_depth", 8}}}}));
  });
  ASSERT_TRUE(events_.wait_for_count(1, 10s));
  r->shutdown();
  ASSERT_EQ(done.wait_for(10s), std::future_status::ready);
  Status s = done.get();
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(versions("churn").empty());
}

TEST_F(MlEngineTest, PredictionErrorsAndTheCache) {
  orchestrator_.set("job-8", "running", 1);
  ASSERT_TRUE(runner()->handle(message("job-8", {{"model_name", "houses"}, {"dataset_location", "file://demo/house_prices.csv"},
                                                 {"algorithm", "linear"}, {"params", nlohmann::json::object()}})).ok());
  ASSERT_EQ(events_of("job-8").back()["type"], "succeeded");
  auto audit = std::make_shared<PredictionAudit>(bus_, "predictions");
  Predictor predictor(std::make_shared<RegistryClient>(registry_url_, client_), audit, 4);
  nlohmann::json house = {{"area_sqft", 1500},   {"bedrooms", 3},      {"bathrooms", 2}, {"year_built", 1990},
                          {"neighborhood", "lakeview"}, {"garage", "yes"}, {"lot_size_sqft", nullptr}, {"distance_to_center_km", 4.5}};
  auto code = [&](const nlohmann::json& body) {
    auto out = predict(predictor, body);
    return out.ok() ? std::string("ok") : std::string(to_string(out.error().code));
  };
  EXPECT_EQ(code({{"model", "houses"}, {"version", 1}, {"instances", {house}}}), "ok");
  EXPECT_EQ(code({{"model", "nope"}, {"instances", {house}}}), to_string(ErrorCode::kNotFound));
  EXPECT_EQ(code({{"model", "houses"}, {"version", 9}, {"instances", {house}}}), to_string(ErrorCode::kNotFound));
  EXPECT_EQ(code({{"model", "houses"}, {"alias", "production"}, {"instances", {house}}}), to_string(ErrorCode::kNotFound));
  EXPECT_EQ(code({{"model", "houses"}, {"instances", nlohmann::json::array()}}), to_string(ErrorCode::kInvalidArgument));
  EXPECT_EQ(code({{"model", "houses"}, {"version", 1}, {"alias", "a"}, {"instances", {house}}}), to_string(ErrorCode::kInvalidArgument));
  EXPECT_EQ(code({{"model", "houses"}, {"instances", {house}}, {"explain", true}}), to_string(ErrorCode::kInvalidArgument));
  nlohmann::json wrong = house;
  wrong["bedrooms"] = "three";
  auto bad = predict(predictor, {{"model", "houses"}, {"instances", {house, wrong}}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "instance 1: feature 'bedrooms' is numeric; got \"three\" (send a number, or null when missing)");

  // A version registered without its artifact yet is not served.
  RegistryClient registry(registry_url_, client_);
  auto pending = registry.register_version("houses", "job-9", {{"algorithm", "linear"}});
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(code({{"model", "houses"}, {"version", pending->version}, {"instances", {house}}}), to_string(ErrorCode::kConflict));

  // A version, once loaded, is served from the cache even while the registry is down (as is
  // what "latest" last resolved to); an alias never resolved needs the registry.
  server_->stop();
  serving_.join();
  serving_ = std::thread([] {});
  server_ = std::make_unique<http::Server>(http::ServerOptions{});
  auto cached = predict(predictor, {{"model", "houses"}, {"version", 1}, {"instances", {house}}});
  ASSERT_TRUE(cached.ok());
  EXPECT_GT((*cached)["predictions"][0].get<double>(), 100000.0);
  EXPECT_EQ(code({{"model", "houses"}, {"instances", {house}}}), "ok");
  EXPECT_EQ(code({{"model", "houses"}, {"alias", "production"}, {"instances", {house}}}), to_string(ErrorCode::kUnavailable));
}

// The registry publishes its changes on the bus; a predictor subscribed to them follows a new
// version, an alias moved and a deleted version at once, although its cached resolutions are
// fresh for an hour.
TEST_F(MlEngineTest, RegistryChangesInvalidateResolutionsAndADeletedVersionIsNeverServed) {
  orchestrator_.set("job-10", "running", 1);
  ASSERT_TRUE(runner()->handle(message("job-10", {{"model_name", "houses"}, {"dataset_location", "file://demo/house_prices.csv"},
                                                  {"algorithm", "linear"}, {"params", nlohmann::json::object()}})).ok());
  ASSERT_EQ(events_of("job-10").back()["type"], "succeeded");
  auto audit = std::make_shared<PredictionAudit>(bus_, "predictions");
  auto registry = std::make_shared<RegistryClient>(registry_url_, client_);
  Predictor predictor(registry, audit, 4, std::chrono::hours(1));
  bus::Recorder changes;
  auto subscription = bus_->subscribe("model_events", "predictor", [&](const bus::Message& m) {
    predictor.on_model_change(m.payload);
    changes.add(m);
    return Status::success();
  });
  // Waits until the predictor has handled the registry's event of this change.
  auto handled = [&](const std::string& change, std::int64_t version) {
    ASSERT_TRUE(changes.wait_until([&](const std::vector<bus::Message>& all) {
      for (const auto& m : all) {
        auto e = nlohmann::json::parse(m.payload);
        if (e["change"] == change && e.value("version", std::int64_t{0}) == version && e["model"] == "houses") return true;
      }
      return false;
    }, 5s)) << change << " " << version;
  };
  nlohmann::json house = {{"area_sqft", 1500},   {"bedrooms", 3},      {"bathrooms", 2}, {"year_built", 1990},
                          {"neighborhood", "lakeview"}, {"garage", "yes"}, {"lot_size_sqft", nullptr}, {"distance_to_center_km", 4.5}};
  auto version_of = [&](nlohmann::json body) {
    body["instances"] = {house};
    auto out = predict(predictor, body);
    return out.ok() ? (*out)["version"].get<std::int64_t>() : -static_cast<std::int64_t>(out.error().code);
  };
  ASSERT_EQ(version_of({{"model", "houses"}}), 1);

  // Version 2: the same model uploaded again.
  auto v1 = registry->version("houses", 1);
  ASSERT_TRUE(v1.ok());
  auto bytes = registry->artifact(*v1);
  ASSERT_TRUE(bytes.ok());
  auto v2 = registry->register_version("houses", "job-11", v1->metadata);
  ASSERT_TRUE(v2.ok());
  ASSERT_TRUE(registry->upload_artifact("houses", v2->version, *bytes).ok());
  handled("version_ready", 2);
  EXPECT_EQ(version_of({{"model", "houses"}}), 2);
  EXPECT_EQ(version_of({{"model", "houses"}, {"version", 2}}), 2);

  // An alias, set and moved.
  auto put_alias = [&](std::int64_t v) {
    auto r = client_->request("PUT", registry_url_ + "/registered-models/houses/aliases/production",
                              nlohmann::json({{"version", v}}).dump(), {{"Content-Type", "application/json"}});
    ASSERT_TRUE(r.ok() && r->status == 200);
  };
  put_alias(2);
  handled("alias_set", 2);
  EXPECT_EQ(version_of({{"model", "houses"}, {"alias", "production"}}), 2);
  put_alias(1);
  handled("alias_set", 1);
  EXPECT_EQ(version_of({{"model", "houses"}, {"alias", "production"}}), 1);

  // Version 2 deleted: neither "latest" nor its number serves it any more.
  auto deleted = client_->request("DELETE", registry_url_ + "/registered-models/houses/versions/2", "", {});
  ASSERT_TRUE(deleted.ok() && deleted->status == 204) << (deleted.ok() ? deleted->body : deleted.error().message);
  handled("version_deleted", 2);
  EXPECT_EQ(version_of({{"model", "houses"}}), 1);
  EXPECT_EQ(version_of({{"model", "houses"}, {"version", 2}}), -static_cast<std::int64_t>(ErrorCode::kNotFound));
}

// Without events (a lost message, a broker down), a resolution is asked again once its TTL
// has passed.
TEST_F(MlEngineTest, WithoutEventsAResolutionExpires) {
  orchestrator_.set("job-12", "running", 1);
  ASSERT_TRUE(runner()->handle(message("job-12", {{"model_name", "houses"}, {"dataset_location", "file://demo/house_prices.csv"},
                                                  {"algorithm", "linear"}, {"params", nlohmann::json::object()}})).ok());
  ASSERT_EQ(events_of("job-12").back()["type"], "succeeded");
  auto registry = std::make_shared<RegistryClient>(registry_url_, client_);
  Predictor predictor(registry, std::make_shared<PredictionAudit>(bus_, "predictions"), 4, 50ms);
  nlohmann::json house = {{"area_sqft", 1500},   {"bedrooms", 3},      {"bathrooms", 2}, {"year_built", 1990},
                          {"neighborhood", "lakeview"}, {"garage", "yes"}, {"lot_size_sqft", nullptr}, {"distance_to_center_km", 4.5}};
  nlohmann::json body = {{"model", "houses"}, {"version", 1}, {"instances", {house}}};
  ASSERT_TRUE(predict(predictor, body).ok());
  auto deleted = client_->request("DELETE", registry_url_ + "/registered-models/houses/versions/1", "", {});
  ASSERT_TRUE(deleted.ok() && deleted->status == 204);
  std::this_thread::sleep_for(100ms);  // past the TTL
  auto out = predict(predictor, body);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace chatdb::ml_engine
