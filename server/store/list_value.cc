// The list type: deep copies for COPY.
#include "server/store/list_value.h"

namespace shoal {

std::unique_ptr<CollectionValue> ListValue::Clone() const {
  auto copy = std::make_unique<ListValue>();
  copy->ql_ = ql_.Clone();
  return copy;
}

}  // namespace shoal
