// Every question shape on the generated demo database: each answer's rows must equal those of
// a reference query written by hand, and its SQL must have the expected shape.
#include "nl2sql/demo_database.h"
#include "nl2sql/sqlite_source.h"
#include "nl2sql/tests/test_databases.h"

#include <gtest/gtest.h>

namespace chatdb::nl2sql {
namespace {

class DemoQuestions : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    std::string path = dir_->path() + "/demo.db";
    ASSERT_TRUE(DemoDatabase::ensure(path).ok());
    source_ = std::make_shared<SqliteSource>(path);
    engine_ = testing::engine_for("demo", source_);
  }
  static void TearDownTestSuite() {
    engine_.reset();
    source_.reset();
    delete dir_;
  }

  // The answer's rows equal the reference's (as sorted multisets) and its SQL holds `parts`.
  static void expect_answer(const std::string& question, const std::string& reference,
                            const std::vector<std::string>& parts = {}) {
    auto answer = engine_->query(question, "");
    ASSERT_TRUE(answer.ok()) << question << ": " << answer.error().message;
    auto rows = answer->rows.rows;
    std::sort(rows.begin(), rows.end());
    EXPECT_EQ(rows, testing::sorted_rows(*source_, reference)) << question << "\n  got: " << answer->parsed.answer.sql;
    EXPECT_FALSE(rows.empty()) << question << ": a test question should have an answer";
    for (const auto& p : parts) {
      EXPECT_NE(answer->parsed.answer.sql.find(p), std::string::npos) << question << ": no '" << p << "' in "
                                                                      << answer->parsed.answer.sql;
    }
    EXPECT_FALSE(answer->parsed.answer.explanation.empty());
    EXPECT_GE(answer->parsed.answer.confidence, 0.62);
  }

  static testing::TempDir* dir_;
  static std::shared_ptr<SqliteSource> source_;
  static std::shared_ptr<QueryEngine> engine_;
};

testing::TempDir* DemoQuestions::dir_ = nullptr;
std::shared_ptr<SqliteSource> DemoQuestions::source_;
std::shared_ptr<QueryEngine> DemoQuestions::engine_;

TEST_F(DemoQuestions, DemoDatabaseIsDeterministicAndComplete) {
  auto counts = testing::sorted_rows(*source_,
                                     "SELECT (SELECT COUNT(*) FROM customers), (SELECT COUNT(*) FROM orders), "
                                     "(SELECT MIN(order_date) FROM orders), (SELECT MAX(order_date) FROM orders)");
  EXPECT_EQ(counts[0][0], 240);
  EXPECT_GT(counts[0][1].get<int>(), 1000);
  EXPECT_LT(counts[0][2].get<std::string>(), "2022-02-01");
  EXPECT_GT(counts[0][3].get<std::string>(), "2025-11-01");
  // Written once: a second ensure() keeps the file.
  EXPECT_TRUE(DemoDatabase::ensure(dir_->path() + "/demo.db").ok());
}

TEST_F(DemoQuestions, ListsWithAValueFilter) {
  expect_answer("list customers in Germany", "SELECT name FROM customers WHERE country = 'Germany'", {"country = 'Germany'"});
  expect_answer("show the customers from zürich", "SELECT name FROM customers WHERE city = 'Zürich'");
}

TEST_F(DemoQuestions, Counts) {
  expect_answer("how many customers are there", "SELECT COUNT(*) FROM customers", {"COUNT(*)"});
  expect_answer("how many orders were cancelled", "SELECT COUNT(*) FROM orders WHERE status = 'cancelled'");
}

TEST_F(DemoQuestions, SumAverageMinimumMaximum) {
  expect_answer("what is the sum of the total amount of cancelled orders",
                "SELECT SUM(total_amount) FROM orders WHERE status = 'cancelled'", {"SUM("});
  expect_answer("average unit price of products", "SELECT AVG(unit_price) FROM products", {"AVG("});
  expect_answer("what is the minimum stock quantity of products", "SELECT MIN(stock_quantity) FROM products", {"MIN("});
  expect_answer("maximum total amount of orders", "SELECT MAX(total_amount) FROM orders", {"MAX("});
}

TEST_F(DemoQuestions, GroupsPerAndBy) {
  expect_answer("number of orders per status", "SELECT status, COUNT(id) FROM orders GROUP BY status", {"GROUP BY"});
  expect_answer("average unit price per category",
                "SELECT c.name, AVG(p.unit_price) FROM products p JOIN categories c ON p.category_id = c.id GROUP BY c.id",
                {"JOIN categories"});
  expect_answer("total amount of orders by country",
                "SELECT c.country, SUM(o.total_amount) FROM orders o JOIN customers c ON o.customer_id = c.id GROUP BY c.country");
}

