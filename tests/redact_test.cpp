// Specification of --redact: pseudonyms, matching of names in texts and
// paths, the key file, and end-to-end runs in every report format.

#include <sys/stat.h>

#include <cstdlib>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "iqts/host/redact.hpp"
#include "scan_support.hpp"

namespace iqts::host {
namespace {

using iqts::test::read_file;
using iqts::test::run_command;
using iqts::test::run_scanner;
using iqts::test::shell_quote;
using iqts::test::TempDir;
using iqts::test::write_file;

const std::string kKey = "0123456789abcdef0123456789abcdef";
const std::string kFixture = IQTS_SOURCE_DIR "/fixtures/sample-export";

TEST(Pseudonym, HasPrefixAndEightHexDigits) {
    EXPECT_TRUE(std::regex_match(pseudonym("Daniel Okafor", kKey), std::regex("Person-[0-9a-f]{8}")));
}

TEST(Pseudonym, IgnoresCaseAndSeparators) {
    EXPECT_EQ(pseudonym("Daniel Okafor", kKey), pseudonym("  daniel_OKAFOR ", kKey));
}

TEST(Pseudonym, DependsOnKey) {
    EXPECT_NE(pseudonym("Daniel Okafor", kKey), pseudonym("Daniel Okafor", kKey + "x"));
}

TEST(Pseudonym, DiffersBetweenNames) {
    EXPECT_NE(pseudonym("Daniel Okafor", kKey), pseudonym("Grace Adeyemi", kKey));
}

TEST(Pseudonym, KnownHmacValue) {
    // HMAC-SHA256("key", "the quick brown fox jumps over the lazy dog")
    // begins with 7486bd70, as Python's hmac module computes it.
    EXPECT_EQ(pseudonym("The quick brown fox jumps over the lazy dog", "key"), "Person-7486bd70");
}

class RedactorText : public ::testing::Test {
protected:
    Redactor redactor{{"Daniel Okafor", "Aisha Al Mansoori", "José Pérez", "Siobhán O'Neill"}, kKey};
    std::string daniel = pseudonym("Daniel Okafor", kKey);
};

TEST_F(RedactorText, ReplacesNameInSentence) {
    EXPECT_EQ(redactor.apply("T002 Daniel Okafor has no score"), "T002 " + daniel + " has no score");
}

TEST_F(RedactorText, ReplacesNameInFileName) {
    EXPECT_EQ(redactor.apply("Part 1/daniel_okafor-ielts.pdf"), "Part 1/" + daniel + "-ielts.pdf");
}

TEST_F(RedactorText, ReplacesSurnameFirst) {
    EXPECT_EQ(redactor.apply("OKAFOR, Daniel"), daniel);
}

TEST_F(RedactorText, ReplacesAccentedName) {
    EXPECT_EQ(redactor.apply("mentor: José Pérez."), "mentor: " + pseudonym("José Pérez", kKey) + ".");
}

TEST_F(RedactorText, ReplacesNameWithoutAccents) {
    EXPECT_EQ(redactor.apply("Jose Perez.docx"), pseudonym("José Pérez", kKey) + ".docx");
}

TEST_F(RedactorText, ReplacesNameWithOtherApostrophe) {
    const auto siobhan = pseudonym("Siobhán O'Neill", kKey);
    EXPECT_EQ(redactor.apply("siobhán o\u2019neill ICPC.docx"), siobhan + " ICPC.docx");
    EXPECT_EQ(redactor.apply("Siobhan ONeill IELTS.docx"), siobhan + " IELTS.docx");
}

TEST_F(RedactorText, ReplacesAdjacentNames) {
    EXPECT_EQ(redactor.apply("Daniel Okafor,Aisha Al Mansoori"),
              daniel + "," + pseudonym("Aisha Al Mansoori", kKey));
}

TEST_F(RedactorText, KeepsLongerWord) {
    EXPECT_EQ(redactor.apply("Daniel Okaforson"), "Daniel Okaforson");
}

TEST_F(RedactorText, KeepsTraineeIdAndSchool) {
    EXPECT_EQ(redactor.apply("T001 at Palm Crescent British School"), "T001 at Palm Crescent British School");
}

TEST(RedactReport, CoversFindingsFilesAndGrid) {
    Report report;
    CriterionResult result;
    result.findings.push_back(Finding{Status::fail, "T002", "Daniel Okafor: no IELTS score",
                                      {Evidence{"Part 1/Daniel Okafor IELTS.pdf", "page 1"}}});
    report.criteria.push_back(result);
    FileRecord file;
    file.path = "Part 1/Daniel Okafor IELTS.pdf";
    report.files.push_back(file);
    report.grid.rows.push_back(GridRow{"C1.3", "English", "Daniel Okafor IELTS.pdf", "broken", "", {}, "", ""});

    redact(report, {"Daniel Okafor"}, kKey);

    const auto daniel = pseudonym("Daniel Okafor", kKey);
    EXPECT_EQ(report.criteria[0].findings[0].subject, "T002");
    EXPECT_EQ(report.criteria[0].findings[0].message, daniel + ": no IELTS score");
    EXPECT_EQ(report.criteria[0].findings[0].evidence[0].path, "Part 1/" + daniel + " IELTS.pdf");
    EXPECT_EQ(report.files[0].path, "Part 1/" + daniel + " IELTS.pdf");
    EXPECT_EQ(report.grid.rows[0].link, daniel + " IELTS.pdf");
}

TEST(CohortNames, TakesTraineesMentorsAndMentorField) {
    Cohort cohort;
    Person trainee;
    trainee.id = "T001";
    trainee.name = "Aisha Al Mansoori";
    trainee.fields["mentor_name"] = {Fact{Cell{CellType::text, "Fatima Haddad", 0, false}, Evidence{}}};
    cohort.trainees.push_back(trainee);
    Person mentor;
    mentor.name = "fatima  haddad";
    cohort.mentors.push_back(mentor);

    const auto names = cohort_names(cohort);

    EXPECT_EQ(names, (std::vector<std::string>{"Aisha Al Mansoori", "Fatima Haddad"}));
}

class ConfigFolder : public ::testing::Test {
protected:
    void SetUp() override {
        const char* old = std::getenv("XDG_CONFIG_HOME");
        had_old_ = old != nullptr;
        if (old) old_ = old;
        setenv("XDG_CONFIG_HOME", folder_.path().c_str(), 1);
    }
    void TearDown() override {
        if (had_old_) {
            setenv("XDG_CONFIG_HOME", old_.c_str(), 1);
        } else {
            unsetenv("XDG_CONFIG_HOME");
        }
    }
    TempDir folder_;
    bool had_old_ = false;
    std::string old_;
};

TEST_F(ConfigFolder, GeneratesKeyOnce) {
    const auto first = load_redaction_key("");
    const auto second = load_redaction_key("");
    EXPECT_EQ(first.size(), 64u);  // 32 random bytes as hex
    EXPECT_EQ(first, second);
}

TEST_F(ConfigFolder, KeyFileIsPrivate) {
    load_redaction_key("");
    struct stat status {};
    ASSERT_EQ(::stat((folder_ / "iqts-scan/redact.key").c_str(), &status), 0);
    EXPECT_EQ(status.st_mode & 0777, 0600u);
}

TEST(RedactionKey, ReadsGivenFileWithoutNewline) {
    const TempDir folder;
    write_file(folder / "key", "secret key\n");
    EXPECT_EQ(load_redaction_key((folder / "key").string()), "secret key");
}

TEST(RedactionKey, MissingFileNamed) {
    try {
        load_redaction_key("/nonexistent/redact.key");
        FAIL() << "no exception";
    } catch (const std::runtime_error& error) {
        EXPECT_NE(std::string(error.what()).find("/nonexistent/redact.key"), std::string::npos);
    }
}

// Reads every trainee and mentor name from the fixture's registers with
// openpyxl: the "Name" and "In-school mentor" columns of the trainee
// register and the "Mentor name" column of the mentor list.
std::vector<std::string> fixture_names() {
    const TempDir folder;
    write_file(folder / "names.py",
               "import sys, openpyxl\n"
               "wanted = {'name', 'in-school mentor', 'mentor name'}\n"
               "for path in sys.argv[1:]:\n"
               "    for sheet in openpyxl.load_workbook(path, read_only=True).worksheets:\n"
               "        columns = None\n"
               "        for row in sheet.iter_rows(values_only=True):\n"
               "            cells = [str(c).strip() if c is not None else '' for c in row]\n"
               "            if columns is None:\n"
               "                found = [i for i, c in enumerate(cells) if c.lower() in wanted]\n"
               "                if found: columns = found\n"
               "                continue\n"
               "            for i in columns:\n"
               "                if i < len(cells) and cells[i]: print(cells[i])\n");
    const auto out = folder / "names.txt";
    const auto status = run_command("/usr/bin/python3 " + shell_quote((folder / "names.py").string()) + " " +
                                    shell_quote(kFixture + "/Part 1 – Entry/Trainee register.xlsx") + " " +
                                    shell_quote(kFixture + "/Part 2 – Training/Mentor list.xlsx") + " > " +
                                    shell_quote(out.string()));
    if (status != 0) throw std::runtime_error("reading the fixture names with openpyxl failed");
    std::set<std::string> names;
    std::istringstream lines(read_file(out));
    for (std::string line; std::getline(lines, line);) {
        if (!line.empty()) names.insert(line);
    }
    return {names.begin(), names.end()};
}

class RedactedScan : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        folder_ = new TempDir;
        write_file(*folder_ / "key", kKey + "\n");
        names_ = new std::vector<std::string>(fixture_names());
        // A copy of the fixture with a file named after a trainee, so that
        // the file list carries a name.
        export_ = new std::string((*folder_ / "export").string());
        run_command("cp -r " + shell_quote(kFixture) + " " + shell_quote(*export_));
        if (!names_->empty()) write_file(*folder_ / "export" / (names_->front() + " IELTS certificate.txt"), "IELTS 7.0\n");
    }
    static void TearDownTestSuite() {
        delete folder_;
        delete names_;
        delete export_;
    }

