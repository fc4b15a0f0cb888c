#include "iqts/host/walker.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "iqts/host/text_encoding.hpp"
#include "test_support.hpp"

namespace {

namespace fs = std::filesystem;
using iqts::FileRecord;
using iqts::FileStatus;
using iqts::host::EvidenceFile;
using iqts::host::WalkLimits;
using iqts::test::read_file;
using iqts::test::run_command;
using iqts::test::shell_quote;
using iqts::test::TempDir;
using iqts::test::write_file;

const std::string kMakeZip = std::string(IQTS_SOURCE_DIR) + "/tests/data/walker/make_zip.py";
const fs::path kCorpusArchives = fs::path(IQTS_CORPUS_DIR) / "archives";

struct WalkResult {
    std::vector<std::string> order;                 // file paths in the order the walker gave them
    std::map<std::string, EvidenceFile> files;
    std::map<std::string, FileRecord> records;

    bool has_file(const std::string& path) const { return files.count(path) != 0; }
    const FileRecord& record(const std::string& path) const {
        const auto found = records.find(path);
        if (found == records.end()) {
            throw std::runtime_error("no record for " + path + "\n" + dump());
        }
        return found->second;
    }
    std::string dump() const {
        std::ostringstream text;
        for (const auto& path : order) {
            text << "file   " << path << "\n";
        }
        for (const auto& [path, record] : records) {
            text << "record " << path << " [" << record.kind << ", " << iqts::to_string(record.status) << "] "
                 << record.reason << "\n";
        }
        return text.str();
    }
};

WalkResult walk_paths(const std::vector<std::string>& paths, const WalkLimits& limits = {}) {
    WalkResult result;
    iqts::host::WalkVisitor visitor;
    visitor.on_file = [&](EvidenceFile&& file) {
        result.order.push_back(file.path);
        result.files.emplace(file.path, std::move(file));
    };
    visitor.on_record = [&](FileRecord&& record) { result.records.emplace(record.path, std::move(record)); };
    iqts::host::walk(paths, limits, visitor);
    return result;
}

void run_or_fail(const std::string& command) {
    ASSERT_EQ(run_command(command), 0) << command;
}

void make_zip(const fs::path& output, const std::string& mode, const std::vector<std::string>& names) {
    fs::create_directories(output.parent_path());
    std::string command = "python3 " + shell_quote(kMakeZip) + " " + shell_quote(output.string()) + " " + mode;
    for (const auto& name : names) {
        command += " " + shell_quote(name);
    }
    run_or_fail(command);
}

// Writes export/Part 1/a.txt and export/Part 2/logs.zip, which contains itap.txt and inner.zip,
// which contains deep.txt.
void make_export_with_nested_zip(const fs::path& root) {
    write_file(root / "export/Part 1/a.txt", "alpha");
    write_file(root / "work/itap.txt", "itap log");
    write_file(root / "work/deep.txt", "deep text");
    run_or_fail("cd " + shell_quote((root / "work").string()) + " && zip -q inner.zip deep.txt && mkdir -p " +
                shell_quote((root / "export/Part 2").string()) + " && zip -q " +
                shell_quote((root / "export/Part 2/logs.zip").string()) + " itap.txt inner.zip");
}

// A tree "Part 1/a.txt", "Part 2/b.txt" in `folder`, for archiving.
void make_parts(const fs::path& folder) {
    write_file(folder / "Part 1/a.txt", "alpha");
    write_file(folder / "Part 2/b.txt", "bravo");
}

TEST(WalkerFolder, WalksNestedZips) {
    TempDir dir;
    make_export_with_nested_zip(dir.path());
    const WalkResult result = walk_paths({(dir / "export").string()});

    EXPECT_EQ(result.files.at("export/Part 1/a.txt").bytes, "alpha") << result.dump();
    EXPECT_EQ(result.files.at("export/Part 2/logs.zip!/itap.txt").bytes, "itap log") << result.dump();
    EXPECT_EQ(result.files.at("export/Part 2/logs.zip!/inner.zip!/deep.txt").bytes, "deep text") << result.dump();
    EXPECT_EQ(result.files.at("export/Part 2/logs.zip!/inner.zip!/deep.txt").depth, 2);
    EXPECT_EQ(result.files.at("export/Part 1/a.txt").depth, 0);
    EXPECT_EQ(result.record("export/Part 2/logs.zip").kind, "zip");
    EXPECT_EQ(result.record("export/Part 2/logs.zip").status, FileStatus::read);
}

TEST(WalkerFolder, SortsByName) {
    TempDir dir;
    write_file(dir / "export/b.txt", "b");
    write_file(dir / "export/a.txt", "a");
    write_file(dir / "export/C/c.txt", "c");
    const WalkResult result = walk_paths({(dir / "export").string()});

    const std::vector<std::string> expected{"export/C/c.txt", "export/a.txt", "export/b.txt"};
    EXPECT_EQ(result.order, expected);
}

TEST(WalkerFolder, TrailingSlashKeepsFolderName) {
    TempDir dir;
    write_file(dir / "export/a.txt", "a");
    const WalkResult result = walk_paths({(dir / "export").string() + "/"});

    EXPECT_TRUE(result.has_file("export/a.txt")) << result.dump();
}

TEST(WalkerFolder, NameAndModifiedTime) {
    TempDir dir;
    write_file(dir / "export/a.txt", "a");
    run_or_fail("touch -d '2024-03-05 06:07:08 UTC' " + shell_quote((dir / "export/a.txt").string()));
    const WalkResult result = walk_paths({(dir / "export").string()});

    EXPECT_EQ(result.files.at("export/a.txt").name, "a.txt");
    EXPECT_EQ(result.files.at("export/a.txt").modified, "2024-03-05T06:07:08Z");
}

TEST(WalkerArchive, ZipOnCommandLine) {
    TempDir dir;
    make_parts(dir / "src");
    run_or_fail("cd " + shell_quote((dir / "src").string()) + " && zip -qr ../export.zip .");
    const WalkResult result = walk_paths({(dir / "export.zip").string()});

    EXPECT_EQ(result.files.at("export.zip!/Part 1/a.txt").bytes, "alpha") << result.dump();
    EXPECT_EQ(result.files.at("export.zip!/Part 2/b.txt").depth, 1);
    EXPECT_EQ(result.record("export.zip").kind, "zip");
    EXPECT_EQ(result.record("export.zip").status, FileStatus::read);
}

TEST(WalkerArchive, TarGz) {
    TempDir dir;
    make_parts(dir / "src");
    run_or_fail("bsdtar -czf " + shell_quote((dir / "export.tar.gz").string()) + " -C " +
                shell_quote((dir / "src").string()) + " .");
    const WalkResult result = walk_paths({(dir / "export.tar.gz").string()});

    EXPECT_EQ(result.files.at("export.tar.gz!/Part 1/a.txt").bytes, "alpha") << result.dump();
    EXPECT_EQ(result.files.at("export.tar.gz!/Part 2/b.txt").bytes, "bravo") << result.dump();
    EXPECT_EQ(result.record("export.tar.gz").kind, "tar");
}

TEST(WalkerArchive, TarXz) {
    TempDir dir;
    make_parts(dir / "src");
    run_or_fail("bsdtar -cJf " + shell_quote((dir / "export.tar.xz").string()) + " -C " +
                shell_quote((dir / "src").string()) + " .");
    const WalkResult result = walk_paths({(dir / "export.tar.xz").string()});

    EXPECT_EQ(result.files.at("export.tar.xz!/Part 1/a.txt").bytes, "alpha") << result.dump();
    EXPECT_EQ(result.record("export.tar.xz").kind, "tar");
}

TEST(WalkerArchive, TarEntryModifiedTime) {
    TempDir dir;
    write_file(dir / "src/a.txt", "a");
    run_or_fail("touch -d '2023-11-30 10:10:10 UTC' " + shell_quote((dir / "src/a.txt").string()));
    run_or_fail("bsdtar -cf " + shell_quote((dir / "export.tar").string()) + " -C " +
                shell_quote((dir / "src").string()) + " a.txt");
    const WalkResult result = walk_paths({(dir / "export.tar").string()});

    EXPECT_EQ(result.files.at("export.tar!/a.txt").modified, "2023-11-30T10:10:10Z") << result.dump();
}

TEST(WalkerArchive, SevenZip) {
    TempDir dir;
    make_parts(dir / "src");
    run_or_fail("cd " + shell_quote((dir / "src").string()) + " && 7z a -bd -bso0 -bsp0 ../export.7z .");
    const WalkResult result = walk_paths({(dir / "export.7z").string()});

    EXPECT_EQ(result.files.at("export.7z!/Part 1/a.txt").bytes, "alpha") << result.dump();
    EXPECT_EQ(result.files.at("export.7z!/Part 2/b.txt").bytes, "bravo") << result.dump();
    EXPECT_EQ(result.record("export.7z").kind, "7z");
}

TEST(WalkerArchive, GzipOfOneFileNamedWithoutExtension) {
    TempDir dir;
    write_file(dir / "export/notes.txt", "plain notes");
    run_or_fail("gzip " + shell_quote((dir / "export/notes.txt").string()));
    const WalkResult result = walk_paths({(dir / "export").string()});

    EXPECT_EQ(result.files.at("export/notes.txt.gz!/notes.txt").bytes, "plain notes") << result.dump();
    EXPECT_EQ(result.record("export/notes.txt.gz").kind, "gzip");
}

TEST(WalkerArchive, SplitZipsMergeIntoOneTree) {
    TempDir dir;
    make_parts(dir / "src");
    const std::string prefix = "drive-download-20261130T101010Z";
    run_or_fail("cd " + shell_quote((dir / "src").string()) + " && zip -qr ../" + prefix + "-001.zip 'Part 1' && zip -qr ../" +
                prefix + "-002.zip 'Part 2'");
    const WalkResult result =
        walk_paths({(dir / (prefix + "-002.zip")).string(), (dir / (prefix + "-001.zip")).string()});

    const std::vector<std::string> expected{prefix + "!/Part 1/a.txt", prefix + "!/Part 2/b.txt"};
    EXPECT_EQ(result.order, expected) << result.dump();
    EXPECT_EQ(result.record(prefix + "-001.zip").status, FileStatus::read);
    EXPECT_EQ(result.record(prefix + "-002.zip").status, FileStatus::read);
}

TEST(WalkerNames, Cp437WithoutUtf8Flag) {
    TempDir dir;
    make_zip(dir / "export/names.zip", "cp437", {"Zeugnis Müller.docx"});
    const WalkResult result = walk_paths({(dir / "export").string()});

    EXPECT_TRUE(result.has_file("export/names.zip!/Zeugnis Müller.docx")) << result.dump();
}

TEST(WalkerNames, Utf8Flagged) {
    TempDir dir;
    make_zip(dir / "export/names.zip", "utf8-flagged", {"Zeugnis Müller.docx", "Отчёт.txt"});
    const WalkResult result = walk_paths({(dir / "export").string()});

    EXPECT_TRUE(result.has_file("export/names.zip!/Zeugnis Müller.docx")) << result.dump();
    EXPECT_TRUE(result.has_file("export/names.zip!/Отчёт.txt")) << result.dump();
}

TEST(WalkerNames, Utf8WithoutFlagAsMacOsWrites) {
    TempDir dir;
    make_zip(dir / "export/names.zip", "utf8-unflagged", {"Zeugnis Müller.docx"});
    const WalkResult result = walk_paths({(dir / "export").string()});

    EXPECT_TRUE(result.has_file("export/names.zip!/Zeugnis Müller.docx")) << result.dump();
}

TEST(WalkerNames, TopLevelArchiveWithCp437Name) {
    TempDir dir;
    make_zip(dir / "names.zip", "cp437", {"Zeugnis Müller.docx"});
    const WalkResult result = walk_paths({(dir / "names.zip").string()});

    EXPECT_TRUE(result.has_file("names.zip!/Zeugnis Müller.docx")) << result.dump();
}

TEST(WalkerSkip, MetadataFilesInFolder) {
    TempDir dir;
    for (const std::string name : {"~$report.docx", ".DS_Store", "__MACOSX/._a.docx", "Thumbs.db", "DESKTOP.INI"}) {
        write_file(dir / "export" / name, "metadata");
    }
    write_file(dir / "export/report.docx", "evidence");
    const WalkResult result = walk_paths({(dir / "export").string()});

    EXPECT_EQ(result.record("export/~$report.docx").reason, "Office lock file");
    EXPECT_EQ(result.record("export/.DS_Store").status, FileStatus::skipped);
    EXPECT_EQ(result.record("export/__MACOSX/._a.docx").status, FileStatus::skipped);
    EXPECT_EQ(result.record("export/Thumbs.db").status, FileStatus::skipped);
    EXPECT_EQ(result.record("export/DESKTOP.INI").status, FileStatus::skipped);
    const std::vector<std::string> evidence{"export/report.docx"};
    EXPECT_EQ(result.order, evidence);
}

TEST(WalkerSkip, MetadataEntriesInZip) {
    TempDir dir;
    write_file(dir / "src/~$plan.docx", "lock");
    write_file(dir / "src/__MACOSX/Part 1/._plan.docx", "fork");
    write_file(dir / "src/plan.docx", "evidence");
    run_or_fail("cd " + shell_quote((dir / "src").string()) + " && zip -qr ../export.zip .");
    const WalkResult result = walk_paths({(dir / "export.zip").string()});

    EXPECT_EQ(result.record("export.zip!/~$plan.docx").status, FileStatus::skipped);
    EXPECT_EQ(result.record("export.zip!/__MACOSX/Part 1/._plan.docx").status, FileStatus::skipped);
    const std::vector<std::string> evidence{"export.zip!/plan.docx"};
    EXPECT_EQ(result.order, evidence);
}

TEST(WalkerSkip, ReasonTable) {
    using iqts::host::skip_reason;
    EXPECT_NE(skip_reason("export/~$Trainee register.xlsx"), "");
    EXPECT_NE(skip_reason("export.zip!/Part 1/.ds_store"), "");
    EXPECT_NE(skip_reason("export/__MACOSX/Part 1/notes.txt"), "");
    EXPECT_NE(skip_reason("export/thumbs.DB"), "");
    EXPECT_NE(skip_reason("export/Desktop.ini"), "");
    EXPECT_EQ(skip_reason("export/Trainee register.xlsx"), "");
    EXPECT_EQ(skip_reason("export/MACOSX notes.txt"), "");
    EXPECT_EQ(skip_reason("export/report~$.docx"), "");
}

TEST(WalkerLinks, SymlinkInFolderNotFollowed) {
    TempDir dir;
    write_file(dir / "secret.txt", "outside the export");
    write_file(dir / "outside/other.txt", "outside folder");
    write_file(dir / "export/a.txt", "a");
    fs::create_symlink(dir / "secret.txt", dir / "export/link.txt");
    fs::create_directory_symlink(dir / "outside", dir / "export/linked folder");
    const WalkResult result = walk_paths({(dir / "export").string()});

    EXPECT_EQ(result.record("export/link.txt").reason, "symbolic link, not followed");
    EXPECT_EQ(result.record("export/linked folder").reason, "symbolic link, not followed");
    EXPECT_FALSE(result.has_file("export/link.txt"));
    EXPECT_FALSE(result.has_file("export/linked folder/other.txt"));
}

TEST(WalkerLinks, SymlinkEntryInTar) {
    TempDir dir;
    write_file(dir / "src/a.txt", "a");
    fs::create_symlink("/etc/passwd", dir / "src/passwd");
    run_or_fail("bsdtar -cf " + shell_quote((dir / "export.tar").string()) + " -C " +
                shell_quote((dir / "src").string()) + " a.txt passwd");
    const WalkResult result = walk_paths({(dir / "export.tar").string()});

    EXPECT_EQ(result.record("export.tar!/passwd").reason, "symbolic link, not followed");
    EXPECT_FALSE(result.has_file("export.tar!/passwd"));
}

const std::string encrypted_reason =
    "password-protected (encrypted), so it cannot be opened; upload it again without a password";

TEST(WalkerEncryption, ZipWithPassword) {
    TempDir dir;
    write_file(dir / "src/secret.txt", "hidden");
    run_or_fail("cd " + shell_quote((dir / "src").string()) + " && zip -q -P secret ../export.zip secret.txt");
    const WalkResult result = walk_paths({(dir / "export.zip").string()});

    EXPECT_EQ(result.record("export.zip!/secret.txt").status, FileStatus::unreadable);
    EXPECT_EQ(result.record("export.zip!/secret.txt").reason, encrypted_reason);
}

TEST(WalkerEncryption, SevenZipWithPassword) {
    TempDir dir;
    write_file(dir / "src/secret.txt", "hidden");
    run_or_fail("cd " + shell_quote((dir / "src").string()) +
                " && 7z a -bd -bso0 -bsp0 -psecret ../export/locked.7z secret.txt");
    const WalkResult result = walk_paths({(dir / "export").string()});

    EXPECT_EQ(result.record("export/locked.7z!/secret.txt").status, FileStatus::unreadable) << result.dump();
    EXPECT_EQ(result.record("export/locked.7z!/secret.txt").reason, encrypted_reason);
}

TEST(WalkerEncryption, SevenZipWithEncryptedNames) {
    TempDir dir;
    write_file(dir / "src/secret.txt", "hidden");
    run_or_fail("cd " + shell_quote((dir / "src").string()) +
                " && 7z a -bd -bso0 -bsp0 -psecret -mhe=on ../export/locked.7z secret.txt");
    const WalkResult result = walk_paths({(dir / "export").string()});

    EXPECT_EQ(result.record("export/locked.7z").status, FileStatus::unreadable) << result.dump();
    EXPECT_TRUE(result.record("export/locked.7z").reason.starts_with("password-protected")) << result.dump();
}

TEST(WalkerDamage, TruncatedZipKeepsEntriesRead) {
    TempDir dir;
    write_file(dir / "src/a.txt", "alpha");
    run_or_fail("head -c 300000 /dev/urandom > " + shell_quote((dir / "src/b.bin").string()));
    run_or_fail("cd " + shell_quote((dir / "src").string()) + " && zip -q -0 ../full.zip a.txt b.bin");
    fs::create_directories(dir / "export");
    run_or_fail("head -c 150000 " + shell_quote((dir / "full.zip").string()) + " > " +
                shell_quote((dir / "export/cut.zip").string()));
    const WalkResult result = walk_paths({(dir / "export").string()});

    EXPECT_EQ(result.files.at("export/cut.zip!/a.txt").bytes, "alpha") << result.dump();
    EXPECT_EQ(result.record("export/cut.zip").status, FileStatus::unreadable) << result.dump();
    EXPECT_NE(result.record("export/cut.zip").reason, "");
}

TEST(WalkerDamage, TruncatedTarGzKeepsEntriesRead) {
    TempDir dir;
    write_file(dir / "src/a.txt", "alpha");
    run_or_fail("head -c 300000 /dev/urandom > " + shell_quote((dir / "src/b.bin").string()));
    run_or_fail("bsdtar -czf " + shell_quote((dir / "full.tar.gz").string()) + " -C " +
                shell_quote((dir / "src").string()) + " a.txt b.bin");
    fs::create_directories(dir / "export");
    run_or_fail("head -c 150000 " + shell_quote((dir / "full.tar.gz").string()) + " > " +
                shell_quote((dir / "export/cut.tar.gz").string()));
    const WalkResult result = walk_paths({(dir / "export").string()});

    EXPECT_EQ(result.files.at("export/cut.tar.gz!/a.txt").bytes, "alpha") << result.dump();
    EXPECT_EQ(result.record("export/cut.tar.gz").status, FileStatus::unreadable) << result.dump();
}

TEST(WalkerLimits, FileOverMaxEntryBytes) {
    TempDir dir;
    write_file(dir / "export/big.txt", std::string(2000, 'x'));
    write_file(dir / "src/big.txt", std::string(2000, 'x'));
    run_or_fail("cd " + shell_quote((dir / "src").string()) + " && zip -q ../export/big.zip big.txt");
    WalkLimits limits;
    limits.max_entry_bytes = 1000;
    const WalkResult result = walk_paths({(dir / "export").string()}, limits);

    EXPECT_EQ(result.record("export/big.txt").status, FileStatus::review);
    EXPECT_NE(result.record("export/big.txt").reason.find("--max-entry-mb"), std::string::npos);
    EXPECT_EQ(result.record("export/big.zip!/big.txt").status, FileStatus::review) << result.dump();
    EXPECT_FALSE(result.has_file("export/big.txt"));
}

TEST(WalkerLimits, NestingOverMaxDepth) {
    TempDir dir;
    make_export_with_nested_zip(dir.path());
    WalkLimits limits;
    limits.max_nesting_depth = 1;
    const WalkResult result = walk_paths({(dir / "export").string()}, limits);

    EXPECT_TRUE(result.has_file("export/Part 2/logs.zip!/itap.txt")) << result.dump();
    EXPECT_EQ(result.record("export/Part 2/logs.zip!/inner.zip").status, FileStatus::review);
    EXPECT_NE(result.record("export/Part 2/logs.zip!/inner.zip").reason.find("--max-depth"), std::string::npos);
    EXPECT_FALSE(result.has_file("export/Part 2/logs.zip!/inner.zip!/deep.txt"));
}

TEST(WalkerLimits, ZipBombByDeclaredSize) {
    TempDir dir;
    make_zip(dir / "export/bomb.zip", "zeros:50000000", {"zeros.bin"});
    WalkLimits limits;
    limits.max_compression_ratio = 200;
    const WalkResult result = walk_paths({(dir / "export").string()}, limits);

    EXPECT_EQ(result.record("export/bomb.zip!/zeros.bin").status, FileStatus::review) << result.dump();
    EXPECT_NE(result.record("export/bomb.zip!/zeros.bin").reason.find("--max-ratio"), std::string::npos);
}

TEST(WalkerLimits, GzipBombWithoutDeclaredSize) {
    TempDir dir;
    // 50 MB of zeros would read as an empty tar archive, so the bomb repeats "y\n".
    run_or_fail("mkdir -p " + shell_quote((dir / "export").string()) + " && yes | head -c 50000000 | gzip > " +
                shell_quote((dir / "export/yes.gz").string()));
    WalkLimits limits;
    limits.max_compression_ratio = 200;
    const WalkResult result = walk_paths({(dir / "export").string()}, limits);

    EXPECT_EQ(result.record("export/yes.gz!/yes").status, FileStatus::review) << result.dump();
    EXPECT_NE(result.record("export/yes.gz!/yes").reason.find("--max-ratio"), std::string::npos);
    // Reading stopped near 200 times the 49 kB archive, far short of 50 MB.
    EXPECT_LT(result.record("export/yes.gz!/yes").size, 20000000);
}

TEST(WalkerLimits, TooManyEntries) {
    TempDir dir;
    for (const std::string name : {"1.txt", "2.txt", "3.txt", "4.txt", "5.txt"}) {
        write_file(dir / "src" / name, name);
    }
    run_or_fail("cd " + shell_quote((dir / "src").string()) + " && zip -q ../export.zip 1.txt 2.txt 3.txt 4.txt 5.txt");
    WalkLimits limits;
    limits.max_entries_per_archive = 3;
    const WalkResult result = walk_paths({(dir / "export.zip").string()}, limits);

    EXPECT_EQ(result.files.size(), 3u) << result.dump();
    EXPECT_EQ(result.record("export.zip").status, FileStatus::review);
    EXPECT_NE(result.record("export.zip").reason.find("--max-entries"), std::string::npos);
}

TEST(WalkerLimits, TotalOverMaxTotalBytes) {
    TempDir dir;
    write_file(dir / "export/a.txt", std::string(600, 'a'));
    write_file(dir / "export/b.txt", std::string(600, 'b'));
    WalkLimits limits;
    limits.max_total_bytes = 1000;
    const WalkResult result = walk_paths({(dir / "export").string()}, limits);

    EXPECT_TRUE(result.has_file("export/a.txt"));
    EXPECT_EQ(result.record("export/b.txt").status, FileStatus::review);
    EXPECT_NE(result.record("export/b.txt").reason.find("--max-total-mb"), std::string::npos);
}

TEST(WalkerSafety, ExportUnchangedAfterWalk) {
    TempDir dir;
    make_export_with_nested_zip(dir.path());
    write_file(dir / "export/~$lock.docx", "lock");
    fs::create_symlink(dir / "work/itap.txt", dir / "export/link.txt");
    run_or_fail("touch -d '2020-01-01 00:00:00 UTC' " + shell_quote((dir / "export/Part 1/a.txt").string()));
    const auto before = iqts::test::tree_fingerprint(dir / "export");
    walk_paths({(dir / "export").string(), (dir / "export/Part 2/logs.zip").string()});
    const auto after = iqts::test::tree_fingerprint(dir / "export");

    EXPECT_EQ(before, after);
}

TEST(WalkerErrors, MissingPathThrows) {
    TempDir dir;
    try {
        walk_paths({(dir / "no such export").string()});
        FAIL() << "walk accepted a missing path";
    } catch (const std::runtime_error& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find("export path not found"), std::string::npos) << message;
        EXPECT_NE(message.find("no such export"), std::string::npos) << message;
    }
}

