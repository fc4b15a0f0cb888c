// Extraction in worker processes: the binary document codec, a worker that
// crashes, hangs or runs out of memory, and the pool that keeps the scan
// going past such a file.

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <limits>

#include <Poco/Checksum.h>

#include "iqts/host/document_codec.hpp"
#include "iqts/host/extract_worker.hpp"
#include "iqts/host/extract_worker_pool.hpp"
#include "iqts/host/sniff.hpp"
#include "scan_support.hpp"

namespace {

using namespace iqts;
using namespace iqts::host;
using iqts::test::TempDir;

const std::filesystem::path sample_export = std::filesystem::path(IQTS_SOURCE_DIR) / "fixtures" / "sample-export";

std::string sample_bytes(const std::string& relative) { return iqts::test::read_file(sample_export / relative); }

// An extractor that crashes on files named crash.txt, loops on hang.txt and
// allocates 4 GiB on huge.txt; every other file goes to `extract`.
Extraction faulty_extract(FileKind kind, const std::string& path, std::string_view bytes,
                          const ExtractLimits& limits) {
    if (iqts::test::ends_with(path, "crash.txt")) std::raise(SIGSEGV);
    if (iqts::test::ends_with(path, "hang.txt")) {
        volatile unsigned long spins = 0;
        for (;;) spins = spins + 1;
    }
    if (iqts::test::ends_with(path, "huge.txt")) {
        std::string huge(std::size_t{4} << 30, 'x');
        return extract(kind, path, huge.substr(0, 1), limits);
    }
    return extract(kind, path, bytes, limits);
}

WorkerLimits quick_limits() {
    WorkerLimits limits;
    limits.timeout = std::chrono::milliseconds(300);
    limits.max_memory_bytes = std::size_t{256} << 20;
    return limits;
}

// A document with every kind of content the codec carries.
Extraction every_field() {
    Extraction extraction;
    extraction.status = FileStatus::review;
    extraction.reason = "text limit reached";
    auto& document = extraction.document;
    document.path = "export.zip!/Part 1/register.xlsx";
    document.kind = "xlsx";
    document.title = "Trainee register – 2026/27";
    document.created = "2026-09-01T08:00:00Z";
    document.modified = "2026-10-02";
    document.blocks = {{"Ünïcödé text\nwith a newline", "paragraph 1"}, {"", "page 2"}};
    Table table;
    table.name = "Trainees";
    table.is_sheet = true;
    table.hidden = true;
    table.first_row = 3;
    table.first_column = -1;
    table.rows = {{Cell{CellType::text, "Name", 0, false}, Cell{CellType::number, "6.5", 6.5, false}},
                  {Cell{CellType::date, "2026-09-01", 20697, false}, Cell{CellType::boolean, "TRUE", 0, true}},
                  {Cell{CellType::number, "-0", -0.0, false}, Cell{CellType::empty, "", 0, false}},
                  {}};
    table.merges = {{0, 0, 1, 1}};
    document.tables = {table, Table{}};
    document.links = {{"grid", "https://example.invalid/grid", "Trainees!A1"}};
    return extraction;
}

std::string flipped(std::string bytes, std::size_t position) {
    bytes[position] = static_cast<char>(bytes[position] ^ 0x5a);
    return bytes;
}

TEST(DocumentCodec, RoundTripsEveryField) {
    const auto original = every_field();
    const auto decoded = decode_extraction(encode_extraction(original));

    EXPECT_EQ(decoded.status, FileStatus::review);
    EXPECT_EQ(decoded.reason, original.reason);
    EXPECT_EQ(decoded.document.title, original.document.title);
    EXPECT_EQ(decoded.document.blocks[0].text, original.document.blocks[0].text);
    EXPECT_EQ(decoded.document.tables.size(), 2u);
    const auto& table = decoded.document.tables[0];
    EXPECT_TRUE(table.hidden);
    EXPECT_EQ(table.first_column, -1);
    EXPECT_EQ(table.rows[0][1].number, 6.5);
    EXPECT_EQ(table.rows[1][0].type, CellType::date);
    EXPECT_TRUE(table.rows[1][1].boolean);
    EXPECT_TRUE(std::signbit(table.rows[2][0].number));
    EXPECT_TRUE(table.rows[3].empty());
    EXPECT_EQ(table.merges[0].last_column, 1);
    EXPECT_EQ(decoded.document.links[0].target, original.document.links[0].target);
    EXPECT_EQ(encode_extraction(decoded), encode_extraction(original));
}

TEST(DocumentCodec, RoundTripsRealWorkbook) {
    const auto bytes = sample_bytes("Part 1 – Entry/Trainee register.xlsx");
    const auto original = extract(FileKind::xlsx, "register.xlsx", bytes, ExtractLimits{});
    ASSERT_EQ(original.status, FileStatus::read);

    const auto encoded = encode_extraction(original);

    EXPECT_EQ(encode_extraction(decode_extraction(encoded)), encoded);
}

TEST(DocumentCodec, RejectsEveryTruncation) {
    const auto encoded = encode_extraction(every_field());
    for (std::size_t length = 0; length < encoded.size(); ++length) {
        EXPECT_THROW(decode_extraction(std::string_view(encoded).substr(0, length)), DocumentCodecError)
            << "length " << length;
    }
}

TEST(DocumentCodec, RejectsEveryFlippedByte) {
    const auto encoded = encode_extraction(every_field());
    for (std::size_t position = 0; position < encoded.size(); ++position) {
        EXPECT_THROW(decode_extraction(flipped(encoded, position)), DocumentCodecError) << "byte " << position;
    }
}

TEST(DocumentCodec, RejectsTrailingBytes) {
    EXPECT_THROW(decode_extraction(encode_extraction(every_field()) + "x"), DocumentCodecError);
}

TEST(DocumentCodec, RejectsHugeCountBeforeAllocating) {
    // A payload with a valid checksum whose block count claims 2^32 - 1 blocks.
    std::string payload;
    payload += '\0';                                   // status read
    payload += std::string(4 * 6, '\0');               // empty reason, path, kind, title, created, modified
    payload += std::string(4, '\xff');                 // block count
    Poco::Checksum checksum(Poco::Checksum::TYPE_CRC32);
    checksum.update(payload);
    std::string encoded = "IQXD";
    encoded += std::string("\x01\x00\x00\x00", 4);
    for (int i = 0; i < 8; ++i) encoded += static_cast<char>((payload.size() >> (8 * i)) & 0xff);
    for (int i = 0; i < 4; ++i) encoded += static_cast<char>((checksum.checksum() >> (8 * i)) & 0xff);
    encoded += payload;

    try {
        decode_extraction(encoded);
        FAIL() << "decoded a document of 4294967295 blocks";
    } catch (const DocumentCodecError& error) {
        EXPECT_NE(std::string(error.what()).find("text blocks count 4294967295"), std::string::npos) << error.what();
    }
}

TEST(ExtractWorker, ReadsRealDocumentLikeInProcess) {
    const auto bytes = sample_bytes("Part 2 – Training/Mentor handbook.docx");
    WorkerLauncher launcher(extract, ExtractLimits{}, quick_limits());
    ExtractWorker worker(launcher);

    const auto result = worker.extract(FileKind::docx, "handbook.docx", bytes);

    EXPECT_TRUE(result.complete);
    EXPECT_EQ(result.extraction.status, FileStatus::read);
    EXPECT_EQ(encode_extraction(result.extraction),
              encode_extraction(extract(FileKind::docx, "handbook.docx", bytes, ExtractLimits{})));
}

TEST(ExtractWorker, OneProcessReadsManyFiles) {
    WorkerLauncher launcher(faulty_extract, ExtractLimits{}, quick_limits());
    ExtractWorker worker(launcher);

    worker.extract(FileKind::txt, "a.txt", "first");
    const int first_pid = worker.pid();
    worker.extract(FileKind::txt, "b.txt", "second");
    worker.extract(FileKind::txt, "c.txt", "third");

    EXPECT_EQ(worker.started(), 1u);
    EXPECT_EQ(worker.pid(), first_pid);
}

TEST(ExtractWorker, CrashBecomesReview) {
    WorkerLauncher launcher(faulty_extract, ExtractLimits{}, quick_limits());
    ExtractWorker worker(launcher);

    const auto result = worker.extract(FileKind::txt, "crash.txt", "boom");

    EXPECT_FALSE(result.complete);
    EXPECT_EQ(result.extraction.status, FileStatus::review);
    EXPECT_EQ(result.extraction.reason.rfind("extractor crashed (signal 11", 0), 0u) << result.extraction.reason;
}

TEST(ExtractWorker, RestartsAfterCrash) {
    WorkerLauncher launcher(faulty_extract, ExtractLimits{}, quick_limits());
    ExtractWorker worker(launcher);
    worker.extract(FileKind::txt, "a.txt", "before");
    worker.extract(FileKind::txt, "crash.txt", "boom");

    const auto after = worker.extract(FileKind::txt, "b.txt", "after the crash");

    EXPECT_EQ(after.extraction.status, FileStatus::read);
    EXPECT_EQ(after.extraction.document.text(), "after the crash");
    EXPECT_EQ(worker.started(), 2u);
}

TEST(ExtractWorker, HangTimesOut) {
    WorkerLauncher launcher(faulty_extract, ExtractLimits{}, quick_limits());
    ExtractWorker worker(launcher);

    const auto result = worker.extract(FileKind::txt, "hang.txt", "spin");

    EXPECT_FALSE(result.complete);
    EXPECT_EQ(result.extraction.status, FileStatus::review);
    EXPECT_EQ(result.extraction.reason, "extractor timed out after 0.3 s; raise --document-timeout");
}

TEST(ExtractWorker, RestartsAfterTimeout) {
    WorkerLauncher launcher(faulty_extract, ExtractLimits{}, quick_limits());
    ExtractWorker worker(launcher);
    worker.extract(FileKind::txt, "hang.txt", "spin");

    const auto after = worker.extract(FileKind::txt, "b.txt", "after the hang");

    EXPECT_EQ(after.extraction.document.text(), "after the hang");
    EXPECT_EQ(worker.started(), 2u);
}

TEST(ExtractWorker, OutOfMemoryBecomesReview) {
    WorkerLauncher launcher(faulty_extract, ExtractLimits{}, quick_limits());
    ExtractWorker worker(launcher);

    const auto result = worker.extract(FileKind::txt, "huge.txt", "big");

    EXPECT_FALSE(result.complete);
    EXPECT_EQ(result.extraction.status, FileStatus::review);
    EXPECT_EQ(result.extraction.reason, "extractor ran out of memory (limit 256 MiB); raise --worker-memory-mb");
    EXPECT_EQ(worker.started(), 1u);
}

// Walks `folder` through an ExtractionPool and returns the finished index.
BuiltIndex read_folder(const std::filesystem::path& folder, PoolOptions options) {
    BuiltIndex index;
    {
        ExtractionPool pool(std::move(options), index);
        WalkVisitor visitor;
        visitor.on_file = [&](EvidenceFile&& file) { pool.submit(std::move(file)); };
        visitor.on_record = [&](FileRecord&& record) { pool.record(std::move(record)); };
        walk({folder.string()}, WalkLimits{}, visitor);
        pool.finish();
    }
    index.finish();
    return index;
}

const FileRecord* record_named(const BuiltIndex& index, const std::string& name) {
    for (const auto& record : index.files()) {
        if (iqts::test::ends_with(record.path, "/" + name)) return &record;
    }
    return nullptr;
}

PoolOptions faulty_pool(unsigned jobs) {
    PoolOptions options;
    options.jobs = jobs;
    options.extract_function = faulty_extract;
    options.worker_limits = quick_limits();
    return options;
}

TEST(ExtractionPool, CrashLosesOnlyThatFile) {
    const TempDir folder;
    for (const auto* name : {"a.txt", "b.txt", "crash.txt", "d.txt", "e.txt"}) {
        iqts::test::write_file(folder / name, std::string("text of ") + name);
    }

    const auto index = read_folder(folder.path(), faulty_pool(2));

    ASSERT_NE(record_named(index, "crash.txt"), nullptr);
    EXPECT_EQ(record_named(index, "crash.txt")->status, FileStatus::review);
    EXPECT_EQ(record_named(index, "crash.txt")->reason.rfind("extractor crashed (signal 11", 0), 0u);
    for (const auto* name : {"a.txt", "b.txt", "d.txt", "e.txt"}) {
        ASSERT_NE(record_named(index, name), nullptr) << name;
        EXPECT_EQ(record_named(index, name)->status, FileStatus::read) << name;
    }
    EXPECT_EQ(index.documents().size(), 4u);
}

TEST(ExtractionPool, HangingFileTimesOut) {
    const TempDir folder;
    for (const auto* name : {"a.txt", "hang.txt", "x.txt", "y.txt", "z.txt"}) {
        iqts::test::write_file(folder / name, std::string("text of ") + name);
    }

    const auto index = read_folder(folder.path(), faulty_pool(1));

    ASSERT_NE(record_named(index, "hang.txt"), nullptr);
    EXPECT_EQ(record_named(index, "hang.txt")->reason, "extractor timed out after 0.3 s; raise --document-timeout");
    for (const auto* name : {"a.txt", "x.txt", "y.txt", "z.txt"}) {
        ASSERT_NE(record_named(index, name), nullptr) << name;
        EXPECT_EQ(record_named(index, name)->status, FileStatus::read) << name;
    }
}

TEST(ExtractionPool, ProgressCountsEveryFileOnce) {
    const TempDir folder;
    for (const auto* name : {"a.txt", "crash.txt", "c.txt"}) iqts::test::write_file(folder / name, "text");
    std::vector<std::size_t> done;
    auto options = faulty_pool(2);
    options.progress = [&](const ScanProgress& progress) { done.push_back(progress.files_done); };

    read_folder(folder.path(), std::move(options));

    EXPECT_EQ(done, (std::vector<std::size_t>{1, 2, 3}));
}

// The JSON report of the sample export, which must not depend on the number
// of jobs or on isolation.
std::string sample_report(const std::string& options) {
    const auto run = iqts::test::run_scanner("scan " + iqts::test::shell_quote(sample_export.string()) +
                                             " --format json --no-cache " + options);
    EXPECT_TRUE(run.status == 0 || run.status == 1) << run.status << run.err;
    return run.out;
}

TEST(ScanIsolation, ReportIndependentOfJobsAndIsolation) {
    const auto reference = sample_report("--jobs 1 --no-isolate");
    ASSERT_FALSE(reference.empty());

    EXPECT_EQ(sample_report("--jobs 1"), reference);
    EXPECT_EQ(sample_report("--jobs 2"), reference);
    EXPECT_EQ(sample_report("--jobs 2 --no-isolate"), reference);
}

TEST(ScanIsolation, NonPositiveDocumentTimeoutExitsTwo) {
    const auto run = iqts::test::run_scanner("scan " + iqts::test::shell_quote(sample_export.string()) +
                                             " --document-timeout 0");

    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.err.find("--document-timeout"), std::string::npos) << run.err;
}

}  // namespace
