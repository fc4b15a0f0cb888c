// The extraction cache: keys, entries that are damaged on disk, the size
// cap, and scans that reuse or skip it.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "iqts/host/document_codec.hpp"
#include "iqts/host/extract_cache.hpp"
#include "iqts/host/extract_worker_pool.hpp"
#include "scan_support.hpp"

namespace {

using namespace iqts;
using namespace iqts::host;
using iqts::test::TempDir;
namespace fs = std::filesystem;

const fs::path sample_export = fs::path(IQTS_SOURCE_DIR) / "fixtures" / "sample-export";

Extraction real_docx() {
    const auto bytes = iqts::test::read_file(sample_export / "Part 2 – Training" / "Mentor handbook.docx");
    return extract(FileKind::docx, "handbook.docx", bytes, ExtractLimits{});
}

std::string encoded_without_path(Extraction extraction) {
    extraction.document.path.clear();
    return encode_extraction(extraction);
}

std::vector<fs::path> entries_in(const fs::path& folder) {
    std::vector<fs::path> entries;
    if (!fs::exists(folder)) return entries;
    for (const auto& entry : fs::directory_iterator(folder)) {
        if (entry.path().extension() == ".entry") entries.push_back(entry.path());
    }
    return entries;
}

TEST(ExtractCache, StoredEntryLoadsWithoutPath) {
    const TempDir folder;
    ExtractCache cache(folder.path().string(), 1 << 30);
    const auto extraction = real_docx();
    const auto key = ExtractCache::key("bytes", "file.docx", ExtractLimits{});

    cache.store(key, FileKind::docx, extraction);
    const auto loaded = cache.load(key);

    ASSERT_TRUE(loaded.has_value());
    EXPECT_EQ(loaded->kind, FileKind::docx);
    EXPECT_EQ(loaded->extraction.document.path, "");
    EXPECT_EQ(encode_extraction(loaded->extraction), encoded_without_path(extraction));
}

TEST(ExtractCache, AbsentEntryIsMiss) {
    const TempDir folder;
    ExtractCache cache(folder.path().string(), 1 << 30);

    EXPECT_FALSE(cache.load(ExtractCache::key("never stored", "file.txt", ExtractLimits{})).has_value());
    EXPECT_EQ(cache.counts().misses, 1u);
}

TEST(ExtractCache, KeyDependsOnBytesExtensionAndLimits) {
    const ExtractLimits limits;
    ExtractLimits less_text;
    less_text.max_text_bytes = 1024;
    const auto key = ExtractCache::key("same", "file.txt", limits);

    EXPECT_EQ(ExtractCache::key("same", "file.txt", limits), key);
    EXPECT_NE(ExtractCache::key("other", "file.txt", limits), key);
    EXPECT_NE(ExtractCache::key("same", "file.md", limits), key);
    EXPECT_EQ(ExtractCache::key("same", "Other name.TXT", limits), key);
    EXPECT_NE(ExtractCache::key("same", "file.txt", less_text), key);
    EXPECT_EQ(key.size(), 64u);
}

TEST(ExtractCache, TruncatedEntryIsIgnoredAndRebuilt) {
    const TempDir folder;
    ExtractCache cache(folder.path().string(), 1 << 30);
    const auto extraction = real_docx();
    const auto key = ExtractCache::key("truncated", "file.docx", ExtractLimits{});
    cache.store(key, FileKind::docx, extraction);
    const auto path = cache.entry_path(key);
    const auto size = fs::file_size(path);

    for (const auto length : {std::uintmax_t{0}, std::uintmax_t{40}, size / 2, size - 1}) {
        fs::resize_file(path, length);
        EXPECT_FALSE(cache.load(key).has_value()) << "entry cut to " << length << " bytes";
        cache.store(key, FileKind::docx, extraction);
    }

    EXPECT_EQ(cache.counts().invalid, 4u);
    ASSERT_TRUE(cache.load(key).has_value());
    EXPECT_EQ(encode_extraction(cache.load(key)->extraction), encoded_without_path(extraction));
}

TEST(ExtractCache, FlippedByteIsIgnored) {
    const TempDir folder;
    ExtractCache cache(folder.path().string(), 1 << 30);
    const auto key = ExtractCache::key("flipped", "file.docx", ExtractLimits{});
    cache.store(key, FileKind::docx, real_docx());
    const auto path = cache.entry_path(key);
    const auto original = iqts::test::read_file(path);

    // Every byte of the header and key, then every 101st byte of the record.
    std::vector<std::size_t> positions;
    for (std::size_t i = 0; i < 100; ++i) positions.push_back(i);
    for (std::size_t i = 100; i < original.size(); i += 101) positions.push_back(i);
    positions.push_back(original.size() - 1);
    for (const auto position : positions) {
        auto damaged = original;
        damaged[position] = static_cast<char>(damaged[position] ^ 0x01);
        iqts::test::write_file(path, damaged);
        EXPECT_FALSE(cache.load(key).has_value()) << "byte " << position;
    }
}

TEST(ExtractCache, EntryForAnotherKeyIsIgnored) {
    const TempDir folder;
    ExtractCache cache(folder.path().string(), 1 << 30);
    const auto key = ExtractCache::key("one", "file.txt", ExtractLimits{});
    const auto other = ExtractCache::key("two", "file.txt", ExtractLimits{});
    cache.store(key, FileKind::docx, real_docx());

    fs::copy_file(cache.entry_path(key), cache.entry_path(other));

    EXPECT_FALSE(cache.load(other).has_value());
}

TEST(ExtractCache, TrimRemovesLeastRecentlyUsed) {
    const TempDir folder;
    const Extraction extraction = real_docx();
    std::vector<std::string> keys;
    for (const auto* text : {"oldest", "middle", "newest"}) {
        keys.push_back(ExtractCache::key(text, "file.txt", ExtractLimits{}));
    }
    {
        ExtractCache writer(folder.path().string(), 1 << 30);
        for (const auto& key : keys) writer.store(key, FileKind::docx, extraction);
    }
    const auto now = fs::file_time_type::clock::now();
    for (std::size_t i = 0; i < keys.size(); ++i) {
        fs::last_write_time(folder / (keys[i] + ".entry"), now - std::chrono::hours(3 - i));
    }
    const auto entry_size = fs::file_size(folder / (keys[0] + ".entry"));
    ExtractCache cache(folder.path().string(), 2 * entry_size);

    cache.trim();

    EXPECT_FALSE(fs::exists(folder / (keys[0] + ".entry")));
    EXPECT_TRUE(fs::exists(folder / (keys[1] + ".entry")));
    EXPECT_TRUE(fs::exists(folder / (keys[2] + ".entry")));
    EXPECT_EQ(cache.counts().removed, 1u);
}

TEST(ExtractCache, FolderAndEntriesArePrivate) {
    const TempDir parent;
    const auto folder = parent / "cache";
    ExtractCache cache(folder.string(), 1 << 30);
    const auto key = ExtractCache::key("private", "file.txt", ExtractLimits{});
    cache.store(key, FileKind::docx, real_docx());

    struct stat folder_status {};
    struct stat entry_status {};
    ASSERT_EQ(::stat(folder.c_str(), &folder_status), 0);
    ASSERT_EQ(::stat(cache.entry_path(key).c_str(), &entry_status), 0);

    EXPECT_EQ(folder_status.st_mode & 0777, 0700u);
    EXPECT_EQ(entry_status.st_mode & 0777, 0600u);
}

// Reads `folder` through the pool in this process with a cache, and counts
// the files the extractor was called for.
struct CachedRead {
    BuiltIndex index;
    int extracted = 0;
    int unread = 0;    // files the walker passed on unread, known by their identity
};

CachedRead read_with_cache(const fs::path& folder, ExtractCache& cache, const ExtractLimits& limits = {}) {
    CachedRead read;
    std::atomic<int> calls{0};
    PoolOptions options;
    options.extract_limits = limits;
    options.jobs = 2;
    options.isolate = false;
    options.cache = &cache;
    options.extract_function = [&](FileKind kind, const std::string& path, std::string_view bytes,
                                   const ExtractLimits& limits) {
        ++calls;
        return extract(kind, path, bytes, limits);
    };
    {
        ExtractionPool pool(std::move(options), read.index);
        WalkVisitor visitor;
        visitor.on_file = [&](EvidenceFile&& file) {
            if (file.unread) ++read.unread;
            pool.submit(std::move(file));
        };
        visitor.on_record = [&](FileRecord&& record) { pool.record(std::move(record)); };
        visitor.is_known = [&](const std::string& identity, bool can_read_again) {
            return pool.knows(identity, can_read_again);
        };
        walk({folder.string()}, WalkLimits{}, visitor);
        pool.finish();
    }
    read.index.finish();
    read.extracted = calls;
    cache.trim();
    return read;
}

std::string all_documents(const BuiltIndex& index) {
    std::string encoded;
    for (const auto& document : index.documents()) encoded += encode_extraction(Extraction{FileStatus::read, "", document});
    return encoded;
}

void write_three_files(const TempDir& folder) {
    iqts::test::write_file(folder / "export" / "a.txt", "first file");
    iqts::test::write_file(folder / "export" / "b.csv", "Name,Score\nAda,7\n");
    fs::copy_file(sample_export / "Part 2 – Training" / "Mentor handbook.docx", folder / "export" / "c.docx");
}

TEST(CachedExtraction, WarmReadExtractsNothing) {
    const TempDir folder;
    write_three_files(folder);
    ExtractCache cache((folder / "cache").string(), 1 << 30);

    const auto cold = read_with_cache(folder / "export", cache);
    const auto warm = read_with_cache(folder / "export", cache);

    EXPECT_EQ(cold.extracted, 3);
    EXPECT_EQ(warm.extracted, 0);
    EXPECT_EQ(all_documents(warm.index), all_documents(cold.index));
}

TEST(CachedExtraction, ChangedFileIsExtractedAgain) {
    const TempDir folder;
    write_three_files(folder);
    ExtractCache cache((folder / "cache").string(), 1 << 30);
    read_with_cache(folder / "export", cache);

    iqts::test::write_file(folder / "export" / "a.txt", "first file, changed");
    const auto after = read_with_cache(folder / "export", cache);

    EXPECT_EQ(after.extracted, 1);
    ASSERT_FALSE(after.index.documents().empty());
    EXPECT_EQ(after.index.documents()[0].text(), "first file, changed");
}

TEST(CachedExtraction, CorruptEntriesAreRebuilt) {
    const TempDir folder;
    write_three_files(folder);
    ExtractCache cache((folder / "cache").string(), 1 << 30);
    const auto cold = read_with_cache(folder / "export", cache);
    for (const auto& entry : entries_in(folder / "cache")) fs::resize_file(entry, fs::file_size(entry) - 3);

    const auto rebuilt = read_with_cache(folder / "export", cache);
    const auto warm = read_with_cache(folder / "export", cache);

    EXPECT_EQ(rebuilt.extracted, 3);
    EXPECT_EQ(all_documents(rebuilt.index), all_documents(cold.index));
    EXPECT_EQ(warm.extracted, 0);
}

std::string scan_json(const fs::path& cache_folder, const std::string& options = "") {
    const auto run = iqts::test::run_scanner("scan " + iqts::test::shell_quote(sample_export.string()) +
                                             " --format json --cache-dir " +
                                             iqts::test::shell_quote(cache_folder.string()) + " " + options);
    EXPECT_TRUE(run.status == 0 || run.status == 1) << run.status << run.err;
    return run.out;
}

TEST(CacheCommand, WarmReportEqualsCold) {
    const TempDir folder;

    const auto cold = scan_json(folder / "cache");
    const auto entries = entries_in(folder / "cache").size();
    const auto warm = scan_json(folder / "cache");

    ASSERT_FALSE(cold.empty());
    EXPECT_EQ(warm, cold);
    EXPECT_GT(entries, 10u);
}

TEST(CacheCommand, DamagedEntriesGiveSameReport) {
    const TempDir folder;
    const auto cold = scan_json(folder / "cache");
    for (const auto& entry : entries_in(folder / "cache")) {
        auto bytes = iqts::test::read_file(entry);
        bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x40);
        iqts::test::write_file(entry, bytes);
    }

