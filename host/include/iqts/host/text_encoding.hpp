#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace iqts::host {

// Encodings that `decode_text` detects in text files of unknown origin.
enum class TextEncoding { utf8, utf16le, utf16be, windows1252 };

std::string_view to_string(TextEncoding encoding);

struct DecodedText {
    std::string text;                              // UTF-8, without the byte order mark
    TextEncoding encoding = TextEncoding::utf8;    // what the bytes were read as
    bool byte_order_mark = false;
    bool repaired = false;                         // invalid sequences became U+FFFD
};

// Returns true when `bytes` is well-formed UTF-8: no overlong forms, no
// surrogates, nothing above U+10FFFF, no sequence cut short.
bool is_valid_utf8(std::string_view bytes);

// Returns `bytes` with every ill-formed UTF-8 sequence replaced by U+FFFD.
std::string repair_utf8(std::string_view bytes);

// Converts `bytes` from `charset` (any name glibc iconv accepts: "WINDOWS-1252",
// "UTF-16LE", "CP866", "KOI8-R") to UTF-8. A byte sequence invalid in that
// charset becomes U+FFFD and decoding goes on. Throws std::runtime_error
// when iconv does not know the charset.
std::string convert_to_utf8(std::string_view bytes, const std::string& charset);

// Decodes a text file of unknown encoding to UTF-8. The first test that
// matches decides: a byte order mark (UTF-8, UTF-16 LE or BE), then NUL
// bytes at every other position (UTF-16 without a mark), then UTF-8. UTF-8
// with a few ill-formed sequences among more valid multi-byte ones is
// repaired. Anything else is read as Windows-1252.
DecodedText decode_text(std::string_view bytes);

// Returns the largest length, at most `max_bytes`, at which `text` can be
// cut without splitting a UTF-8 sequence.
std::size_t utf8_cut_length(std::string_view text, std::size_t max_bytes);

}  // namespace iqts::host
