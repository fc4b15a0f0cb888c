#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "iqts/host/evidence_index.hpp"
#include "iqts/host/extract.hpp"
#include "iqts/host/grid.hpp"
#include "iqts/host/rule_pack.hpp"
#include "iqts/host/sniff.hpp"

namespace {

using iqts::host::BuiltIndex;
using iqts::host::GridReading;
using iqts::host::GridRow;

const std::string grid_data = IQTS_SOURCE_DIR "/tests/data/grid/";
const std::string root = "sample-export.zip!/sample-export/";
const std::string inspection_folder = root + "iQTS inspection – March 2027/";
const std::string part1 = root + "Part 1 – Entry/";
const std::string part2 = root + "Part 2 – Training/";
const std::string part3 = root + "Part 3 – Management and QA/";

// The export the grids link to; the data protection policy's file name
// differs from its title property.
const std::vector<std::string> export_files = {
    part1 + "Complaints procedure.pdf",
    part1 + "Course information.docx",
    part1 + "Selection policy.docx",
    part1 + "Trainee register.xlsx",
    part2 + "Assessment framework.docx",
    part2 + "ITAP logs.zip",
    part2 + "ITAP logs.zip!/T001 ITAP log.xlsx",
    part2 + "Mentor handbook.docx",
    part2 + "Mentor list.xlsx",
    part2 + "Placement log.xlsx",
    part2 + "Programme handbook.docx",
    part3 + "DP-policy-v3.docx",
    part3 + "Moderation records.xlsx",
    part3 + "Organogram.pdf",
    part3 + "Partnership agreements/Palm Crescent British School partnership agreement.docx",
    part3 + "Quality assurance statement.docx",
    part3 + "Safeguarding policy.docx",
};

const std::vector<iqts::host::CriterionDefinition>& criteria() {
    static const iqts::host::LoadedRulePack rules({IQTS_SOURCE_DIR "/rules"});
    return rules.criteria();
}

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

// Builds the index of the export with `grid_name` (a file of tests/data/grid)
// in the inspection folder, extracted by the scanner's own extractors.
BuiltIndex export_with_grid(const std::string& grid_name, const std::string& grid_folder = inspection_folder) {
    BuiltIndex index;
    const std::string bytes = read_bytes(grid_data + grid_name);
    const auto kind = iqts::host::sniff(bytes, grid_name);
    auto extraction = iqts::host::extract(kind, grid_folder + grid_name, bytes, {});
    EXPECT_EQ(extraction.status, iqts::FileStatus::read) << grid_name << ": " << extraction.reason;
    index.add_document(std::move(extraction.document));
    index.add_file({grid_folder + grid_name, std::string(iqts::host::to_string(kind)), iqts::FileStatus::read, "",
                    static_cast<long long>(bytes.size()), "2027-01-25T09:00:00Z"});

    for (const auto& path : export_files) {
        index.add_file({path, "docx", iqts::FileStatus::read, "", 1000, "2027-02-01T10:00:00Z"});
    }
    index.add_file({part2 + "Thumbs.db", "unknown", iqts::FileStatus::skipped, "Windows thumbnail cache", 10, ""});

    iqts::Document policy;
    policy.path = part3 + "DP-policy-v3.docx";
    policy.kind = "docx";
    policy.title = "Data protection policy";
    index.add_document(std::move(policy));
    index.finish();
    return index;
}

const GridRow* row_at(const GridReading& reading, const std::string& location) {
    for (const auto& row : reading.grid.rows) {
        if (row.location == location) return &row;
    }
    return nullptr;
}

// One expected grid row: where it sits, its criterion, and the file it
// resolves to ("" when it is broken).
struct ExpectedRow {
    std::string location;
    std::string criterion;
    std::string resolved_path;
};

void expect_rows(const GridReading& reading, const std::vector<ExpectedRow>& expected) {
    for (const auto& want : expected) {
        SCOPED_TRACE(want.location);
        const GridRow* row = row_at(reading, want.location);
        ASSERT_NE(row, nullptr);
        EXPECT_EQ(row->criterion, want.criterion);
        EXPECT_EQ(row->status, want.resolved_path.empty() ? "broken" : "resolved");
        EXPECT_EQ(row->resolved_path, want.resolved_path);
    }
    EXPECT_EQ(reading.grid.rows.size(), expected.size());
    EXPECT_EQ(reading.reasons.size(), reading.grid.rows.size());
}

TEST(GridWord, RowsAndLinks) {
    const auto index = export_with_grid("Compliance grid.docx");
    const auto reading = iqts::host::read_grid(index, criteria());
    EXPECT_EQ(reading.grid.path, inspection_folder + "Compliance grid.docx");
    expect_rows(reading, {
        // "C 1.1" with a percent-encoded hyperlink on the link cell.
        {"table 1, row 2, column 3", "C1.1", part1 + "Selection policy.docx"},
        // Blank criterion cell continues C1.1; plain relative path.
        {"table 1, row 3, column 3", "C1.1", part1 + "Trainee register.xlsx"},
        // Heading alone; backslash path.
        {"table 1, row 4, column 3", "C1.2", part1 + "Trainee register.xlsx"},
        // "1.3"; SharePoint hyperlink under other display text.
        {"table 1, row 5, column 3", "C1.3", part1 + "Course information.docx"},
        // "Criterion 1.4" with a title and no link: matched by file name.
        {"table 1, row 6, column 2", "C1.4", part3 + "Safeguarding policy.docx"},
        // "c2.5 Mentoring", after a section row; link text equals the title.
        {"table 1, row 8, column 3", "C2.5", part2 + "Mentor handbook.docx"},
        // Vertically merged C3.4 over two rows.
        {"table 1, row 9, column 3", "C3.4", part3 + "Quality assurance statement.docx"},
        {"table 1, row 10, column 3", "C3.4", ""},
    });
}

TEST(GridWord, RenamedFileGivesCandidates) {
    const auto index = export_with_grid("Compliance grid.docx");
    const auto reading = iqts::host::read_grid(index, criteria());
    const GridRow* row = row_at(reading, "table 1, row 10, column 3");
    ASSERT_NE(row, nullptr);
    EXPECT_EQ(row->link, "../Part 3 – Management and QA/Moderation records v2.xlsx");
    ASSERT_FALSE(row->candidates.empty());
    EXPECT_EQ(row->candidates.front(), part3 + "Moderation records.xlsx");
}

TEST(GridWord, SectionRowEndsCriterion) {
    const auto index = export_with_grid("Compliance grid.docx");
    const auto reading = iqts::host::read_grid(index, criteria());
    EXPECT_EQ(row_at(reading, "table 1, row 7, column 1"), nullptr);
}

TEST(GridWord, EmptyCriteria) {
    const auto index = export_with_grid("Compliance grid.docx");
    const auto reading = iqts::host::read_grid(index, criteria());
    const std::vector<std::string> expected = {"C1.5", "C2.1", "C2.2", "C2.3", "C2.4",
                                               "C2.6", "C2.7", "C3.1", "C3.2", "C3.3"};
    EXPECT_EQ(reading.empty_criteria, expected);
}

TEST(GridExcel, RowsAndLinks) {
    const auto index = export_with_grid("Compliance grid.xlsx");
    const auto reading = iqts::host::read_grid(index, criteria());
    EXPECT_EQ(reading.grid.path, inspection_folder + "Compliance grid.xlsx");
    expect_rows(reading, {
        {"Compliance grid!E4", "C1.1", part1 + "Trainee register.xlsx"},       // SharePoint library path
        {"Compliance grid!E5", "C1.2", part1 + "Trainee register.xlsx"},       // SharePoint /:x:/r/ form
        {"Compliance grid!E6", "C1.3", part1 + "Course information.docx"},     // SharePoint ?id= form
        {"Compliance grid!E7", "C1.4", ""},                                    // Google Drive file id
        {"Compliance grid!E8", "C1.5", part1 + "Complaints procedure.pdf"},    // percent-encoded relative
        {"Compliance grid!E9", "C1.5", part1 + "Selection policy.docx"},       // merged criterion, backslashes
        {"Compliance grid!E10", "C2.1", part2 + "Programme handbook.docx"},    // file:// URL
        {"Compliance grid!E11", "C2.2", part2 + "ITAP logs.zip"},              // OneDrive for Business
        {"Compliance grid!D12", "C2.4", part2 + "Placement log.xlsx"},         // title only
        {"Compliance grid!E13", "C2.5", part2 + "Mentor handbook.docx"},       // "./../"
        {"Compliance grid!E14", "C2.6", ""},                                   // renamed file
        {"Compliance grid!E16", "C3.2", part3 + "Partnership agreements"},     // folder
        {"Compliance grid!E17", "C3.4", ""},                                   // Google Docs id
    });
}

TEST(GridExcel, GoogleDriveFallsBackToTitle) {
    const auto index = export_with_grid("Compliance grid.xlsx");
    const auto reading = iqts::host::read_grid(index, criteria());
    const GridRow* row = row_at(reading, "Compliance grid!E7");
    ASSERT_NE(row, nullptr);
    ASSERT_FALSE(row->candidates.empty());
    EXPECT_EQ(row->candidates.front(), part3 + "Safeguarding policy.docx");
    const auto position = static_cast<std::size_t>(row - reading.grid.rows.data());
    EXPECT_NE(reading.reasons[position].find("Google Drive"), std::string::npos);
}

TEST(GridExcel, RenamedFileGivesCandidates) {
    const auto index = export_with_grid("Compliance grid.xlsx");
    const auto reading = iqts::host::read_grid(index, criteria());
    const GridRow* row = row_at(reading, "Compliance grid!E14");
    ASSERT_NE(row, nullptr);
    EXPECT_EQ(row->link, "../Part 2 – Training/Assessment and progression framework.docx");
    ASSERT_FALSE(row->candidates.empty());
    EXPECT_LE(row->candidates.size(), 3u);
    EXPECT_EQ(row->candidates.front(), part2 + "Assessment framework.docx");
    const auto position = static_cast<std::size_t>(row - reading.grid.rows.data());
    EXPECT_NE(reading.reasons[position].find("Assessment and progression framework.docx"), std::string::npos);
}

TEST(GridExcel, EmptyCriteria) {
    const auto index = export_with_grid("Compliance grid.xlsx");
    const auto reading = iqts::host::read_grid(index, criteria());
    const std::vector<std::string> expected = {"C2.3", "C2.7", "C3.1", "C3.3"};
    EXPECT_EQ(reading.empty_criteria, expected);
}

TEST(GridCsv, RowsAndLinks) {
    const auto index = export_with_grid("iQTS criteria grid.csv");
    const auto reading = iqts::host::read_grid(index, criteria());
    EXPECT_EQ(reading.grid.path, inspection_folder + "iQTS criteria grid.csv");
    expect_rows(reading, {
        // "C3.1 – Management"; path from the export root.
        {"C2", "C3.1", part3 + "Organogram.pdf"},
        // "Partnerships & structures"; a file in a subfolder.
        {"C3", "C3.2", part3 + "Partnership agreements/Palm Crescent British School partnership agreement.docx"},
        // "Legislation" with no link: matched by the document's title property.
        {"B4", "C3.3", part3 + "DP-policy-v3.docx"},
        {"C5", "C3.3", part3 + "Safeguarding policy.docx"},
    });
}

TEST(GridFind, MostCriteriaWins) {
    // Both grids sit in the export; the workbook's criterion column names
    // more criteria, so it wins over the smaller CSV file.
    auto index = export_with_grid("Compliance grid.xlsx");
    const std::string bytes = read_bytes(grid_data + "iQTS criteria grid.csv");
    auto extraction = iqts::host::extract(iqts::host::FileKind::csv, root + "notes/iQTS criteria grid.csv", bytes, {});
    index.add_document(std::move(extraction.document));
    index.finish();
    const auto reading = iqts::host::read_grid(index, criteria());
    EXPECT_EQ(reading.grid.path, inspection_folder + "Compliance grid.xlsx");
}

TEST(GridFind, NoGridListsEveryCriterion) {
    BuiltIndex index;
    iqts::Document register_document;
    register_document.path = part1 + "Trainee register.xlsx";
    register_document.tables.push_back({"Trainees", true, false, 0, 0, {{{iqts::CellType::text, "Trainee ID"}}}, {}});
    index.add_document(std::move(register_document));
    index.finish();
    const auto reading = iqts::host::read_grid(index, criteria());
    EXPECT_TRUE(reading.grid.path.empty());
    EXPECT_TRUE(reading.grid.rows.empty());
    EXPECT_EQ(reading.empty_criteria.size(), criteria().size());
}

TEST(GridInfer, StatusColumnIsNotTheTitle) {
    // No header names the title column, one title is blank, and every row
    // has a RAG status: the titles are the column of most distinct texts.
    const auto cell = [](const std::string& text) { return iqts::Cell{iqts::CellType::text, text}; };
    iqts::Table table{"Grid", true, false, 0, 0, {}, {}};
    table.rows = {
        {cell("Document location"), cell("What it shows"), cell("Criteria ref"), cell("RAG")},
        {cell("Part 1/Register.xlsx"), cell("Trainee register"), cell("1.1"), cell("Green")},
        {cell("Part 1/Register.xlsx"), cell("Degrees"), cell("1.2"), cell("Green")},
        {cell("Part 1/Tests.xlsx"), cell("English tests"), cell("1.3"), cell("Green")},
        {cell("Part 1/Policy.docx"), cell(""), cell("1.4"), cell("Red")},
    };
    iqts::Document grid;
    grid.path = inspection_folder + "Compliance grid.xlsx";
    grid.kind = "xlsx";
    grid.tables.push_back(table);
    BuiltIndex index;
    index.add_document(std::move(grid));
    index.finish();

    const auto reading = iqts::host::read_grid(index, criteria());

    ASSERT_EQ(reading.grid.rows.size(), 4u);
    EXPECT_EQ(reading.grid.rows[0].title, "Trainee register");
    EXPECT_EQ(reading.grid.rows[2].title, "English tests");
    EXPECT_EQ(reading.grid.rows[3].title, "");
}

TEST(CriterionInCell, Forms) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"C1.3", "C1.3"},
        {"C 1.3", "C1.3"},
        {"c1.3", "C1.3"},
        {"1.3", "C1.3"},
        {"Criterion 1.3", "C1.3"},
        {"C1.3 English language proficiency", "C1.3"},
        {"C1.3: English language proficiency", "C1.3"},
        {"English language proficiency", "C1.3"},
        {"ENGLISH language-proficiency.", "C1.3"},
        {"Suitability (and safeguarding)", "C1.4"},
        {"Age ranges", "C2.3"},
        {"Suitability", "C1.4"},
        {"Management", "C3.1"},
        {"C1.30", ""},
        {"C4.1", ""},
        {"1.3.2027", ""},
        {"Part 1", ""},
        {"School", ""},
        {"Management and quality assurance", ""},
        {"", ""},
    };
    for (const auto& [cell, id] : cases) {
        EXPECT_EQ(iqts::host::criterion_in_cell(cell, criteria()), id) << "cell: " << cell;
    }
}