    EXPECT_EQ(scan_json(folder / "cache"), cold);
}

TEST(CacheCommand, NoCacheWritesNothing) {
    const TempDir folder;

    scan_json(folder / "cache", "--no-cache");

    EXPECT_FALSE(fs::exists(folder / "cache"));
}

TEST(CacheCommand, CacheInsideExportExitsTwo) {
    const TempDir folder;
    fs::copy(sample_export, folder / "export", fs::copy_options::recursive);

    const auto run = iqts::test::run_scanner("scan " + iqts::test::shell_quote((folder / "export").string()) +
                                             " --cache-dir " + iqts::test::shell_quote((folder / "export" / "cache").string()));

    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.err.find("inside the export"), std::string::npos) << run.err;
    EXPECT_FALSE(fs::exists(folder / "export" / "cache"));
}

}  // namespace

// Waits until files written now have an identity, which file_identity
// gives only 3 s after a file's last change.
void wait_until_settled() { std::this_thread::sleep_for(std::chrono::milliseconds(3200)); }

TEST(FileIdentity, EmptyWhileTheFileMayStillChange) {
    const TempDir folder;
    iqts::test::write_file(folder / "a.txt", "text");
    struct stat status {};
    ASSERT_EQ(::stat((folder / "a.txt").c_str(), &status), 0);

    EXPECT_EQ(file_identity(status, status.st_ctim.tv_sec + 1), "");
    EXPECT_NE(file_identity(status, status.st_ctim.tv_sec + 10), "");
}

