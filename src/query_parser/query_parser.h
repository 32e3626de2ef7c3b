#pragma once

#include "runtime/service.h"

#include <string>

namespace chatdb::query_parser {

/// Turns plain-language questions into safe read-only SQL over registered data sources and runs it.
class QueryParser : public runtime::Service {
 public:

  static constexpr std::string_view kName = "query-parser";

  std::string name() const override { return std::string(kName); }
  std::string summary() const override;
};

}  // namespace chatdb::query_parser
