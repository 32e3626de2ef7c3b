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

/// A message a client may read: present, and without the text of a library's own exception.
inline bool clean_message(std::string_view message) {
  return !message.empty() && message.find("[json.exception") == std::string_view::npos &&
         message.find("nlohmann") == std::string_view::npos && message.find(".cpp") == std::string_view::npos &&
         message.find(".cc:") == std::string_view::npos;
}

}  // namespace chatdb::fuzz
