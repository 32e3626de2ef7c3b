#include "http/problem.h"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

namespace chatdb::http {
namespace {

TEST(ProblemTest, MapsEveryErrorCodeToItsStatus) {
  EXPECT_EQ(status_of(ErrorCode::kInvalidArgument), 400);
  EXPECT_EQ(status_of(ErrorCode::kNotFound), 404);
  EXPECT_EQ(status_of(ErrorCode::kConflict), 409);
  EXPECT_EQ(status_of(ErrorCode::kPayloadTooLarge), 413);
  EXPECT_EQ(status_of(ErrorCode::kUnsupportedMedia), 415);
  EXPECT_EQ(status_of(ErrorCode::kUnprocessable), 422);
  EXPECT_EQ(status_of(ErrorCode::kUnavailable), 503);
  EXPECT_EQ(status_of(ErrorCode::kTimeout), 504);
  EXPECT_EQ(status_of(ErrorCode::kInternal), 500);
}

TEST(ProblemTest, BodyIsProblemJsonWithTypeTitleStatusDetail) {
  Response r = problem(Error::not_found("no job 42; GET /jobs lists them"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.content_type, "application/problem+json");
  auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["status"], 404);
  EXPECT_EQ(body["title"], "Not Found");
  EXPECT_EQ(body["detail"], "no job 42; GET /jobs lists them");
  EXPECT_EQ(body["type"], "urn:chatdb:problem:not-found");
}

TEST(ProblemTest, RetryableUnavailabilityCarriesRetryAfter) {
  Response r = problem(Error::unavailable("metadata store is down"));
  EXPECT_EQ(r.status, 503);
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].first, "Retry-After");
  Response bad = problem(Error::invalid("nope"));
  EXPECT_TRUE(bad.headers.empty());
}

TEST(ProblemTest, ProtocolProblemsUseAboutBlank) {
  auto body = nlohmann::json::parse(problem(405, "POST is not allowed").body);
  EXPECT_EQ(body["type"], "about:blank");
  EXPECT_EQ(body["title"], "Method Not Allowed");
  EXPECT_EQ(body["status"], 405);
}

}  // namespace
}  // namespace chatdb::http
