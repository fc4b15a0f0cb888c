// Hostile inputs scanned end to end: tests/hostile/make_hostile.py builds
// each input into a temporary export, the real iqts-scan executable scans
// it, and each file's status and reason in the JSON `files` list is checked
// against the expected verdict. The scan must finish, leave the export
// unchanged and stay under a peak memory bound (docs/security.md).

#include <gtest/gtest.h>

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "scan_support.hpp"

namespace iqts::test {
namespace {

// Peak resident memory bounds, in KiB, documented in docs/security.md.
constexpr long small_inputs_peak_kib = 512L * 1024;
constexpr long long_line_peak_kib = 1536L * 1024;

struct FileVerdict {
    std::string kind;
    std::string status;
    std::string reason;
};

struct HostileScan {
    int status = -1;
    std::string err;
    long peak_kib = -1;
    bool before_equals_after = false;
    std::multimap<std::string, FileVerdict> files;  // path in the report -> verdict
};

std::string generator() {
    return shell_quote("/usr/bin/python3") + " " +
           shell_quote(std::string(IQTS_SOURCE_DIR) + "/tests/hostile/make_hostile.py");
}

// Scans `export_folder` under /usr/bin/time and reads the JSON report.
HostileScan scan_export(const std::filesystem::path& export_folder, const std::string& extra_options = "") {
    const TempDir output;
    const auto before = tree_fingerprint(export_folder.parent_path());
    HostileScan scan;
    scan.status = run_command("/usr/bin/time -f %M -o " + shell_quote((output / "peak").string()) + " " +
                              shell_quote(IQTS_SCAN_EXECUTABLE) + " scan " + shell_quote(export_folder.string()) +
                              " --format json --output " + shell_quote((output / "report.json").string()) + " " +
                              extra_options + " 2> " + shell_quote((output / "err").string()));
    scan.err = read_file(output / "err");
    scan.before_equals_after = before == tree_fingerprint(export_folder.parent_path());
    const std::string peak = read_file(output / "peak");
    // /usr/bin/time prefixes "Command exited with non-zero status N" when the scan fails a criterion.
    const auto last_line = peak.find_last_of('\n', peak.size() >= 2 ? peak.size() - 2 : 0);
    scan.peak_kib = std::stol(last_line == std::string::npos ? peak : peak.substr(last_line + 1));

    const auto report = parse_report(read_file(output / "report.json"));
    const auto files = report->getArray("files");
    for (std::size_t i = 0; i < files->size(); ++i) {
        const auto entry = files->getObject(static_cast<unsigned>(i));
        scan.files.emplace(entry->getValue<std::string>("path"),
                           FileVerdict{entry->getValue<std::string>("kind"), entry->getValue<std::string>("status"),
                                       entry->getValue<std::string>("reason")});
    }
    return scan;
}

// The small hostile inputs, built once for all the tests below.
const std::filesystem::path& hostile_export() {
    static const TempDir folder;
    static const std::filesystem::path export_folder = [] {
        const auto path = folder / "export";
        if (run_command(generator() + " " + shell_quote(path.string()) + " 2> /dev/null") != 0) {
            throw std::runtime_error("make_hostile.py could not build the hostile inputs");
        }
        return path;
    }();
    return export_folder;
}

// The hostile inputs scanned with the default limits.
const HostileScan& hostile_scan() {
    static const HostileScan scan = scan_export(hostile_export());
    return scan;
}

// The same inputs scanned with each limit option set on the command line.
// A ratio this high lets the zip bombs through to the size limits.
const HostileScan& tight_scan() {
    static const HostileScan scan =
        scan_export(hostile_export(), "--max-depth 2 --max-ratio 100000 --max-entry-mb 32 --max-total-mb 20 "
                                      "--max-entries 3 --max-xml-depth 20000 --max-text-mb 0.00001");
    return scan;
}

const FileVerdict* verdict_of(const HostileScan& scan, const std::string& path) {
    const auto found = scan.files.find("export/" + path);
    return found == scan.files.end() ? nullptr : &found->second;
}

TEST(HostileExport, ScanFinishesWithAReport) {
    const int status = hostile_scan().status;
    EXPECT_TRUE(status == 0 || status == 1) << "exit status " << status << ": " << hostile_scan().err;
}

TEST(HostileExport, ExportUnchanged) {
    EXPECT_TRUE(hostile_scan().before_equals_after);
}

TEST(HostileExport, PeakMemoryUnderBound) {
    EXPECT_LT(hostile_scan().peak_kib, small_inputs_peak_kib);
}

TEST(HostileExport, DuplicateNamesBothListed) {
    EXPECT_EQ(hostile_scan().files.count("export/duplicates.zip!/same.txt"), 2u);
}

TEST(HostileExport, NoEntryEscapesItsArchive) {
    for (const auto& [path, verdict] : hostile_scan().files) {
        EXPECT_EQ(path.find("/../"), std::string::npos) << path;
        EXPECT_EQ(path.find("!//"), std::string::npos) << path;
        EXPECT_EQ(path.find(":\\"), std::string::npos) << path;
    }
}

struct Expected {
    const char* test_name;
    const char* path;     // relative to the export folder
    const char* status;
    const char* reason;   // a fragment of the reason; empty when read
};

// The expected verdict beside each input.
const Expected expected_verdicts[] = {
    // Archives
    {"ZipBomb", "bomb.zip!/zeros.txt", "review", "possible zip bomb); raise the max ratio with --max-ratio"},
    {"ZipOfZipBombs", "zip-of-bombs.zip!/inner2.zip!/zeros.txt", "review", "possible zip bomb"},
    {"NestingPastMaxDepth", "nested.zip!/level1.zip!/level2.zip!/level3.zip!/level4.zip", "review",
     "over the max of 4; raise it with --max-depth"},
    {"NestingWithinMaxDepth", "nested.zip!/level1.zip!/level2.zip!/level3.zip", "read", ""},
    {"ParentEscapeAndDriveLetterStayInside", "traversal.zip!/x.txt", "read", ""},
    {"AbsolutePathStaysInside", "traversal.zip!/etc/x.txt", "read", ""},
    {"NulInNameEndsTheName", "nul-name.zip!/nul", "read", ""},
    {"TruncatedZipKeepsWholeEntries", "truncated.zip!/a.txt", "read", ""},
    {"TruncatedZipLosesCutEntry", "truncated.zip!/b.txt", "unreadable", "decompression failed"},
    {"EncryptedEntry", "encrypted.zip!/secret.txt", "unreadable", "password-protected"},
    {"Cp437Name", "names.zip!/cp437-\u00e9\u00e8\u00f6\u00fc.txt", "read", ""},
    // Shift-JIS without the UTF-8 flag is read as CP437: valid, but the wrong characters.
    {"ShiftJisName", "names.zip!/sjis-\u00f4\u00b7\u00fb{.txt", "read", ""},
    {"InvalidUtf8NameWithoutFlag", "names.zip!/bad-utf8-\u251c(.txt", "read", ""},
    {"InvalidUtf8NameWithFlag", "bad-utf8-flagged.zip!/unnamed entry 1", "read", ""},
    {"ZipSymlink", "links.zip!/passwd-link", "skipped", "symbolic link, not followed"},
    {"TarSymlinkOut", "links.tar!/symlink-out", "skipped", "symbolic link, not followed"},
    {"TarHardLinkOut", "links.tar!/hardlink-out", "skipped", "hard link, not followed"},
    {"TarHardLinkIn", "links.tar!/hardlink-in", "skipped", "hard link, not followed"},
    // Office
    {"DocxWithDtd", "dtd.docx", "unreadable", "XML with a DTD, which is not accepted"},
    {"DocxBillionLaughs", "billion-laughs.docx", "unreadable", "XML with a DTD, which is not accepted"},
    {"DocxExternalEntity", "external-entity.docx", "unreadable", "XML with a DTD, which is not accepted"},
    {"DocxMissingDocumentPart", "missing-parts.docx", "unreadable", "no main document part"},
    {"DocxNestedPastMaxXmlDepth", "deep.docx", "unreadable", "raise it with --max-xml-depth"},
    {"XlsxSharedStringPastTable", "shared-string-past-end.xlsx", "read", ""},
    {"XlsxBillionRows", "billion-rows.xlsx", "unreadable", "outside the 1,048,576 rows a sheet can have"},
    // PDF
    {"TruncatedPdf", "truncated.pdf", "unreadable", "damaged PDF"},
    {"EncryptedPdf", "encrypted.pdf", "unreadable", "password-protected"},
    {"PdfPageTreeLoop", "page-tree-loop.pdf", "unreadable", "no text layer"},
    // Text
    {"NulBytes", "nul-bytes.txt", "unreadable", "unrecognised file format"},
    {"Utf16WithoutBom", "utf16-no-bom.txt", "unreadable", "unrecognised file format"},
};

void expect_verdict(const HostileScan& scan, const Expected& expected) {
    const FileVerdict* verdict = verdict_of(scan, expected.path);
    ASSERT_NE(verdict, nullptr) << expected.path << " is not in the report";
    EXPECT_EQ(verdict->status, expected.status) << expected.path << ": " << verdict->reason;
    if (std::string(expected.reason).empty()) {
        EXPECT_EQ(verdict->reason, "");
    } else {
        EXPECT_NE(verdict->reason.find(expected.reason), std::string::npos) << verdict->reason;
    }
}

class HostileFile : public ::testing::TestWithParam<Expected> {};

TEST_P(HostileFile, HasExpectedVerdict) {
    expect_verdict(hostile_scan(), GetParam());
}

INSTANTIATE_TEST_SUITE_P(Inputs, HostileFile, ::testing::ValuesIn(expected_verdicts),
                         [](const ::testing::TestParamInfo<Expected>& info) { return info.param.test_name; });

const Expected tight_verdicts[] = {
    {"MaxDepth", "nested.zip!/level1.zip!/level2.zip", "review", "over the max of 2; raise it with --max-depth"},
    {"MaxEntryMb", "bomb.zip!/zeros.txt", "review", "--max-entry-mb"},
    {"MaxTotalMb", "zip-of-bombs.zip!/inner2.zip!/zeros.txt", "review", "--max-total-mb"},
    {"MaxTotalMbNotYetReached", "zip-of-bombs.zip!/inner1.zip!/zeros.txt", "review", "--max-text-mb"},
    {"MaxEntries", "traversal.zip", "review", "--max-entries"},
    {"MaxXmlDepthRaised", "deep.docx", "read", ""},
    {"MaxTextMb", "nul-name.zip!/nul", "review", "--max-text-mb"},
};

class HostileFileWithOptions : public ::testing::TestWithParam<Expected> {};

TEST_P(HostileFileWithOptions, HasExpectedVerdict) {
    expect_verdict(tight_scan(), GetParam());
}

INSTANTIATE_TEST_SUITE_P(Limits, HostileFileWithOptions, ::testing::ValuesIn(tight_verdicts),
                         [](const ::testing::TestParamInfo<Expected>& info) { return info.param.test_name; });

TEST(HostileExport, ScanWithOptionsFinishes) {
    const int status = tight_scan().status;
    EXPECT_TRUE(status == 0 || status == 1) << "exit status " << status << ": " << tight_scan().err;
}

TEST(HostileExport, CorruptCentralDirectoryUnreadable) {
    const FileVerdict* verdict = verdict_of(hostile_scan(), "corrupt-directory.zip");
    ASSERT_NE(verdict, nullptr);
    EXPECT_EQ(verdict->status, "unreadable");
    EXPECT_NE(verdict->reason.find("central directory is damaged"), std::string::npos) << verdict->reason;
}

// One CSV line of 200 MiB, made at test time because it is too large to keep.
TEST(HostileLongLine, CsvOfOneLineStopsAtTextLimit) {
    const TempDir folder;
    const auto export_folder = folder / "export";
    std::filesystem::create_directories(export_folder);
    ASSERT_EQ(run_command(generator() + " --long-line " + shell_quote((export_folder / "long-line.csv").string()) +
                          " 200"),
              0);
    const HostileScan scan = scan_export(export_folder);
    const FileVerdict* verdict = verdict_of(scan, "long-line.csv");
    ASSERT_NE(verdict, nullptr);
    EXPECT_EQ(verdict->status, "review");
    EXPECT_EQ(verdict->reason, "text limit reached, raise --max-text-mb");
    EXPECT_TRUE(scan.before_equals_after);
    EXPECT_LT(scan.peak_kib, long_line_peak_kib);
}

}  // namespace
}  // namespace iqts::test
