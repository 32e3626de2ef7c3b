#include "common/build_info.h"

namespace chatdb {

const char* BuildInfo::version() { return CHATDB_VERSION; }
const char* BuildInfo::commit() { return CHATDB_GIT_COMMIT; }

}  // namespace chatdb
