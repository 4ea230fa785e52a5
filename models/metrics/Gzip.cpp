#include "models/metrics/Gzip.h"

#include <zlib.h>

#include <algorithm>
#include <limits>

namespace ops {

bool isGzip(std::string_view bytes)
{
    return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
           static_cast<unsigned char>(bytes[1]) == 0x8b;
}

bool decodeGzip(std::string_view compressed, std::string& out, std::size_t maxBytes,
                std::string* error)
{
    auto failWith = [&](const std::string& why) {
        if (error)
            *error = why;
        return false;
    };
    out.clear();
    if (compressed.size() > std::numeric_limits<uInt>::max())
        return failWith("compressed body too large");
    z_stream stream{};
    // 32 + MAX_WBITS: accept gzip and zlib headers.
    if (inflateInit2(&stream, 32 + MAX_WBITS) != Z_OK)
        return failWith("zlib initialisation failed");
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
    stream.avail_in = static_cast<uInt>(compressed.size());
    std::size_t produced = 0;
    int rc = Z_OK;
    out.resize(std::min<std::size_t>(maxBytes, std::max<std::size_t>(compressed.size() * 4, 4096)));
    while (true) {
        if (produced == out.size()) {
            if (out.size() >= maxBytes) {
                inflateEnd(&stream);
                out.clear();
                return failWith("decompressed body exceeds " + std::to_string(maxBytes) + " bytes");
            }
            out.resize(std::min(maxBytes, out.size() * 2));
        }
        const std::size_t room = std::min<std::size_t>(out.size() - produced, 1u << 30);
        stream.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
        stream.avail_out = static_cast<uInt>(room);
        rc = inflate(&stream, Z_NO_FLUSH);
        produced += room - stream.avail_out;
        if (rc == Z_STREAM_END) {
            if (stream.avail_in == 0)
                break;
            // Another gzip member follows: keep going.
            if (inflateReset(&stream) != Z_OK)
                break;
            continue;
        }
        if (rc == Z_BUF_ERROR && stream.avail_in == 0) {
            inflateEnd(&stream);
            out.clear();
            return failWith("truncated gzip stream");
        }
        if (rc != Z_OK && rc != Z_BUF_ERROR) {
            const std::string msg = stream.msg ? stream.msg : "corrupt gzip stream";
            inflateEnd(&stream);
            out.clear();
            return failWith("gzip: " + msg);
        }
    }
    inflateEnd(&stream);
    out.resize(produced);
    return true;
}

} // namespace ops
