#include <string>
#include <string_view>

#include "iqts/host/extract.hpp"
#include "iqts/host/text_encoding.hpp"
#include "text_budget.hpp"

namespace iqts::host {

namespace {

bool is_blank(std::string_view line) {
    return line.find_first_not_of(" \t\f\v") == std::string_view::npos;
}

// Returns the line that starts at `pos` and moves `pos` past its end of
// line, which may be LF, CR LF or a lone CR.
std::string_view next_line(std::string_view text, std::size_t& pos) {
    auto end = pos;
    while (end < text.size() && text[end] != '\n' && text[end] != '\r') ++end;
    if (end == text.size()) {
        const auto line = text.substr(pos);
        pos = text.size();
        return line;
    }
    const auto line = text.substr(pos, end - pos);
    pos = end + 1;
    if (text[end] == '\r' && pos < text.size() && text[pos] == '\n') ++pos;
    return line;
}

}  // namespace

Extraction extract_plain_text(const std::string& path, std::string_view bytes, const ExtractLimits& limits) {
    Extraction extraction;
    auto& document = extraction.document;
    document.path = path;
    document.kind = "txt";

    const auto decoded = decode_text(bytes);
    const std::string_view text = decoded.text;
    TextBudget budget(limits.max_text_bytes);

    // One block per paragraph: a run of non-blank lines.
    TextBlock paragraph;
    const auto finish_paragraph = [&] {
        if (paragraph.text.empty()) return;
        paragraph.text.resize(budget.admit(paragraph.text));
        if (!paragraph.text.empty()) document.blocks.push_back(std::move(paragraph));
        paragraph = TextBlock{};
    };

    std::size_t pos = 0;
    std::size_t line_number = 0;
    while (pos < text.size() && !budget.exhausted()) {
        const auto line = next_line(text, pos);
        ++line_number;
        if (is_blank(line)) {
            finish_paragraph();
            continue;
        }
        if (paragraph.text.empty()) {
            paragraph.location = "line " + std::to_string(line_number);
        } else {
            paragraph.text += '\n';
        }
        paragraph.text.append(line);
    }
    finish_paragraph();

    if (budget.exhausted()) {
        extraction.status = FileStatus::review;
        extraction.reason = TextBudget::exhausted_reason;
    }
    return extraction;
}

}  // namespace iqts::host
