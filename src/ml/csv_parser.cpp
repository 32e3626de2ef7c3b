#include "ml/csv_parser.h"

#include <array>
#include <string_view>

namespace chatdb::ml {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

// The bytes that end a run of ordinary bytes in an unquoted field.
constexpr auto kSpecial = [] {
  std::array<bool, 256> table{};
  for (unsigned char c : {',', '\n', '\r', '"'}) table[c] = true;
  return table;
}();

}  // namespace

CsvParser::CsvParser(CsvRecordHandler handler, std::size_t max_record_bytes)
    : handler_(std::move(handler)), max_record_bytes_(max_record_bytes) {}

Error CsvParser::malformed(const std::string& what) const {
  return Error::invalid("CSV line " + std::to_string(line_) + ": " + what);
}

void CsvParser::end_field() {
  ends_.push_back(buffer_.size());
  quoted_.push_back(field_quoted_);
  field_quoted_ = false;
  state_ = State::kFieldStart;
}

Status CsvParser::end_record() {
  fields_.clear();
  std::size_t begin = 0;
  for (std::size_t i = 0; i < ends_.size(); ++i) {
    fields_.push_back({std::string_view(buffer_).substr(begin, ends_[i] - begin), quoted_[i] != 0});
    begin = ends_[i];
  }
  Status s = handler_(fields_, record_line_);
  buffer_.clear();
  ends_.clear();
  quoted_.clear();
  return s;
}

Status CsvParser::feed(std::string_view chunk) {
  if (at_start_) {
    // The mark may arrive split over chunks: hold up to three bytes until it is decided.
    while (!chunk.empty() && bom_.size() < kByteOrderMark.size() && kByteOrderMark.starts_with(bom_ + chunk.front())) {
      bom_ += chunk.front();
      chunk.remove_prefix(1);
    }
    if (bom_.size() < kByteOrderMark.size() && chunk.empty()) return Status::success();
    at_start_ = false;
    if (bom_ != kByteOrderMark) {
      std::string held = std::move(bom_);
      if (Status s = feed(held); !s) return s;
    }
  }
  for (std::size_t i = 0; i < chunk.size(); ++i) {
    char c = chunk[i];
    if (skip_lf_) {
      skip_lf_ = false;
      if (c == '\n') continue;
    }
    switch (state_) {
      case State::kFieldStart:
        if (c == '"') {
          state_ = State::kQuoted;
          field_quoted_ = true;
          break;
        }
        if ((c == '\n' || c == '\r') && ends_.empty()) {  // an empty line: no record
          ++line_;
          record_line_ = line_;
          skip_lf_ = c == '\r';
          break;
        }
        state_ = State::kUnquoted;
        [[fallthrough]];
      case State::kUnquoted: {
        // Copy the run of ordinary bytes at once: most of a file is in such runs.
        std::size_t j = i;
        while (j < chunk.size() && !kSpecial[static_cast<unsigned char>(chunk[j])]) ++j;
        buffer_.append(chunk.data() + i, j - i);
        if (j == chunk.size()) {
          i = j - 1;
          break;
        }
        i = j;
        c = chunk[j];
        if (c == '"') return malformed("a quote inside an unquoted field; quote the whole field and double its quotes");
        end_field();
        if (c != ',') {
          if (Status s = end_record(); !s) return s;
          ++line_;
          record_line_ = line_;
          skip_lf_ = c == '\r';
        }
        break;
      }
      case State::kQuoted:
        if (c == '"') {
          state_ = State::kQuoteInQuoted;
        } else {
          if (c == '\n') ++line_;
          buffer_ += c;
        }
        break;
      case State::kQuoteInQuoted:
        if (c == '"') {
          buffer_ += '"';
          state_ = State::kQuoted;
        } else if (c == ',') {
          end_field();
        } else if (c == '\n' || c == '\r') {
          end_field();
          if (Status s = end_record(); !s) return s;
          ++line_;
          record_line_ = line_;
          skip_lf_ = c == '\r';
        } else {
          return malformed("text after a closing quote; a quote inside a quoted field is written as two quotes");
        }
        break;
    }
    if (buffer_.size() > max_record_bytes_) {
      return Error::invalid("CSV line " + std::to_string(record_line_) + ": a record longer than " +
                            std::to_string(max_record_bytes_) + " bytes; is a quote left open?");
    }
  }
  return Status::success();
}

Status CsvParser::finish() {
  if (at_start_) {
    at_start_ = false;
    if (bom_ != kByteOrderMark) {
      std::string held = std::move(bom_);
      if (Status s = feed(held); !s) return s;
    }
  }
  if (state_ == State::kQuoted) {
    return Error::invalid("CSV line " + std::to_string(record_line_) + ": a quoted field is never closed");
  }
  if (state_ == State::kFieldStart && ends_.empty()) return Status::success();
  end_field();
  return end_record();
}

}  // namespace chatdb::ml
