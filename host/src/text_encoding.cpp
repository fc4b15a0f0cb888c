#include "iqts/host/text_encoding.hpp"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>

namespace iqts::host {

namespace {

constexpr std::string_view replacement_character = "\xEF\xBF\xBD";

// Returns the length of the well-formed UTF-8 sequence that starts at
// `bytes[pos]`, or 0 when it is ill-formed (RFC 3629 table of valid bytes).
std::size_t utf8_sequence_length(std::string_view bytes, std::size_t pos) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
    const unsigned char lead = byte(pos);
    if (lead < 0x80) return 1;

    std::size_t length = 0;
    unsigned char second_min = 0x80;
    unsigned char second_max = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0) second_min = 0xA0;  // overlong
        if (lead == 0xED) second_max = 0x9F;  // surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0) second_min = 0x90;  // overlong
        if (lead == 0xF4) second_max = 0x8F;  // above U+10FFFF
    } else {
        return 0;
    }

    if (pos + length > bytes.size()) return 0;
    if (byte(pos + 1) < second_min || byte(pos + 1) > second_max) return 0;
    for (std::size_t i = 2; i < length; ++i) {
        if (byte(pos + i) < 0x80 || byte(pos + i) > 0xBF) return 0;
    }
    return length;
}

struct Utf8Census {
    std::size_t multibyte_sequences = 0;
    std::size_t invalid_bytes = 0;
};

Utf8Census count_utf8(std::string_view bytes) {
    Utf8Census census;
    std::size_t pos = 0;
    while (pos < bytes.size()) {
        if (static_cast<unsigned char>(bytes[pos]) < 0x80) {
            ++pos;
            continue;
        }
        const auto length = utf8_sequence_length(bytes, pos);
        if (length == 0) {
            ++census.invalid_bytes;
            ++pos;
            continue;
        }
        if (length > 1) ++census.multibyte_sequences;
        pos += length;
    }
    return census;
}

// Returns the encoding that NUL bytes at every other position reveal: most
// text in UTF-16 is Latin script, whose high byte is zero.
TextEncoding guess_utf16(std::string_view bytes, bool& found) {
    const std::size_t sample = std::min<std::size_t>(bytes.size() & ~std::size_t{1}, 4096);
    std::size_t even_nuls = 0;
    std::size_t odd_nuls = 0;
    for (std::size_t i = 0; i < sample; ++i) {
        if (bytes[i] != '\0') continue;
        if (i % 2 == 0) ++even_nuls; else ++odd_nuls;
    }

    const std::size_t units = sample / 2;
    found = units >= 2;
    if (found && odd_nuls * 10 >= units * 4 && even_nuls * 20 <= units) return TextEncoding::utf16le;
    if (found && even_nuls * 10 >= units * 4 && odd_nuls * 20 <= units) return TextEncoding::utf16be;
    found = false;
    return TextEncoding::utf8;
}

std::string iconv_name(TextEncoding encoding) {
    switch (encoding) {
        case TextEncoding::utf16le: return "UTF-16LE";
        case TextEncoding::utf16be: return "UTF-16BE";
        case TextEncoding::windows1252: return "WINDOWS-1252";
        case TextEncoding::utf8: break;
    }
    return "UTF-8";
}

}  // namespace

std::string_view to_string(TextEncoding encoding) {
    switch (encoding) {
        case TextEncoding::utf8: return "UTF-8";
        case TextEncoding::utf16le: return "UTF-16LE";
        case TextEncoding::utf16be: return "UTF-16BE";
        case TextEncoding::windows1252: return "Windows-1252";
    }
    return "UTF-8";
}

bool is_valid_utf8(std::string_view bytes) {
    return count_utf8(bytes).invalid_bytes == 0;
}

std::string repair_utf8(std::string_view bytes) {
    std::string repaired;
    repaired.reserve(bytes.size());
    std::size_t pos = 0;
    while (pos < bytes.size()) {
        const auto length = utf8_sequence_length(bytes, pos);
        if (length == 0) {
            repaired += replacement_character;
            ++pos;
            continue;
        }
        repaired.append(bytes.substr(pos, length));
        pos += length;
    }
    return repaired;
}

std::string convert_to_utf8(std::string_view bytes, const std::string& charset) {
    iconv_t converter = iconv_open("UTF-8", charset.c_str());
    if (converter == reinterpret_cast<iconv_t>(-1)) {
        throw std::runtime_error("text encoding '" + charset + "' is not supported by iconv");
    }

    // UTF-16 skips a whole code unit past an invalid sequence, a
    // single-byte or multi-byte charset one byte.
    const std::size_t skip = charset.rfind("UTF-16", 0) == 0 ? 2 : 1;

    std::string output;
    output.reserve(bytes.size() + bytes.size() / 2);
    char buffer[16384];
    char* input = const_cast<char*>(bytes.data());
    std::size_t input_left = bytes.size();
    while (input_left > 0) {
        char* out = buffer;
        std::size_t out_left = sizeof buffer;
        const std::size_t result = iconv(converter, &input, &input_left, &out, &out_left);
        const int error = errno;
        output.append(buffer, static_cast<std::size_t>(out - buffer));
        if (result != static_cast<std::size_t>(-1) || error == E2BIG) continue;

        // EILSEQ (invalid) or EINVAL (cut short at the end): mark it and go on.
        output += replacement_character;
        const std::size_t step = std::min(skip, input_left);
        input += step;
        input_left -= step;
    }
    iconv_close(converter);
    return output;
}

DecodedText decode_text(std::string_view bytes) {
    DecodedText decoded;

    if (bytes.starts_with("\xEF\xBB\xBF")) {
        decoded.byte_order_mark = true;
        bytes.remove_prefix(3);
    } else if (bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF")) {
        decoded.byte_order_mark = true;
        decoded.encoding = bytes[0] == '\xFF' ? TextEncoding::utf16le : TextEncoding::utf16be;
        bytes.remove_prefix(2);
    } else {
        bool utf16 = false;
        const auto guess = guess_utf16(bytes, utf16);
        if (utf16) decoded.encoding = guess;
    }

    if (decoded.encoding != TextEncoding::utf8) {
        decoded.text = convert_to_utf8(bytes, iconv_name(decoded.encoding));
        return decoded;
    }

    const auto census = count_utf8(bytes);
    if (census.invalid_bytes == 0) {
        decoded.text.assign(bytes);
        return decoded;
    }
    // A UTF-8 file with a few stray bytes keeps its many valid sequences;
    // without valid multi-byte sequences the file is a legacy charset.
    if (decoded.byte_order_mark || census.multibyte_sequences > census.invalid_bytes) {
        decoded.text = repair_utf8(bytes);
        decoded.repaired = true;
        return decoded;
    }
    decoded.encoding = TextEncoding::windows1252;
    decoded.text = convert_to_utf8(bytes, iconv_name(decoded.encoding));
    return decoded;
}

std::size_t utf8_cut_length(std::string_view text, std::size_t max_bytes) {
    if (max_bytes >= text.size()) return text.size();
    std::size_t cut = max_bytes;
    // Step back over continuation bytes (10xxxxxx) to a sequence start.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    return cut;
}

}  // namespace iqts::host
