// C3.2 Partnerships and structures: every placement school named in the
// registers has a partnership agreement in the export that sets out the
// roles and responsibilities of the provider and the school, and is signed
// and dated.

#include <algorithm>
#include <memory>

#include "iqts/plugin.hpp"
#include "iqts/values.hpp"

namespace {

using iqts::Finding;
using iqts::Status;

std::string file_name(const std::string& path) {
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Returns the paragraphs and table cells of a document, where signature
// blocks often sit.
std::vector<std::string> lines_of(const iqts::Document& document) {
    std::vector<std::string> lines;
    for (const auto& block : document.blocks) lines.push_back(block.text);
    for (const auto& table : document.tables) {
        for (const auto& row : table.rows) {
            for (const auto& cell : row) {
                if (!cell.text.empty()) lines.push_back(cell.text);
            }
        }
    }
    return lines;
}

// True for a heading such as "4. Signatures", which names the signature
// block but is no signature.
bool is_signature_heading(const std::string& line) {
    auto words = iqts::normalise_text(line);
    const auto first = words.find_first_not_of("0123456789 ");
    words = first == std::string::npos ? "" : words.substr(first);
    while (!words.empty() && words.back() == ' ') words.pop_back();
    return words == "signature" || words == "signatures";
}

bool mentions(const std::string& haystack, const std::string& school) {
    const auto name = iqts::normalise_text(school);
    return !name.empty() && (" " + iqts::normalise_text(haystack) + " ").find(" " + name + " ") != std::string::npos;
}

bool names_other_school(const std::string& name, const iqts::Person& school, const iqts::Cohort& cohort) {
    return std::any_of(cohort.schools.begin(), cohort.schools.end(), [&](const iqts::Person& other) {
        return other.name != school.name && mentions(name, other.name);
    });
}

class PartnershipCheck : public iqts::Check {
public:
    std::string criterion() const override { return "C3.2"; }
    std::string name() const override { return "partnership-agreements"; }

    std::vector<Finding> run(const iqts::CheckContext& context) const override {
        std::vector<Finding> findings;
        const auto agreements = find_agreements(context);
        if (context.cohort.schools.empty()) {
            findings.push_back({Status::missing, "",
                                "no placement schools found: the trainee register needs a 'Placement school' column",
                                {}});
            return findings;
        }
        for (const auto& school : context.cohort.schools) findings.push_back(assess(school, agreements, context));
        return findings;
    }

private:
    static std::vector<const iqts::Document*> find_agreements(const iqts::CheckContext& context) {
        std::vector<const iqts::Document*> found;
        for (const auto& document : context.index.documents()) {
            const auto opening = document.blocks.empty() ? std::string() : document.blocks.front().text;
            const auto names = document.path + "\n" + document.title + "\n" + opening;
            if (context.rules.matches_any("partnership.agreement_documents", names)) found.push_back(&document);
        }
        return found;
    }

    Finding assess(const iqts::Person& school, const std::vector<const iqts::Document*>& agreements,
                   const iqts::CheckContext& context) const {
        Finding finding;
        finding.subject = school.name;

        // An agreement names the school in its file name or title, or failing that in its text.
        const iqts::Document* agreement = nullptr;
        for (const auto* document : agreements) {
            if (mentions(file_name(document->path) + " " + document->title, school.name)) agreement = document;
        }
        for (const auto* document : agreements) {
            if (!agreement && mentions(document->text(), school.name)) agreement = document;
        }
        if (agreement) return judge(*agreement, school, context);

        for (const auto& pattern : context.rules.patterns("partnership.agreement_documents")) {
            for (const auto* record : context.index.unreadable(pattern)) {
                const auto name = file_name(record->path);
                if (names_other_school(name, school, context.cohort)) continue;
                const bool seen = std::any_of(finding.evidence.begin(), finding.evidence.end(),
                                              [&](const auto& evidence) { return evidence.path == record->path; });
                if (!seen) finding.evidence.push_back({record->path, ""});
                if (mentions(name, school.name)) {
                    finding.status = Status::review;
                    finding.message = "the partnership agreement with " + school.name + " cannot be read (" +
                                      record->reason + "); a person must check it is signed and dated";
                    finding.evidence = {{record->path, ""}};
                    return finding;
                }
            }
        }
        if (!finding.evidence.empty()) {
            finding.status = Status::review;
            finding.message = "no readable partnership agreement names " + school.name +
                              "; one of the unreadable agreements may be it";
            return finding;
        }
        finding.status = Status::missing;
        finding.message = "no partnership agreement found for placement school " + school.name;
        if (const auto* named = school.first("named_by")) finding.evidence.push_back(named->evidence);
        return finding;
    }

    static Finding judge(const iqts::Document& agreement, const iqts::Person& school,
                         const iqts::CheckContext& context) {
        Finding finding;
        finding.subject = school.name;
        finding.evidence.push_back({agreement.path, ""});
        const auto& rules = context.rules;
        const auto lines = lines_of(agreement);
        std::string text;
        bool signed_agreement = false;
        for (const auto& line : lines) {
            text += line + "\n";
            if (rules.matches_any("partnership.signature", line) && !rules.matches_any("partnership.unsigned", line) &&
                !is_signature_heading(line)) {
                signed_agreement = true;
            }
        }
        const bool dated = rules.matches_any("partnership.date", text);
        const bool roles = rules.matches_any("partnership.responsibilities", text) &&
                           rules.matches_any("partnership.provider_role", text) &&
                           rules.matches_any("partnership.school_role", text);
        if (!signed_agreement || !dated) {
            finding.status = Status::fail;
            finding.message = "the partnership agreement with " + school.name + " is not " +
                              (!signed_agreement ? "signed" : "dated") + "; add the signatures and the date";
        } else if (!roles) {
            finding.status = Status::fail;
            finding.message = "the partnership agreement with " + school.name +
                              " does not set out the roles and responsibilities of both the provider and the school";
        } else {
            finding.status = Status::pass;
            finding.message = "signed and dated partnership agreement with " + school.name;
        }
        return finding;
    }
};

}  // namespace

IQTS_PLUGIN("partnership-agreements", "0.1.0") {
    registry.add(std::make_unique<PartnershipCheck>());
}
