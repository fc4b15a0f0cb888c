#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "iqts/host/extract.hpp"
#include "iqts/host/report.hpp"
#include "iqts/host/walker.hpp"
#include "iqts/log.hpp"

namespace iqts::host {

// The progress of a running scan, passed to ScanOptions::progress.
struct ScanProgress {
    std::size_t files_done = 0;      // evidence files extracted so far
    std::size_t files_found = 0;     // evidence files the walk has found so far
    bool walk_finished = false;      // true once files_found is final
    std::uint64_t bytes_done = 0;    // bytes of the files extracted so far
    std::uint64_t bytes_found = 0;   // bytes of the files found so far
    std::string current;             // virtual path of the file just extracted
};

struct ScanOptions {
    std::vector<std::string> paths;            // folders and archives of the export
    std::vector<std::string> rule_folders;     // --rules, after the built-in pack
    std::vector<std::string> plugin_folders;   // --plugins, after the built-in plugins
    std::string inspection_date;               // YYYY-MM-DD or empty
    std::string waivers_path;                  // --waivers YAML file, or empty
    bool isolate = true;                       // run checks in forked children and extractors in worker processes
    std::chrono::milliseconds check_timeout{60'000};
    unsigned jobs = 0;                         // extraction threads; 0 means one per core
    // Time one evidence file may take in its worker process (--document-timeout).
    std::chrono::milliseconds document_timeout{60'000};
    // Address space a worker process may add to what it inherits (--worker-memory-mb); 0 sets no limit.
    std::size_t worker_memory_bytes = std::size_t{1} << 30;
    // The extraction cache. It is off unless set, so that a program or test
    // that calls scan() writes nothing to the user's cache folder. The
    // command line turns it on unless --no-cache is given.
    bool use_cache = false;
    std::string cache_folder;                  // --cache-dir; empty means default_cache_folder()
    std::uint64_t cache_max_bytes = std::uint64_t{512} << 20;   // --cache-max-mb
    WalkLimits walk_limits;
    ExtractLimits extract_limits;
    // Called after each evidence file is extracted, one call at a time
    // (never concurrently). May be empty.
    std::function<void(const ScanProgress&)> progress;
};

// A scan that cannot run at all: bad arguments, an export that cannot be
// opened, invalid rules. The CLI exits with status 2.
class ScanError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Returns true when `inner` is `outer` or lies inside it, after resolving
// symbolic links and dot components of the parts that exist.
bool is_inside(const std::filesystem::path& inner, const std::filesystem::path& outer);

// Walks, extracts, indexes, builds the cohort, runs every check and returns
// the report. Throws ScanError when the scan cannot run.
Report scan(const ScanOptions& options, Logger& log);

}  // namespace iqts::host
