// C1.1 GCSE standard equivalent: every trainee has mathematics at a
// standard equivalent to GCSE grade 4, and trainees for ages 3 to 11 also a
// science. A record with one GCSE grade is compared with gcse.min_grade.
// Other wordings, such as equivalency tests and UK ENIC statements, are
// judged by the rule pack's gcse.accepted and gcse.below patterns.

#include <algorithm>
#include <cctype>
#include <memory>
#include <optional>

#include "iqts/check_support.hpp"
#include "iqts/plugin.hpp"

namespace {

using iqts::Finding;
using iqts::Status;

// A grade on the 9 to 1 scale, as the lowest and highest number a record
// can mean. A letter grade spans numbers: Ofqual aligns the bottom of 4 with
// the bottom of C, of 7 with A and of 1 with G, and puts 5 across the top of
// C and the bottom of B (UCAS, "GCSE graded 9-1, Ofqual accredited").
struct GradeRange {
    int low = 0;
    int high = 0;
};

std::optional<GradeRange> letter_grade(const std::string& token) {
    if (token == "a*") return GradeRange{8, 9};
    if (token == "a") return GradeRange{7, 8};
    if (token == "b") return GradeRange{5, 6};
    if (token == "c") return GradeRange{4, 5};
    if (token == "d") return GradeRange{3, 3};
    if (token == "e") return GradeRange{2, 3};
    if (token == "f") return GradeRange{1, 2};
    if (token == "g") return GradeRange{1, 1};
    if (token == "u") return GradeRange{0, 0};
    return std::nullopt;
}

std::vector<std::string> grade_tokens(const std::string& text) {
    std::vector<std::string> tokens;
    std::string token;
    for (const char c : text + " ") {
        const auto byte = static_cast<unsigned char>(c);
        if (std::isalnum(byte) || c == '*') {
            token += static_cast<char>(std::tolower(byte));
        } else if (!token.empty()) {
            tokens.push_back(token);
            token.clear();
        }
    }
    return tokens;
}

// Returns the one grade a record gives: a lone digit, or a letter that is
// the whole record, follows "grade", or ends a record that names a GCSE or O level.
// Returns nothing when the record gives no grade or several different ones.
std::optional<GradeRange> grade_in(const std::string& text) {
    const auto tokens = grade_tokens(text);
    const bool names_qualification = std::any_of(tokens.begin(), tokens.end(), [](const auto& token) {
        return token == "gcse" || token == "igcse" || token == "level" || token == "levels";
    });
    std::optional<GradeRange> found;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        std::optional<GradeRange> grade;
        const auto& token = tokens[i];
        if (token.size() == 1 && std::isdigit(static_cast<unsigned char>(token[0]))) {
            const int number = token[0] - '0';
            if (number >= 1) grade = GradeRange{number, number};
        } else {
            const bool alone = tokens.size() == 1;
            const bool after_grade = i > 0 && tokens[i - 1] == "grade";
            const bool last_of_qualification = names_qualification && i + 1 == tokens.size();
            if (alone || after_grade || last_of_qualification) grade = letter_grade(token);
        }
        if (!grade) continue;
        if (found && (found->low != grade->low || found->high != grade->high)) return std::nullopt;
        found = grade;
    }
    return found;
}

// The verdict on one subject's record, before it joins the trainee's finding.
struct Verdict {
    Status status = Status::missing;
    std::string message;
};

class GcseEquivalentCheck : public iqts::Check {
public:
    std::string criterion() const override { return "C1.1"; }
    std::string name() const override { return "gcse-equivalent"; }

    std::vector<Finding> run(const iqts::CheckContext& context) const override {
        if (auto gap = iqts::evidence::register_gap(context.cohort, "gcse_maths", "GCSE maths equivalent")) return {*gap};
        std::vector<Finding> findings;
        for (const auto& trainee : context.cohort.trainees) findings.push_back(assess(trainee, context));
        return findings;
    }

private:
    Finding assess(const iqts::Person& trainee, const iqts::CheckContext& context) const {
        Finding finding;
        finding.subject = iqts::evidence::subject_of(trainee);

        const auto* maths = trainee.first("gcse_maths");
        auto verdict = judge("maths", maths, context);
        if (maths) finding.evidence.push_back(maths->evidence);

        // Ages 3 to 11 also need a science at the same standard.
        const auto* phase = trainee.first("age_phase");
        if (phase && context.rules.matches_any("entry.age_phase_3_11", phase->value.text)) {
            const auto* science = trainee.first("gcse_science");
            const auto science_verdict = judge("science (needed for ages 3 to 11)", science, context);
            if (science) finding.evidence.push_back(science->evidence);
            verdict.status = iqts::worst(verdict.status, science_verdict.status);
            verdict.message += "; " + science_verdict.message;
        } else if (!phase) {
            verdict.message += "; no age phase recorded, so the science requirement for ages 3 to 11 was not checked";
        }

        finding.status = verdict.status;
        finding.message = verdict.message;
        if (finding.evidence.empty()) {
            if (const auto* row = trainee.first("register_row")) finding.evidence.push_back(row->evidence);
        }
        return finding;
    }

    // Judges one record. A single grade is compared with the minimum. Other
    // records pass when the rule pack accepts them, fail when it lists them
    // as below, and go to a person when they match both lists or neither.
    static Verdict judge(const std::string& subject, const iqts::Fact* fact, const iqts::CheckContext& context) {
        if (!fact) return {Status::missing, "no " + subject + " grade or equivalence recorded"};
        const auto& text = fact->value.text;
        const auto where = " at " + fact->evidence.location;
        const bool accepted = context.rules.matches_any("gcse.accepted", text);
        const bool below = context.rules.matches_any("gcse.below", text);
        const bool failure_words = context.rules.matches_any("gcse.failure_words", text);

        const int minimum = static_cast<int>(context.rules.number("gcse.min_grade").value_or(4));
        const auto minimum_text = "GCSE grade " + std::to_string(minimum);
        if (const auto grade = grade_in(text); grade && !failure_words) {
            if (grade->low >= minimum) return {Status::pass, subject + " '" + text + "' is at " + minimum_text + " or above"};
            if (grade->high < minimum) {
                return {Status::fail, subject + " '" + text + "'" + where + " is below " + minimum_text};
            }
            return {Status::review, subject + " '" + text + "'" + where + " may be below " + minimum_text +
                                        " (a letter grade spans two numbers); a person must check the certificate"};
        }

        if (accepted && !below) return {Status::pass, subject + " '" + text + "' is at grade 4 or equivalent"};
        if (below && !accepted) {
            return {Status::fail, subject + " '" + text + "'" + where + " is below " + minimum_text + " or equivalent"};
        }
        if (accepted && below) {
            return {Status::review, subject + " '" + text + "'" + where +
                                        " records both an accepted and a lower grade; a person must check "
                                        "the certificate"};
        }
        return {Status::review, subject + " '" + text + "'" + where +
                                    " is not a recognised equivalent of " + minimum_text + "; a person must check the certificate "
                                    "and any UK ENIC statement of comparability"};
    }
};

}  // namespace

IQTS_PLUGIN("gcse-equivalent", "0.1.0") {
    registry.add(std::make_unique<GcseEquivalentCheck>());
}
