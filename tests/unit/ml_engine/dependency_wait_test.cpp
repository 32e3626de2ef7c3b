// A dependency that is away is waited for on a budget of its own (defect 9 of issue 16).
#include "ml_engine/dependency_wait.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <vector>

namespace chatdb::ml_engine {
namespace {

using namespace std::chrono_literals;

struct Recorder {
  std::vector<std::string> notes;
  DependencyWait make(DependencyWait::Options options, std::function<bool()> stop = [] { return false; }) {
    return DependencyWait(options, [this](const std::string& m) { notes.push_back(m); }, std::move(stop));
  }
};

DependencyWait::Options quick(std::chrono::milliseconds budget) { return {budget, 10ms, 40ms}; }

TEST(DependencyWaitTest, RetriesAnUnavailableDependencyUntilItIsBackAndSaysWhatItWaitsFor) {
  Recorder r;
  auto wait = r.make(quick(10s));
  int calls = 0;
  auto out = wait.run<int>("S3", [&]() -> Result<int> {
    if (++calls < 3) return Error::unavailable("S3 endpoint is unreachable");
    return 42;
  });
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, 42);
  EXPECT_EQ(calls, 3);
  ASSERT_EQ(r.notes.size(), 3u);
  EXPECT_EQ(r.notes[0], "waiting for S3: S3 endpoint is unreachable");
  EXPECT_EQ(r.notes[2], "");  // back: the note is cleared
  EXPECT_GE(wait.waited(), 30ms);
}

TEST(DependencyWaitTest, OtherErrorsAreNotRetried) {
  Recorder r;
  auto wait = r.make(quick(10s));
  int calls = 0;
  auto out = wait.run<int>("S3", [&]() -> Result<int> {
    ++calls;
    return Error::not_found("no dataset at s3://b/k");
  });
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(r.notes.empty());
}

TEST(DependencyWaitTest, GivesUpWithAClearErrorOnceTheBudgetIsSpentAcrossSteps) {
  Recorder r;
  auto wait = r.make(quick(100ms));
  int calls = 0;
  auto down = [&]() -> Result<int> {
    ++calls;
    return Error::unavailable("the model registry is unreachable");
  };
  auto first = wait.run<int>("the model registry", down);
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error().code, ErrorCode::kUnavailable);
  EXPECT_FALSE(first.error().retryable);  // the job's own retries are not for outages
  EXPECT_NE(first.error().message.find("gave up after waiting 0 s for the model registry"), std::string::npos);
  EXPECT_NE(first.error().message.find("unreachable"), std::string::npos);
  EXPECT_EQ(wait.waited(), 100ms);
  // The budget is the attempt's: a later step does not start a new one.
  int before = calls;
  auto second = wait.run<int>("S3", down);
  EXPECT_FALSE(second.ok());
  EXPECT_EQ(calls, before + 1);
}

TEST(DependencyWaitTest, StopsWaitingWhenTheAttemptIsStopped) {
  Recorder r;
  std::atomic<bool> stop{false};
  auto wait = r.make({10s, 5s, 5s}, [&] { return stop.load(); });
  auto started = std::chrono::steady_clock::now();
  auto out = wait.run<int>("S3", [&]() -> Result<int> {
    stop = true;  // cancelled while S3 is away
    return Error::unavailable("down");
  });
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().message, "down");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
}

TEST(DependencyWaitTest, NamesTheDependencyOfADatasetLocation) {
  EXPECT_EQ(dataset_dependency("s3://bucket/key.csv"), "S3");
  EXPECT_EQ(dataset_dependency("table://warehouse/orders"), "the data source");
  EXPECT_EQ(dataset_dependency("file:///data/x.csv"), "the dataset store");
}

}  // namespace
}  // namespace chatdb::ml_engine
