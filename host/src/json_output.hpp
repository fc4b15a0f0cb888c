#pragma once

// Writes a Poco JSON document to a stream in large pieces.

#include <ostream>

#include <Poco/BufferedStreamBuf.h>
#include <Poco/JSON/Object.h>

namespace iqts::host::report_detail {

// A stream buffer that passes what is written on to another one in pieces
// of 64 KiB and never flushes it. Poco 1.11's JSON writer flushes after
// every indented line, which costs one write call per line on stdout.
class UnflushedBuffer : public Poco::BufferedStreamBuf {
public:
    explicit UnflushedBuffer(std::streambuf& target)
        : Poco::BufferedStreamBuf(64 * 1024, std::ios::out), target_(target) {}

private:
    int writeToDevice(const char* buffer, std::streamsize length) override {
        return static_cast<int>(target_.sputn(buffer, length));
    }

    std::streambuf& target_;
};

// Writes `root` indented by two spaces, then a newline.
inline void write_indented(const Poco::JSON::Object& root, std::ostream& out) {
    {
        UnflushedBuffer buffer(*out.rdbuf());
        std::ostream unflushed(&buffer);
        root.stringify(unflushed, 2);
        unflushed << '\n';
        unflushed.flush();
        if (!unflushed) out.setstate(std::ios::badbit);
    }
    out.flush();
}

}  // namespace iqts::host::report_detail
