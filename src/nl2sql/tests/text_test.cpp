#include "nl2sql/text.h"
#include "nl2sql/tokenizer.h"

#include <gtest/gtest.h>

namespace chatdb::nl2sql {
namespace {

TEST(Text, SplitsIdentifiersOnUnderscoreAndCamelCase) {
  EXPECT_EQ(split_identifier("order_items"), (std::vector<std::string>{"order", "items"}));
  EXPECT_EQ(split_identifier("orderItems"), (std::vector<std::string>{"order", "items"}));
  EXPECT_EQ(split_identifier("HTTPServer2"), (std::vector<std::string>{"http", "server", "2"}));
}

TEST(Text, StemsPluralsAndVerbs) {
  EXPECT_EQ(stem("cities"), "city");
  EXPECT_EQ(stem("boxes"), "box");
  EXPECT_EQ(stem("orders"), "order");
  EXPECT_EQ(stem("status"), "status");
  EXPECT_EQ(stem("people"), "person");
  auto v = verb_stems("ordered");
  EXPECT_NE(std::find(v.begin(), v.end(), "order"), v.end());
  v = verb_stems("shipped");
  EXPECT_NE(std::find(v.begin(), v.end(), "ship"), v.end());
}

TEST(Text, QuotesLiteralsAndIdentifiers) {
  EXPECT_EQ(quote_literal("O'Brien"), "'O''Brien'");
  EXPECT_EQ(quote_literal("'; DELETE FROM orders; --"), "'''; DELETE FROM orders; --'");
  EXPECT_EQ(quote_identifier("we\"ird"), "\"we\"\"ird\"");
  EXPECT_EQ(valid_utf8("Z\xC3\xBCrich"), "Z\xC3\xBCrich");
  EXPECT_EQ(valid_utf8("bad\xFF"), "bad?");
}

TEST(Tokenizer, ReadsNumbersQuotesAndSymbols) {
  auto t = Tokenizer::tokenize("Orders over $1,200.50 by 'O'Brien & Co' >= 3, don't");
  ASSERT_GE(t.size(), 8u);
  EXPECT_EQ(t[0].text, "orders");
  EXPECT_EQ(t[2].kind, Token::Kind::kNumber);
  EXPECT_DOUBLE_EQ(t[2].number, 1200.5);
  EXPECT_EQ(t[4].kind, Token::Kind::kQuoted);
  EXPECT_EQ(t[4].text, "O'Brien & Co");
  EXPECT_EQ(t[5].text, ">=");
  EXPECT_EQ(t.back().text, "not");
}

}  // namespace
}  // namespace chatdb::nl2sql
