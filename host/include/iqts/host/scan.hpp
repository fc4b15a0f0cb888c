#pragma once

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "iqts/host/extract.hpp"
#include "iqts/host/report.hpp"
#include "iqts/host/walker.hpp"
#include "iqts/log.hpp"

namespace iqts::host {

struct ScanOptions {
    std::vector<std::string> paths;            // folders and archives of the export
    std::vector<std::string> rule_folders;     // --rules, after the built-in pack
    std::vector<std::string> plugin_folders;   // --plugins, after the built-in plugins
    std::string inspection_date;               // YYYY-MM-DD or empty
    bool isolate = true;                       // run checks in forked children
    std::chrono::milliseconds check_timeout{60'000};
    unsigned jobs = 0;                         // extraction threads; 0 means one per core
    WalkLimits walk_limits;
    ExtractLimits extract_limits;
};

// A scan that cannot run at all: bad arguments, an export that cannot be
// opened, invalid rules. The CLI exits with status 2.
class ScanError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Walks, extracts, indexes, builds the cohort, runs every check and returns
// the report. Throws ScanError when the scan cannot run.
Report scan(const ScanOptions& options, Logger& log);

}  // namespace iqts::host
