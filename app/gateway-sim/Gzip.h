#pragma once

#include <QByteArray>

namespace ops::sim {

// gzip (RFC 1952) encoding via zlib; qCompress() produces a zlib stream, not gzip.
class Gzip {
public:
    static QByteArray compress(const QByteArray& data, int level = 6);
    // Returns an empty array on corrupt input.
    static QByteArray decompress(const QByteArray& data);
};

} // namespace ops::sim
