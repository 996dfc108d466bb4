// SORT and SORT_RO: sorting the elements of a list, set or sorted set, numerically or as strings,
// by themselves or by other keys (BY pattern), returning them or other keys' values (GET
// pattern), or storing the result as a list (STORE). Patterns name arbitrary keys, so these
// commands run with every shard locked (kCmdLockAll).
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "server/commands/command.h"
#include "server/commands/keyspace_ops.h"
#include "server/commands/pubsub.h"
#include "server/config.h"
#include "server/store/hash_value.h"
#include "server/store/list_value.h"
#include "server/store/object.h"
#include "server/store/set_value.h"
#include "server/store/zset_value.h"
#include "server/util/string_util.h"

namespace shoal {

namespace {

struct SortOptions {
  bool desc = false;
  bool alpha = false;
  int64_t limit_start = 0;
  int64_t limit_count = -1;
  bool has_by = false;
  std::string_view by;
  bool dont_sort = false;  // BY a pattern without '*': keep the natural order
  std::vector<std::string_view> gets;
  bool store = false;
  std::string_view store_key;
};

// Parses the options after the key, as Redis does (later ones override earlier ones). Replies and
// returns false on a syntax error or a LIMIT that is not two integers.
bool ParseSortOptions(CommandContext& ctx, bool read_only, SortOptions* o) {
  auto& a = ctx.args;
  for (size_t j = 2; j < a.size(); ++j) {
    const size_t rest = a.size() - j - 1;
    if (EqualsLower(a[j], "asc")) {
      o->desc = false;
    } else if (EqualsLower(a[j], "desc")) {
      o->desc = true;
    } else if (EqualsLower(a[j], "alpha")) {
      o->alpha = true;
    } else if (EqualsLower(a[j], "limit") && rest >= 2) {
      if (!ParseInt64(a[j + 1], &o->limit_start) || !ParseInt64(a[j + 2], &o->limit_count)) {
        ctx.Error(kErrNotInt);
        return false;
      }
      j += 2;
    } else if (!read_only && EqualsLower(a[j], "store") && rest >= 1) {
      o->store = true;
      o->store_key = a[++j];
    } else if (EqualsLower(a[j], "by") && rest >= 1) {
      o->has_by = true;
      o->by = a[++j];
      o->dont_sort = o->by.find('*') == std::string_view::npos;
    } else if (EqualsLower(a[j], "get") && rest >= 1) {
      o->gets.push_back(a[++j]);
    } else {
      ctx.Error(kErrSyntax);
      return false;
    }
  }
  return true;
}

// What a pattern names for one element: "#" is the element itself; otherwise the first '*' is
// replaced by the element and the result is a string key, or with "->field" (a non-empty field
// after the '*') a field of a hash key. Nothing when there is no '*' or the key or field is
// missing or of another type. The value is copied into *out.
bool LookupByPattern(CommandContext& ctx, std::string_view pattern, std::string_view element,
                     std::string* out) {
  if (pattern == "#") {
    out->assign(element);
    return true;
  }
  const size_t star = pattern.find('*');
  if (star == std::string_view::npos) return false;
  std::string_view field;
  std::string_view rest = pattern.substr(star + 1);
  if (size_t arrow = rest.find("->");
      arrow != std::string_view::npos && arrow + 2 < rest.size()) {
    field = rest.substr(arrow + 2);
    rest = rest.substr(0, arrow);
  }
  std::string key;
  key.reserve(pattern.size() + element.size());
  key.append(pattern.substr(0, star)).append(element).append(rest);
  Entry* e = ctx.Db(key).Find(key, ctx.now_ms);
  NoteLookup(ctx, e, key, kLookupRead);
  if (e == nullptr) return false;
  if (!field.empty()) {
    if (e->obj_type() != ObjType::kHash) return false;
    char buf[FlatPack::kIntBufSize];
    std::string_view v;
    if (!CollectionAs<HashValue>(e)->Get(field, buf, &v)) return false;
    out->assign(v);
    return true;
  }
  if (e->obj_type() != ObjType::kString) return false;
  char buf[24];
  out->assign(StringValue(e, buf));
  return true;
}

struct SortItem {
  explicit SortItem(std::string_view el) : element(el) {}
  std::string element;
  double score = 0;
  std::optional<std::string> by;  // ALPHA BY: the value sorted by, none when missing
};

// Redis reads a score with strtod over the whole value: leading spaces, hex and "inf" are
// accepted; trailing bytes, NaN or a value out of range are not.
bool ParseSortScore(const std::string& s, double* out) {
  errno = 0;
  char* end;
  *out = std::strtod(s.c_str(), &end);
  return *end == '\0' && errno != ERANGE && !std::isnan(*out);
}

int CompareBytes(std::string_view x, std::string_view y) {
  const int c = x.compare(y);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

// SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA] [STORE dst]
void SortGeneric(CommandContext& ctx, bool read_only) {
  SortOptions o;
  if (!ParseSortOptions(ctx, read_only, &o)) return;
  std::string_view key = ctx.args[1];
  Entry* e = ctx.Db(key).Find(key, ctx.now_ms);
  NoteLookup(ctx, e, key, kLookupRead);
  const ObjType type = e ? e->obj_type() : ObjType::kList;
  if (e && type != ObjType::kList && type != ObjType::kSet && type != ObjType::kZSet) {
    return ctx.Error(kErrWrongType);
  }
  // A set has no order of its own: when the result is stored, sort it as strings so it does not
  // depend on the set's layout (Redis does the same for STORE and scripts).
  if (o.dont_sort && type == ObjType::kSet && o.store) {
    o.dont_sort = false;
    o.alpha = true;
    o.has_by = false;
  }
  const int64_t len = e ? static_cast<int64_t>(CollectionOf(e)->Length()) : 0;
  // LIMIT as Redis resolves it: a negative offset is 0, a negative count means all, and both
  // are first clamped to the length (no overflow in start + count).
  int64_t start = std::min(std::max<int64_t>(o.limit_start, 0), len);
  const int64_t limit_count = std::min(std::max<int64_t>(o.limit_count, -1), len);
  int64_t end = limit_count < 0 ? len - 1 : start + limit_count - 1;
  if (start >= len) {
    start = len - 1;
    end = len - 2;
  }
  end = std::min(end, len - 1);

  std::vector<SortItem> items;
  // Lists and sorted sets keep their own order when nothing is sorted: only the LIMIT range is
  // read, from the tail first with DESC.
  const bool ranged = o.dont_sort && (type == ObjType::kList || type == ObjType::kZSet);
  if (e && ranged) {
    if (end >= start) {
      const auto n = static_cast<size_t>(end - start + 1);
      items.reserve(n);
      if (type == ObjType::kList) {
        const Quicklist& ql = CollectionAs<ListValue>(e)->list();
        char buf[Listpack::kIntBufSize];
        auto add = [&](const Quicklist::Value& v) { items.emplace_back(v.View(buf)); };
        if (!o.desc) {
          ql.ForRange(ql.At(start), n, add);
        } else {
          Quicklist::Iter it = ql.At(len - 1 - start);
          for (size_t i = 0; i < n; ++i, it = ql.Prev(it)) add(ql.Get(it));
        }
        ql.Settle();
      } else {
        const auto* z = CollectionAs<ZSetValue>(e);
        const size_t s = static_cast<size_t>(o.desc ? len - 1 - end : start);
        z->Visit(s, s + n, o.desc, [&](std::string_view m, double) {
          items.emplace_back(m);
        });
      }
      end -= start;
      start = 0;
    }
  } else if (e) {
    items.reserve(static_cast<size_t>(len));
    if (type == ObjType::kList) {
      const Quicklist& ql = CollectionAs<ListValue>(e)->list();
      char buf[Listpack::kIntBufSize];
      if (len > 0) {
        ql.ForRange(ql.Begin(), static_cast<size_t>(len), [&](const Quicklist::Value& v) {
          items.emplace_back(v.View(buf));
        });
      }
      ql.Settle();
    } else if (type == ObjType::kSet) {
      CollectionAs<SetValue>(e)->ForEach([&](std::string_view m) { items.emplace_back(m); });
    } else {
      CollectionAs<ZSetValue>(e)->Visit(0, static_cast<size_t>(len), false,
                                        [&](std::string_view m, double) {
                                          items.emplace_back(m);
                                        });
    }
  }

  bool bad_score = false;
  if (!o.dont_sort) {
    std::string by_value;
    for (SortItem& it : items) {
      const std::string* v = &it.element;
      if (o.has_by) {
        if (!LookupByPattern(ctx, o.by, it.element, &by_value)) continue;
        v = &by_value;
      }
      if (o.alpha) {
        if (o.has_by) it.by = *v;
      } else if (!ParseSortScore(*v, &it.score)) {
        bad_score = true;
      }
    }
    // The comparison of Redis' sortCompare: equal scores fall back to the elements' bytes, so
    // numeric results are deterministic; ALPHA BY puts missing values first and keeps ties in
    // their input order (the stable sort matches the merge sort glibc's qsort uses).
    auto cmp = [&](const SortItem& x, const SortItem& y) {
      int c;
      if (!o.alpha) {
        c = x.score > y.score ? 1 : x.score < y.score ? -1 : CompareBytes(x.element, y.element);
      } else if (o.has_by) {
        c = !x.by || !y.by ? (x.by.has_value() == y.by.has_value() ? 0 : !x.by ? -1 : 1)
                           : CompareBytes(*x.by, *y.by);
      } else {
        c = CompareBytes(x.element, y.element);
      }
      return (o.desc ? -c : c) < 0;
    };
    if (!bad_score) std::stable_sort(items.begin(), items.end(), cmp);
  }
  if (bad_score) return ctx.Error("ERR One or more scores can't be converted into double");

  const int64_t count = end - start + 1;  // 0 when empty
  const size_t per = o.gets.empty() ? 1 : o.gets.size();
  std::string got;
  if (!o.store) {
    ctx.rb.ArrayHeader(static_cast<size_t>(count) * per);
    for (int64_t j = start; j <= end; ++j) {
      const std::string& el = items[static_cast<size_t>(j)].element;
      if (o.gets.empty()) ctx.rb.Bulk(el);
      for (std::string_view g : o.gets) {
        if (LookupByPattern(ctx, g, el, &got)) {
          ctx.rb.Bulk(got);
        } else {
          ctx.rb.Null();
        }
      }
    }
    return;
  }
  // STORE: the result becomes a list (missing GET values are empty strings); an empty result
  // deletes the destination.
  DbTable& db = ctx.Db(o.store_key);
  if (count <= 0) {
    if (db.Delete(o.store_key, ctx.now_ms)) {
      NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", o.store_key);
    }
    return ctx.rb.Integer(0);
  }
  auto list = ListValue::Make();
  for (int64_t j = start; j <= end; ++j) {
    const std::string& el = items[static_cast<size_t>(j)].element;
    if (o.gets.empty()) list->mut().PushBack(el);
    for (std::string_view g : o.gets) {
      if (!LookupByPattern(ctx, g, el, &got)) got.clear();
      list->mut().PushBack(got);
    }
  }
  list->list().Settle();
  Entry* n = NewCollectionEntry(o.store_key, std::move(list), kNoExpire);
  EntrySlot link = db.FindLink(o.store_key, ctx.now_ms);
  if (link) {
    db.Replace(link, n);
  } else {
    db.Insert(n);
  }
  NotifyKeyspaceEvent(ctx, kNotifyList, "sortstore", o.store_key);
  ctx.rb.Integer(count * static_cast<int64_t>(per));
}

void SortCmd(CommandContext& ctx) { SortGeneric(ctx, false); }
void SortRoCmd(CommandContext& ctx) { SortGeneric(ctx, true); }

}  // namespace

// SORT's keys: the sorted key and the STORE destination, found as Redis' sortGetKeys does: LIMIT
// skips two arguments, GET and BY one, and the last STORE followed by an argument names it.
void SortKeys(std::span<const std::string_view> args, KeyPositions* out) {
  out->push_back(1);
  int store = -1;
  for (size_t j = 2; j < args.size(); ++j) {
    if (EqualsLower(args[j], "limit")) {
      j += 2;
    } else if (EqualsLower(args[j], "get") || EqualsLower(args[j], "by")) {
      j += 1;
    } else if (EqualsLower(args[j], "store") && j + 1 < args.size()) {
      store = static_cast<int>(j + 1);
    }
  }
  if (store >= 0) out->push_back(store);
}

namespace {

// SORT_RO has no STORE: its one key is the sorted one. A function rather than first/last/step, so
// COMMAND INFO reports movablekeys as Redis does (the BY/GET patterns reach other keys).
void SortRoKeys(std::span<const std::string_view>, KeyPositions* out) { out->push_back(1); }

}  // namespace

void RegisterSortCommands(CommandTable& t) {
  t.Add({"sort", -2, kCmdWrite | kCmdDenyOom | kCmdLockAll, 1, 1, 1, SortCmd, "generic",
         "Sort the elements in a list, set or sorted set", "1.0.0", {}, SortKeys});
  t.Add({"sort_ro", -2, kCmdReadonly | kCmdLockAll, 1, 1, 1, SortRoCmd, "generic",
         "Sort the elements in a list, set or sorted set. Read-only variant of SORT.", "7.0.0", {},
         SortRoKeys});
}

}  // namespace shoal
