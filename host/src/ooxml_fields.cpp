#include "iqts/host/ooxml_fields.hpp"

#include <vector>

namespace iqts::host::ooxml {

namespace {

// Splits a field instruction into words, keeping quoted arguments whole.
std::vector<std::string> field_words(std::string_view instruction) {
    std::vector<std::string> words;
    std::size_t i = 0;
    while (i < instruction.size()) {
        while (i < instruction.size() && (instruction[i] == ' ' || instruction[i] == '\t')) ++i;
        if (i >= instruction.size()) break;
        std::string word;
        if (instruction[i] == '"') {
            ++i;
            while (i < instruction.size() && instruction[i] != '"') word += instruction[i++];
            ++i;
        } else {
            while (i < instruction.size() && instruction[i] != ' ' && instruction[i] != '\t') word += instruction[i++];
        }
        words.push_back(std::move(word));
    }
    return words;
}

}  // namespace

std::string hyperlink_field_target(std::string_view instruction) {
    const auto words = field_words(instruction);
    if (words.empty() || words.front() != "HYPERLINK") return {};

    std::string target;
    std::string anchor;
    for (std::size_t i = 1; i < words.size(); ++i) {
        const std::string& word = words[i];
        if (word == "\\l" && i + 1 < words.size()) {
            anchor = words[++i];
        } else if ((word == "\\o" || word == "\\t") && i + 1 < words.size()) {
            ++i;  // a screen tip or a target frame, not part of the address
        } else if (!word.starts_with('\\') && target.empty()) {
            target = word;
        }
    }
    if (!anchor.empty()) target += "#" + anchor;
    return target;
}

}  // namespace iqts::host::ooxml
