#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ops {

// True when the bytes start with the gzip magic number.
bool isGzip(std::string_view bytes);

// Inflates a gzip (or zlib) stream into out. Stops with an error instead of growing past
// maxBytes, so a small "zip bomb" cannot take the memory. Returns false with a reason.
bool decodeGzip(std::string_view compressed, std::string& out, std::size_t maxBytes,
                std::string* error = nullptr);

} // namespace ops
