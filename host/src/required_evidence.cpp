#include "iqts/host/required_evidence.hpp"

namespace iqts::host {

std::vector<EvidenceItem> find_required_evidence(const EvidenceIndex& index, const RulePack& rules) {
    std::vector<EvidenceItem> items;
    for (const auto& row : rules.table("required_evidence")) {
        const auto item = row.find("item");
        const auto pattern = row.find("pattern");
        if (item == row.end() || pattern == row.end()) continue;

        EvidenceItem found{item->second, Status::missing, {}};
        for (const auto& document : index.documents()) {
            if (rules.matches(pattern->second, document.path) || rules.matches(pattern->second, document.title) ||
                (!document.blocks.empty() && rules.matches(pattern->second, document.blocks.front().text))) {
                found.paths.push_back(document.path);
            }
        }
        if (!found.paths.empty()) {
            found.status = Status::pass;
        } else {
            for (const auto* record : index.unreadable(pattern->second)) found.paths.push_back(record->path);
            if (!found.paths.empty()) found.status = Status::review;
        }
        items.push_back(std::move(found));
    }
    return items;
}

}  // namespace iqts::host