TEST(ResolveLink, Forms) {
    const std::string grid = inspection_folder + "Compliance grid.xlsx";
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"../Part 1 – Entry/Selection policy.docx", part1 + "Selection policy.docx"},
        {"..\\PART 1 – ENTRY\\selection policy.DOCX", part1 + "Selection policy.docx"},
        {"../Part%201%20%E2%80%93%20Entry/Selection%20policy.docx", part1 + "Selection policy.docx"},
        {"ms-word:ofe|u|https://contoso.sharepoint.com/sites/ITT/Shared%20Documents/Part%201%20%E2%80%93%20Entry/"
         "Selection%20policy.docx",
         part1 + "Selection policy.docx"},
        {"\\\\fileserver\\itt\\Part 2 – Training\\ITAP logs.zip\\T001 ITAP log.xlsx",
         part2 + "ITAP logs.zip!/T001 ITAP log.xlsx"},
        {"../Part 2 – Training/Mentor handbook.docx#_Toc1", part2 + "Mentor handbook.docx"},
        {"https://drive.google.com/open?id=1AbCdEf", ""},
        {"https://1drv.ms/w/s!AbCdEf", ""},
        {"mailto:office@example.org", ""},
        {"../Part 1 – Entry/Interview record.docx", ""},
        {"", ""},
    };
    for (const auto& [link, path] : cases) {
        const auto resolution = iqts::host::resolve_link(link, grid, export_files);
        EXPECT_EQ(resolution.path, path) << "link: " << link;
        EXPECT_EQ(resolution.resolved, !path.empty()) << "link: " << link;
        EXPECT_EQ(resolution.reason.empty(), !path.empty()) << "link: " << link;
    }
}

