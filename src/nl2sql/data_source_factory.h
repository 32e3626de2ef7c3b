#pragma once

#include "common/error.h"
#include "nl2sql/catalog.h"
#include "nl2sql/data_source.h"

#include <memory>
#include <string>

namespace chatdb::nl2sql {

/// The one factory of data sources, chosen by URL scheme: sqlite://PATH (an existing file,
/// opened read-only) or postgresql:// / postgres:// (libpq URI). Anything else is
/// `invalid_argument` naming the accepted forms.
Result<std::shared_ptr<DataSource>> open_data_source(const std::string& url);

/// Adds every source of a CHATDB_DATA_SOURCES value to `catalog`: a JSON object of name ->
/// URL, or name -> {"url": URL, "glossary": FILE}. Fails on the first source that cannot be
/// opened or glossary that cannot be read.
Status add_data_sources(Catalog& catalog, const std::string& json);

}  // namespace chatdb::nl2sql
