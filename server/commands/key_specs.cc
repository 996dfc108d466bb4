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
    // Not the last argument, as Redis 7.0 searches: a keyword there has no key after it.
    for (int i = k.begin_arg; i < argc - 1; ++i) {
      if (EqualsIgnoreCase(args[i], k.keyword)) return i + 1;
    }
  } else {
    for (int i = argc + k.begin_arg; i > 0; --i) {
      if (EqualsIgnoreCase(args[i], k.keyword)) return i + 1;
    }
  }
  return -1;
}

// atoi() as glibc has it: strtol (leading space, a sign, digits up to the first other byte,
// saturating at the int64 range), truncated to an int.
int AtoiLike(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'))) ++i;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  uint64_t v = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    const uint64_t d = static_cast<uint64_t>(s[i] - '0');
    v = v > (limit - d) / 10 ? limit : v * 10 + d;
  }
  const uint64_t l = negative ? 0 - v : v;
  return static_cast<int32_t>(static_cast<uint32_t>(l));
}

}  // namespace

bool KeysFromCountFallback(const std::vector<KeySpecMeta>& specs,
                           std::span<const std::string_view> args, std::vector<SpecKey>* out) {
  const int argc = static_cast<int>(args.size());
  // The key-count spec, and a destination before it (ZUNIONSTORE's index spec at 1).
  const KeySpecMeta* counted = nullptr;
  int store = 0;
  for (const KeySpecMeta& k : specs) {
    if (k.begin != KeySpecMeta::kIndex) continue;
    if (k.find == KeySpecMeta::kKeynum) {
      counted = &k;
      break;
    }
    if (k.find == KeySpecMeta::kRange && k.find_a == 0) store = k.begin_arg;
  }
  if (counted == nullptr) return false;
  const int count_at = counted->begin_arg + counted->find_a;
  const int first = counted->begin_arg + counted->find_b;
  const int step = counted->find_c;
  if (count_at >= argc || step <= 0) return false;
  const int num = AtoiLike(args[count_at]);
  if (num < 1 || num > (argc - first) / step) return false;
  for (int i = 0; i < num; ++i) out->push_back({first + i * step, -1});
  if (store > 0) out->push_back({store, -1});
  return true;
}

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
      // Redis keeps the count in an int: 8589934593 keys is 1 key.
      if (!ParseInt64(args[idx], &n) || n < 0) return fail();
      n = static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(n)));
      if (n < 1 || n > argc) return fail();
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
