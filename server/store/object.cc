// Collection values: entry creation and the encoding thresholds.
#include "server/store/object.h"

namespace shoal {

Entry* NewCollectionEntry(std::string_view key, std::unique_ptr<CollectionValue> value,
                          int64_t expire_at_or_minus1) {
  bool has_expire = expire_at_or_minus1 >= 0;
  Entry* e = Entry::New(key, value->type(), sizeof(CollectionValue*), has_expire);
  if (has_expire) e->set_expire_at(expire_at_or_minus1);
  CollectionValue* raw = value.release();
  std::memcpy(e->value(), &raw, sizeof(raw));
  return e;
}

EncodingLimits& Limits() {
  static EncodingLimits* limits = new EncodingLimits();
  return *limits;
}

}  // namespace shoal
