#include "auth/key_file.h"
#include "auth/scope.h"

#include <gtest/gtest.h>

namespace chatdb::auth {
namespace {

TEST(ScopeTest, ProbesNeedNoScope) {
  for (const char* route : {"/health", "/ready", "/metrics"}) {
    EXPECT_FALSE(required_scope("GET", route).has_value()) << route;
  }
}

TEST(ScopeTest, ReadsNeedRead) {
  EXPECT_EQ(required_scope("GET", "/jobs"), Scope::kRead);
  EXPECT_EQ(required_scope("HEAD", "/jobs/{id}"), Scope::kRead);
  EXPECT_EQ(required_scope("GET", "/"), Scope::kRead);
  EXPECT_EQ(required_scope("GET", ""), Scope::kRead);  // no route matched: a key, then 404
  EXPECT_EQ(required_scope("GET", "/registered-models/{name}/versions/{version}/artifact"), Scope::kRead);
  for (const char* route : {"/parse", "/query", "/predict"}) EXPECT_EQ(required_scope("POST", route), Scope::kRead) << route;
}

TEST(ScopeTest, ChangesNeedWriteAndDeletionsAdmin) {
  EXPECT_EQ(required_scope("POST", "/jobs"), Scope::kWrite);
  EXPECT_EQ(required_scope("POST", "/jobs/{id}/cancel"), Scope::kWrite);
  EXPECT_EQ(required_scope("POST", "/registered-models/{name}/versions"), Scope::kWrite);
  EXPECT_EQ(required_scope("PUT", "/registered-models/{name}/versions/{version}/artifact"), Scope::kWrite);
  EXPECT_EQ(required_scope("PUT", "/registered-models/{name}/aliases/{alias}"), Scope::kWrite);
  EXPECT_EQ(required_scope("PATCH", "/registered-models/{name}"), Scope::kWrite);
  EXPECT_EQ(required_scope("DELETE", "/registered-models/{name}"), Scope::kAdmin);
  EXPECT_EQ(required_scope("DELETE", "/registered-models/{name}/tags/{key}"), Scope::kAdmin);
}

TEST(ScopeTest, HigherScopesImplyLowerOnes) {
  ApiKey admin{"a", "", {Scope::kAdmin}, ""};
  ApiKey write{"w", "", {Scope::kWrite}, ""};
  ApiKey read{"r", "", {Scope::kRead}, ""};
  EXPECT_TRUE(admin.grants(Scope::kRead) && admin.grants(Scope::kWrite) && admin.grants(Scope::kAdmin));
  EXPECT_TRUE(write.grants(Scope::kRead) && write.grants(Scope::kWrite));
  EXPECT_FALSE(write.grants(Scope::kAdmin));
  EXPECT_TRUE(read.grants(Scope::kRead));
  EXPECT_FALSE(read.grants(Scope::kWrite));
}

TEST(ScopeTest, ParsesCommaLists) {
  auto scopes = parse_scopes("read, write,read");
  ASSERT_TRUE(scopes.ok());
  EXPECT_EQ(*scopes, (std::vector<Scope>{Scope::kRead, Scope::kWrite}));
  EXPECT_EQ(join(*scopes), "read,write");
  EXPECT_FALSE(parse_scopes("").ok());
  EXPECT_FALSE(parse_scopes("read,root").ok());
}

}  // namespace
}  // namespace chatdb::auth
