#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace chatdb::nl2sql {

/// ASCII lower case; other bytes (UTF-8) pass through unchanged.
std::string lower(std::string_view text);

/// Splits an identifier into lower-case words on '_', '-', spaces, digits and camelCase:
/// "orderItems" and "order_items" both give {"order", "items"}.
/// Common column abbreviations become their words ("hire_dt" -> {"hire", "date"}) and a unit
/// after a measure is dropped ("wt_kg" -> {"weight"}).
std::vector<std::string> split_identifier(std::string_view name);
/// The same split, with every word as written.
std::vector<std::string> split_words(std::string_view name);

/// A simple English stem: plural nouns to singular ("cities" -> "city", "boxes" -> "box"),
/// a few irregular plurals; other words unchanged.
std::string stem(std::string_view word);

/// Candidate noun stems of a verb form ("ordered" -> {"order"}, "shipping" -> {"ship"}).
std::vector<std::string> verb_stems(std::string_view word);

/// Levenshtein distance, for "closest" suggestions.
int edit_distance(std::string_view a, std::string_view b);

/// "name" -> "\"name\"" with embedded quotes doubled; valid in SQLite and PostgreSQL.
std::string quote_identifier(std::string_view name);

/// Text as a SQL string literal: quotes doubled, NUL bytes dropped. With standard conforming
/// strings (PostgreSQL's default, which the executor enforces) backslashes are plain characters.
std::string quote_literal(std::string_view text);

/// The text with every byte that is not part of valid UTF-8 replaced by '?'.
std::string valid_utf8(std::string text);

/// Joins words with a separator.
std::string join(const std::vector<std::string>& parts, std::string_view separator);

}  // namespace chatdb::nl2sql