TEST(WalkerErrors, DocumentOnCommandLineThrows) {
    TempDir dir;
    write_file(dir / "notes.txt", "not an export");
    EXPECT_THROW(walk_paths({(dir / "notes.txt").string()}), std::runtime_error);
}

TEST(WalkerErrors, UnreadableTopLevelArchiveThrows) {
    TempDir dir;
    write_file(dir / "broken.zip", std::string("PK\x03\x04", 4) + std::string(40, '\xff'));
    EXPECT_THROW(walk_paths({(dir / "broken.zip").string()}), std::runtime_error);
}

// The corpus of hostile and unusual archives, walked once as one folder.
class WalkerCorpus : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        if (fs::is_directory(kCorpusArchives)) {
            result_ = new WalkResult(walk_paths({kCorpusArchives.string()}));
        }
    }
    static void TearDownTestSuite() {
        delete result_;
        result_ = nullptr;
    }
    void SetUp() override {
        if (result_ == nullptr) {
            GTEST_SKIP() << "corpus folder " << kCorpusArchives << " is absent";
        }
    }
    static const WalkResult& result() { return *result_; }
    static inline WalkResult* result_ = nullptr;
};

TEST_F(WalkerCorpus, AllPathsValidUtf8) {
    for (const auto& [path, record] : result().records) {
        EXPECT_TRUE(iqts::host::is_valid_utf8(path)) << path;
    }
    for (const auto& [path, file] : result().files) {
        EXPECT_TRUE(iqts::host::is_valid_utf8(path)) << path;
    }
}

