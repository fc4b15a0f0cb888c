#pragma once

// Runs the iqts-scan executable as a user would and reads its JSON report,
// for end-to-end tests of checks on real exports.

#include <string>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "test_support.hpp"

namespace iqts::test {

struct ScanRun {
    int status = -1;
    std::string out;
    std::string err;
};

// Runs `iqts-scan ARGUMENTS` (already shell-quoted) and captures its output.
inline ScanRun run_scanner(const std::string& arguments) {
    const TempDir folder;
    ScanRun run;
    run.status = run_command(shell_quote(IQTS_SCAN_EXECUTABLE) + " " + arguments + " > " +
                             shell_quote((folder / "out").string()) + " 2> " + shell_quote((folder / "err").string()));
    run.out = read_file(folder / "out");
    run.err = read_file(folder / "err");
    return run;
}

inline Poco::JSON::Object::Ptr parse_report(const std::string& json) {
    return Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
}

// Returns the criterion entry with `id` from a JSON report, or null.
inline Poco::JSON::Object::Ptr criterion(const Poco::JSON::Object::Ptr& report, const std::string& id) {
    const auto criteria = report->getArray("criteria");
    for (std::size_t i = 0; i < criteria->size(); ++i) {
        const auto entry = criteria->getObject(static_cast<unsigned>(i));
        if (entry->getValue<std::string>("id") == id) return entry;
    }
    return nullptr;
}

// Returns the first finding about `subject` in a criterion entry, or null.
inline Poco::JSON::Object::Ptr finding(const Poco::JSON::Object::Ptr& criterion_entry, const std::string& subject) {
    if (!criterion_entry) return nullptr;
    const auto findings = criterion_entry->getArray("findings");
    for (std::size_t i = 0; i < findings->size(); ++i) {
        const auto entry = findings->getObject(static_cast<unsigned>(i));
        if (entry->getValue<std::string>("subject") == subject) return entry;
    }
    return nullptr;
}

inline bool ends_with(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace iqts::test
