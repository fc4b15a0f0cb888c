#include "iqts/host/required_evidence.hpp"

#include <re2/set.h>

#include "iqts/host/rule_checks.hpp"

namespace iqts::host {
namespace {

struct Item {
    std::string name;
    std::string pattern;
};

// Matches every item's pattern at once, so that each path, title and
// opening block is read once rather than once per item. The patterns are
// compiled with the options RulePack::matches uses.
class ItemMatcher {
public:
    ItemMatcher(const std::vector<Item>& items, const RulePack& rules)
        : items_(items), rules_(rules), set_(pattern_options(), RE2::UNANCHORED) {
        bool added_all = true;
        for (const auto& item : items_) added_all = set_.Add(item.pattern, nullptr) >= 0 && added_all;
        // When the set rejects a pattern, every pattern is matched alone, and
        // an invalid one matches nothing, as in RulePack::matches.
        usable_ = added_all && set_.Compile();
    }

    // Adds to `matched` the positions of the items whose pattern matches `text`.
    void match(const std::string& text, std::vector<bool>& matched) const {
        if (text.empty()) return;
        if (usable_) {
            std::vector<int> found;
            RE2::Set::ErrorInfo error;
            if (set_.Match(text, &found, &error)) {
                for (const int position : found) matched[static_cast<std::size_t>(position)] = true;
                return;
            }
            // No match, or the set ran out of memory: only the latter needs the slow path.
            if (error.kind == RE2::Set::kNoError) return;
        }
        for (std::size_t i = 0; i < items_.size(); ++i) {
            if (!matched[i] && rules_.matches(items_[i].pattern, text)) matched[i] = true;
        }
    }

private:
    const std::vector<Item>& items_;
    const RulePack& rules_;
    RE2::Set set_;
    bool usable_ = false;
};

}  // namespace

std::vector<EvidenceItem> find_required_evidence(const EvidenceIndex& index, const RulePack& rules) {
    std::vector<Item> items;
    for (const auto& row : rules.table("required_evidence")) {
        const auto item = row.find("item");
        const auto pattern = row.find("pattern");
        if (item != row.end() && pattern != row.end()) items.push_back({item->second, pattern->second});
    }

    std::vector<EvidenceItem> found;
    for (const auto& item : items) found.push_back(EvidenceItem{item.name, Status::missing, {}});
    const ItemMatcher matcher(items, rules);
    for (const auto& document : index.documents()) {
        std::vector<bool> matched(items.size(), false);
        matcher.match(document.path, matched);
        matcher.match(document.title, matched);
        if (!document.blocks.empty()) matcher.match(document.blocks.front().text, matched);
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (matched[i]) found[i].paths.push_back(document.path);
        }
    }

    for (std::size_t i = 0; i < items.size(); ++i) {
        if (!found[i].paths.empty()) {
            found[i].status = Status::pass;
            continue;
        }
        for (const auto* record : index.unreadable(items[i].pattern)) found[i].paths.push_back(record->path);
        if (!found[i].paths.empty()) found[i].status = Status::review;
    }
    return found;
}

}  // namespace iqts::host