TEST_F(WalkerCorpus, LegacyCodePageNamesKeptApart) {
    for (const std::string zip : {"cp866", "cp932", "koi8r"}) {
        const std::string root = "archives/zip/test_read_format_zip_filename_" + zip + ".zip!/";
        int count = 0;
        for (const auto& [path, file] : result().files) {
            count += path.starts_with(root) ? 1 : 0;
        }
        EXPECT_EQ(count, 2) << zip << "\n" << result().dump();
    }
}

TEST_F(WalkerCorpus, UnicodePathExtraField) {
    EXPECT_TRUE(result().has_file("archives/zip/test_read_format_zip_7075_utf8_paths.zip!/File 2 - ö.txt"))
        << result().dump();
}

TEST_F(WalkerCorpus, SymlinkEntryRecorded) {
    const std::string zip = "archives/zip/test_read_format_zip_symlink.zip!/";
    EXPECT_EQ(result().record(zip + "symlink").reason, "symbolic link, not followed");
    EXPECT_EQ(result().files.at(zip + "file").bytes, "file\n");
}

TEST_F(WalkerCorpus, EscapingSymlinkRecorded) {
    EXPECT_EQ(result().record("archives/zip/unzip_test_symlink_1.zip!/insecure.link").status, FileStatus::skipped)
        << result().dump();
}

