#include "cli/display.h"
#include "cli/text_table.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace chatdb::cli {
namespace {

std::string printed(const TextTable& table) {
  char* buffer = nullptr;
  std::size_t size = 0;
  std::FILE* out = open_memstream(&buffer, &size);
  table.print(out);
  std::fclose(out);
  std::string text(buffer, size);
  std::free(buffer);
  return text;
}

TEST(TextTable, AlignsColumnsByCharactersNotBytes) {
  TextTable table({"CITY", "N"});
  table.add({"Zürich", "1"});
  table.add({"Kyiv", "22"});
  table.add({"東京", "3"});
  EXPECT_EQ(printed(table),
            "CITY    N\n"
            "------  --\n"
            "Zürich  1\n"
            "Kyiv    22\n"
            "東京      3\n");  // two characters, padded to Zürich's six
}

TEST(TextTable, CutsLongTextAtACharacterBoundary) {
  EXPECT_EQ(TextTable::cut("short", 10), "short");
  EXPECT_EQ(TextTable::cut("abcdefghijkl", 10), "abcdefg...");
  EXPECT_EQ(TextTable::cut("ééééééééééé", 6), "ééé...");
  EXPECT_EQ(TextTable::width(TextTable::cut("ééééééééééé", 6)), 6u);
}

TEST(Display, RoundsNumbersSensibly) {
  EXPECT_EQ(display(nlohmann::json(42)), "42");
  EXPECT_EQ(display(nlohmann::json(3.0)), "3");
  EXPECT_EQ(display(nlohmann::json(0.912345)), "0.9123");
  EXPECT_EQ(display(nlohmann::json(45.678)), "45.68");
  EXPECT_EQ(display(nlohmann::json(1234.5678)), "1234.57");
  EXPECT_EQ(display(nlohmann::json(250.5)), "250.5");
  EXPECT_EQ(display(nlohmann::json(-0.000123456)), "-0.0001235");
  EXPECT_EQ(display(nlohmann::json(nullptr)), "NULL");
  EXPECT_EQ(display(nlohmann::json("text")), "text");
  EXPECT_EQ(display_metrics({{"accuracy", 0.876543}, {"rows", 120}}), "accuracy 0.8765, rows 120");
  EXPECT_EQ(display_metrics(nlohmann::json()), "-");
}

}  // namespace
}  // namespace chatdb::cli