TEST(FileIdentity, ChangesWithSizeAndTimes) {
    struct stat status {};
    status.st_size = 10;
    const auto identity = file_identity(status, 1000);
    auto longer = status;
    longer.st_size = 11;
    auto touched = status;
    touched.st_ctim.tv_nsec = 1;

    EXPECT_NE(file_identity(longer, 1000), identity);
    EXPECT_NE(file_identity(touched, 1000), identity);
}

TEST(CachedExtraction, SettledFilesAreKnownWithoutReading) {
    const TempDir folder;
    write_three_files(folder);
    wait_until_settled();
    const auto cache_folder = (folder / "cache").string();
    CachedRead cold;
    {
        ExtractCache cache(cache_folder, 1 << 30);
        cold = read_with_cache(folder / "export", cache);
    }

    ExtractCache reopened(cache_folder, 1 << 30);
    const auto warm = read_with_cache(folder / "export", reopened);
    iqts::test::write_file(folder / "export" / "a.txt", "first fil!");
    const auto changed = read_with_cache(folder / "export", reopened);

    EXPECT_EQ(cold.unread, 0);
    EXPECT_EQ(warm.unread, 3);
    EXPECT_EQ(warm.extracted, 0);
    EXPECT_EQ(all_documents(warm.index), all_documents(cold.index));
    EXPECT_EQ(changed.unread, 2);
    EXPECT_EQ(changed.extracted, 1);
    ASSERT_FALSE(changed.index.documents().empty());
    EXPECT_EQ(changed.index.documents()[0].text(), "first fil!");
}

