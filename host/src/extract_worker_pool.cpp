#include "iqts/host/extract_worker_pool.hpp"

#include <algorithm>

#include "iqts/host/sniff.hpp"

namespace iqts::host {
namespace {

FileRecord record_of(const EvidenceFile& file, FileKind kind) {
    FileRecord record;
    record.path = file.path;
    record.kind = std::string(to_string(kind));
    record.size = static_cast<long long>(file.unread ? file.disk_size : file.bytes.size());
    record.modified = file.modified;
    return record;
}

}  // namespace

ExtractionPool::ExtractionPool(PoolOptions options, BuiltIndex& index)
    : options_(std::move(options)), index_(index) {
    if (!options_.extract_function) options_.extract_function = extract;
    identity_scope_ = ExtractCache::identity_scope(options_.extract_limits) + ":";
    const unsigned jobs = std::max(1u, options_.jobs);
    max_in_flight_ = 8 + 3 * static_cast<std::size_t>(jobs);
    // NOTE: the launcher is forked here, before this pool's threads exist,
    // but a thread that the caller started earlier may still hold a C
    // library lock at this moment and leave it locked in the launcher.
    if (options_.isolate) {
        launcher_.emplace(options_.extract_function, options_.extract_limits, options_.worker_limits);
    }
    for (unsigned i = 0; i < jobs; ++i) threads_.emplace_back([this] { work(); });
}

ExtractionPool::~ExtractionPool() { finish(); }

void ExtractionPool::submit(EvidenceFile&& file) {
    std::unique_lock lock(mutex_);
    space_.wait(lock, [this] { return next_sequence_ - next_commit_ < max_in_flight_; });
    progress_state_.bytes_found += file.bytes.size();
    ++progress_state_.files_found;
    queue_.push_back(Queued{next_sequence_++, std::move(file)});
    ready_.notify_one();
}

void ExtractionPool::record(FileRecord&& record) {
    const std::lock_guard lock(mutex_);
    pending_.emplace(next_sequence_++, Outcome{std::move(record), std::nullopt, false});
    commit_ready();
}

bool ExtractionPool::knows(const std::string& identity, bool can_read_again) {
    if (!options_.cache || identity.empty()) return false;
    const auto key = options_.cache->known_key(identity_scope_ + identity);
    if (!key) return false;
    std::optional<CachedExtraction> cached;
    if (!can_read_again) {
        cached = options_.cache->load(*key);
        if (!cached) return false;
    }
    const std::lock_guard lock(mutex_);
    known_.emplace(identity, std::make_pair(*key, std::move(cached)));
    return true;
}

void ExtractionPool::finish() {
    {
        const std::lock_guard lock(mutex_);
        closed_ = true;
        progress_state_.walk_finished = true;
    }
    ready_.notify_all();
    for (auto& thread : threads_) {
        if (thread.joinable()) thread.join();
    }
}

unsigned ExtractionPool::workers_started() const {
    const std::lock_guard lock(mutex_);
    return workers_started_;
}

std::size_t ExtractionPool::extractor_failures() const {
    const std::lock_guard lock(mutex_);
    return extractor_failures_;
}

void ExtractionPool::work() {
    std::optional<ExtractWorker> worker;
    if (launcher_) worker.emplace(*launcher_);

    for (;;) {
        Queued item;
        {
            std::unique_lock lock(mutex_);
            ready_.wait(lock, [this] { return closed_ || !queue_.empty(); });
            if (queue_.empty()) break;
            item = std::move(queue_.front());
            queue_.pop_front();
        }
        Outcome outcome;
        try {
            outcome = extract_file(item.file, worker ? &*worker : nullptr);
        } catch (const std::exception& error) {
            // Only an allocation failure in the scanner itself gets here.
            outcome.extracted = true;
            outcome.record = record_of(item.file, sniff(item.file.bytes, item.file.name));
            outcome.record.status = FileStatus::review;
            outcome.record.reason = std::string("extraction failed in the scanner: ") + error.what();
        }
        item.file.bytes = std::string();
        deliver(item.sequence, std::move(outcome));
    }

    if (worker) {
        const std::lock_guard lock(mutex_);
        workers_started_ += worker->started();
    }
}

ExtractionPool::Outcome ExtractionPool::extract_file(EvidenceFile& file, ExtractWorker* worker) {
    Outcome outcome;
    outcome.extracted = true;

    std::string key;
    std::optional<CachedExtraction> cached;
    if (file.unread) {
        // The walker left unread a file whose extraction knows() has kept
        // or left to load here.
        bool found = false;
        {
            const std::lock_guard lock(mutex_);
            if (const auto known = known_.find(file.identity); known != known_.end()) {
                key = std::move(known->second.first);
                cached = std::move(known->second.second);
                known_.erase(known);
                found = true;
            }
        }
        if (found && !cached) cached = options_.cache->load(key);
        if (!cached && file.disk_path.empty()) {
            outcome.record = record_of(file, FileKind::unknown);
            outcome.record.status = FileStatus::review;
            outcome.record.reason = "its stored extraction was lost during the scan; scan again";
            return outcome;
        }
        if (!cached) {
            std::string error;
            if (!read_disk_file(file.disk_path, options_.max_file_bytes, file.bytes, error)) {
                outcome.record = record_of(file, FileKind::unknown);
                outcome.record.status = FileStatus::unreadable;
                outcome.record.reason = "cannot be read: " + error;
                return outcome;
            }
            file.unread = false;
        }
    }
    if (!cached && file.bytes.empty()) {
        // An empty file is a failed upload or save, not a document without text.
        outcome.record = record_of(file, sniff(file.bytes, file.name));
        outcome.record.status = FileStatus::unreadable;
        outcome.record.reason = "empty file (0 bytes); upload or save it again";
        return outcome;
    }
    if (!cached && options_.cache) {
        key = ExtractCache::key(file.bytes, file.name, options_.extract_limits);
        cached = options_.cache->load(key);
    }
    // A hit carries its kind, which spares sniffing a zip's part names.
    const auto kind = cached ? cached->kind : sniff(file.bytes, file.name);
    outcome.record = record_of(file, kind);
    if (is_archive(kind)) {
        // Only a file that became an archive after the walker passed it on
        // unread gets here.
        outcome.record.status = FileStatus::review;
        outcome.record.reason = "changed while the scan was reading it; scan again";
        return outcome;
    }

    WorkerResult result;
    if (cached) {
        result.extraction = std::move(cached->extraction);
    } else if (worker) {
        result = worker->extract(kind, file.path, file.bytes);
    } else {
        result = extract_in_process(options_.extract_function, kind, file.path, file.bytes, options_.extract_limits);
    }
    if (options_.cache && !cached && result.complete) options_.cache->store(key, kind, result.extraction);
    if (options_.cache && (cached || result.complete) && !file.identity.empty()) {
        options_.cache->remember(identity_scope_ + file.identity, key);
    }

    outcome.record.status = result.extraction.status;
    outcome.record.reason = std::move(result.extraction.reason);
    // A file whose extractor failed has no document: a check must see it
    // only through the index's unreadable records, never as evidence.
    const bool has_document = result.extraction.status == FileStatus::read ||
                              result.extraction.status == FileStatus::review;
    if (result.complete && has_document) {
        result.extraction.document.path = file.path;
        result.extraction.document.kind = outcome.record.kind;
        outcome.document = std::move(result.extraction.document);
    }
    if (!result.complete) {
        const std::lock_guard lock(mutex_);
        ++extractor_failures_;
    }
    return outcome;
}

void ExtractionPool::deliver(std::uint64_t sequence, Outcome&& outcome) {
    const std::lock_guard lock(mutex_);
    pending_.emplace(sequence, std::move(outcome));
    commit_ready();
}

// Adds to the index every outcome whose predecessors are all in, in
// submission order. Called with mutex_ held.
void ExtractionPool::commit_ready() {
    bool committed = false;
    for (auto next = pending_.find(next_commit_); next != pending_.end(); next = pending_.find(next_commit_)) {
        auto& outcome = next->second;
        if (outcome.document) index_.add_document(std::move(*outcome.document));
        if (outcome.extracted) {
            ++progress_state_.files_done;
            progress_state_.bytes_done += static_cast<std::uint64_t>(outcome.record.size);
            progress_state_.current = outcome.record.path;
        }
        const bool extracted = outcome.extracted;
        index_.add_file(std::move(outcome.record));
        pending_.erase(next);
        ++next_commit_;
        committed = true;
        if (extracted && options_.progress) options_.progress(progress_state_);
    }
    if (committed) space_.notify_all();
}

}  // namespace iqts::host
