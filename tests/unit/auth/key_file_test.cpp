#include "auth/key_file.h"
#include "auth/token.h"
#include "tests/support/temp_dir.h"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <thread>

namespace chatdb::auth {
namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(KeyFileTest, AMissingFileHoldsNoKeys) {
  testing::TempDir dir;
  auto keys = KeyFile(dir.path() / "api-keys").read();
  ASSERT_TRUE(keys.ok());
  EXPECT_TRUE(keys->empty());
}

TEST(KeyFileTest, CreateListRevoke) {
  testing::TempDir dir;
  KeyFile file(dir.path() / "sub" / "api-keys");
  auto ci = file.create("ci", {Scope::kRead, Scope::kWrite});
  ASSERT_TRUE(ci.ok()) << ci.error().message;
  auto ops = file.create("ops", {Scope::kAdmin});
  ASSERT_TRUE(ops.ok());
  EXPECT_NE(*ci, *ops);
  EXPECT_EQ(ci->rfind("chatdb_", 0), 0u);

  auto keys = file.read();
  ASSERT_TRUE(keys.ok());
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[0].name, "ci");
  EXPECT_EQ((*keys)[0].scopes, (std::vector<Scope>{Scope::kRead, Scope::kWrite}));
  EXPECT_EQ((*keys)[0].sha256, token_hash(*ci));
  EXPECT_FALSE((*keys)[0].created.empty());

  EXPECT_EQ(file.create("ci", {Scope::kRead}).error().code, ErrorCode::kConflict);
  EXPECT_FALSE(file.create("no spaces", {Scope::kRead}).ok());

  ASSERT_TRUE(file.revoke("ci").ok());
  EXPECT_EQ(file.revoke("ci").error().code, ErrorCode::kNotFound);
  keys = file.read();
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ((*keys)[0].name, "ops");
}

TEST(KeyFileTest, StoresOnlyHashesWithMode0600AndNoTemporaryFiles) {
  testing::TempDir dir;
  KeyFile file(dir.path() / "api-keys");
  auto token = file.create("ci", {Scope::kRead});
  ASSERT_TRUE(token.ok());
  std::string text = slurp(file.path());
  EXPECT_EQ(text.find(*token), std::string::npos);
  EXPECT_EQ(text.find(token->substr(7)), std::string::npos);
  EXPECT_NE(text.find(token_hash(*token)), std::string::npos);
  struct stat st {};
  ASSERT_EQ(::stat(file.path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_TRUE(entry.path() == file.path() || entry.path().extension() == ".lock") << entry.path();
  }
}

TEST(KeyFileTest, ConcurrentCreatesKeepEveryKey) {
  testing::TempDir dir;
  KeyFile file(dir.path() / "api-keys");
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&file, i] { ASSERT_TRUE(file.create("k" + std::to_string(i), {Scope::kRead}).ok()); });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(file.read()->size(), 8u);
}

TEST(KeyFileTest, RefusesMalformedFiles) {
  testing::TempDir dir;
  KeyFile file(dir.path() / "api-keys");
  for (const char* text : {"not json", "[]", R"({"keys": [{"name": "a", "sha256": "00", "scopes": ["read"]}]})",
                           R"({"keys": [{"name": "a", "sha256": "0000000000000000000000000000000000000000000000000000000000000000", "scopes": ["root"]}]})"}) {
    std::ofstream(file.path()) << text;
    auto keys = file.read();
    EXPECT_FALSE(keys.ok()) << text;
    if (!keys.ok()) {
      EXPECT_NE(keys.error().message.find(file.path().string()), std::string::npos);
    }
    EXPECT_FALSE(file.create("b", {Scope::kRead}).ok()) << "never overwrites a file it cannot read";
  }
}

TEST(TokenTest, TokensAreRandomAndHashesCompare) {
  EXPECT_NE(new_token(), new_token());
  EXPECT_EQ(new_token().size(), 7u + 64u);
  std::string h = token_hash("chatdb_x");
  EXPECT_EQ(h.size(), 64u);
  EXPECT_TRUE(same_hash(h, token_hash("chatdb_x")));
  EXPECT_FALSE(same_hash(h, token_hash("chatdb_y")));
  EXPECT_FALSE(same_hash(h, h.substr(1)));
}

}  // namespace
}  // namespace chatdb::auth
