// Key arguments from key specs (see key_specs.h).
#include "server/commands/key_specs.h"

#include "server/util/string_util.h"

namespace shoal {

namespace {

// Where a spec's keys start: the index it names, or the argument after its keyword (searched
// forwards from startfrom, or backwards from argc + startfrom when that is negative). -1: none.
int BeginOf(const KeySpecMeta& k, int argc, std::span<const std::string_view> args) {
  if (k.begin == KeySpecMeta::kIndex) return k.begin_arg;
  if (k.begin != KeySpecMeta::kKeyword) return -1;
  if (k.begin_arg >= 0) {
    for (int i = k.begin_arg; i < argc; ++i) {
      if (EqualsIgnoreCase(args[i], k.keyword)) return i + 1;
    }
  } else {
    for (int i = argc + k.begin_arg; i > 0; --i) {
      if (EqualsIgnoreCase(args[i], k.keyword)) return i + 1;
    }
  }
  return -1;
}

}  // namespace

bool KeysFromSpecs(const std::vector<KeySpecMeta>& specs, std::span<const std::string_view> args,
                   std::vector<SpecKey>* out) {
  const int argc = static_cast<int>(args.size());
  const size_t start = out->size();
  auto fail = [&] {
    out->resize(start);
    return false;
  };
  for (size_t si = 0; si < specs.size(); ++si) {
    const KeySpecMeta& k = specs[si];
    const int first = BeginOf(k, argc, args);
    if (first <= 0) continue;  // keyword absent, or a spec of unknown kind
    // A first key past the arguments is a syntax error for Redis (PFMERGE with no source's
    // index spec at 2, a keyword that is the last argument), not an absent optional key.
    if (first >= argc) return fail();
    int from = first, last = 0, step = 1;
    if (k.find == KeySpecMeta::kRange) {
      // lastkey: relative to the first key when >= 0, else counted from the end; with a limit
      // L > 1 only the first 1/L of the remaining arguments hold keys.
      const int lastkey = k.find_a, limit = k.find_c;
      step = k.find_b;
      if (lastkey >= 0) {
        last = first + lastkey;
      } else if (limit <= 1) {
        last = argc + lastkey;
      } else {
        last = first + (argc - first) / limit + lastkey;
      }
    } else if (k.find == KeySpecMeta::kKeynum) {
      const int idx = first + k.find_a;
      if (idx >= argc) return fail();
      int64_t n = 0;
      // At least one key: every command here with a key count (LMPOP, ZUNIONSTORE, SINTERCARD
      // ...) needs one, and Redis' key lookup for them rejects 0 as it rejects a bad count.
      if (!ParseInt64(args[idx], &n) || n < 1 || n > argc) return fail();
      step = k.find_c;
      from = first + k.find_b;
      last = from + static_cast<int>(n - 1) * step;
    } else {
      continue;
    }
    if (step <= 0 || last < first) return fail();
    for (int i = from; i <= last; i += step) {
      if (i >= argc || i < first) return fail();
      out->push_back({i, static_cast<int>(si)});
    }
  }
  return true;
}

}  // namespace shoal
