#include <gtest/gtest.h>

#include "iqts/check_support.hpp"
#include "iqts/host/evidence_index.hpp"
#include "iqts/host/rule_pack.hpp"
#include "test_support.hpp"

namespace {

using iqts::host::BuiltIndex;

iqts::Document handbook() {
    iqts::Document document;
    document.path = "export.zip!/Part 2 – Training/Programme handbook.docx";
    document.kind = "docx";
    document.title = "iQTS Programme Handbook 2026-27";
    document.blocks = {{"Welcome to the programme.", "paragraph 1"},
                       {"Trainees complete 120 days in school.", "paragraph 2"}};
    iqts::Table table;
    table.name = "table 1";
    table.rows = {{{iqts::CellType::text, "Week"}, {iqts::CellType::text, "ITAP focus"}},
                  {{iqts::CellType::text, "1"}, {iqts::CellType::text, "Behaviour routines"}}};
    document.tables.push_back(table);
    return document;
}

BuiltIndex index_with_handbook() {
    BuiltIndex index;
    index.add_document(handbook());
    index.add_file({"export.zip!/Part 3/Scanned agreement.pdf", "pdf", iqts::FileStatus::unreadable,
                    "no text layer (scanned image?)", 1000, ""});
    index.finish();
    return index;
}

TEST(EvidenceIndex, FindsByPath) {
    const auto index = index_with_handbook();
    EXPECT_EQ(index.find_by_path("part 2").size(), 1u);
    EXPECT_TRUE(index.find_by_path("Part 3").empty());
}

TEST(EvidenceIndex, FindsByTitleOrFileName) {
    const auto index = index_with_handbook();
    EXPECT_EQ(index.find_by_title("programme handbook 2026").size(), 1u);
    EXPECT_EQ(index.find_by_title("^programme handbook\\.docx$").size(), 1u);
    EXPECT_TRUE(index.find_by_title("Part 2").empty());
}

TEST(EvidenceIndex, FindsTextWithLocation) {
    const auto index = index_with_handbook();
    const auto matches = index.find_text("\\b120 days\\b");
    ASSERT_EQ(matches.size(), 1u);
    EXPECT_EQ(matches[0].location, "paragraph 2");
}

TEST(EvidenceIndex, FindsTextInTableCells) {
    const auto index = index_with_handbook();
    const auto matches = index.find_text("behaviour");
    ASSERT_EQ(matches.size(), 1u);
    EXPECT_EQ(matches[0].location, "table 1, row 2, column 2");
}

TEST(EvidenceIndex, FindsTablesByHeaderNames) {
    const auto index = index_with_handbook();
    const auto tables = index.find_tables({"week", "ITAP focus:"});
    ASSERT_EQ(tables.size(), 1u);
    EXPECT_EQ(tables[0].header_row, 0u);
    EXPECT_TRUE(index.find_tables({"week", "mentor"}).empty());
}

TEST(EvidenceIndex, InvalidPatternFindsNothing) {
    const auto index = index_with_handbook();
    EXPECT_TRUE(index.find_text("(unclosed").empty());
}

TEST(EvidenceIndex, ListsUnreadableFilesByPath) {
    const auto index = index_with_handbook();
    const auto unreadable = index.unreadable("agreement");
    ASSERT_EQ(unreadable.size(), 1u);
    EXPECT_EQ(unreadable[0]->reason, "no text layer (scanned image?)");
}

// ---- evidence::document_finding, when no document is named for the item.

// A document at `path` with a heading and then `text` in its second paragraph.
iqts::Document note(const std::string& path, const std::string& text) {
    iqts::Document document;
    document.path = path;
    document.kind = "txt";
    document.blocks = {{"Meeting notes", "paragraph 1"}, {text, "paragraph 2"}};
    return document;
}

class SilentLogger : public iqts::Logger {
public:
    void log(iqts::LogLevel, const std::string&) override {}
};

TEST(DocumentFinding, MentionOfFirstPatternWithOneIsReported) {
    const iqts::test::TempDir rules;
    iqts::test::write_file(rules / "patterns.yaml", "patterns:\n  house.item:\n    - 'alpha plan'\n    - 'beta plan'\n");
    const iqts::host::LoadedRulePack pack({IQTS_SOURCE_DIR "/rules", rules.path().string()});
    BuiltIndex index;
    index.add_document(note("a.txt", "see the beta plan"));
    index.add_document(note("b.txt", "see the alpha plan"));
    index.finish();
    const iqts::Cohort cohort;
    SilentLogger log;
    const iqts::CheckContext context{index, cohort, pack, log, ""};

    const auto finding = iqts::evidence::document_finding(context, "house.item", "house plan");

    EXPECT_EQ(finding.status, iqts::Status::review);
    ASSERT_EQ(finding.evidence.size(), 1u);
    EXPECT_EQ(finding.evidence[0].path, "b.txt");
}

}  // namespace
