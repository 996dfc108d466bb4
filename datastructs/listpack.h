// Listpack: a compact sequence of integer / byte-string entries in one malloc'd buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace shoal {

// A packed sequence of entries, used as the small encoding of lists (quicklist nodes), hashes
// (field,value alternating), sets and sorted sets (member,score).
//
// Two variants share the code: Listpack, walkable in both directions (lists and sorted sets walk
// backwards), and FlatPack, without the backlen bytes, for hashes and sets, which only ever walk
// forwards: one byte less per entry, two per hash field. FlatPack's Last(), Prev() and Seek()
// walk from the front.
//
// Buffer: [u32 total bytes][u32 entry count] then the entries, back to back. An entry is
//   [header][payload][backlen]
// header  0xxxxxxx            integer 0..127, no payload
//         10LLLLLL            string of 0..63 bytes
//         11000nnn            integer in n+1 bytes, little-endian two's complement
//         1101LLLL LLLLLLLL   string of 64..4095 bytes (12-bit length)
//         11100000 + u32      string of any length (u32 little-endian)
// backlen the byte length of header+payload, 7 bits per byte, written so that it reads from its
//         last byte backwards (high bit = another byte precedes), which makes Prev() O(1).
//         Listpack only.
// A string that is a canonical decimal int64 ("-12", not "012", "+1" or "-0") is stored as an
// integer; Get() then reports an integer, which callers render with Value::View().
//
// Positions (Pos) are byte offsets of entries in the buffer. Any mutation may move the buffer and
// shift entries, so positions other than the ones a mutator returns are invalid afterwards.
// Strings passed to mutators may point into this listpack's own buffer (they are copied first).
// An empty listpack owns no buffer; the whole object is one pointer.
// What an entry holds: an integer or a string (a view into the buffer, valid until the next
// mutation).
struct PackValue {
  static constexpr size_t kIntBufSize = 24;  // enough for any int64 in decimal
  bool is_int = false;
  int64_t ival = 0;
  std::string_view str;

  // The entry as text: str, or ival rendered into buf (kIntBufSize bytes).
  std::string_view View(char* buf) const;
  void AppendTo(std::string* out) const;
};

template <bool kBacklinks>
class BasicListpack {
 public:
  using Pos = uint32_t;
  using Value = PackValue;
  static constexpr Pos kNone = UINT32_MAX;  // "no entry": past either end
  static constexpr size_t kHeaderSize = 8;
  static constexpr size_t kIntBufSize = PackValue::kIntBufSize;

  BasicListpack() = default;
  ~BasicListpack();
  BasicListpack(const BasicListpack& other);
  BasicListpack& operator=(const BasicListpack& other);
  BasicListpack(BasicListpack&& other) noexcept : buf_(other.buf_) { other.buf_ = nullptr; }
  BasicListpack& operator=(BasicListpack&& other) noexcept;

  BasicListpack Clone() const { return BasicListpack(*this); }

  size_t size() const { return buf_ ? ReadU32(buf_ + 4) : 0; }
  bool empty() const { return size() == 0; }
  // Bytes of the buffer (header included); 0 when empty.
  size_t bytes() const { return buf_ ? ReadU32(buf_) : 0; }
  void Clear();

  // --- Adding ---
  void PushBack(std::string_view s) { Insert(kNone, s); }
  void PushBack(int64_t v) { InsertInt(kNone, v); }
  void PushFront(std::string_view s) { Insert(First(), s); }
  void PushFront(int64_t v) { InsertInt(First(), v); }
  // Inserts before the entry at pos (kNone: at the end). Returns the new entry's position.
  Pos Insert(Pos pos, std::string_view s);
  Pos InsertInt(Pos pos, int64_t v);
  // Bytes an entry for s would take (to decide whether it fits before inserting).
  static size_t EntrySize(std::string_view s);

  // --- Removing / replacing ---
  // Erases up to n entries starting at pos. Returns the position of the entry that followed the
  // last erased one (kNone if none did).
  Pos Erase(Pos pos, size_t n = 1);
  // Erases count entries starting at index (negative: from the end), clamped to the list.
  void EraseRange(int64_t index, size_t count);
  // Replaces the entry at pos; returns its (same) position.
  Pos Replace(Pos pos, std::string_view s);
  Pos ReplaceInt(Pos pos, int64_t v);

  // --- Walking ---
  Pos First() const { return size() ? static_cast<Pos>(kHeaderSize) : kNone; }
  Pos Last() const;
  Pos Next(Pos pos) const;
  Pos Prev(Pos pos) const;
  // Position of the entry at index (negative: -1 is the last); kNone when out of range. Walks
  // from the nearer end.
  Pos Seek(int64_t index) const;
  Value Get(Pos pos) const;
  // Get(*pos), then *pos = Next(*pos), decoding the entry's header once (for walks).
  Value GetAdvance(Pos* pos) const;
  // Bytes the entry at pos takes (header, payload and backlen).
  size_t EntryBytesAt(Pos pos) const;

  // --- Comparing / searching ---
  bool Equals(Pos pos, std::string_view s) const;
  // The first entry equal to s at or after start, looking at start and then every (skip+1)-th
  // entry (skip=1 visits the fields of a field,value layout). kNone if there is none.
  Pos Find(Pos start, std::string_view s, size_t skip = 0) const;

  // --- Whole-pack operations (quicklist node merge/split) ---
  // Appends all entries of other (other is unchanged).
  void Append(const BasicListpack& other);
  // Moves the entries from pos to the end into the returned listpack.
  BasicListpack SplitAt(Pos pos);

  // The raw buffer (for snapshots and memory accounting); nullptr when empty.
  const char* data() const { return buf_; }
  // Hands the buffer to the caller (who frees it with free()); the listpack is left empty.
  char* ReleaseBuffer() {
    char* b = buf_;
    buf_ = nullptr;
    return b;
  }
  // Takes over a buffer malloc'd with exactly the bytes its header states, holding a valid
  // listpack of at least one entry (one ReleaseBuffer gave out, or a byte copy of it).
  void AdoptBuffer(char* buf) {
    Clear();
    buf_ = buf;
  }

  // True (and *v set) when s is a canonical decimal int64, i.e. how the listpack stores it.
  static bool ParseCanonicalInt(std::string_view s, int64_t* v);

 private:
  struct Encoded;
  static uint32_t ReadU32(const char* p) {
    uint32_t v;
    __builtin_memcpy(&v, p, 4);
    return v;
  }
  static void WriteU32(char* p, uint32_t v) { __builtin_memcpy(p, &v, 4); }
  void SetHeader(size_t bytes, size_t count);
  // Makes room for a new_bytes buffer; the header's byte count is not updated.
  void Resize(size_t new_bytes);
  // Replaces old_len bytes at pos with the encoded entry (old_len 0: insert).
  Pos Splice(Pos pos, size_t old_len, const Encoded& e, std::string_view payload_owner);

  char* buf_ = nullptr;
};

using Listpack = BasicListpack<true>;
using FlatPack = BasicListpack<false>;
extern template class BasicListpack<true>;
extern template class BasicListpack<false>;

}  // namespace shoal
