#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "iqts/host/evidence_index.hpp"
#include "iqts/host/extract_cache.hpp"
#include "iqts/host/extract_worker.hpp"
#include "iqts/host/scan.hpp"
#include "iqts/host/walker.hpp"

namespace iqts::host {

struct PoolOptions {
    unsigned jobs = 1;                   // extraction threads, each with its own worker process
    bool isolate = true;                 // extract in worker processes; false runs extractors in this process
    ExtractLimits extract_limits;
    WorkerLimits worker_limits;
    ExtractFunction extract_function;    // empty means `extract`
    ExtractCache* cache = nullptr;       // null means no cache
    std::uint64_t max_file_bytes = WalkLimits{}.max_entry_bytes;    // for files the walker left unread
    // Called after each evidence file is added to the index, one call at a
    // time. May be empty.
    std::function<void(const ScanProgress&)> progress;
};

// Extracts evidence files on `jobs` threads while the walker reads the
// export, and adds the documents and file records to the index in the order
// they were submitted, so the index is the same for any number of jobs. At
// most a fixed number of files (8 plus 3 per job) are queued, in extraction
// or waiting for an earlier file, so memory stays bounded however large the
// export is.
class ExtractionPool {
public:
    ExtractionPool(PoolOptions options, BuiltIndex& index);
    ~ExtractionPool();

    ExtractionPool(const ExtractionPool&) = delete;
    ExtractionPool& operator=(const ExtractionPool&) = delete;

    // Queues a file for extraction, waiting while the pool is full. Called
    // from the walking thread.
    void submit(EvidenceFile&& file);

    // Adds the record of a file the walker did not submit (skipped, or
    // unreadable), in its place among the submitted files.
    void record(FileRecord&& record);

    // Returns whether the cache has an extraction for the file with this
    // identity, and keeps it for the file's submission, which may then come
    // without the file's bytes. Called from the walking thread.
    // An archive entry, which cannot be read again, is known only when its
    // cache entry loads intact now. For a folder file, a worker loads the
    // cache entry later and reads the file itself if the entry is damaged.
    bool knows(const std::string& identity, bool can_read_again);

    // Waits until every submitted file is in the index and stops the
    // threads and their worker processes.
    void finish();

    // Worker processes forked so far, counting restarts.
    unsigned workers_started() const;

    // Files whose extractor crashed, timed out or ran out of memory.
    std::size_t extractor_failures() const;

private:
    struct Queued {
        std::uint64_t sequence = 0;
        EvidenceFile file;
    };
    struct Outcome {
        FileRecord record;
        std::optional<Document> document;
        bool extracted = false;    // a submitted file, counted in the progress
    };

    void work();
    Outcome extract_file(EvidenceFile& file, ExtractWorker* worker);
    void deliver(std::uint64_t sequence, Outcome&& outcome);
    void commit_ready();

    PoolOptions options_;
    BuiltIndex& index_;
    ScanProgress progress_state_;
    mutable std::mutex mutex_;
    std::condition_variable ready_;
    std::condition_variable space_;
    std::deque<Queued> queue_;
    std::map<std::uint64_t, Outcome> pending_;
    std::uint64_t next_sequence_ = 0;
    std::uint64_t next_commit_ = 0;
    std::size_t max_in_flight_ = 8;
    bool closed_ = false;
    // identity -> key, and the entry when knows() loaded it
    std::unordered_multimap<std::string, std::pair<std::string, std::optional<CachedExtraction>>> known_;
    std::string identity_scope_;    // prefixes identities in the cache: see ExtractCache::identity_scope
    std::optional<WorkerLauncher> launcher_;    // forked before the threads start
    unsigned workers_started_ = 0;
    std::size_t extractor_failures_ = 0;
    std::vector<std::thread> threads_;
};

}  // namespace iqts::host
