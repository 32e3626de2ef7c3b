#include "cli/key_commands.h"

#include "auth/key_file.h"
#include "cli/text_table.h"

#include <cstdio>

namespace chatdb::cli {
namespace {

int fail(const Error& error) {
  std::fprintf(stderr, "chatdb: %s\n", error.message.c_str());
  return 1;
}

}  // namespace

int keys_create(const Config& config, const std::string& name, const std::string& scopes) {
  auto parsed = auth::parse_scopes(scopes);
  if (!parsed) return fail(parsed.error());
  auth::KeyFile file(config.api_keys_file);
  auto token = file.create(name, *parsed);
  if (!token) return fail(token.error());
  std::printf("%s\n", token->c_str());
  std::fflush(stdout);
  std::fprintf(stderr,
               "chatdb: created key '%s' (%s) in %s. The token above is shown only now; send it as "
               "Authorization: Bearer TOKEN, or set CHATDB_API_KEY for the CLI.\n",
               name.c_str(), auth::join(*parsed).c_str(), file.path().c_str());
  return 0;
}

int keys_list(const Config& config) {
  auth::KeyFile file(config.api_keys_file);
  auto keys = file.read();
  if (!keys) return fail(keys.error());
  if (keys->empty()) {
    std::fprintf(stderr, "chatdb: no API keys in %s: services allow every request\n", file.path().c_str());
    return 0;
  }
  TextTable table({"NAME", "SCOPES", "CREATED"});
  for (const auto& k : *keys) table.add({k.name, auth::join(k.scopes), k.created});
  table.print();
  return 0;
}

int keys_revoke(const Config& config, const std::string& name) {
  auth::KeyFile file(config.api_keys_file);
  if (Status s = file.revoke(name); !s) return fail(s.error());
  auto left = file.read();
  std::fprintf(stderr, "chatdb: revoked key '%s'; running services refuse it within seconds\n", name.c_str());
  if (left && left->empty()) {
    std::fprintf(stderr, "chatdb: warning: no API keys left in %s: services now allow every request\n", file.path().c_str());
  }
  return 0;
}

}  // namespace chatdb::cli
