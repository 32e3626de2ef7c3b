#pragma once

// What every fuzz target asserts beyond "no crash": a broken invariant aborts with its text,
// which libFuzzer (or the replay runner) reports as a finding with the input that caused it.

#include <cstdio>
#include <cstdlib>
#include <string_view>

#define FUZZ_CHECK(condition)                                                            \
  do {                                                                                   \
    if (!(condition)) {                                                                  \
      std::fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                      \
    }                                                                                    \
  } while (0)

namespace chatdb::fuzz {

/// A message a client may read: present, and without the text of a library's own exception or
/// a source file name, unless the client sent that text itself (messages may quote the input).
inline bool clean_message(std::string_view message, std::string_view input) {
  if (message.empty()) return false;
  for (std::string_view marker : {"[json.exception", "nlohmann", ".cpp", ".cc:"}) {
    if (message.find(marker) != std::string_view::npos && input.find(marker) == std::string_view::npos) return false;
  }
  return true;
}

}  // namespace chatdb::fuzz
