#include "iqts/host/waivers.hpp"

#include <algorithm>
#include <filesystem>

#include <yaml-cpp/yaml.h>

#include "iqts/check_support.hpp"
#include "iqts/host/rule_checks.hpp"

namespace iqts::host {
namespace {

const std::vector<std::string> waiver_keys{"criterion", "subject", "justification", "expires", "approved_by"};

std::string joined_lines(const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& line : lines) text += (text.empty() ? "" : "\n") + line;
    return text;
}

bool is_iso_date(const std::string& text) {
    return text.size() == 10 && text[4] == '-' && text[7] == '-' && evidence::detail::date_at(text, 0).has_value();
}

bool matches(const Waiver& waiver, const std::string& criterion, const Finding& finding) {
    return waiver.criterion == criterion && (waiver.subject.empty() || waiver.subject == finding.subject);
}

std::optional<Waiver> read_waiver(const std::string& path, const YAML::Node& node,
                                  const std::vector<std::string>& known_criteria, std::vector<std::string>& errors) {
    const auto before = errors.size();
    if (!node.IsMap()) {
        errors.push_back(error_at(path, node.Mark(), "a waiver is a map; write `- criterion: C1.3` followed by "
                                                     "justification, expires and approved_by"));
        return std::nullopt;
    }
    for (const auto& item : node) {
        const auto key = item.first.Scalar();
        if (std::find(waiver_keys.begin(), waiver_keys.end(), key) != waiver_keys.end()) continue;
        const auto suggestion = closest_match(key, waiver_keys);
        errors.push_back(error_at(path, item.first.Mark(),
                                  "unknown key `" + key + "` in a waiver; " +
                                      (suggestion.empty() ? "write criterion, subject, justification, expires or "
                                                            "approved_by"
                                                          : "did you mean `" + suggestion + "`?")));
    }

    Waiver waiver;
    waiver.position = position_of(path, node.Mark());
    const auto field = [&](const std::string& key, bool required) {
        const auto value = node[key];
        if (!value) {
            if (required) {
                errors.push_back(error_at(path, node.Mark(), "waiver has no `" + key + "`; add `" + key + ": ...`"));
            }
            return std::string();
        }
        if (!value.IsScalar() || value.Scalar().empty()) {
            errors.push_back(error_at(path, value.Mark(), "`" + key + "` must be one non-empty value; write `" + key +
                                                              ": ...` on one line"));
            return std::string();
        }
        return value.Scalar();
    };
    waiver.criterion = field("criterion", true);
    waiver.subject = field("subject", false);
    waiver.justification = field("justification", true);
    waiver.expires = field("expires", true);
    waiver.approved_by = field("approved_by", true);

    if (!waiver.criterion.empty() &&
        std::find(known_criteria.begin(), known_criteria.end(), waiver.criterion) == known_criteria.end()) {
        const auto suggestion = closest_match(waiver.criterion, known_criteria);
        errors.push_back(error_at(path, node["criterion"].Mark(),
                                  "unknown criterion '" + waiver.criterion + "'; " +
                                      (suggestion.empty() ? "use a criterion id such as C1.3"
                                                          : "did you mean " + suggestion + "?")));
    }
    if (!waiver.expires.empty() && !is_iso_date(waiver.expires)) {
        errors.push_back(error_at(path, node["expires"].Mark(),
                                  "expires '" + waiver.expires + "' is not a date; write it as YYYY-MM-DD"));
    }
    if (errors.size() != before) return std::nullopt;
    return waiver;
}

}  // namespace

WaiverError::WaiverError(const std::vector<std::string>& errors)
    : std::runtime_error(joined_lines(errors)), errors_(errors) {}

std::vector<Waiver> load_waivers(const std::string& path, const std::vector<std::string>& known_criteria) {
    std::error_code folder_error;
    if (std::filesystem::is_directory(path, folder_error)) {
        throw WaiverError({path + ": error: is a folder; give the waiver YAML file itself, e.g. --waivers "
                                  "waivers.yaml"});
    }
    YAML::Node root;
    try {
        root = YAML::LoadFile(path);
    } catch (const YAML::ParserException& exception) {
        throw WaiverError({error_at(path, exception.mark, "invalid YAML: " + exception.msg +
                                                              "; fix the indentation or quoting at this place")});
    } catch (const YAML::BadFile&) {
        throw WaiverError({path + ": error: cannot be read; check that the waiver file exists and is readable"});
    } catch (const std::ios_base::failure& error) {
        throw WaiverError({path + ": error: cannot be read (" + error.what() + "); check that it is a readable file"});
    }
    if (root.IsNull()) return {};
    if (!root.IsSequence()) {
        throw WaiverError({error_at(path, root.Mark(), "a waiver file is a list; write each waiver as "
                                                       "`- criterion: C1.3`")});
    }

    std::vector<std::string> errors;
    std::vector<Waiver> waivers;
    for (const auto& node : root) {
        if (auto waiver = read_waiver(path, node, known_criteria, errors)) waivers.push_back(std::move(*waiver));
    }
    if (!errors.empty()) throw WaiverError(errors);
    return waivers;
}

void apply_waivers(std::vector<CriterionResult>& results, const std::vector<Waiver>& waivers,
                   const std::string& reference_date) {
    for (auto& result : results) {
        const auto& criterion = result.criterion.id;
        std::vector<Finding> expired;
        for (const auto& waiver : waivers) {
            if (waiver.criterion != criterion) continue;
            // ISO dates compare in calendar order as strings.
            if (waiver.expires < reference_date) {
                const auto subject = waiver.subject.empty() ? "criterion " + criterion : waiver.subject;
                expired.push_back(Finding{Status::review, waiver.subject,
                                          "waiver for " + subject + " expired on " + waiver.expires +
                                              "; renew it or fix the finding",
                                          {}});
                continue;
            }
            for (auto& finding : result.findings) {
                if (finding.status == Status::pass || finding.status == Status::waived) continue;
                if (!matches(waiver, criterion, finding)) continue;
                finding.status = Status::waived;
                finding.message += " (waived until " + waiver.expires + ": " + waiver.justification +
                                   ", approved by " + waiver.approved_by + ")";
            }
        }
        for (auto& finding : expired) result.findings.push_back(std::move(finding));
        result.status = Status::pass;
        for (const auto& finding : result.findings) result.status = worst(result.status, finding.status);
    }
}

}  // namespace iqts::host
