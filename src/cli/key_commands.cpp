#include "cli/key_commands.h"

#include "auth/key_file.h"
#include "cli/text_table.h"

#include <cstdio>
#include <memory>

namespace chatdb::cli {
namespace {

int fail(const Error& error) {
  std::fprintf(stderr, "chatdb: %s\n", error.message.c_str());
  return 1;
}

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

}  // namespace

std::vector<Command> add_keys(CLI::App& app) {
  auto name = std::make_shared<std::string>();
  auto scopes = std::make_shared<std::string>();
  auto* keys = app.add_subcommand("keys", "Create, list or revoke API keys (the keys file: CHATDB_API_KEYS_FILE)");
  keys->require_subcommand(1);
  auto* create = keys->add_subcommand("create", "Add a key and print its token, the only time it is shown");
  create->add_option("name", *name, "the key's name (letters, digits, '.', '_', '-')")->required();
  create->add_option("--scopes", *scopes, "read, write and/or admin, comma-separated (admin implies write implies read)")
      ->required();
  auto* list = keys->add_subcommand("list", "List the keys (names, scopes, creation times; never tokens)");
  auto* revoke = keys->add_subcommand("revoke", "Remove a key; running services refuse it within seconds");
  revoke->add_option("name", *name, "the key's name")->required();
  return {{create, [name, scopes](Config config) { return keys_create(config, *name, *scopes); }},
          {list, [](Config config) { return keys_list(config); }},
          {revoke, [name](Config config) { return keys_revoke(config, *name); }}};
}

}  // namespace chatdb::cli