TEST_F(WalkerCorpus, TraditionalEncryption) {
    const std::string zip = "archives/zip/test_read_format_zip_traditional_encryption_data.zip!/";
    EXPECT_EQ(result().record(zip + "bar.txt").reason, encrypted_reason) << result().dump();
    EXPECT_EQ(result().record(zip + "foo.txt").reason, encrypted_reason);
}

TEST_F(WalkerCorpus, WinZipAesEncryption) {
    EXPECT_EQ(result().record("archives/zip/test_read_format_zip_winzip_aes256.zip!/README").reason,
              encrypted_reason)
        << result().dump();
}

TEST_F(WalkerCorpus, PartiallyEncryptedZip) {
    const std::string zip = "archives/zip/test_read_format_zip_encryption_partially.zip!/";
    EXPECT_EQ(result().record(zip + "foo.txt").reason, encrypted_reason) << result().dump();
    EXPECT_NE(result().files.at(zip + "bar.txt").bytes.find("data of bar.txt"), std::string::npos);
}

TEST_F(WalkerCorpus, SevenZipEncryptedHeader) {
    const FileRecord& record = result().record("archives/7z/test_read_format_7zip_encryption_header.7z");
    EXPECT_EQ(record.status, FileStatus::unreadable);
    EXPECT_TRUE(record.reason.starts_with("password-protected")) << record.reason;
}

