// C1.3 English language proficiency: every trainee has an average IELTS
// score of at least 6.5, an equivalent score in another English test from
// the rule pack's `english_tests` table, or education in English (which a
// person must confirm).

#include <cmath>
#include <memory>
#include <optional>

#include "iqts/plugin.hpp"
#include "iqts/values.hpp"

namespace {

using iqts::Finding;
using iqts::Status;

// One route by which a trainee may meet the criterion, with its verdict.
struct Route {
    Status status = Status::review;
    std::string message;
    iqts::Evidence evidence;
    bool has_result = true;   // false for a test named without a readable score
};

// Ranks the routes: one passing route is enough, and a route a person must
// judge outranks a failing one, unless it only names a test without a score.
int preference(const Route& route) {
    switch (route.status) {
        case Status::pass: return 0;
        case Status::review: return route.has_result ? 1 : 3;
        case Status::fail: return 2;
        default: return 4;
    }
}

class EnglishLanguageCheck : public iqts::Check {
public:
    std::string criterion() const override { return "C1.3"; }
    std::string name() const override { return "english-language"; }

    std::vector<Finding> run(const iqts::CheckContext& context) const override {
        std::vector<Finding> findings;
        if (context.cohort.trainees.empty()) {
            findings.push_back({Status::missing, "",
                                "no trainee register found: no spreadsheet has a header row with a trainee id "
                                "or name and an English language column (such as 'IELTS overall')",
                                {}});
            return findings;
        }
        for (const auto& trainee : context.cohort.trainees) findings.push_back(assess(trainee, context));
        return findings;
    }

private:
    Finding assess(const iqts::Person& trainee, const iqts::CheckContext& context) const {
        std::vector<Route> routes;
        const auto ielts_min = context.rules.number("english.ielts_overall_min").value_or(6.5);

        if (const auto* fact = trainee.first("ielts_overall")) {
            routes.push_back(score_route("IELTS overall", number_in(fact->value), ielts_min, fact->evidence,
                                         fact->value.text));
        }
        const auto* test = trainee.first("english_test");
        const auto* score = trainee.first("english_score");
        if (test) {
            const auto text = test->value.text + (score ? " " + score->value.text : "");
            routes.push_back(test_route(text, score ? score->evidence : test->evidence, context));
        } else if (score) {
            routes.push_back(score_route("IELTS overall", number_in(score->value), ielts_min, score->evidence,
                                         score->value.text));
        }
        if (const auto* fact = trainee.first("english_evidence")) {
            routes.push_back(test_route(fact->value.text, fact->evidence, context));
        }

        Finding finding;
        finding.subject = trainee.id.empty() ? trainee.name : trainee.id;
        if (routes.empty()) {
            finding.status = Status::missing;
            finding.message = "no English language evidence recorded (IELTS 6.5 overall, an equivalent test, "
                              "or education in English)";
            if (const auto* row = trainee.first("register_row")) finding.evidence.push_back(row->evidence);
            return finding;
        }
        const Route* best = &routes.front();
        for (const auto& route : routes) {
            if (preference(route) < preference(*best)) best = &route;
        }
        finding.status = best->status;
        finding.message = best->message;
        finding.evidence.push_back(best->evidence);
        return finding;
    }

    // Returns whether `as_written` puts a minus sign before its first digit,
    // which number_in skips.
    static bool written_negative(const std::string& as_written) {
        const auto digit = as_written.find_first_of("0123456789");
        if (digit == std::string::npos) return false;
        const auto sign = as_written.find_last_not_of(" ", digit == 0 ? 0 : digit - 1);
        return digit > 0 && sign != std::string::npos && as_written[sign] == '-';
    }

    static Route score_route(const std::string& test, std::optional<double> score, double minimum,
                             const iqts::Evidence& evidence, const std::string& as_written) {
        if (!score) {
            return {Status::review, test + " '" + as_written + "' is not a score; write the overall result, e.g. 6.5",
                    evidence, false};
        }
        // An IELTS band runs from 0 to 9 in half bands. Any other value is a
        // typing error or another test's score, so a person must check it.
        const bool band = test.rfind("IELTS", 0) == 0;
        const bool half_band = std::fabs(*score * 2 - std::round(*score * 2)) < 1e-9;
        if (*score < 0 || written_negative(as_written) || (band && (*score > 9 || !half_band))) {
            return {Status::review,
                    test + " '" + (as_written.empty() ? iqts::format_number(*score) : as_written) +
                        "' is not a possible " + (band ? "band score (0 to 9 in half bands)" : "score") +
                        "; check the certificate and correct the register",
                    evidence};
        }
        const auto figures = iqts::format_number(*score) + " (minimum " + iqts::format_number(minimum) + ")";
        if (*score >= minimum) return {Status::pass, test + " " + figures, evidence};
        return {Status::fail, test + " " + iqts::format_number(*score) + " is below " + iqts::format_number(minimum),
                evidence};
    }

    // Judges a free-text entry such as "TOEFL iBT 95" or "Degree taught in
    // English" against the equivalents table and the education patterns.
    static Route test_route(const std::string& text, const iqts::Evidence& evidence,
                            const iqts::CheckContext& context) {
        for (const auto& row : context.rules.table("english_tests")) {
            const auto pattern = row.find("pattern");
            if (pattern == row.end() || !context.rules.matches(pattern->second, text)) continue;
            const auto test = row.count("test") ? row.at("test") : pattern->second;
            if (const auto levels = row.find("accepted_levels"); levels != row.end()) {
                if (context.rules.matches(levels->second, text)) {
                    return {Status::pass, test + " '" + text + "' is an accepted equivalent of IELTS 6.5", evidence};
                }
                return {Status::fail, test + " '" + text + "' is below the level accepted as equivalent to IELTS 6.5",
                        evidence};
            }
            const auto minimum = row.find("overall_min");
            if (minimum == row.end()) break;
            double threshold = 0;
            try {
                threshold = std::stod(minimum->second);
            } catch (const std::exception&) {
                return {Status::error, "the equivalents table gives '" + minimum->second + "' as the minimum for " +
                                           test + "; write a number",
                        evidence};
            }
            const auto score = iqts::standalone_number_in(text);
            if (!score && text.find_first_of("0123456789") == std::string::npos) {
                return {Status::review,
                        "'" + text + "' names the test but no " + test + " score is recorded; add the overall "
                        "result to the register",
                        evidence, false};
            }
            return score_route(test, score, threshold, evidence, text);
        }
        if (context.rules.matches_any("english.education_in_english", text)) {
            return {Status::review,
                    "education in English recorded ('" + text + "'); a person must confirm the evidence, such as a "
                    "medium-of-instruction letter or transcript",
                    evidence};
        }
        return {Status::review,
                "'" + text + "' is not a test in the equivalents table; a person must judge whether it is "
                "equivalent to IELTS 6.5",
                evidence};
    }
};

}  // namespace

IQTS_PLUGIN("english-language", "0.1.0") {
    registry.add(std::make_unique<EnglishLanguageCheck>());
}
