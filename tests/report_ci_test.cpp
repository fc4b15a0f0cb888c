// Specification of the JUnit and SARIF reports: their mapping of statuses,
// and validity against schemas/junit.xsd and schemas/sarif-2.1.0.json.

#include <sstream>
#include <string>

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>
#include <pugixml.hpp>

#include "iqts/host/report_ci.hpp"
#include "scan_support.hpp"

namespace iqts::host {
namespace {

using iqts::test::run_command;
using iqts::test::run_scanner;
using iqts::test::shell_quote;
using iqts::test::TempDir;
using iqts::test::write_file;

const std::string kFixture = IQTS_SOURCE_DIR "/fixtures/sample-export";
const std::string kJunitSchema = IQTS_SOURCE_DIR "/schemas/junit.xsd";
const std::string kSarifSchema = IQTS_SOURCE_DIR "/schemas/sarif-2.1.0.json";
const std::string kValidator = IQTS_SOURCE_DIR "/tests/validate_json.py";

// C1.3: T001 passes, T002 fails, T003 needs review; C2.1 is waived.
Report make_report() {
    Report report;
    report.tool_version = "1.2.3";
    CriterionResult english;
    english.criterion = CriterionDefinition{"C1.3", 1, "English language proficiency", "Every entrant shows IELTS 6.5."};
    english.findings = {
        Finding{Status::pass, "T001", "IELTS 7.5", {Evidence{"Part 1/Trainee register.xlsx", "Trainees!O4"}}},
        Finding{Status::fail, "T002", "IELTS 6.0 is below 6.5", {Evidence{"Part 1/Trainee register.xlsx", "Trainees!O5"}}},
        Finding{Status::review, "T003", "test name not recognised", {}},
    };
    english.status = Status::fail;
    CriterionResult structure;
    structure.criterion = CriterionDefinition{"C2.1", 2, "Programme structure", "The programme lasts a year."};
    structure.findings = {Finding{Status::waived, "", "waived by the provider", {}}};
    structure.status = Status::waived;
    report.criteria = {english, structure};
    return report;
}

pugi::xml_node testcase(const pugi::xml_document& document, const std::string& name) {
    return document.select_node(("//testcase[@name='" + name + "']").c_str()).node();
}

class Junit : public ::testing::Test {
protected:
    void SetUp() override {
        std::ostringstream out;
        write_junit(make_report(), out);
        xml_ = out.str();
        ASSERT_TRUE(document_.load_string(xml_.c_str()));
    }
    std::string xml_;
    pugi::xml_document document_;
};

TEST_F(Junit, PassIsEmptyTestcase) {
    const auto node = testcase(document_, "T001");
    ASSERT_TRUE(node);
    EXPECT_FALSE(node.child("failure"));
    EXPECT_FALSE(node.child("skipped"));
}

TEST_F(Junit, FailHasFailure) {
    const auto failure = testcase(document_, "T002").child("failure");
    ASSERT_TRUE(failure);
    EXPECT_STREQ(failure.attribute("type").value(), "fail");
    EXPECT_STREQ(failure.attribute("message").value(), "IELTS 6.0 is below 6.5");
}

TEST_F(Junit, ReviewIsSkipped) { EXPECT_TRUE(testcase(document_, "T003").child("skipped")); }

TEST_F(Junit, WaivedIsSkipped) { EXPECT_TRUE(testcase(document_, "programme").child("skipped")); }

TEST_F(Junit, ClassnameNamesCriterion) {
    EXPECT_STREQ(testcase(document_, "T002").attribute("classname").value(), "C1.3 English language proficiency");
}

TEST_F(Junit, CountsTotals) {
    const auto suites = document_.child("testsuites");
    EXPECT_EQ(suites.attribute("tests").as_int(), 4);
    EXPECT_EQ(suites.attribute("failures").as_int(), 1);
    EXPECT_EQ(suites.attribute("skipped").as_int(), 2);
}

TEST_F(Junit, OneSuitePerPart) {
    EXPECT_EQ(document_.select_nodes("/testsuites/testsuite").size(), 2u);
}

TEST_F(Junit, MatchesSchema) {
    const TempDir folder;
    write_file(folder / "report.xml", xml_);
    EXPECT_EQ(run_command("xmllint --noout --schema " + shell_quote(kJunitSchema) + " " +
                          shell_quote((folder / "report.xml").string()) + " 2>/dev/null"),
              0);
}

TEST(JunitText, CharactersXmlForbidsAreReplaced) {
    Report report = make_report();
    report.criteria[0].findings[1].subject = "T\x01\x1b[31m";
    report.criteria[0].findings[1].message = "ctrl \x02 and \xef\xbf\xbe in \"quotes\" & <tags>";
    report.criteria[0].findings[1].evidence[0].path = "Part 1/bell\x07.xlsx";
    std::ostringstream out;
    write_junit(report, out);
    const TempDir folder;
    write_file(folder / "report.xml", out.str());

    EXPECT_EQ(run_command("xmllint --noout " + shell_quote((folder / "report.xml").string()) + " 2>/dev/null"), 0);
    pugi::xml_document document;
    ASSERT_TRUE(document.load_string(out.str().c_str()));
    const auto failure = testcase(document, "T\uFFFD\uFFFD[31m").child("failure");
    ASSERT_TRUE(failure);
    EXPECT_EQ(std::string(failure.attribute("message").value()),
              "ctrl \uFFFD and \uFFFD in \"quotes\" & <tags>");
}

TEST(JunitSchema, RejectsTestcaseWithoutName) {
    const TempDir folder;
    write_file(folder / "bad.xml", "<testsuites><testsuite name='x' tests='1'><testcase/></testsuite></testsuites>");
    EXPECT_NE(run_command("xmllint --noout --schema " + shell_quote(kJunitSchema) + " " +
                          shell_quote((folder / "bad.xml").string()) + " 2>/dev/null"),
              0);
}

class Sarif : public ::testing::Test {
protected:
    void SetUp() override {
        write_file(docs_ / "c1_3_english_language/README.md", "# C1.3 English language proficiency\n");
        std::ostringstream out;
        write_sarif(make_report(), out, docs_.path().string());
        json_ = out.str();
        root_ = Poco::JSON::Parser().parse(json_).extract<Poco::JSON::Object::Ptr>();
        run_ = root_->getArray("runs")->getObject(0);
    }
    Poco::JSON::Object::Ptr result(std::size_t index) const { return run_->getArray("results")->getObject(index); }
    Poco::JSON::Object::Ptr rule(std::size_t index) const {
        return run_->getObject("tool")->getObject("driver")->getArray("rules")->getObject(index);
    }