    // Scans the fixture with --redact and returns the report in `format`
    // together with the log.
    static std::string scan_redacted(const std::string& format) {
        const auto output = (*folder_ / ("report." + format)).string();
        const auto run = run_scanner("scan " + shell_quote(*export_) + " --verbose --redact --redact-key " +
                                     shell_quote((*folder_ / "key").string()) + " --format " + format + " --output " +
                                     shell_quote(output));
        EXPECT_NE(run.status, 2) << run.err;
        return read_file(output) + "\n" + run.err;
    }

    static void expect_no_names(const std::string& text, const std::string& format) {
        ASSERT_GE(names_->size(), 10u);
        for (const auto& name : *names_) EXPECT_EQ(text.find(name), std::string::npos) << format << ": " << name;
    }

    static TempDir* folder_;
    static std::vector<std::string>* names_;
    static std::string* export_;
};

TempDir* RedactedScan::folder_ = nullptr;
std::vector<std::string>* RedactedScan::names_ = nullptr;
std::string* RedactedScan::export_ = nullptr;

TEST_F(RedactedScan, PlainJsonHasNames) {
    const auto run = run_scanner("scan " + shell_quote(*export_) + " --format json");
    bool any = false;
    for (const auto& name : *names_) any = any || run.out.find(name) != std::string::npos;
    EXPECT_TRUE(any);  // so the checks below can fail
}

