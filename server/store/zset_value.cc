// ZSetValue: ZADD semantics, rank/range queries and encoding conversion over both encodings.
#include "server/store/zset_value.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "datastructs/listpack.h"

namespace shoal {

namespace {

int64_t ScoreBits(double d) {
  int64_t v;
  std::memcpy(&v, &d, sizeof(v));
  return v;
}
double BitsScore(int64_t v) {
  double d;
  std::memcpy(&d, &v, sizeof(d));
  return d;
}

}  // namespace

// member, score, member, score ... in (score, member) order; a score is an integer entry holding
// the double's bit pattern, so it reads back exactly and without parsing.
struct ZSetValue::Packed {
  Listpack lp;
  // Rendering buffer for members the listpack stored as integers.
  mutable char buf[Listpack::kIntBufSize];

  size_t size() const { return lp.size() / 2; }
  std::string_view MemberAt(Listpack::Pos pos) const { return lp.Get(pos).View(buf); }
  double ScoreAt(Listpack::Pos member_pos) const {
    return BitsScore(lp.Get(lp.Next(member_pos)).ival);
  }
  Listpack::Pos Find(std::string_view member) const {
    if (lp.empty()) return Listpack::kNone;
    return lp.Find(lp.First(), member, 1);
  }
  void Insert(double score, std::string_view member) {
    // A listpack keeps a zero score unsigned, as Redis' packed form does.
    if (score == 0) score = 0;
    Listpack::Pos pos = lp.First();
    while (pos != Listpack::kNone) {
      const double s = ScoreAt(pos);
      if (s > score || (s == score && MemberAt(pos) > member)) break;
      pos = lp.Next(lp.Next(pos));
    }
    const Listpack::Pos at = lp.Insert(pos, member);
    lp.InsertInt(lp.Next(at), ScoreBits(score));
  }
  // Elements (in order) for which before(score, member) holds, as a prefix count.
  template <typename Before>
  size_t CountWhile(Before&& before) const {
    size_t n = 0;
    for (Listpack::Pos pos = lp.First(); pos != Listpack::kNone; pos = lp.Next(lp.Next(pos))) {
      if (!before(ScoreAt(pos), MemberAt(pos))) break;
      ++n;
    }
    return n;
  }
};

ZSetValue::ZSetValue() : packed_(std::make_unique<Packed>()) {}
ZSetValue::~ZSetValue() = default;

std::unique_ptr<ZSetValue> ZSetValue::Create(size_t size_hint, size_t max_len) {
  auto z = std::make_unique<ZSetValue>();
  const int64_t entries = EncodingLimits::Get(Limits().zset_max_listpack_entries);
  const int64_t value = EncodingLimits::Get(Limits().zset_max_listpack_value);
  if (static_cast<int64_t>(size_hint) > entries || static_cast<int64_t>(max_len) > value) {
    z->ConvertToIndex();
  }
  return z;
}

std::string_view ZSetValue::EncodingName() const { return is_packed() ? "listpack" : "skiplist"; }

size_t ZSetValue::Length() const { return packed_ ? packed_->size() : index_->size(); }

std::unique_ptr<CollectionValue> ZSetValue::Clone() const {
  auto copy = std::make_unique<ZSetValue>();
  if (packed_) {
    copy->packed_->lp = packed_->lp.Clone();
    return copy;
  }
  copy->ConvertToIndex();
  index_->ForEach(0, index_->size(),
                  [&](const ZSetIndex::Node* n) { copy->index_->Insert(n->score, n->member()); });
  return copy;
}

size_t ZSetValue::MemoryUsage() const {
  return sizeof(*this) + (packed_ ? sizeof(Packed) + packed_->lp.bytes() : index_->MemoryUsage());
}

void ZSetValue::ConvertIfExceeds(size_t extra, size_t max_len) {
  if (!packed_) return;
  const int64_t entries = EncodingLimits::Get(Limits().zset_max_listpack_entries);
  const int64_t value = EncodingLimits::Get(Limits().zset_max_listpack_value);
  if (static_cast<int64_t>(Length() + extra) > entries || static_cast<int64_t>(max_len) > value) {
    ConvertToIndex();
  }
}

void ZSetValue::ConvertToIndex() {
  auto index = std::make_unique<ZSetIndex>();
  if (packed_) {
    const Listpack& lp = packed_->lp;
    for (Listpack::Pos pos = lp.First(); pos != Listpack::kNone; pos = lp.Next(lp.Next(pos))) {
      index->Insert(packed_->ScoreAt(pos), packed_->MemberAt(pos));
    }
  }
  packed_.reset();
  index_ = std::move(index);
}

bool ZSetValue::Score(std::string_view member, double* score) {
  if (packed_) {
    const Listpack::Pos pos = packed_->Find(member);
    if (pos == Listpack::kNone) return false;
    *score = packed_->ScoreAt(pos);
    return true;
  }
  ZSetIndex::Node* n = index_->Find(member);
  if (n == nullptr) return false;
  *score = n->score;
  return true;
}

ZSetValue::AddResult ZSetValue::Add(std::string_view member, double score, int flags,
                                    double* new_score) {
  double cur;
  const bool exists = Score(member, &cur);
  if (exists) {
    if (flags & kNx) return AddResult::kNop;
    if (flags & kIncr) {
      score += cur;
      if (std::isnan(score)) return AddResult::kNaN;
    }
    if (((flags & kLt) && score >= cur) || ((flags & kGt) && score <= cur)) {
      return AddResult::kNop;
    }
    *new_score = score;
    // -0.0 == 0.0: like Redis, an equal score (of either sign) is not an update.
    if (score == cur) return AddResult::kSame;
    if (packed_) {
      packed_->lp.Erase(packed_->Find(member), 2);
      packed_->Insert(score, member);
      if (score == 0) *new_score = 0;
    } else {
      index_->UpdateScore(index_->Find(member), score);
    }
    return AddResult::kUpdated;
  }
  if (flags & kXx) return AddResult::kNop;
  *new_score = score;
  ConvertIfExceeds(1, member.size());
  // The reply shows the score as given, even a -0 that the listpack then stores as 0 (as Redis).
  if (packed_) {
    packed_->Insert(score, member);
  } else {
    index_->Insert(score, member);
  }
  return AddResult::kAdded;
}

bool ZSetValue::Remove(std::string_view member) {
  if (packed_) {
    const Listpack::Pos pos = packed_->Find(member);
    if (pos == Listpack::kNone) return false;
    packed_->lp.Erase(pos, 2);
    return true;
  }
  ZSetIndex::Node* n = index_->Find(member);
  if (n == nullptr) return false;
  index_->Erase(n);
  return true;
}

bool ZSetValue::Rank(std::string_view member, size_t* rank) {
  if (packed_) {
    const Listpack& lp = packed_->lp;
    size_t r = 0;
    for (Listpack::Pos pos = lp.First(); pos != Listpack::kNone; pos = lp.Next(lp.Next(pos)), ++r) {
      if (lp.Equals(pos, member)) {
        *rank = r;
        return true;
      }
    }
    return false;
  }
  ZSetIndex::Node* n = index_->Find(member);
  if (n == nullptr) return false;
  *rank = index_->Rank(n);
  return true;
}

std::pair<size_t, size_t> ZSetValue::RanksInScoreRange(const ZScoreRange& r) const {
  size_t lo, hi;
  if (packed_) {
    const double min = r.min, max = r.max;
    lo = r.minex ? packed_->CountWhile([min](double s, std::string_view) { return s <= min; })
                 : packed_->CountWhile([min](double s, std::string_view) { return s < min; });
    hi = r.maxex ? packed_->CountWhile([max](double s, std::string_view) { return s < max; })
                 : packed_->CountWhile([max](double s, std::string_view) { return s <= max; });
  } else {
    lo = index_->CountScoreBelow(r.min, r.minex);
    hi = index_->CountScoreBelow(r.max, !r.maxex);
  }
  return {lo, hi > lo ? hi : lo};
}

namespace {

bool LexGteMin(const ZLexRange& r, std::string_view m) {
  if (r.min_kind != ZLexRange::kValue) return r.min_kind == ZLexRange::kMinusInf;
  return r.minex ? m > r.min : m >= r.min;
}

bool LexLteMax(const ZLexRange& r, std::string_view m) {
  if (r.max_kind != ZLexRange::kValue) return r.max_kind == ZLexRange::kPlusInf;
  return r.maxex ? m < r.max : m <= r.max;
}

// Redis' zslIsInLexRange test of the bounds alone: min above max, or equal and either exclusive
// ('-' and '+' count as exclusive there), is empty.
bool LexBoundsEmpty(const ZLexRange& r) {
  int cmp;
  if (r.min_kind == r.max_kind && r.min_kind != ZLexRange::kValue) {
    cmp = 0;
  } else if (r.min_kind == ZLexRange::kMinusInf || r.max_kind == ZLexRange::kPlusInf) {
    cmp = -1;
  } else if (r.min_kind == ZLexRange::kPlusInf || r.max_kind == ZLexRange::kMinusInf) {
    cmp = 1;
  } else {
    cmp = r.min.compare(r.max);
  }
  return cmp > 0 || (cmp == 0 && (r.minex || r.maxex || r.min_kind != ZLexRange::kValue));
}

}  // namespace

std::pair<size_t, size_t> ZSetValue::RanksInLexRange(const ZLexRange& r, bool reverse,
                                                     size_t skip) const {
  const size_t n = Length();
  if (packed_) {
    // Redis' listpack walk (zzlFirstInLexRange / zzlLastInLexRange and the loop after them). It
    // takes the members as sorted: over members of different scores, which need not be, it finds
    // nothing unless the last member is >= min and the first <= max, starts at the first member
    // >= min (the last <= max in reverse), passes over `skip` members (LIMIT's offset) without
    // looking at them, and stops at the first one out of range after that, so the two
    // directions may find different runs. On sorted members this is the plain interval.
    const Listpack& lp = packed_->lp;
    if (n == 0 || LexBoundsEmpty(r) ||
        !LexGteMin(r, packed_->MemberAt(lp.Seek(static_cast<int64_t>(2 * (n - 1))))) ||
        !LexLteMax(r, packed_->MemberAt(lp.First()))) {
      return {0, 0};
    }
    if (!reverse) {
      size_t i = 0;
      Listpack::Pos pos = lp.First();
      while (i < n && !LexGteMin(r, packed_->MemberAt(pos))) {
        pos = lp.Next(lp.Next(pos));
        ++i;
      }
      if (i == n || !LexLteMax(r, packed_->MemberAt(pos))) return {0, 0};
      if (skip >= n - i) return {0, 0};
      if (skip) {
        i += skip;
        pos = lp.Seek(static_cast<int64_t>(2 * i));
      }
      const size_t lo = i;
      while (i < n && LexLteMax(r, packed_->MemberAt(pos))) {
        if (++i < n) pos = lp.Next(lp.Next(pos));
      }
      return {lo, i};
    }
    size_t i = n;  // one past the rank at pos
    Listpack::Pos pos = lp.Seek(static_cast<int64_t>(2 * (n - 1)));
    while (i > 0 && !LexLteMax(r, packed_->MemberAt(pos))) {
      if (--i > 0) pos = lp.Prev(lp.Prev(pos));
    }
    if (i == 0 || !LexGteMin(r, packed_->MemberAt(pos))) return {0, 0};
    if (skip >= i) return {0, 0};
    if (skip) {
      i -= skip;
      pos = lp.Seek(static_cast<int64_t>(2 * (i - 1)));
    }
    const size_t hi = i;
    while (i > 0 && LexGteMin(r, packed_->MemberAt(pos))) {
      if (--i > 0) pos = lp.Prev(lp.Prev(pos));
    }
    return {i, hi};
  }
  auto below = [&](ZLexRange::Kind kind, std::string_view v, bool inclusive) -> size_t {
    if (kind == ZLexRange::kMinusInf) return 0;
    if (kind == ZLexRange::kPlusInf) return n;
    if (packed_) {
      if (inclusive) {
        return packed_->CountWhile([v](double, std::string_view m) { return m <= v; });
      }
      return packed_->CountWhile([v](double, std::string_view m) { return m < v; });
    }
    return index_->CountMemberBelow(v, inclusive);
  };
  size_t lo = below(r.min_kind, r.min, r.minex);
  size_t hi = below(r.max_kind, r.max, !r.maxex);
  if (hi <= lo) return {lo, lo};
  const size_t skipped = std::min(skip, hi - lo);
  if (reverse) {
    hi -= skipped;
  } else {
    lo += skipped;
  }
  return {lo, hi};
}

void ZSetValue::Visit(size_t start, size_t end, bool reverse, Visitor fn) const {
  end = std::min(end, Length());
  if (start >= end) return;
  if (packed_) {
    const Listpack& lp = packed_->lp;
    if (reverse) {
      Listpack::Pos pos = lp.Seek(static_cast<int64_t>(2 * (end - 1)));
      for (size_t k = start; k < end; ++k) {
        fn(packed_->MemberAt(pos), packed_->ScoreAt(pos));
        if (k + 1 < end) pos = lp.Prev(lp.Prev(pos));
      }
    } else {
      Listpack::Pos pos = lp.Seek(static_cast<int64_t>(2 * start));
      for (size_t k = start; k < end; ++k) {
        fn(packed_->MemberAt(pos), packed_->ScoreAt(pos));
        pos = lp.Next(lp.Next(pos));
      }
    }
    return;
  }
  auto call = [&fn](const ZSetIndex::Node* n) { fn(n->member(), n->score); };
  if (reverse) {
    index_->ForEachReverse(start, end, call);
  } else {
    index_->ForEach(start, end, call);
  }
}

size_t ZSetValue::RemoveRanks(size_t start, size_t end) {
  end = std::min(end, Length());
  if (start >= end) return 0;
  if (packed_) {
    packed_->lp.EraseRange(static_cast<int64_t>(2 * start), 2 * (end - start));
    return end - start;
  }
  return index_->EraseRange(start, end, [](const ZSetIndex::Node*) {});
}

std::pair<std::string_view, double> ZSetValue::RandomElement(uint64_t random_bits) {
  if (packed_) {
    const size_t r = static_cast<size_t>(random_bits % packed_->size());
    const Listpack::Pos pos = packed_->lp.Seek(static_cast<int64_t>(2 * r));
    return {packed_->MemberAt(pos), packed_->ScoreAt(pos)};
  }
  ZSetIndex::Node* n = index_->Random(random_bits);
  return {n->member(), n->score};
}

uint64_t ZSetValue::Scan(uint64_t cursor, size_t count, Visitor fn) {
  if (packed_) {
    Visit(0, Length(), false, fn);
    return 0;
  }
  // As Redis: keep stepping until `count` elements were seen, at most 10 x count buckets.
  size_t seen = 0;
  size_t steps = count * 10;
  do {
    cursor = index_->Scan(cursor, [&](const ZSetIndex::Node* n) {
      fn(n->member(), n->score);
      ++seen;
    });
  } while (cursor != 0 && steps-- > 0 && seen < count);
  return cursor;
}

}  // namespace shoal
