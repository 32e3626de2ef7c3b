#pragma once

#include <span>
#include <string_view>

namespace chatdb::console {

/// One file of the console's front end, built into the binary from web/ by
/// cmake/embed_assets.cmake: no files to install, no network at run time.
struct Asset {
  std::string_view path;  // relative to web/, e.g. "index.html", "js/chat.js"
  std::string_view body;
};

/// Every embedded file, sorted by path.
std::span<const Asset> embedded_assets();

/// The Content-Type of a file by its extension (text types in UTF-8).
std::string_view content_type_of(std::string_view path);

}  // namespace chatdb::console