TEST_F(WalkerCorpus, MalformedArchivesUnreadable) {
    EXPECT_EQ(result().record("archives/zip/test_read_format_zip_malformed1.zip").status, FileStatus::unreadable);
    EXPECT_EQ(result().record("archives/7z/test_read_format_7zip_malformed.7z").status, FileStatus::unreadable);
}

TEST_F(WalkerCorpus, LeadingSlashAndHardLink) {
    const std::string tar = "archives/tar/tar_test_leading_slash.tar!/";
    EXPECT_EQ(result().files.at(tar + "foo/file").bytes.size(), 4u) << result().dump();
    EXPECT_EQ(result().record(tar + "foo/hardlink").status, FileStatus::skipped);
}

TEST_F(WalkerCorpus, TraversalNamesStayInside) {
    const std::string tar = "archives/tar/tar_test_patterns_4.tar!/";
    int count = 0;
    for (const auto& [path, file] : result().files) {
        if (path.starts_with(tar)) {
            ++count;
            const std::string inside = path.substr(tar.size());
            EXPECT_FALSE(inside.starts_with("/")) << path;
            EXPECT_EQ(("/" + inside + "/").find("/../"), std::string::npos) << path;
            EXPECT_EQ(inside.find(':'), std::string::npos) << path;
        }
    }
    EXPECT_GT(count, 0) << result().dump();
}

TEST_F(WalkerCorpus, NestedZip) {
    const std::string zip = "archives/zip/test_read_format_zip_nested.zip!/";
    EXPECT_EQ(result().files.at(zip + "file.txt").bytes, "The zip archive metadata is not displayed correctly.\n")
        << result().dump();
    EXPECT_EQ(result().files.at(zip + "small.zip!/another_file.txt").bytes, "Only this file is displayed.\n");
}

}  // namespace
