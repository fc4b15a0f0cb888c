#pragma once

#include <cctype>
#include <optional>
#include <string>

#include "iqts/document.hpp"

namespace iqts {

// Reads the first number in a register value: a number cell as it is, or
// text such as "6.5", "6,5" (decimal comma), "120 days" or "IELTS 7.0".
// Returns nothing when the value contains no number.
inline std::optional<double> number_in(const Cell& cell) {
    if (cell.type == CellType::number) return cell.number;
    const auto& text = cell.text;
    std::size_t start = 0;
    while (start < text.size() && !std::isdigit(static_cast<unsigned char>(text[start]))) ++start;
    if (start == text.size()) return std::nullopt;
    std::string digits;
    bool seen_separator = false;
    for (std::size_t i = start; i < text.size(); ++i) {
        const char c = text[i];
        if (std::isdigit(static_cast<unsigned char>(c))) {
            digits += c;
        } else if ((c == '.' || c == ',') && !seen_separator && i + 1 < text.size() &&
                   std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
            digits += '.';
            seen_separator = true;
        } else {
            break;
        }
    }
    try {
        return std::stod(digits);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

// Formats a number the way a register shows it: 6.5, 120, 87.
inline std::string format_number(double value) {
    std::string text = std::to_string(value);
    text.erase(text.find_last_not_of('0') + 1);
    if (!text.empty() && text.back() == '.') text.pop_back();
    return text;
}

// Lower-cases text and turns every run of punctuation and spaces into one
// space, so that "In-school mentor:" and "in school mentor" compare equal.
// Bytes of multi-byte UTF-8 characters are kept as they are; apostrophes
// are dropped, so "St Mary's" becomes "st marys".
inline std::string normalise_text(const std::string& text) {
    std::string normalised;
    bool pending_space = false;
    for (const char byte : text) {
        const auto c = static_cast<unsigned char>(byte);
        if (std::isalnum(c) || c >= 0x80) {
            if (pending_space && !normalised.empty()) normalised += ' ';
            pending_space = false;
            normalised += static_cast<char>(std::tolower(c));
        } else if (c != '\'') {
            pending_space = true;
        }
    }
    return normalised;
}

// Returns the first number in `text` that is not part of a word, so that
// "Cambridge C1 Advanced 180" gives 180 and "IELTS 7.0 (2025)" gives 7.
inline std::optional<double> standalone_number_in(const std::string& text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (!std::isdigit(static_cast<unsigned char>(text[i]))) continue;
        const bool glued = i > 0 && std::isalpha(static_cast<unsigned char>(text[i - 1]));
        std::size_t end = i;
        while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) ||
                                     ((text[end] == '.' || text[end] == ',') && end + 1 < text.size() &&
                                      std::isdigit(static_cast<unsigned char>(text[end + 1]))))) {
            ++end;
        }
        const bool glued_after = end < text.size() && std::isalpha(static_cast<unsigned char>(text[end]));
        if (!glued && !glued_after) return number_in(Cell{CellType::text, text.substr(i, end - i), 0, false});
        i = end;
    }
    return std::nullopt;
}

}  // namespace iqts
