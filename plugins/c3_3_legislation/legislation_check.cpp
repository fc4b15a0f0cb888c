// C3.3 Legislation: the export holds a data protection policy, a
// safeguarding policy, and evidence that the provider knows the relevant
// local legislation of each trainee's country. A person judges adequacy.

#include <memory>
#include <set>

#include "iqts/check_support.hpp"
#include "iqts/plugin.hpp"
#include "iqts/values.hpp"

namespace {

using iqts::Finding;
using iqts::Status;
namespace evidence = iqts::evidence;

bool mentions(const std::string& haystack, const std::string& name) {
    const auto needle = iqts::normalise_text(name);
    return !needle.empty() &&
           (" " + iqts::normalise_text(haystack) + " ").find(" " + needle + " ") != std::string::npos;
}

// A text block or table row that names a law, with where it sits.
struct Passage {
    std::string text;
    iqts::Evidence where;
};

class LegislationCheck : public iqts::Check {
public:
    std::string criterion() const override { return "C3.3"; }
    std::string name() const override { return "legislation"; }

    std::vector<Finding> run(const iqts::CheckContext& context) const override {
        std::vector<Finding> findings;
        findings.push_back(policy(context, "legislation.data_protection", "data protection policy", "data protection"));
        findings.push_back(policy(context, "legislation.safeguarding", "safeguarding policy", "safeguarding"));
        findings.push_back(local_legislation(context));

        Finding adequacy{Status::review, "",
                         "a person must judge whether the policies are adequate and follow current legislation, in "
                         "the UK and in each trainee's country",
                         {}};
        for (const auto& finding : findings) {
            adequacy.evidence.insert(adequacy.evidence.end(), finding.evidence.begin(), finding.evidence.end());
        }
        findings.push_back(std::move(adequacy));
        return findings;
    }

private:
    static Finding policy(const iqts::CheckContext& context, const std::string& key, const std::string& item,
                          const std::string& subject) {
        auto finding = evidence::document_finding(context, key, item);
        finding.subject = subject;
        return finding;
    }

    // Passes when a local-legislation note exists and names a law for every
    // trainee's country; a note that leaves a country out goes to a person.
    static Finding local_legislation(const iqts::CheckContext& context) {
        Finding finding;
        finding.subject = "local legislation";
        std::vector<iqts::Evidence> notes;
        std::vector<Passage> laws;
        // Each key's patterns are joined once, not for every block and row.
        const auto note_words = context.rules.alternation("legislation.local_note");
        const auto law_words = context.rules.alternation("legislation.law_words");
        const auto matches = [&](const std::string& pattern, const std::string& text) {
            return !pattern.empty() && context.rules.matches(pattern, text);
        };
        for (const auto& document : context.index.documents()) {
            if (evidence::names_document(document, "legislation.local_note", context.rules)) {
                notes.push_back({document.path, ""});
            }
            for (const auto& block : document.blocks) {
                if (matches(note_words, block.text)) {
                    notes.push_back({document.path, block.location});
                }
                if (matches(law_words, block.text)) {
                    laws.push_back({block.text, {document.path, block.location}});
                }
            }
            for (const auto& table : document.tables) {
                for (std::size_t row = 0; row < table.rows.size(); ++row) {
                    std::string text;
                    for (const auto& cell : table.rows[row]) text += cell.text + " | ";
                    if (matches(law_words, text)) {
                        laws.push_back({text, {document.path, table.location(row, 0)}});
                    }
                }
            }
        }

        std::set<std::string> countries;
        for (const auto& trainee : context.cohort.trainees) {
            if (const auto* country = trainee.first("country")) countries.insert(country->value.text);
        }
        std::string covered;
        std::string uncovered;
        for (const auto& country : countries) {
            const Passage* found = nullptr;
            for (const auto& passage : laws) {
                if (!found && mentions(passage.text, country)) found = &passage;
            }
            if (found) finding.evidence.push_back(found->where);
            auto& list = found ? covered : uncovered;
            list += (list.empty() ? "" : ", ") + country;
        }
        if (!notes.empty()) finding.evidence.insert(finding.evidence.begin(), notes.front());

        if (notes.empty() && covered.empty()) {
            const auto search = evidence::find_documents(context, "legislation.local_note");
            if (!search.unreadable.empty()) {
                const auto* record = search.unreadable.front();
                finding.status = Status::review;
                finding.message = "the local legislation note " + evidence::file_name(record->path) +
                                  " cannot be read (" + record->reason + "); a person must read it";
                finding.evidence = {{record->path, ""}};
                return finding;
            }
            finding.status = Status::missing;
            finding.message = "no note on local legislation found, and no document names a law of " +
                              (uncovered.empty() ? std::string("the trainees' countries") : uncovered) +
                              "; add a note on the relevant local legislation for each trainee's country";
            return finding;
        }
        if (!uncovered.empty()) {
            finding.status = Status::review;
            finding.message = "no document names a law of " + uncovered +
                              "; a person must check that the provider knows the relevant local legislation there";
            return finding;
        }
        finding.status = Status::pass;
        finding.message = countries.empty() ? "local legislation note found"
                                            : "local legislation named for every trainee's country: " + covered;
        return finding;
    }
};

}  // namespace

IQTS_PLUGIN("legislation", "0.1.0") {
    registry.add(std::make_unique<LegislationCheck>());
}
