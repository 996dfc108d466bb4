// Bridges std::string_view to Debian's Abseil, whose absl::string_view is its own type.
#ifndef SHOAL_TOOLS_SHOAL_BENCH_TEXT_H_
#define SHOAL_TOOLS_SHOAL_BENCH_TEXT_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace shoal::bench {

inline absl::string_view AV(std::string_view s) { return absl::string_view(s.data(), s.size()); }

}  // namespace shoal::bench

#endif  // SHOAL_TOOLS_SHOAL_BENCH_TEXT_H_
