#include "nl2sql/date_reader.h"

#include <cstdio>
#include <map>
#include <regex>
#include <set>

namespace chatdb::nl2sql {
namespace {

using namespace std::chrono;

std::string iso(sys_days d) {
  year_month_day ymd{d};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

std::optional<unsigned> month_of(const std::string& w) {
  static const std::map<std::string, unsigned> kMonths = {
      {"january", 1}, {"jan", 1}, {"february", 2}, {"feb", 2}, {"march", 3}, {"mar", 3}, {"april", 4},
      {"apr", 4}, {"may", 5}, {"june", 6}, {"jun", 6}, {"july", 7}, {"jul", 7}, {"august", 8}, {"aug", 8},
      {"september", 9}, {"sep", 9}, {"sept", 9}, {"october", 10}, {"oct", 10}, {"november", 11}, {"nov", 11},
      {"december", 12}, {"dec", 12}};
  auto it = kMonths.find(w);
  if (it == kMonths.end()) return std::nullopt;
  return it->second;
}

bool is_year(const Token& t) {
  return t.kind == Token::Kind::kNumber && t.text.size() == 4 && t.number >= 1900 && t.number <= 2100;
}

bool is_day(const Token& t) { return t.kind == Token::Kind::kNumber && t.number >= 1 && t.number <= 31 && t.text.find('.') == std::string::npos; }

DateRange day_range(year_month_day d, std::string words) {
  sys_days from{d};
  return {iso(from), iso(from + days(1)), std::move(words)};
}

DateRange month_range(year y, month m, std::string words) {
  sys_days from{y / m / 1};
  sys_days to{(y / m / 1) + months(1)};
  return {iso(from), iso(to), std::move(words)};
}

DateRange year_range(int y, std::string words) {
  return {iso(sys_days{year(y) / 1 / 1}), iso(sys_days{year(y + 1) / 1 / 1}), std::move(words)};
}

}  // namespace

DateReader::DateReader(sys_days today) : today_(today) {}

std::optional<std::pair<DateRange, std::size_t>> DateReader::read(const std::vector<Token>& t, std::size_t at) const {
  auto word = [&](std::size_t k) { return k < t.size() ? t[k].text : std::string(); };
  const Token& first = t[at];
  // 2024-03-01 or 2024/03/01
  static const std::regex kIso(R"((\d{4})[-/](\d{1,2})[-/](\d{1,2}))");
  std::smatch m;
  if (std::regex_match(first.text, m, kIso)) {
    year_month_day d{year(std::stoi(m[1])), month(static_cast<unsigned>(std::stoi(m[2]))),
                     day(static_cast<unsigned>(std::stoi(m[3])))};
    if (d.ok()) return std::pair{day_range(d, first.raw), std::size_t{1}};
    return std::nullopt;
  }
  // March 1 2024, March 1st, 2024, March 2024
  if (auto mo = month_of(first.text); mo && first.kind == Token::Kind::kWord) {
    if (at + 2 < t.size() && is_day(t[at + 1]) && is_year(t[at + 2])) {
      year_month_day d{year(static_cast<int>(t[at + 2].number)), month(*mo), day(static_cast<unsigned>(t[at + 1].number))};
      if (d.ok()) return std::pair{day_range(d, first.raw + " " + t[at + 1].raw + " " + t[at + 2].raw), std::size_t{3}};
    }
    if (at + 1 < t.size() && is_year(t[at + 1])) {
      return std::pair{month_range(year(static_cast<int>(t[at + 1].number)), month(*mo), first.raw + " " + t[at + 1].raw),
                       std::size_t{2}};
    }
    // "may" alone is a verb more often than a month: a bare month needs a day after it.
    if (at + 1 < t.size() && is_day(t[at + 1]) && *mo != 5) {
      year_month_day d{year_month_day{today_}.year(), month(*mo), day(static_cast<unsigned>(t[at + 1].number))};
      if (d.ok()) return std::pair{day_range(d, first.raw + " " + t[at + 1].raw), std::size_t{2}};
    }
    return std::nullopt;
  }
  // 1 March 2024
  if (is_day(first) && at + 2 < t.size() && month_of(t[at + 1].text) && is_year(t[at + 2])) {
    year_month_day d{year(static_cast<int>(t[at + 2].number)), month(*month_of(t[at + 1].text)),
                     day(static_cast<unsigned>(first.number))};
    if (d.ok()) return std::pair{day_range(d, first.raw + " " + t[at + 1].raw + " " + t[at + 2].raw), std::size_t{3}};
  }
  // A year after a time preposition: "in 2024", "since 2021", "before 2020".
  static const std::set<std::string> kTimePrepositions = {"in", "during", "since", "before", "after", "until",
                                                          "till", "from", "between", "and", "of", "to", "year"};
  if (is_year(first) && at > 0 && kTimePrepositions.count(t[at - 1].text)) {
    return std::pair{year_range(static_cast<int>(first.number), first.raw), std::size_t{1}};
  }
  year_month_day now{today_};
  if (first.text == "today") return std::pair{day_range(now, "today"), std::size_t{1}};
  if (first.text == "yesterday") return std::pair{day_range(year_month_day{today_ - days(1)}, "yesterday"), std::size_t{1}};
  // this/last/previous week|month|quarter|year
  std::string w1 = word(at + 1);
  if ((first.text == "this" || first.text == "last" || first.text == "previous" || first.text == "current") &&
      (w1 == "week" || w1 == "month" || w1 == "year" || w1 == "quarter")) {
    bool previous = first.text == "last" || first.text == "previous";
    std::string words = first.raw + " " + t[at + 1].raw;
    if (w1 == "year") return std::pair{year_range(static_cast<int>(now.year()) - (previous ? 1 : 0), words), std::size_t{2}};
    if (w1 == "month") {
      year_month m = now.year() / now.month();
      if (previous) m -= months(1);
      return std::pair{month_range(m.year(), m.month(), words), std::size_t{2}};
    }
    if (w1 == "quarter") {
      unsigned q = (static_cast<unsigned>(now.month()) - 1) / 3;
      year_month start = now.year() / month(q * 3 + 1);
      if (previous) start -= months(3);
      sys_days from{start / 1};
      sys_days to{(start + months(3)) / 1};
      return std::pair{DateRange{iso(from), iso(to), words}, std::size_t{2}};
    }
    // Weeks start on Monday.
    weekday wd{today_};
    sys_days monday = today_ - days((wd.c_encoding() + 6) % 7);
    if (previous) monday -= days(7);
    return std::pair{DateRange{iso(monday), iso(monday + days(7)), words}, std::size_t{2}};
  }
  // last|past|previous N days|weeks|months|years (up to and including today)
  if ((first.text == "last" || first.text == "past" || first.text == "previous") && at + 2 < t.size() &&
      t[at + 1].kind == Token::Kind::kNumber && t[at + 1].number >= 1 && t[at + 1].number <= 10000) {
    std::string unit = t[at + 2].text;
    auto n = static_cast<int>(t[at + 1].number);
    std::optional<sys_days> from;
    if (unit == "day" || unit == "days") from = today_ - days(n - 1);
    if (unit == "week" || unit == "weeks") from = today_ - days(7 * n - 1);
    if (unit == "month" || unit == "months") from = sys_days{year_month_day{today_} - months(n)} + days(1);
    if (unit == "year" || unit == "years") from = sys_days{year_month_day{today_} - years(n)} + days(1);
    if (from) {
      return std::pair{DateRange{iso(*from), iso(today_ + days(1)), first.raw + " " + t[at + 1].raw + " " + t[at + 2].raw},
                       std::size_t{3}};
    }
  }
  return std::nullopt;
}

}  // namespace chatdb::nl2sql
