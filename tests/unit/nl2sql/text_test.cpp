#include "nl2sql/choices.h"
#include "nl2sql/place_names.h"
#include "nl2sql/text.h"
#include "nl2sql/word_net.h"
#include "nl2sql/tokenizer.h"

#include <gtest/gtest.h>

#include <algorithm>

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

TEST(Text, ExpandsColumnAbbreviationsAndDropsUnits) {
  EXPECT_EQ(split_identifier("hire_dt"), (std::vector<std::string>{"hire", "date"}));
  EXPECT_EQ(split_identifier("amt_usd"), (std::vector<std::string>{"amount"}));
  EXPECT_EQ(split_identifier("wt_kg"), (std::vector<std::string>{"weight"}));
  EXPECT_EQ(split_identifier("lname"), (std::vector<std::string>{"last", "name"}));
  EXPECT_EQ(split_identifier("kg"), (std::vector<std::string>{"kg"}));  // a unit alone is the name
  EXPECT_EQ(split_words("hire_dt"), (std::vector<std::string>{"hire", "dt"}));
  EXPECT_EQ(stem("taught"), "teach");
}

TEST(Text, KnowsOtherNamesOfCountriesAndStates) {
  auto germany = other_place_names("germany");
  EXPECT_NE(std::find(germany.begin(), germany.end(), "de"), germany.end());
  EXPECT_NE(std::find(germany.begin(), germany.end(), "deu"), germany.end());
  EXPECT_EQ(other_place_names("texas"), (std::vector<std::string>{"tx"}));
  auto usa = other_place_names("usa");
  EXPECT_NE(std::find(usa.begin(), usa.end(), "united states"), usa.end());
  EXPECT_TRUE(other_place_names("atlantis").empty());
}

TEST(WordNet, TellsVerbsFromNounsInAnyInflection) {
  const WordNet& words = WordNet::system();
  ASSERT_TRUE(words.available()) << "wordnet-base is installed by scripts/install-deps.sh";
  EXPECT_TRUE(words.is("housed", WordNet::Pos::kVerb));
  EXPECT_TRUE(words.is("teaches", WordNet::Pos::kVerb));
  EXPECT_TRUE(words.is("dorms", WordNet::Pos::kNoun));
  EXPECT_FALSE(words.is("dorms", WordNet::Pos::kVerb));
  EXPECT_TRUE(words.is("international", WordNet::Pos::kAdjective));
  EXPECT_TRUE(words.is("automatically", WordNet::Pos::kAdverb));
  EXPECT_FALSE(words.is("qwzxv", WordNet::Pos::kNoun));
  EXPECT_TRUE(words.irregular_verb_form("saw"));
  EXPECT_FALSE(words.irregular_verb_form("walked"));
  WordNet none("/nonexistent");
  EXPECT_FALSE(none.available());
  EXPECT_FALSE(none.is("house", WordNet::Pos::kNoun));
}

TEST(Choices, TheSameChoiceGetsTheSameAnswerAndOneCanBeForced) {
  Choices first;
  EXPECT_EQ(first.choose("which date?", {"a", "b"}), 0u);
  EXPECT_EQ(first.choose("which column?", {"x", "y", "z"}), 0u);
  EXPECT_EQ(first.choose("which date?", {"a", "b"}), 0u);
  EXPECT_EQ(first.made().size(), 2u);
  Choices forced(1, 2);
  EXPECT_EQ(forced.choose("which date?", {"a", "b"}), 0u);
  EXPECT_EQ(forced.choose("which column?", {"x", "y", "z"}), 2u);
  EXPECT_EQ(forced.choose("which column?", {"x", "y", "z"}), 2u);
  Choices out_of_range(0, 5);
  EXPECT_EQ(out_of_range.choose("which date?", {"a", "b"}), 0u);
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
