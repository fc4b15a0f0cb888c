#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <Poco/TemporaryFile.h>
#include <Poco/URI.h>

#include "iqts/host/report_formats.hpp"

// The HTML report is written as polyglot markup (HTML5 that is also
// well-formed XML), so pugixml, which the scanner already links, checks it
// strictly: an unclosed or misnested element fails the parse.

namespace {

namespace fs = std::filesystem;
using iqts::FileRecord;
using iqts::FileStatus;
using iqts::Finding;
using iqts::Status;
using iqts::host::CriterionResult;
using iqts::host::GridRow;
using iqts::host::Report;

const std::string kScript = "<script>alert(1)</script>";
const std::string kQuotedPath = "Colegio export/Part 1/Tom & Jerry's \"notes\".docx";
const std::string kArchived = "Colegio San José.zip!/Part 1/Trainee register.xlsx";
const std::string kCsp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";




// A report over the folder export `export_folder` with a criterion of every
// status, a hostile subject, a path with '&' and quotes that exists on disk,
// a deadline and broken grid links.
Report sample_report(const fs::path& export_folder) {
    Report report;
    report.tool_version = "0.1.0";
    report.export_paths = {export_folder.string()};

    report.criteria = {
        CriterionResult{{"C1.1", 1, "Entry requirements", ""}, Status::pass,
                  {{Status::pass, "T001", "GCSE English grade 5", {}}, {Status::pass, "T002", "GCSE grade 6", {}}}, {}},
        CriterionResult{{"C1.3", 1, "English language proficiency", ""}, Status::fail,
                  {{Status::fail, kScript, "IELTS overall 6.0 is below 6.5",
                    {{kQuotedPath, "page 2"}, {kArchived, "Trainees!M10"}}},
                   {Status::pass, "T001", "IELTS overall 7.0", {}},
                   {Status::pass, "T002", "IELTS overall 7.5", {}}}, {}},
        CriterionResult{{"C2.2", 2, "Placements in two schools", ""}, Status::missing,
                  {{Status::missing, "Colegio San José", "no placement record names this school", {}}}, {}},
        CriterionResult{{"C2.4", 2, "Mentor training", ""}, Status::review,
                  {{Status::review, "mentor\x01", "curriculum could not be read", {}}}, {}},
        CriterionResult{{"C3.1", 3, "Quality assurance", ""}, Status::waived,
                  {{Status::waived, "", "annual review waived until 2025-09-01", {}}}, {}},
        CriterionResult{{"SAFEGUARDING", 0, "Safeguarding policy", ""}, Status::error,
                  {{Status::error, "", "the check stopped after 30 seconds", {}}}, {}},
    };

    report.evidence = {{"mentor training curriculum", Status::pass, {kQuotedPath}},
                       {"course timetable", Status::missing, {}}};

    report.grid.path = "Colegio export/Compliance grid.xlsx";
    report.grid.rows = {
        GridRow{"C1.1", "Entry policy", "Part 1/Tom & Jerry's \"notes\".docx", "resolved", kQuotedPath, {}, "Grid!D3", ""},
        GridRow{"C2.2", "Placements", "Part 2/Placements.xlsx", "broken", "",
                {"Colegio export/Part 2/Placement list.xlsx"}, "Grid!D9", ""},
    };

    report.deadline.inspection_date = "2025-03-24";
    report.deadline.due_date = "2025-03-03";
    report.deadline.days_left = -3;
    report.deadline.late_files = {{"Colegio export/Part 3/QA plan.docx", "2025-03-05T10:00:00Z", "file system"}};

    report.files = {
        FileRecord{kQuotedPath, "docx", FileStatus::read, "", 0, ""},
        FileRecord{"Colegio export/Part 2/Mentor curriculum.pdf", "pdf", FileStatus::unreadable, "encrypted PDF", 0, ""},
        FileRecord{"Colegio export/Thumbs.db", "unknown", FileStatus::skipped, "Windows thumbnail cache", 0, ""},
    };
    report.settings = {{"english.ielts_overall_min", {"6.5", "band", "iQTS criteria, entry requirements"}}};
    report.plugins = {{"/usr/lib/iqts-scan/plugins/libenglish.so", "english", "1.0", {"C1.3"}, "loaded", ""},
                      {"/opt/plugins/libold.so", "old", "0.1", {"C2.1"}, "rejected", "built for SDK 0"}};
    return report;
}

fs::path make_export(const fs::path& root) {
    const fs::path folder = root / "Colegio export";
    fs::create_directories(folder / "Part 1");
    std::ofstream(folder / "Part 1" / "Tom & Jerry's \"notes\".docx") << "placeholder";
    return folder;
}

std::string html_of(const Report& report) {
    std::ostringstream out;
    iqts::host::write_html(report, out);
    return out.str();
}

class HtmlReport : public ::testing::Test {
protected:
    void SetUp() override {
        scratch_.createDirectories();
        root_ = scratch_.path();
        report_ = sample_report(make_export(root_));
        html_ = html_of(report_);
        parsed_ = document_.load_string(html_.c_str());
    }

