#include "common/percent_encoding.h"
#include "http/router.h"

#include <gtest/gtest.h>

namespace chatdb::http {
namespace {

Handler answer(int status) {
  return [status](const Request&) { return Response::text("", "text/plain", status); };
}

TEST(RouterTest, MatchesLiteralAndCapturesParameters) {
  Router r;
  r.add("GET", "/jobs", answer(200));
  r.add("GET", "/jobs/{id}", answer(201));
  auto m = r.match("GET", "/jobs/abc-1");
  ASSERT_EQ(m.status, 200);
  EXPECT_EQ(m.route->pattern, "/jobs/{id}");
  EXPECT_EQ(m.params.at("id"), "abc-1");
  EXPECT_EQ(r.match("GET", "/jobs").route->pattern, "/jobs");
}

TEST(RouterTest, DecodesCapturedSegmentsWithoutSplittingOnEncodedSlash) {
  Router r;
  r.add("GET", "/models/{name}", answer(200));
  auto m = r.match("GET", "/models/a%2Fb%20c");
  ASSERT_EQ(m.status, 200);
  EXPECT_EQ(m.params.at("name"), "a/b c");
}

TEST(RouterTest, TailCaptureTakesTheRestOfThePathUndecoded) {
  Router r;
  r.add("GET", "/api/v1/jobs/{rest...}", answer(200));
  auto m = r.match("GET", "/api/v1/jobs/abc/cancel%2Fx");
  ASSERT_EQ(m.status, 200);
  EXPECT_EQ(m.params.at("rest"), "abc/cancel%2Fx");
  EXPECT_EQ(r.match("GET", "/api/v1/jobs/7").params.at("rest"), "7");
  EXPECT_EQ(r.match("GET", "/api/v1/jobs").status, 404);  // one segment at least
  EXPECT_EQ(r.match("GET", "/api/v1/jobsx/7").status, 404);
  EXPECT_EQ(r.match("POST", "/api/v1/jobs/7").status, 405);
}

TEST(RouterTest, UnknownPathIs404) {
  Router r;
  r.add("GET", "/health", answer(200));
  EXPECT_EQ(r.match("GET", "/nope").status, 404);
  EXPECT_EQ(r.match("GET", "/health/extra").status, 404);
}

TEST(RouterTest, WrongMethodIs405WithAllow) {
  Router r;
  r.add("GET", "/jobs", answer(200));
  r.add("POST", "/jobs", answer(202));
  r.add("GET", "/health", answer(200));
  auto m = r.match("DELETE", "/jobs");
  EXPECT_EQ(m.status, 405);
  EXPECT_EQ(m.allow, "GET, POST");
  EXPECT_EQ(r.match("POST", "/health").allow, "GET");
}

TEST(RouterTest, MountsUnderEveryPrefix) {
  Router r({"", "/api/v1"});
  r.add("GET", "/jobs/{id}", answer(200));
  auto bare = r.match("GET", "/jobs/7");
  auto versioned = r.match("GET", "/api/v1/jobs/7");
  ASSERT_EQ(bare.status, 200);
  ASSERT_EQ(versioned.status, 200);
  EXPECT_EQ(versioned.route->pattern, "/jobs/{id}");
  EXPECT_EQ(versioned.params.at("id"), "7");
  EXPECT_EQ(r.match("GET", "/api/v2/jobs/7").status, 404);
}

TEST(RouterTest, IgnoresTrailingSlashAndMatchesRoot) {
  Router r;
  r.add("GET", "/", answer(200));
  r.add("GET", "/jobs", answer(200));
  EXPECT_EQ(r.match("GET", "/jobs/").status, 200);
  EXPECT_EQ(r.match("GET", "/").status, 200);
  EXPECT_EQ(r.match("GET", "/").route->pattern, "/");
}

TEST(RouterTest, RejectsBadPercentEscapeInCapture) {
  Router r;
  r.add("GET", "/jobs/{id}", answer(200));
  EXPECT_NE(r.match("GET", "/jobs/%zz").status, 200);
  EXPECT_NE(r.match("GET", "/jobs/%00").status, 200);
}

TEST(RouterTest, RejectsPatternWithoutLeadingSlash) {
  Router r;
  EXPECT_THROW(r.add("GET", "jobs", answer(200)), std::invalid_argument);
}

TEST(RequestTest, SplitsTargetAndDecodesQuery) {
  auto s = split_target("/schema?database=demo%20db&x=a+b&flag");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->first, "/schema");
  EXPECT_EQ(s->second.at("database"), "demo db");
  EXPECT_EQ(s->second.at("x"), "a b");
  EXPECT_EQ(s->second.at("flag"), "");
  EXPECT_FALSE(split_target("/x?a=%4").ok());
}

TEST(RequestTest, JsonObjectRejectsMalformedNonObjectAndWrongType) {
  Request r;
  r.body = "{\"a\": 1}";
  EXPECT_TRUE(r.json_object().ok());
  r.body = "{\"a\": ";
  EXPECT_EQ(r.json_object().error().code, ErrorCode::kInvalidArgument);
  r.body = "[1,2]";
  EXPECT_EQ(r.json_object().error().code, ErrorCode::kInvalidArgument);
  r.body = "{}";
  r.headers.emplace_back("content-type", "text/plain");
  EXPECT_EQ(r.json_object().error().code, ErrorCode::kUnsupportedMedia);
}

}  // namespace
}  // namespace chatdb::http

namespace chatdb::http {
namespace {

TEST(RequestTest, PercentEncodeRoundTripsThroughDecode) {
  EXPECT_EQ(percent_encode("a b/c?d=é~_.-"), "a%20b%2Fc%3Fd%3D%C3%A9~_.-");
  auto back = percent_decode(percent_encode("models/x y&z"), false);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back.value(), "models/x y&z");
}

}  // namespace
}  // namespace chatdb::http
