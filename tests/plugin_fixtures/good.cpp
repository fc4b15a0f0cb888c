// A plugin whose checks behave: findings with evidence, a log message, a
// large output, text beyond ASCII and a message that is not valid UTF-8.

#include <memory>

#include "fixture_check.hpp"
#include "iqts/plugin.hpp"

namespace {

std::vector<iqts::Finding> steady(const iqts::CheckContext& context) {
    context.log.log(iqts::LogLevel::info, "steady check read " +
                                              std::to_string(context.index.documents().size()) + " documents");
    iqts::Finding fail{iqts::Status::fail, "T006", "IELTS overall 6.0 is below 6.5",
                       {{"export.zip!/Trainee register.xlsx", "Trainees!M10"}, {"policy.pdf", "page 2"}}};
    return {fixture::pass("", "register found"), fail};
}

// More findings than a pipe buffer (64 KiB) holds.
std::vector<iqts::Finding> bulk(const iqts::CheckContext&) {
    std::vector<iqts::Finding> findings;
    for (int i = 0; i < 20000; ++i) {
        findings.push_back(fixture::pass("T" + std::to_string(i), "placement hours recorded for trainee " +
                                                                       std::to_string(i)));
    }
    return findings;
}

std::vector<iqts::Finding> utf8(const iqts::CheckContext&) {
    return {fixture::pass("Zo\u00eb \u0141\u00f3d\u017a", "caf\u00e9 \u2013 \U0001F600")};
}

std::vector<iqts::Finding> not_utf8(const iqts::CheckContext&) {
    return {fixture::pass("", "caf\xe9 and \xff\xfe bytes")};
}

}  // namespace

IQTS_PLUGIN("good", "1.2.3") {
    registry.add(std::make_unique<fixture::FunctionCheck>("C1.1", "steady", steady));
    registry.add(std::make_unique<fixture::FunctionCheck>("C1.2", "bulk", bulk));
    registry.add(std::make_unique<fixture::FunctionCheck>("C1.4", "utf8", utf8));
    registry.add(std::make_unique<fixture::FunctionCheck>("C1.4", "not-utf8", not_utf8));
}
