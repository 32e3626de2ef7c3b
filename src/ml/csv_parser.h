#pragma once

#include "common/error.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace chatdb::ml {

/// One field of a CSV record: its text with quotes removed and `""` unescaped.
struct CsvField {
  std::string_view text;
  bool quoted = false;  // the field was written between double quotes
};

/// Receives each record; the views are valid only during the call. An error stops parsing and
/// is returned by the feed() or finish() that delivered the record.
using CsvRecordHandler = std::function<Status(const std::vector<CsvField>& fields, std::uint64_t line)>;

/// A push parser for RFC 4180 CSV that reads any chunking of its input, so a file or an object
/// can be parsed while it streams. Fields are separated by commas; a field in double quotes may
/// hold commas, line breaks and `""` (one quote). Records end at LF, CRLF or a lone CR; empty
/// lines are skipped; a UTF-8 byte-order mark at the very start is dropped. Malformed input (a
/// quote inside an unquoted field, text after a closing quote, a quote never closed, a record
/// over `max_record_bytes`) is kInvalidArgument naming the line. Not thread-safe.
class CsvParser {
 public:
  explicit CsvParser(CsvRecordHandler handler, std::size_t max_record_bytes = 1 << 20);

  Status feed(std::string_view chunk);
  /// Ends the input: delivers a last record without a line break, or fails on an open quote.
  Status finish();

 private:
  enum class State { kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted };

  void end_field();
  Status end_record();
  Error malformed(const std::string& what) const;

  CsvRecordHandler handler_;
  std::size_t max_record_bytes_;
  State state_ = State::kFieldStart;
  std::string buffer_;                 // the current record's field texts, back to back
  std::vector<std::size_t> ends_;      // end offset of each finished field in buffer_
  std::vector<char> quoted_;           // per finished field
  bool field_quoted_ = false;
  bool skip_lf_ = false;               // the previous byte was a CR that ended a record
  bool at_start_ = true;               // no byte seen yet (for the byte-order mark)
  std::string bom_;                    // a byte-order mark split across chunks
  std::uint64_t line_ = 1;             // line of the current byte
  std::uint64_t record_line_ = 1;      // line where the current record starts
  std::vector<CsvField> fields_;
};

}  // namespace chatdb::ml
