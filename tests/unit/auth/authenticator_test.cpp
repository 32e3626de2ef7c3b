#include "auth/authenticator.h"
#include "auth/token.h"
#include "tests/support/temp_dir.h"

#include <gtest/gtest.h>

#include <fstream>
#include <thread>

namespace chatdb::auth {
namespace {

using namespace std::chrono_literals;

class AuthenticatorTest : public ::testing::Test {
 protected:
  testing::TempDir dir_;
  KeyFile file_{dir_.path() / "api-keys"};
  Authenticator auth_{file_, 0ms};  // looks at the file on every request
};

TEST_F(AuthenticatorTest, WithoutKeysEverythingIsAllowed) {
  EXPECT_FALSE(auth_.enforcing());
  EXPECT_EQ(auth_.check("DELETE", "/registered-models/{name}", ""), Verdict::kAllowed);
}

TEST_F(AuthenticatorTest, DecidesByTokenAndScope) {
  std::string reader = *file_.create("reader", {Scope::kRead});
  std::string writer = *file_.create("writer", {Scope::kWrite});
  std::string admin = *file_.create("admin", {Scope::kAdmin});
  EXPECT_TRUE(auth_.enforcing());
  EXPECT_EQ(auth_.check("GET", "/health", ""), Verdict::kAllowed);
  EXPECT_EQ(auth_.check("GET", "/jobs", ""), Verdict::kMissing);
  EXPECT_EQ(auth_.check("GET", "/jobs", "Basic abc"), Verdict::kMissing);
  EXPECT_EQ(auth_.check("GET", "/jobs", "Bearer chatdb_nope"), Verdict::kUnknown);
  EXPECT_EQ(auth_.check("GET", "/jobs", "Bearer " + reader), Verdict::kAllowed);
  EXPECT_EQ(auth_.check("GET", "/jobs", "bearer  " + reader + " "), Verdict::kAllowed);
  EXPECT_EQ(auth_.check("POST", "/predict", "Bearer " + reader), Verdict::kAllowed);
  EXPECT_EQ(auth_.check("POST", "/jobs", "Bearer " + reader), Verdict::kScope);
  EXPECT_EQ(auth_.check("POST", "/jobs", "Bearer " + writer), Verdict::kAllowed);
  EXPECT_EQ(auth_.check("DELETE", "/registered-models/{name}", "Bearer " + writer), Verdict::kScope);
  EXPECT_EQ(auth_.check("DELETE", "/registered-models/{name}", "Bearer " + admin), Verdict::kAllowed);
}

TEST_F(AuthenticatorTest, PicksUpChangesAndKeepsTheLastGoodKeys) {
  std::string first = *file_.create("first", {Scope::kRead});
  EXPECT_EQ(auth_.check("GET", "/jobs", "Bearer " + first), Verdict::kAllowed);
  std::string second = *file_.create("second", {Scope::kRead});
  ASSERT_TRUE(file_.revoke("first").ok());
  EXPECT_EQ(auth_.check("GET", "/jobs", "Bearer " + first), Verdict::kUnknown);
  EXPECT_EQ(auth_.check("GET", "/jobs", "Bearer " + second), Verdict::kAllowed);

  std::ofstream(file_.path()) << "{ broken";
  EXPECT_EQ(auth_.check("GET", "/jobs", "Bearer " + second), Verdict::kAllowed);
  EXPECT_TRUE(auth_.enforcing());

  std::filesystem::remove(file_.path());
  EXPECT_FALSE(auth_.enforcing());
}

TEST_F(AuthenticatorTest, LooksAtTheFileAtMostOncePerRecheck) {
  Authenticator slow(file_, 1h);
  EXPECT_FALSE(slow.enforcing());
  std::string token = *file_.create("k", {Scope::kRead});
  EXPECT_FALSE(slow.enforcing());
  EXPECT_EQ(slow.check("GET", "/jobs", ""), Verdict::kAllowed);
}

TEST_F(AuthenticatorTest, AProcessKeyIsAcceptedButDoesNotTurnKeysOn) {
  std::string internal = new_token();
  auth_.add_process_key(ApiKey{"chatdb-internal", token_hash(internal), {Scope::kAdmin}, ""});
  EXPECT_FALSE(auth_.enforcing());
  ASSERT_TRUE(file_.create("user", {Scope::kRead}).ok());
  EXPECT_EQ(auth_.check("POST", "/jobs", "Bearer " + internal), Verdict::kAllowed);
  EXPECT_EQ(auth_.check("POST", "/jobs", ""), Verdict::kMissing);
}

}  // namespace
}  // namespace chatdb::auth