    std::vector<std::string> texts_of(const char* xpath) const {
        std::vector<std::string> texts;
        for (const pugi::xpath_node& node : document_.select_nodes(xpath)) {
            texts.push_back(node.node().text().as_string());
        }
        return texts;
    }

    // Removed with everything in it when the test ends.
    Poco::TemporaryFile scratch_;
    fs::path root_;
    Report report_;
    std::string html_;
    pugi::xml_document document_;
    pugi::xml_parse_result parsed_;
};

TEST_F(HtmlReport, IsWellFormed) {
    EXPECT_TRUE(parsed_) << parsed_.description() << " at byte " << parsed_.offset;
}

TEST_F(HtmlReport, EscapesScriptSubject) {
    EXPECT_EQ(html_.find(kScript), std::string::npos);
    EXPECT_NE(html_.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
}

TEST_F(HtmlReport, HasNoScriptElement) {
    EXPECT_TRUE(document_.select_nodes("//script").empty());
}

TEST_F(HtmlReport, EscapesPathWithAmpersandAndQuotes) {
    EXPECT_NE(html_.find("Tom &amp; Jerry&#39;s &quot;notes&quot;.docx"), std::string::npos);
    EXPECT_EQ(html_.find("Tom & Jerry"), std::string::npos);
}

TEST_F(HtmlReport, ReplacesControlCharacters) {
    EXPECT_EQ(html_.find('\x01'), std::string::npos);
    EXPECT_NE(html_.find("mentor\xef\xbf\xbd"), std::string::npos);
}

TEST_F(HtmlReport, FetchesNothing) {
    EXPECT_TRUE(document_.select_nodes("//*[@src]").empty());
    EXPECT_TRUE(document_.select_nodes("//link | //img | //iframe | //object | //embed").empty());
    EXPECT_EQ(html_.find("http://"), std::string::npos);
    EXPECT_EQ(html_.find("https://"), std::string::npos);
}

TEST_F(HtmlReport, LinksOnlyToAnchorsAndEvidenceFiles) {
    const pugi::xpath_node_set links = document_.select_nodes("//a[@href]");
    ASSERT_FALSE(links.empty());
    for (const pugi::xpath_node& link : links) {
        const std::string href = link.node().attribute("href").value();
        if (href.starts_with("#")) {
            EXPECT_TRUE(document_.select_node(("//*[@id='" + href.substr(1) + "']").c_str())) << href;
            continue;
        }
        ASSERT_TRUE(href.starts_with("file:///")) << href;
        std::string path;
        Poco::URI::decode(href.substr(7), path);
        EXPECT_TRUE(fs::is_regular_file(path)) << href;
    }
}

TEST_F(HtmlReport, LinksFolderEvidenceButNotArchiveEntries) {
    const std::vector<std::string> linked = texts_of("//a[starts-with(@href, 'file:')]");
    EXPECT_NE(std::find(linked.begin(), linked.end(), kQuotedPath), linked.end());
    EXPECT_EQ(std::find(linked.begin(), linked.end(), kArchived), linked.end());
    EXPECT_NE(html_.find("Colegio San José.zip!/Part 1/Trainee register.xlsx"), std::string::npos);
}

TEST_F(HtmlReport, SetsContentSecurityPolicy) {
    const auto meta = document_.select_node("/html/head/meta[@http-equiv='Content-Security-Policy']").node();
    EXPECT_EQ(std::string(meta.attribute("content").value()), kCsp);
}

TEST_F(HtmlReport, DeclaresEnglish) {
    EXPECT_EQ(std::string(document_.child("html").attribute("lang").value()), "en");
}

TEST_F(HtmlReport, HeadingsNeverSkipALevel) {
    const pugi::xpath_node_set headings = document_.select_nodes("//h1 | //h2 | //h3 | //h4 | //h5 | //h6");
    ASSERT_FALSE(headings.empty());
    EXPECT_EQ(std::string(headings.first().node().name()), "h1");
    int previous = 0;
    for (const pugi::xpath_node& heading : headings) {
        const int level = heading.node().name()[1] - '0';
        EXPECT_LE(level, previous + 1) << heading.node().text().as_string();
        previous = level;
    }
}

TEST_F(HtmlReport, EveryHeaderCellHasScope) {
    ASSERT_FALSE(document_.select_nodes("//th").empty());
    EXPECT_TRUE(document_.select_nodes("//th[not(@scope)]").empty());
}

TEST_F(HtmlReport, EveryBadgeCarriesItsWord) {
    for (const pugi::xpath_node& badge : document_.select_nodes("//span[contains(@class, 'badge')]")) {
        EXPECT_FALSE(std::string(badge.node().text().as_string()).empty());
    }
}

TEST_F(HtmlReport, EveryCriterionHasATile) {
    const std::vector<std::string> ids = texts_of("//a[@class and contains(@class, 'tile')]/span[@class='tile-id']");
    for (const CriterionResult& result : report_.criteria) {
        EXPECT_NE(std::find(ids.begin(), ids.end(), result.criterion.id), ids.end()) << result.criterion.id;
    }
}

TEST_F(HtmlReport, TileShowsStatusWordAndColour) {
    const auto tile = document_.select_node("//a[@data-criterion='C2.2']").node();
    EXPECT_EQ(std::string(tile.select_node("span[@class='tile-status']").node().text().as_string()), "missing");
    EXPECT_EQ(std::string(tile.attribute("class").value()), "tile s-missing");
}

TEST_F(HtmlReport, TilesGroupedByPart) {
    EXPECT_EQ(texts_of("//section[h2/@id='criteria']/h3"),
              (std::vector<std::string>{"Part 1 – Entry", "Part 2 – Training",
                                        "Part 3 – Management and quality assurance", "Other checks"}));
    EXPECT_EQ(document_.select_nodes("//section[h2/@id='criteria']/ul[1]/li").size(), 2u);
}

TEST_F(HtmlReport, CountsOneCardPerStatus) {
    const std::vector<std::string> numbers = texts_of("//ul[@class='counts']/li/span[@class='count-number']");
    // pass, fail, missing, review, error, waived
    EXPECT_EQ(numbers, (std::vector<std::string>{"1", "1", "1", "1", "1", "1"}));
    EXPECT_EQ(texts_of("//ul[@class='counts']/li/span[@class='count-word']"),
              (std::vector<std::string>{"pass", "fail", "missing", "review", "error", "waived"}));
}

TEST_F(HtmlReport, PartsInOrder) {
    EXPECT_EQ(texts_of("//h2[starts-with(@id, 'part-')]"),
              (std::vector<std::string>{"Part 1 – Entry", "Part 2 – Training",
                                        "Part 3 – Management and quality assurance", "Other checks"}));
}

TEST_F(HtmlReport, FindingRowsCarryStatusClass) {
    EXPECT_EQ(document_.select_nodes("//tr[@class='finding status-pass']").size(), 4u);
    EXPECT_EQ(document_.select_nodes("//tr[@class='finding status-fail']").size(), 1u);
    EXPECT_EQ(document_.select_nodes("//tr[contains(@class, 'finding')]").size(), 9u);
}

TEST_F(HtmlReport, PassingFindingsListedLast) {
    const auto rows = document_.select_nodes("//div[@data-criterion='C1.3']//tr[contains(@class, 'finding')]");
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(std::string(rows[0].node().attribute("class").value()), "finding status-fail");
    EXPECT_EQ(std::string(rows[2].node().attribute("class").value()), "finding status-pass");
}

TEST_F(HtmlReport, FilterIsRadioGroupBeforeMain) {
    const pugi::xpath_node_set inputs = document_.select_nodes("/html/body/input[@type='radio']");
    ASSERT_EQ(inputs.size(), 8u);  // all, not passing and six statuses
    EXPECT_EQ(std::string(inputs[0].node().attribute("id").value()), "filter-all");
    EXPECT_STREQ(inputs[0].node().attribute("checked").value(), "checked");
    EXPECT_TRUE(document_.select_node("/html/body/input[@id='filter-fail']/following-sibling::main"));
}

TEST_F(HtmlReport, EveryFilterInputHasALabel) {
    for (const pugi::xpath_node& input : document_.select_nodes("//input")) {
        const std::string id = input.node().attribute("id").value();
        EXPECT_TRUE(document_.select_node(("//label[@for='" + id + "']").c_str())) << id;
    }
}

TEST_F(HtmlReport, FilterLabelCountsFindings) {
    const auto label = document_.select_node("//label[@for='filter-pass']").node();
    EXPECT_EQ(std::string(label.child_value()), "pass");
    EXPECT_EQ(std::string(label.child("span").text().as_string()), "4");
}

TEST_F(HtmlReport, FilterStyleHidesOtherFindings) {
    EXPECT_NE(html_.find("#filter-fail:checked ~ main .finding:not(.status-fail) { display: none; }"),
              std::string::npos);
    EXPECT_NE(html_.find("#filter-open:checked ~ main .finding.status-pass { display: none; }"), std::string::npos);
}

TEST_F(HtmlReport, NonPassingFindingListsEvidenceAndLocation) {
    const auto row = document_.select_node("//tr[td = 'IELTS overall 6.0 is below 6.5']").node();
    ASSERT_TRUE(row);
    EXPECT_EQ(std::string(row.child("td").next_sibling("td").text().as_string()), kScript);
    EXPECT_EQ(row.select_nodes("td/ul/li").size(), 2u);
    EXPECT_NE(std::string(row.select_node("td/ul/li[2]").node().child_value()).find("Trainees!M10"), std::string::npos);
}

TEST_F(HtmlReport, DeadlineShowsLateDays) {
    const auto row = document_.select_node("//tr[th = 'Days left']").node();
    EXPECT_EQ(std::string(row.child("td").text().as_string()), "3 days late");
}

TEST_F(HtmlReport, DeadlineListsLateFiles) {
    EXPECT_NE(html_.find("Colegio export/Part 3/QA plan.docx"), std::string::npos);
}

TEST(HtmlReportDeadline, AbsentWithoutInspectionDate) {
    Report report;
    EXPECT_EQ(html_of(report).find("Evidence deadline"), std::string::npos);
}

TEST_F(HtmlReport, BrokenGridRowsFirstWithCandidates) {
    const auto first = document_.select_node("//section[h2/@id='grid']/table/tbody/tr[1]").node();
    EXPECT_EQ(std::string(first.select_node("td/span").node().text().as_string()), "broken");
    EXPECT_EQ(std::string(first.select_node("td/ul/li").node().first_child().text().as_string()),
              "Colegio export/Part 2/Placement list.xlsx");
}

TEST_F(HtmlReport, ListsUnreadableFilesWithReason) {
    const auto row = document_.select_node("//tr[td/span = 'Colegio export/Part 2/Mentor curriculum.pdf']").node();
    ASSERT_TRUE(row);
    EXPECT_EQ(std::string(row.last_child().text().as_string()), "encrypted PDF");
}

TEST_F(HtmlReport, ListsSettingsWithSource) {
    const auto row = document_.select_node("//tr[th = 'english.ielts_overall_min']").node();
    ASSERT_TRUE(row);
    EXPECT_EQ(std::string(row.last_child().text().as_string()), "iQTS criteria, entry requirements");
}

TEST_F(HtmlReport, ListsRejectedPluginWithReason) {
    const auto row = document_.select_node("//tr[th = 'old']").node();
    ASSERT_TRUE(row);
    EXPECT_EQ(std::string(row.last_child().text().as_string()), "built for SDK 0");
}

}  // namespace
