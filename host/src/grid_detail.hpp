#pragma once

#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "iqts/values.hpp"

namespace iqts::host::grid_detail {

// Normalises a heading, title or file name for comparison: lower case, words
// separated by single spaces, with typographic dashes and quotes and '&'
// treated as ASCII punctuation and "and".
inline std::string normalise_words(std::string_view text) {
    static constexpr std::string_view separators[] = {"\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2015",
                                                      "\u2212", "\u2018", "\u2019", "\u201C", "\u201D", "\u2026",
                                                      "\u00A0"};
    std::string plain;
    plain.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        bool replaced = false;
        for (const auto separator : separators) {
            if (text.substr(i).starts_with(separator)) {
                plain += ' ';
                i += separator.size();
                replaced = true;
                break;
            }
        }
        if (replaced) continue;
        if (text[i] == '&') {
            plain += " and ";
        } else {
            plain += text[i];
        }
        ++i;
    }
    return normalise_text(plain);
}

// Splits normalised text at its single spaces.
inline std::vector<std::string> split_words(const std::string& normalised) {
    std::vector<std::string> words;
    std::size_t start = 0;
    while (start < normalised.size()) {
        auto end = normalised.find(' ', start);
        if (end == std::string::npos) end = normalised.size();
        if (end > start) words.push_back(normalised.substr(start, end - start));
        start = end + 1;
    }
    return words;
}

// Returns the last component of a path or link, after '/' or '\'.
inline std::string_view last_component(std::string_view path) {
    while (!path.empty() && (path.back() == '/' || path.back() == '\\')) path.remove_suffix(1);
    const auto slash = path.find_last_of("/\\");
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// Returns a file name without its extension: "Mentor handbook.docx" gives
// "Mentor handbook". A dot followed by a space or more than 5 characters is
// taken as part of the name, not an extension.
inline std::string_view file_stem(std::string_view name) {
    const auto dot = name.find_last_of('.');
    if (dot == std::string_view::npos || dot == 0 || name.size() - dot - 1 > 5) return name;
    const auto extension = name.substr(dot + 1);
    for (const char c : extension) {
        if (!std::isalnum(static_cast<unsigned char>(c))) return name;
    }
    return name.substr(0, dot);
}

}  // namespace iqts::host::grid_detail
