// The list type: a CollectionValue over a Quicklist.
#pragma once

#include <memory>
#include <string_view>

#include "datastructs/quicklist.h"
#include "server/store/object.h"

namespace shoal {

// Every list is a quicklist (OBJECT ENCODING "quicklist", as in Redis 7.0). The node limit and
// the compression depth are read from list-max-listpack-size and list-compress-depth before each
// mutation, so CONFIG SET applies to existing lists from their next write on. Commands that walk
// a list without changing it call list().Settle() when done (nodes they decompressed to read are
// dropped again).
class ListValue : public CollectionValue {
 public:
  ListValue() : ql_(Fill()) { ql_.set_compress_depth(Depth()); }

  size_t ObjectSize() const override { return sizeof(*this); }
  ObjType type() const override { return ObjType::kList; }
  std::string_view EncodingName() const override { return "quicklist"; }
  size_t Length() const override { return ql_.size(); }
  std::unique_ptr<CollectionValue> Clone() const override;
  size_t MemoryUsage() const override { return ql_.MemoryUsage(); }

  // The quicklist for reading.
  const Quicklist& list() const { return ql_; }
  // The quicklist for writing, with the current node limit applied.
  Quicklist& mut() {
    ql_.set_fill(Fill());
    ql_.set_compress_depth(Depth());
    return ql_;
  }

  static std::unique_ptr<ListValue> Make() { return std::make_unique<ListValue>(); }

 private:
  static int64_t Fill() { return EncodingLimits::Get(Limits().list_max_listpack_size); }
  static int64_t Depth() { return EncodingLimits::Get(Limits().list_compress_depth); }
  Quicklist ql_;
};

}  // namespace shoal
