#pragma once

#include <string>
#include <vector>

namespace chatdb::nl2sql {

/// The other ways databases write a country or a US state: "germany" -> {"de", "deu"},
/// "texas" -> {"tx"}, "usa" -> {"united states", "us"}. General world knowledge (ISO 3166 and
/// USPS codes), lower case; empty for a name it does not know.
std::vector<std::string> other_place_names(const std::string& lower_name);

}  // namespace chatdb::nl2sql
