#include <map>
#include <sstream>

#include <pugixml.hpp>

#include "iqts/host/report_ci.hpp"
#include "report_summary.hpp"

namespace iqts::host {
namespace {

const char* part_name(int part) {
    switch (part) {
        case 1: return "Part 1 - Entry";
        case 2: return "Part 2 - Training";
        case 3: return "Part 3 - Management and quality assurance";
    }
    return "Other criteria";
}

using report_detail::to_xml_text;

struct Case {
    Status status = Status::pass;
    std::vector<const Finding*> findings;
};

std::string describe(const Finding& finding) {
    std::string line = "[" + std::string(to_string(finding.status)) + "] " + finding.message;
    for (const auto& evidence : finding.evidence) {
        line += "\n    " + evidence.path;
        if (!evidence.location.empty()) line += " (" + evidence.location + ")";
    }
    return line;
}

struct Counts {
    int tests = 0;
    int failures = 0;
    int skipped = 0;
};

void set_counts(pugi::xml_node node, const Counts& counts) {
    node.append_attribute("tests") = counts.tests;
    node.append_attribute("failures") = counts.failures;
    node.append_attribute("errors") = 0;
    node.append_attribute("skipped") = counts.skipped;
}

}  // namespace

void write_junit(const Report& report, std::ostream& out) {
    pugi::xml_document document;
    auto declaration = document.append_child(pugi::node_declaration);
    declaration.append_attribute("version") = "1.0";
    declaration.append_attribute("encoding") = "UTF-8";
    auto suites = document.append_child("testsuites");
    suites.append_attribute("name") = "iqts-scan";
    Counts total;

    std::map<int, std::vector<const CriterionResult*>> parts;
    for (const auto& result : report.criteria) parts[result.criterion.part].push_back(&result);
    std::map<int, pugi::xml_node> suite_nodes;
    for (const auto& [part, results] : parts) {
        auto suite = suites.append_child("testsuite");
        suite.append_attribute("name") = part_name(part);
        Counts counts;
        for (const auto* result : results) {
            // Findings keep their order; each subject becomes one testcase.
            std::vector<std::string> order;
            std::map<std::string, Case> cases;
            for (const auto& finding : result->findings) {
                if (!cases.count(finding.subject)) order.push_back(finding.subject);
                auto& entry = cases[finding.subject];
                entry.status = worst(entry.status, finding.status);
                entry.findings.push_back(&finding);
            }
            for (const auto& subject : order) {
                const auto& entry = cases[subject];
                auto testcase = suite.append_child("testcase");
                testcase.append_attribute("classname") =
                    to_xml_text(result->criterion.id + " " + result->criterion.title).c_str();
                testcase.append_attribute("name") = to_xml_text(subject.empty() ? "programme" : subject).c_str();
                ++counts.tests;
                std::ostringstream text;
                for (const auto* finding : entry.findings) text << describe(*finding) << '\n';
                const auto first_problem = [&]() -> std::string {
                    for (const auto* finding : entry.findings) {
                        if (finding->status == entry.status) return finding->message;
                    }
                    return {};
                }();
                if (entry.status == Status::fail || entry.status == Status::missing || entry.status == Status::error) {
                    auto failure = testcase.append_child("failure");
                    failure.append_attribute("type") = std::string(to_string(entry.status)).c_str();
                    failure.append_attribute("message") = to_xml_text(first_problem).c_str();
                    failure.append_child(pugi::node_pcdata).set_value(to_xml_text(text.str()).c_str());
                    ++counts.failures;
                } else if (entry.status == Status::review || entry.status == Status::waived) {
                    auto skipped = testcase.append_child("skipped");
                    skipped.append_attribute("message") =
                        to_xml_text(std::string(to_string(entry.status)) + ": " + first_problem).c_str();
                    ++counts.skipped;
                } else {
                    testcase.append_child("system-out")
                        .append_child(pugi::node_pcdata)
                        .set_value(to_xml_text(text.str()).c_str());
                }
            }
        }
        set_counts(suite, counts);
        total.tests += counts.tests;
        total.failures += counts.failures;
        total.skipped += counts.skipped;
    }
    set_counts(suites, total);
    document.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
}

}  // namespace iqts::host