TEST(ClosestPaths, SharedWordsFirst) {
    const auto closest = iqts::host::closest_paths("../Part 2/Mentor handbook 2025.docx", export_files);
    ASSERT_EQ(closest.size(), 3u);
    EXPECT_EQ(closest[0], part2 + "Mentor handbook.docx");
}

TEST(ClosestPaths, NothingShared) {
    EXPECT_TRUE(iqts::host::closest_paths("Zzz.docx", export_files).empty());
}

iqts::host::Grid grid_at(const std::string& path) {
    iqts::host::Grid grid;
    grid.path = path;
    return grid;
}

TEST(FolderConvention, Followed) {
    const auto index = export_with_grid("Compliance grid.xlsx");
    const auto convention = iqts::host::check_folder(index, grid_at(inspection_folder + "Compliance grid.xlsx"));
    EXPECT_EQ(convention.folder, root + "iQTS inspection – March 2027");
    EXPECT_TRUE(convention.grid_inside);
    EXPECT_TRUE(convention.followed);
    EXPECT_TRUE(convention.message.empty());
}

TEST(FolderConvention, FolderNames) {
    const std::vector<std::pair<std::string, bool>> cases = {
        {"iQTS inspection – March 2027", true},
        {"iQTS inspection - March 2027", true},
        {"IQTS Inspection — sept 2027", true},
        {"iQTS inspection Nov. 2027", true},
        {"iQTS inspection – March 2027.zip", true},
        {"iQTS inspection", false},
        {"iQTS inspection – Spring 2027", false},
        {"QTS inspection – March 2027", false},
    };
    for (const auto& [name, expected] : cases) {
        BuiltIndex index;
        index.add_file({"export/" + name + "/Compliance grid.xlsx", "xlsx", iqts::FileStatus::read, "", 1, ""});
        index.finish();
        const auto convention = iqts::host::check_folder(index, grid_at("export/" + name + "/Compliance grid.xlsx"));
        EXPECT_EQ(convention.followed, expected) << "folder: " << name;
    }
}