    TempDir docs_;
    std::string json_;
    Poco::JSON::Object::Ptr root_;
    Poco::JSON::Object::Ptr run_;
};

TEST_F(Sarif, VersionIs210) { EXPECT_EQ(root_->getValue<std::string>("version"), "2.1.0"); }

TEST_F(Sarif, OneResultPerNonPassFinding) { EXPECT_EQ(run_->getArray("results")->size(), 3u); }

TEST_F(Sarif, FailIsError) {
    EXPECT_EQ(result(0)->getValue<std::string>("level"), "error");
    EXPECT_EQ(result(0)->getValue<std::string>("ruleId"), "C1.3");
}

TEST_F(Sarif, ReviewIsWarning) { EXPECT_EQ(result(1)->getValue<std::string>("level"), "warning"); }

TEST_F(Sarif, WaivedIsNote) { EXPECT_EQ(result(2)->getValue<std::string>("level"), "note"); }

TEST_F(Sarif, LocationHasUriAndCell) {
    const auto location = result(0)->getArray("locations")->getObject(0);
    EXPECT_EQ(location->getObject("physicalLocation")->getObject("artifactLocation")->getValue<std::string>("uri"),
              "Part%201/Trainee%20register.xlsx");
    EXPECT_EQ(location->getArray("logicalLocations")->getObject(0)->getValue<std::string>("name"), "Trainees!O5");
}

TEST_F(Sarif, RuleHelpFromReadme) {
    EXPECT_EQ(rule(0)->getObject("help")->getValue<std::string>("text"), "# C1.3 English language proficiency\n");
}

TEST_F(Sarif, RuleHelpFallsBackToStatement) {
    EXPECT_EQ(rule(1)->getObject("help")->getValue<std::string>("text"), "The programme lasts a year.");
}

TEST_F(Sarif, ShortDescriptionIsTitle) {
    EXPECT_EQ(rule(0)->getObject("shortDescription")->getValue<std::string>("text"), "English language proficiency");
}

TEST_F(Sarif, MatchesSchema) {
    const TempDir folder;
    write_file(folder / "report.sarif", json_);
    EXPECT_EQ(run_command("/usr/bin/python3 " + shell_quote(kValidator) + " " + shell_quote(kSarifSchema) + " " +
                          shell_quote((folder / "report.sarif").string()) + " >/dev/null 2>&1"),
              0);
}

TEST(SarifSchema, RejectsUnknownLevel) {
    const TempDir folder;
    write_file(folder / "bad.sarif",
               R"({"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},)"
               R"("results":[{"level":"fatal","message":{"text":"m"}}]}]})");
    EXPECT_NE(run_command("/usr/bin/python3 " + shell_quote(kValidator) + " " + shell_quote(kSarifSchema) + " " +
                          shell_quote((folder / "bad.sarif").string()) + " >/dev/null 2>&1"),
              0);
}

TEST(CiFormats, SampleExportJunitValid) {
    const TempDir folder;
    const auto output = (folder / "report.xml").string();
    const auto run = run_scanner("scan " + shell_quote(kFixture) + " --format junit --output " + shell_quote(output));
    ASSERT_EQ(run.status, 1) << run.err;
    EXPECT_EQ(run_command("xmllint --noout --schema " + shell_quote(kJunitSchema) + " " + shell_quote(output) +
                          " 2>/dev/null"),
              0);
}

TEST(CiFormats, SampleExportSarifValid) {
    const TempDir folder;
    const auto output = (folder / "report.sarif").string();
    const auto run = run_scanner("scan " + shell_quote(kFixture) + " --format sarif --output " + shell_quote(output));
    ASSERT_EQ(run.status, 1) << run.err;
    EXPECT_EQ(run_command("/usr/bin/python3 " + shell_quote(kValidator) + " " + shell_quote(kSarifSchema) + " " +
                          shell_quote(output)),
              0);
}

TEST(CiFormats, SarifHelpFromPluginReadme) {
    const auto run = run_scanner("scan " + shell_quote(kFixture) + " --format sarif");
    ASSERT_EQ(run.status, 1) << run.err;
    EXPECT_NE(run.out.find("# C1.3 English language proficiency"), std::string::npos);
}

}  // namespace
}  // namespace iqts::host
