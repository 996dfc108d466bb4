#include "server/commands/command_meta.h"

#include "absl/container/flat_hash_map.h"

namespace shoal {

const CommandMeta* FindCommandMeta(std::string_view name) {
  static const auto* index = [] {
    auto* m = new absl::flat_hash_map<std::string_view, const CommandMeta*>();
    for (const auto& c : AllCommandMeta()) (*m)[c.name] = &c;
    return m;
  }();
  auto it = index->find(name);
  return it == index->end() ? nullptr : it->second;
}

}  // namespace shoal
