#pragma once

#include <cstddef>
#include <string_view>

#include "iqts/host/text_encoding.hpp"

namespace iqts::host {

// Counts the bytes of text one extractor keeps, against
// ExtractLimits::max_text_bytes, so that a huge file stops early instead of
// filling memory.
class TextBudget {
public:
    static constexpr std::string_view exhausted_reason = "text limit reached, raise --max-text-mb";

    explicit TextBudget(std::size_t max_bytes) : left_(max_bytes) {}

    // Returns how many leading bytes of `text` fit, cut at a UTF-8 sequence
    // boundary, and charges them. Once a text did not fit whole,
    // exhausted() is true.
    std::size_t admit(std::string_view text) {
        if (text.size() <= left_) {
            left_ -= text.size();
            return text.size();
        }
        const auto length = utf8_cut_length(text, left_);
        left_ = 0;
        exhausted_ = true;
        return length;
    }

    bool exhausted() const { return exhausted_; }

private:
    std::size_t left_;
    bool exhausted_ = false;
};

}  // namespace iqts::host