TEST_F(DemoQuestions, TopNAndSuperlatives) {
  expect_answer("top 3 most expensive products", "SELECT name FROM products ORDER BY unit_price DESC, id LIMIT 3", {"LIMIT 3"});
  expect_answer("what is the cheapest product",
                "SELECT name FROM products WHERE unit_price = (SELECT MIN(unit_price) FROM products)");
  expect_answer("which product has the highest unit price",
                "SELECT name FROM products WHERE unit_price = (SELECT MAX(unit_price) FROM products)");
}

TEST_F(DemoQuestions, RecentAndMostPerColumn) {
  expect_answer("list the 10 most recent orders", "SELECT * FROM orders ORDER BY order_date DESC, id LIMIT 10",
                {"ORDER BY order_date DESC, id LIMIT 10"});
  expect_answer("which country has the most customers",
                "SELECT country, COUNT(*) FROM customers GROUP BY country ORDER BY COUNT(*) DESC, country LIMIT 1",
                {"GROUP BY country"});
}

TEST_F(DemoQuestions, AbstainsOnWordsNoRuleUsed) {
  // A number, an aggregate or a negation that no rule read means the question was not understood.
  for (const std::string q : {"products with stock quantity of 0", "what is the average number of items per order",
                              "which states border no other states"}) {
    auto answer = engine_->parse(q, "");
    EXPECT_FALSE(answer.ok()) << q << " -> " << (answer.ok() ? answer->answer.sql : "");
  }
}

TEST_F(DemoQuestions, MostAndFewestRelatedRows) {
  // Several categories may share the most: the one answered has that many.
  auto most = engine_->query("which category has the most products", "");
  ASSERT_TRUE(most.ok()) << most.error().message;
  ASSERT_EQ(most->rows.rows.size(), 1u);
  auto largest = testing::sorted_rows(*source_, "SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM products GROUP BY category_id)");
  EXPECT_EQ(most->rows.rows[0][1], largest[0][0]);
  EXPECT_NE(most->parsed.answer.sql.find("DESC, categories.id LIMIT 1"), std::string::npos) << most->parsed.answer.sql;
  expect_answer("which customer has the most orders",
                "SELECT c.name, COUNT(o.id) FROM customers c JOIN orders o ON o.customer_id = c.id "
                "GROUP BY c.id ORDER BY COUNT(o.id) DESC, c.id LIMIT 1",
                {"ORDER BY COUNT", "LIMIT 1"});
  // Several categories may share the fewest: the one answered has that many.
  auto fewest = engine_->query("which category has the fewest products", "");
  ASSERT_TRUE(fewest.ok()) << fewest.error().message;
  ASSERT_EQ(fewest->rows.rows.size(), 1u);
  auto least = testing::sorted_rows(*source_, "SELECT MIN(n) FROM (SELECT COUNT(*) AS n FROM products GROUP BY category_id)");
  EXPECT_EQ(fewest->rows.rows[0][1], least[0][0]);
  EXPECT_NE(fewest->parsed.answer.sql.find("ASC, categories.id LIMIT 1"), std::string::npos) << fewest->parsed.answer.sql;
}

TEST_F(DemoQuestions, Comparisons) {
  expect_answer("products that cost more than 100", "SELECT name FROM products WHERE unit_price > 100", {"> 100"});
  expect_answer("orders with total amount at least 900", "SELECT * FROM orders WHERE total_amount >= 900", {">= 900"});
  expect_answer("products with stock quantity under 30", "SELECT name FROM products WHERE stock_quantity < 30");
  expect_answer("orders between 100 and 150", "SELECT * FROM orders WHERE total_amount BETWEEN 100 AND 150", {"BETWEEN"});
}

TEST_F(DemoQuestions, Negation) {
  expect_answer("customers not in Germany", "SELECT name FROM customers WHERE country <> 'Germany'", {"<> 'Germany'"});
  expect_answer("products not in Books",
                "SELECT p.name FROM products p JOIN categories c ON p.category_id = c.id WHERE c.name <> 'Books'");
  expect_answer("customers in Germany or France", "SELECT name FROM customers WHERE country IN ('Germany', 'France')",
                {"IN ('Germany', 'France')"});
}