struct DamagedRead {
    CachedRead cold;
    CachedRead rebuilt;
};

// Reads `target` to fill an empty cache, cuts every cache entry to 10
// bytes, and reads `target` again.
DamagedRead read_with_damaged_cache(const TempDir& folder, const fs::path& target) {
    ExtractCache cache((folder / "cache").string(), 1 << 30);
    DamagedRead read;
    read.cold = read_with_cache(target, cache);
    for (const auto& entry : entries_in(folder / "cache")) fs::resize_file(entry, 10);
    read.rebuilt = read_with_cache(target, cache);
    return read;
}

TEST(CachedExtraction, DamagedEntryMeansFileIsRead) {
    const TempDir folder;
    write_three_files(folder);
    wait_until_settled();

    const auto read = read_with_damaged_cache(folder, folder / "export");

    // The walker passes the known files on unread; the pool finds their
    // entries damaged and reads the files from disk.
    EXPECT_EQ(read.rebuilt.unread, 3);
    EXPECT_EQ(read.rebuilt.extracted, 3);
    EXPECT_EQ(all_documents(read.rebuilt.index), all_documents(read.cold.index));
}

// Zips the three files of write_three_files as export.zip.
void zip_three_files(const TempDir& folder) {
    ASSERT_EQ(iqts::test::run_command("cd " + iqts::test::shell_quote((folder / "export").string()) +
                                      " && zip -q -X ../export.zip a.txt b.csv c.docx"),
              0);
}

TEST(CachedExtraction, KnownZipEntriesAreNotInflated) {
    const TempDir folder;
    write_three_files(folder);
    zip_three_files(folder);
    ExtractCache cache((folder / "cache").string(), 1 << 30);
    const auto cold = read_with_cache(folder / "export.zip", cache);

    const auto warm = read_with_cache(folder / "export.zip", cache);
    iqts::test::write_file(folder / "export" / "a.txt", "first fil!");
    fs::remove(folder / "export.zip");
    zip_three_files(folder);
    const auto changed = read_with_cache(folder / "export.zip", cache);

    EXPECT_EQ(cold.unread, 0);
    EXPECT_EQ(warm.unread, 3);
    EXPECT_EQ(warm.extracted, 0);
    EXPECT_EQ(all_documents(warm.index), all_documents(cold.index));
    EXPECT_EQ(changed.unread, 2);
    EXPECT_EQ(changed.extracted, 1);
    ASSERT_FALSE(changed.index.documents().empty());
    EXPECT_EQ(changed.index.documents()[0].text(), "first fil!");
}

