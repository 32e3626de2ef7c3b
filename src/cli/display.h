#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace chatdb::cli {

/// A JSON value as a person reads it in a terminal: strings bare, null as "NULL", whole numbers
/// as they are, other numbers rounded (two decimals from 100 up, else four significant digits).
std::string display(const nlohmann::json& value);

/// `metrics` ({"accuracy": 0.91234, ...}) as "accuracy 0.9123, ...", rounded as display() does.
std::string display_metrics(const nlohmann::json& metrics);

}  // namespace chatdb::cli
