// ZSetValue: a sorted set as a keyspace value, small ones packed, large ones in a ZSetIndex.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "absl/functional/function_ref.h"
#include "datastructs/zset_index.h"
#include "server/store/object.h"

namespace shoal {

// A score interval as ZRANGEBYSCORE takes it; ex = the bound itself is excluded.
struct ZScoreRange {
  double min = 0, max = 0;
  bool minex = false, maxex = false;
};

// A member interval as ZRANGEBYLEX takes it: '-' and '+' are the open ends.
struct ZLexRange {
  enum Kind : uint8_t { kValue, kMinusInf, kPlusInf };
  std::string_view min, max;
  Kind min_kind = kValue, max_kind = kValue;
  bool minex = false, maxex = false;
};

class ZSetValue : public CollectionValue {
 public:
  // Elements visited with their score.
  using Visitor = absl::FunctionRef<void(std::string_view member, double score)>;

  // ZADD's flags and per-element outcome.
  enum AddFlag : int { kNx = 1, kXx = 2, kGt = 4, kLt = 8, kIncr = 16 };
  // kSame: the element exists and its score was left as it was (counts as processed for INCR).
  enum class AddResult { kAdded, kUpdated, kSame, kNop, kNaN };

  ZSetValue();
  ~ZSetValue() override;

  // An empty set whose encoding fits size_hint members of up to max_len bytes (as Redis picks the
  // encoding of a new set from what is about to be added).
  static std::unique_ptr<ZSetValue> Create(size_t size_hint, size_t max_len);

  size_t ObjectSize() const override { return sizeof(*this); }
  ObjType type() const override { return ObjType::kZSet; }
  std::string_view EncodingName() const override;
  size_t Length() const override;
  std::unique_ptr<CollectionValue> Clone() const override;
  size_t MemoryUsage() const override;

  bool is_packed() const { return index_ == nullptr; }

  // Converts to the full encoding now if `extra` more members, or a member of max_len bytes,
  // would not fit the packed limits. (Redis converts only when an insertion needs it, never on
  // the sizes a command merely mentions.)
  void ConvertIfExceeds(size_t extra, size_t max_len);

  bool Score(std::string_view member, double* score);
  // ZADD semantics for one element (flags from AddFlag); *new_score receives the resulting score
  // when the element was added or updated (or left as is with INCR).
  AddResult Add(std::string_view member, double score, int flags, double* new_score);
  bool Remove(std::string_view member);
  // 0-based ascending rank.
  bool Rank(std::string_view member, size_t* rank);

  // Ranks [first, second) of the elements inside the interval (empty when first >= second).
  std::pair<size_t, size_t> RanksInScoreRange(const ZScoreRange& r) const;
  // A lex range walks from its start (min, or max when reverse) as Redis' does: over members that
  // are not sorted by member (different scores) the two directions may find different runs.
  // `skip` members after the start are passed over first, unchecked, as LIMIT's offset is in
  // Redis' walk (it matters only over members that are not sorted).
  std::pair<size_t, size_t> RanksInLexRange(const ZLexRange& r, bool reverse = false,
                                            size_t skip = 0) const;

  // Visits ranks [start, end) ascending, or from end - 1 down to start when reverse.
  void Visit(size_t start, size_t end, bool reverse, Visitor fn) const;
  // Removes ranks [start, end); returns how many.
  size_t RemoveRanks(size_t start, size_t end);

  // The element at a uniformly random rank (packed) or hash slot (full).
  std::pair<std::string_view, double> RandomElement(uint64_t random_bits);
  // One ZSCAN step; packed sets are returned whole with cursor 0, as Redis does.
  uint64_t Scan(uint64_t cursor, size_t count, Visitor fn);

 private:
  // Packed form, used while small: (score, member) pairs sorted as the index sorts them. Scores
  // are stored as their 8 raw bytes so that they come back exactly.
  struct Packed;
  std::unique_ptr<ZSetIndex> index_;
  std::unique_ptr<Packed> packed_;

  void ConvertToIndex();
};

}  // namespace shoal