TEST_F(DemoQuestions, Dates) {
  expect_answer("orders in 2024", "SELECT * FROM orders WHERE order_date >= '2024-01-01' AND order_date < '2025-01-01'");
  expect_answer("orders placed after March 1 2024", "SELECT * FROM orders WHERE order_date > '2024-03-01'");
  expect_answer("orders before 2023", "SELECT * FROM orders WHERE order_date < '2023-01-01'");
  // The test clock says 2025-06-15: last month is May 2025.
  expect_answer("orders last month", "SELECT * FROM orders WHERE order_date >= '2025-05-01' AND order_date < '2025-06-01'");
  expect_answer("how many customers signed up in the last 30 days",
                "SELECT COUNT(*) FROM customers WHERE signup_date >= '2025-05-17' AND signup_date <= '2025-06-15'");
}

TEST_F(DemoQuestions, Distinct) {
  expect_answer("how many different countries do customers come from", "SELECT COUNT(DISTINCT country) FROM customers",
                {"COUNT(DISTINCT"});
  expect_answer("list the distinct countries of customers", "SELECT DISTINCT country FROM customers", {"DISTINCT"});
}

TEST_F(DemoQuestions, MissingValues) {
  expect_answer("customers without an email", "SELECT name FROM customers WHERE email IS NULL", {"IS NULL"});
  expect_answer("products with no supplier", "SELECT name FROM products WHERE supplier_id IS NULL", {"IS NULL"});
}

TEST_F(DemoQuestions, Having) {
  expect_answer("customers with more than 10 orders",
                "SELECT c.name FROM customers c JOIN orders o ON o.customer_id = c.id GROUP BY c.id HAVING COUNT(o.id) > 10",
                {"HAVING COUNT"});
}

TEST_F(DemoQuestions, NeverAndWithout) {
  expect_answer("customers who never ordered",
                "SELECT name FROM customers c WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id)",
                {"NOT EXISTS"});
  expect_answer("customers without orders",
                "SELECT name FROM customers c WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id)");
}

TEST_F(DemoQuestions, JoinsAlongForeignKeys) {
  expect_answer("how many orders from customers in France",
                "SELECT COUNT(*) FROM orders o JOIN customers c ON o.customer_id = c.id WHERE c.country = 'France'",
                {"JOIN customers"});
  expect_answer("products supplied by Nordic Goods",
                "SELECT p.name FROM products p JOIN suppliers s ON p.supplier_id = s.id WHERE s.name = 'Nordic Goods'");
  // Two steps away: customers -> orders -> order_items -> products.
  expect_answer("which customers ordered Chef Knife",
                "SELECT DISTINCT c.name FROM customers c JOIN orders o ON o.customer_id = c.id "
                "JOIN order_items i ON i.order_id = o.id JOIN products p ON i.product_id = p.id WHERE p.name = 'Chef Knife'");
}

TEST_F(DemoQuestions, ProjectsTheNameColumn) {
  auto answer = engine_->parse("which customer has the most orders", "");
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_NE(answer->answer.sql.find("SELECT customers.name,"), std::string::npos) << answer->answer.sql;
  EXPECT_EQ(answer->answer.tables, (std::vector<std::string>{"customers", "orders"}));
}

TEST_F(DemoQuestions, SearchesInsideText) {
  expect_answer("products containing 'knife'", "SELECT name FROM products WHERE name LIKE '%knife%'", {"LIKE '%knife%'"});
  expect_answer("customers whose email contains 'anna'", "SELECT name FROM customers WHERE email LIKE '%anna%'");
  // The user's wildcards are escaped: nothing holds a literal '%'.
  auto none = engine_->query("products containing '%'", "");
  ASSERT_TRUE(none.ok()) << none.error().message;
  EXPECT_TRUE(none->rows.rows.empty()) << none->parsed.answer.sql;
}

TEST_F(DemoQuestions, AbstainsWithTheClosestName) {
  auto answer = engine_->parse("what is the revenue per region", "");
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(answer.error().message.find("'revenue'"), std::string::npos) << answer.error().message;
  EXPECT_NE(answer.error().message.find("closest"), std::string::npos) << answer.error().message;
}

TEST_F(DemoQuestions, AbstainsOnUnknownQuotedValues) {
  auto answer = engine_->parse("customers in 'Germny'", "");
  ASSERT_FALSE(answer.ok());
  EXPECT_NE(answer.error().message.find("'Germany'"), std::string::npos) << answer.error().message;
}

}  // namespace
}  // namespace chatdb::nl2sql
