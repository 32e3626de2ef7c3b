#pragma once

namespace chatdb {

/// What this binary is: the project version and the git commit it was built from ("unknown"
/// outside a checkout). Compiled into one file only, so a new commit rebuilds just that file.
struct BuildInfo {
  static const char* version();
  static const char* commit();
};

}  // namespace chatdb
