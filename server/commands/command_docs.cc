#include "server/commands/command_docs.h"

#include <algorithm>

#include "server/resp/reply.h"

namespace shoal {
namespace {

const DocEntry* FindEntry(std::string_view name) {
  const auto entries = AllDocEntries();
  auto it = std::lower_bound(entries.begin(), entries.end(), name,
                             [](const DocEntry& e, std::string_view n) { return e.name < n; });
  return it != entries.end() && it->name == name ? &*it : nullptr;
}

void Replay(resp::ReplyBuilder& rb, const DocEntry& e, int depth) {
  const auto tokens = AllDocTokens().subspan(e.first, e.count);
  for (const DocToken& t : tokens) {
    switch (t.op) {
      case 'M': rb.MapHeader(static_cast<size_t>(t.n)); break;
      case 'A': rb.ArrayHeader(static_cast<size_t>(t.n)); break;
      case 'S': rb.SetHeader(static_cast<size_t>(t.n)); break;
      case 'B': rb.Bulk(t.s); break;
      case 'P': rb.Simple(t.s); break;
      case 'I': rb.Integer(t.n); break;
      case 'R': {
        // The generator writes an entry for every subcommand it refers to, one level deep.
        const DocEntry* sub = depth == 0 ? FindEntry(t.s) : nullptr;
        if (sub != nullptr) {
          Replay(rb, *sub, depth + 1);
        } else {
          rb.MapHeader(0);
        }
        break;
      }
      default: break;
    }
  }
}

}  // namespace

bool ReplyDocs(resp::ReplyBuilder& rb, std::string_view name) {
  const DocEntry* e = FindEntry(name);
  if (e == nullptr) return false;
  Replay(rb, *e, 0);
  return true;
}

}  // namespace shoal