TEST_F(RedactedScan, TextHasNoNames) { expect_no_names(scan_redacted("text"), "text"); }
TEST_F(RedactedScan, JsonHasNoNames) { expect_no_names(scan_redacted("json"), "json"); }
TEST_F(RedactedScan, HtmlHasNoNames) { expect_no_names(scan_redacted("html"), "html"); }
TEST_F(RedactedScan, JunitHasNoNames) { expect_no_names(scan_redacted("junit"), "junit"); }
TEST_F(RedactedScan, SarifHasNoNames) { expect_no_names(scan_redacted("sarif"), "sarif"); }

TEST_F(RedactedScan, XlsxHasNoNames) {
    scan_redacted("xlsx");
    const auto sheets = *folder_ / "sheets.xml";
    ASSERT_EQ(run_command("unzip -p " + shell_quote((*folder_ / "report.xlsx").string()) + " 'xl/*.xml' > " + shell_quote(sheets.string())),
              0);
    const auto text = read_file(sheets);
    ASSERT_NE(text.find("<worksheet"), std::string::npos);  // unzip -p matches xl/worksheets/ too
    expect_no_names(text, "xlsx");
}

// `iqts-scan sample` prints whom inspectors meet, by name unless --redact.
TEST_F(RedactedScan, PlainSampleHasNames) {
    const auto run = run_scanner("sample " + shell_quote(*export_) + " --seed 7 --format csv");
    bool any = false;
    for (const auto& name : *names_) any = any || run.out.find(name) != std::string::npos;
    EXPECT_TRUE(any) << run.out;  // so the check below can fail
}

TEST_F(RedactedScan, SampleHasNoNames) {
    const auto run = run_scanner("sample " + shell_quote(*export_) + " --seed 7 --format csv --redact-key " +
                                 shell_quote((*folder_ / "key").string()));
    EXPECT_EQ(run.status, 0) << run.err;
    expect_no_names(run.out + "\n" + run.err, "sample");
}

std::set<std::string> pseudonyms_in(const std::string& text) {
    std::set<std::string> found;
    const std::regex pattern("Person-[0-9a-f]{8}");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), pattern); it != std::sregex_iterator(); ++it) {
        found.insert(it->str());
    }
    return found;
}

TEST_F(RedactedScan, SamePseudonymsInTwoRuns) {
    const auto first = pseudonyms_in(scan_redacted("json"));
    const auto second = pseudonyms_in(scan_redacted("json"));
    EXPECT_FALSE(first.empty());
    EXPECT_EQ(first, second);
}

TEST_F(RedactedScan, PseudonymComesFromKey) {
    const auto found = pseudonyms_in(scan_redacted("json"));
    std::set<std::string> expected;
    for (const auto& name : *names_) expected.insert(pseudonym(name, kKey));
    for (const auto& seen : found) EXPECT_EQ(expected.count(seen), 1u) << seen;
}

}  // namespace
}  // namespace iqts::host