TEST(CachedExtraction, DamagedEntryMeansZipEntryIsInflated) {
    const TempDir folder;
    write_three_files(folder);
    zip_three_files(folder);

    const auto read = read_with_damaged_cache(folder, folder / "export.zip");

    // An archive entry cannot be read again later, so the walker inflates it.
    EXPECT_EQ(read.rebuilt.unread, 0);
    EXPECT_EQ(read.rebuilt.extracted, 3);
    EXPECT_EQ(all_documents(read.rebuilt.index), all_documents(read.cold.index));
}

TEST(CachedExtraction, OtherLimitsReadFilesAgain) {
    const TempDir folder;
    write_three_files(folder);
    wait_until_settled();
    ExtractCache cache((folder / "cache").string(), 1 << 30);
    read_with_cache(folder / "export", cache);
    ExtractLimits shallow;
    shallow.max_xml_depth = 4;

    const auto other = read_with_cache(folder / "export", cache, shallow);

    EXPECT_EQ(other.unread, 0);
    EXPECT_EQ(other.extracted, 3);
}

TEST(CachedExtraction, HardLinkKeepsItsOwnKind) {
    const TempDir folder;
    iqts::test::write_file(folder / "export" / "notes.csv", "Mentor name,School\nAda Obi,Riverside\n");
    fs::create_hard_link(folder / "export" / "notes.csv", folder / "export" / "notes.txt");
    wait_until_settled();
    ExtractCache cache((folder / "cache").string(), 1 << 30);
    read_with_cache(folder / "export", cache);

    const auto warm = read_with_cache(folder / "export", cache);

    ASSERT_EQ(warm.index.files().size(), 2u);
    EXPECT_EQ(warm.index.files()[0].kind, "csv");
    EXPECT_EQ(warm.index.files()[1].kind, "txt");
}

// Returns the offset of the central directory record of `name` in a zip.
std::size_t central_record(const std::string& zip, const std::string& name) {
    for (auto at = zip.find("PK\x01\x02"); at != std::string::npos; at = zip.find("PK\x01\x02", at + 4)) {
        if (zip.compare(at + 46, name.size(), name) == 0) return at;
    }
    return std::string::npos;
}

TEST(CachedExtraction, DirectoryCrcDisagreeingWithHeaderIsRead) {
    const TempDir folder;
    write_three_files(folder);
    zip_three_files(folder);
    ExtractCache cache((folder / "cache").string(), 1 << 30);
    read_with_cache(folder / "export.zip", cache);
    const auto old_zip = iqts::test::read_file(folder / "export.zip");
    iqts::test::write_file(folder / "export" / "a.txt", "first fil!");
    fs::remove(folder / "export.zip");
    zip_three_files(folder);
    // The changed entry's directory record gets the old CRC-32 back.
    auto altered = iqts::test::read_file(folder / "export.zip");
    const auto old_record = central_record(old_zip, "a.txt");
    const auto new_record = central_record(altered, "a.txt");
    ASSERT_NE(old_record, std::string::npos);
    ASSERT_NE(new_record, std::string::npos);
    altered.replace(new_record + 16, 4, old_zip.substr(old_record + 16, 4));
    iqts::test::write_file(folder / "export.zip", altered);

    const auto after = read_with_cache(folder / "export.zip", cache);

    EXPECT_EQ(after.unread, 2);
    ASSERT_FALSE(after.index.documents().empty());
    EXPECT_EQ(after.index.documents()[0].text(), "first fil!");
}

TEST(ExtractCache, FifoInFolderDoesNotBlock) {
    const TempDir folder;
    const auto cache_folder = folder / "cache";
    fs::create_directories(cache_folder);
    ASSERT_EQ(::mkfifo((cache_folder / "identities").c_str(), 0600), 0);
    ExtractCache cache(cache_folder.string(), 1 << 30);
    const auto key = ExtractCache::key("fifo", "file.txt", ExtractLimits{});
    ASSERT_EQ(::mkfifo(cache.entry_path(key).c_str(), 0600), 0);

    EXPECT_FALSE(cache.load(key).has_value());
    EXPECT_FALSE(cache.known_key("any").has_value());
}
