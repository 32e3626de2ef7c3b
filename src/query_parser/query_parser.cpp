#include "query_parser/query_parser.h"

namespace chatdb::query_parser {

std::string QueryParser::summary() const {
  return "Turns plain-language questions into safe read-only SQL over registered data sources and runs it.";
}

}  // namespace chatdb::query_parser
