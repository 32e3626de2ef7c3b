// The same question shapes on a schema that looks nothing like the demo: singular table names,
// a text primary key, first and last names, dates of events, nullable return dates.
#include "nl2sql/sqlite_source.h"
#include "nl2sql/tests/test_databases.h"

#include <gtest/gtest.h>

namespace chatdb::nl2sql {
namespace {

class LibraryQuestions : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    std::string path = dir_->path() + "/library.db";
    testing::write_library_database(path);
    source_ = std::make_shared<SqliteSource>(path);
    engine_ = testing::engine_for("library", source_);
  }
  static void TearDownTestSuite() {
    engine_.reset();
    source_.reset();
    delete dir_;
  }

  static void expect_answer(const std::string& question, const std::string& reference,
                            const std::vector<std::string>& parts = {}) {
    auto answer = engine_->query(question, "library");
    ASSERT_TRUE(answer.ok()) << question << ": " << answer.error().message;
    auto rows = answer->rows.rows;
    std::sort(rows.begin(), rows.end());
    EXPECT_EQ(rows, testing::sorted_rows(*source_, reference)) << question << "\n  got: " << answer->parsed.answer.sql;
    EXPECT_FALSE(rows.empty()) << question;
    for (const auto& p : parts) {
      EXPECT_NE(answer->parsed.answer.sql.find(p), std::string::npos) << question << ": no '" << p << "' in "
                                                                      << answer->parsed.answer.sql;
    }
  }

  static testing::TempDir* dir_;
  static std::shared_ptr<SqliteSource> source_;
  static std::shared_ptr<QueryEngine> engine_;
};

testing::TempDir* LibraryQuestions::dir_ = nullptr;
std::shared_ptr<SqliteSource> LibraryQuestions::source_;
std::shared_ptr<QueryEngine> LibraryQuestions::engine_;

TEST_F(LibraryQuestions, ListsByTitleAndByFirstAndLastName) {
  expect_answer("list books", "SELECT title FROM book");
  expect_answer("members in Lisbon",
                "SELECT m.first_name, m.last_name FROM member m JOIN branch b ON m.branch_id = b.branch_id WHERE b.city = 'Lisbon'");
}

TEST_F(LibraryQuestions, CountsAndAggregates) {
  expect_answer("how many books are there", "SELECT COUNT(*) FROM book");
  expect_answer("how many books did Tomas Ferreira write",
                "SELECT COUNT(*) FROM book b JOIN author a ON b.author_id = a.author_id WHERE a.full_name = 'Tomas Ferreira'");
  expect_answer("average page count of books", "SELECT AVG(page_count) FROM book");
  expect_answer("total fine amount of loans", "SELECT SUM(fine_amount) FROM loan");
}

TEST_F(LibraryQuestions, GroupsAndHaving) {
  expect_answer("average page count per genre", "SELECT genre, AVG(page_count) FROM book GROUP BY genre");
  expect_answer("total fine amount per member",
                "SELECT m.first_name, m.last_name, SUM(l.fine_amount) FROM loan l JOIN member m ON l.member_id = m.member_id "
                "GROUP BY m.member_id");
  expect_answer("members with more than 2 loans",
                "SELECT m.first_name, m.last_name FROM member m JOIN loan l ON l.member_id = m.member_id "
                "GROUP BY m.member_id HAVING COUNT(*) > 2",
                {"HAVING"});
}

TEST_F(LibraryQuestions, SuperlativesAndTopN) {
  expect_answer("what is the longest book", "SELECT title FROM book WHERE page_count = (SELECT MAX(page_count) FROM book)");
  expect_answer("top 3 longest books", "SELECT title FROM book ORDER BY page_count DESC, isbn LIMIT 3", {"LIMIT 3"});
  expect_answer("which author has the most books",
                "SELECT a.full_name, COUNT(b.isbn) FROM author a JOIN book b ON b.author_id = a.author_id "
                "GROUP BY a.author_id ORDER BY COUNT(b.isbn) DESC, a.author_id LIMIT 1");
  expect_answer("which branch has the most members",
                "SELECT b.branch_name, COUNT(m.member_id) FROM branch b JOIN member m ON m.branch_id = b.branch_id "
                "GROUP BY b.branch_id ORDER BY COUNT(m.member_id) DESC, b.branch_id LIMIT 1");
}

TEST_F(LibraryQuestions, ComparisonsAndNegation) {
  expect_answer("books with more than 400 pages", "SELECT title FROM book WHERE page_count > 400");
  expect_answer("books that are not history", "SELECT title FROM book WHERE genre <> 'history'");
  expect_answer("authors born before 1960", "SELECT full_name FROM author WHERE born_year < 1960");
}

TEST_F(LibraryQuestions, DatesAgainstTheClock) {
  expect_answer("books published after 2015", "SELECT title FROM book WHERE published_on >= '2016-01-01'");
  expect_answer("how many members joined in 2025",
                "SELECT COUNT(*) FROM member WHERE joined_on >= '2025-01-01' AND joined_on < '2026-01-01'");
  // Today is 2025-06-15 in tests: "this year" is 2025, "last month" May 2025.
  expect_answer("loans last month", "SELECT * FROM loan WHERE loaned_at >= '2025-05-01' AND loaned_at < '2025-06-01'");
  expect_answer("books published this year", "SELECT title FROM book WHERE published_on >= '2025-01-01'");
}

TEST_F(LibraryQuestions, MissingValuesNeverAndDistinct) {
  expect_answer("members without an email", "SELECT first_name, last_name FROM member WHERE email IS NULL");
  expect_answer("loans that were not returned", "SELECT * FROM loan WHERE returned_at IS NULL", {"IS NULL"});
  expect_answer("members who never borrowed",
                "SELECT first_name, last_name FROM member m WHERE NOT EXISTS (SELECT 1 FROM loan l WHERE l.member_id = m.member_id)",
                {"NOT EXISTS"});
  expect_answer("how many distinct genres are there", "SELECT COUNT(DISTINCT genre) FROM book");
}

TEST_F(LibraryQuestions, JoinsByTheShortestKeyPath) {
  expect_answer("books by Ursula Vance",
                "SELECT b.title FROM book b JOIN author a ON b.author_id = a.author_id WHERE a.full_name = 'Ursula Vance'");
  expect_answer("who wrote Night Ferry",
                "SELECT a.full_name FROM author a JOIN book b ON b.author_id = a.author_id WHERE b.title = 'Night Ferry'");
  expect_answer("which members borrowed The Glass Orchard",
                "SELECT DISTINCT m.first_name, m.last_name FROM member m JOIN loan l ON l.member_id = m.member_id "
                "JOIN book b ON l.isbn = b.isbn WHERE b.title = 'The Glass Orchard'");
}

TEST_F(LibraryQuestions, AbstainsRatherThanGuessing) {
  for (const std::string q : {"what is the weather in Lisbon", "which books are overdue", "how happy are members"}) {
    auto answer = engine_->parse(q, "library");
    EXPECT_FALSE(answer.ok()) << q << " -> " << (answer.ok() ? answer->answer.sql : "");
  }
}

}  // namespace
}  // namespace chatdb::nl2sql