TEST(FolderConvention, GridOutsideFolder) {
    auto index = export_with_grid("iQTS criteria grid.csv", root);
    index.add_file({inspection_folder + "Self-evaluation.docx", "docx", iqts::FileStatus::read, "", 1, ""});
    index.finish();
    const auto convention = iqts::host::check_folder(index, grid_at(root + "iQTS criteria grid.csv"));
    EXPECT_FALSE(convention.folder.empty());
    EXPECT_FALSE(convention.followed);
    EXPECT_NE(convention.message.find("move it there"), std::string::npos);
}

TEST(FolderConvention, NoFolder) {
    BuiltIndex index;
    index.add_file({"export/Part 1/Compliance grid.xlsx", "xlsx", iqts::FileStatus::read, "", 1, ""});
    index.finish();
    const auto convention = iqts::host::check_folder(index, grid_at("export/Part 1/Compliance grid.xlsx"));
    EXPECT_TRUE(convention.folder.empty());
    EXPECT_FALSE(convention.followed);
    EXPECT_NE(convention.message.find("iQTS inspection – MONTH YEAR"), std::string::npos);
}

TEST(FolderConvention, FolderWithoutGrid) {
    const auto index = export_with_grid("Compliance grid.xlsx");
    const auto convention = iqts::host::check_folder(index, iqts::host::Grid{});
    EXPECT_FALSE(convention.followed);
    EXPECT_NE(convention.message.find("holds no compliance grid"), std::string::npos);
}

}  // namespace
