#pragma once

// Little-endian integers, doubles and length-prefixed strings, for the
// binary records the scanner passes between its own processes and keeps in
// its cache. Nothing outside the scanner reads them.

#include <bit>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>

namespace iqts::host {

// Input that ends early or contains a value the record cannot have.
class ByteCodecError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class ByteWriter {
public:
    void u8(std::uint8_t value) { out_ += static_cast<char>(value); }

    void u16(std::uint16_t value) { unsigned_bytes(value, 2); }

    void u32(std::uint32_t value) { unsigned_bytes(value, 4); }

    void u64(std::uint64_t value) { unsigned_bytes(value, 8); }

    void i32(int value) { u32(static_cast<std::uint32_t>(value)); }

    void f64(double value) { u64(std::bit_cast<std::uint64_t>(value)); }

    void count(std::size_t value) {
        if (value > std::numeric_limits<std::uint32_t>::max()) {
            throw ByteCodecError("cannot encode a list or string of " + std::to_string(value) +
                                 " items: the format allows at most 4294967295");
        }
        u32(static_cast<std::uint32_t>(value));
    }

    void string(std::string_view value) {
        count(value.size());
        out_ += value;
    }

    std::string& out() { return out_; }

private:
    void unsigned_bytes(std::uint64_t value, int bytes) {
        for (int i = 0; i < bytes; ++i) out_ += static_cast<char>((value >> (8 * i)) & 0xff);
    }

    std::string out_;
};

// Reads what a ByteWriter wrote. Each `field` names the value for the
// message of the ByteCodecError thrown when it cannot be read.
class ByteReader {
public:
    // `subject` names the record in messages: "encoded document".
    explicit ByteReader(std::string_view bytes, std::string_view subject = "encoded document")
        : bytes_(bytes), subject_(subject) {}

    std::uint8_t u8(const char* field) { return static_cast<std::uint8_t>(take(1, field)[0]); }

    std::uint32_t u32(const char* field) { return static_cast<std::uint32_t>(unsigned_bytes(4, field)); }

    std::uint64_t u64(const char* field) { return unsigned_bytes(8, field); }

    int i32(const char* field) { return static_cast<int>(u32(field)); }

    double f64(const char* field) { return std::bit_cast<double>(u64(field)); }

    // Reads a list length. Each item takes at least one byte, so a count
    // larger than the bytes left is corrupt and is rejected before any
    // allocation.
    std::size_t count(const char* field) {
        const auto value = u32(field);
        if (value > remaining()) {
            fail(std::string(field) + " count " + std::to_string(value) + " exceeds the " +
                 std::to_string(remaining()) + " bytes left");
        }
        return value;
    }

    std::string string(const char* field) {
        const auto length = u32(field);
        return std::string(take(length, field));
    }

    std::size_t remaining() const { return bytes_.size() - position_; }

    [[noreturn]] void fail(const std::string& problem) const {
        throw ByteCodecError("invalid " + std::string(subject_) + " at payload byte " + std::to_string(position_) +
                             ": " + problem);
    }

private:
    std::string_view take(std::size_t length, const char* field) {
        if (length > remaining()) {
            fail(std::string("truncated ") + field + ": " + std::to_string(length) + " bytes expected, " +
                 std::to_string(remaining()) + " left");
        }
        const auto bytes = bytes_.substr(position_, length);
        position_ += length;
        return bytes;
    }

    std::uint64_t unsigned_bytes(std::size_t length, const char* field) {
        const auto bytes = take(length, field);
        std::uint64_t value = 0;
        for (std::size_t i = 0; i < length; ++i) {
            value |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[i])) << (8 * i);
        }
        return value;
    }

    std::string_view bytes_;
    std::string_view subject_;
    std::size_t position_ = 0;
};

}  // namespace iqts::host
