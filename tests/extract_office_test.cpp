#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <utility>
#include <vector>

#include "iqts/host/extract.hpp"
#include "iqts/host/zip_parts.hpp"

namespace {

using iqts::CellType;
using iqts::Document;
using iqts::Table;
using iqts::host::ExtractLimits;
using iqts::host::Extraction;
using Extractor = std::function<Extraction(const std::string&, std::string_view, const ExtractLimits&)>;

const std::filesystem::path office_data = std::filesystem::path(IQTS_SOURCE_DIR) / "tests/data/office";

std::filesystem::path corpus_dir() {
    if (const char* configured = std::getenv("IQTS_CORPUS_DIR")) return configured;
    return IQTS_CORPUS_DIR;
}

std::string read_bytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + path.string());
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

Document extract_file(const Extractor& extractor, const std::filesystem::path& path) {
    const Extraction extraction = extractor(path.filename().string(), read_bytes(path), ExtractLimits{});
    if (extraction.status != iqts::FileStatus::read) throw std::runtime_error(path.string() + ": " + extraction.reason);
    return extraction.document;
}

// Declares `variable` as the document extracted from a corpus file, or
// skips the test when the corpus is not present.
#define LOAD_CORPUS(variable, extractor, relative)                                                             \
    const auto variable##_path = corpus_dir() / (relative);                                                    \
    if (!std::filesystem::exists(variable##_path)) {                                                           \
        GTEST_SKIP() << "corpus file " << variable##_path << " is absent; set IQTS_CORPUS_DIR to the corpus"; \
    }                                                                                                          \
    const Document variable = extract_file(extractor, variable##_path)

// Returns the text of the first block at `location`, or "<absent>".
std::string block_at(const Document& document, const std::string& location) {
    for (const auto& block : document.blocks) {
        if (block.location == location) return block.text;
    }
    return "<absent>";
}

// Returns the text of every block and table cell, one per line.
std::string all_text(const Document& document) {
    std::string text = document.text();
    for (const auto& table : document.tables) {
        for (const auto& row : table.rows) {
            for (const auto& cell : row) text += "\n" + cell.text;
        }
    }
    return text;
}

std::size_t occurrences(const std::string& text, const std::string& wanted) {
    std::size_t count = 0;
    for (auto position = text.find(wanted); position != std::string::npos; position = text.find(wanted, position + 1)) {
        ++count;
    }
    return count;
}

const Table* table_named(const Document& document, const std::string& name) {
    for (const auto& table : document.tables) {
        if (table.name == name) return &table;
    }
    return nullptr;
}

// Returns the cell at a sheet address such as "C7", or an empty cell.
iqts::Cell cell_at(const Table& table, const std::string& address) {
    std::size_t column = 0;
    std::size_t i = 0;
    while (i < address.size() && std::isalpha(static_cast<unsigned char>(address[i]))) {
        column = column * 26 + static_cast<std::size_t>(address[i++] - 'A' + 1);
    }
    const long row = std::stol(address.substr(i)) - 1 - table.first_row;
    const long column_index = static_cast<long>(column) - 1 - table.first_column;
    if (row < 0 || column_index < 0 || static_cast<std::size_t>(row) >= table.rows.size()) return {};
    const auto& cells = table.rows[static_cast<std::size_t>(row)];
    if (static_cast<std::size_t>(column_index) >= cells.size()) return {};
    return cells[static_cast<std::size_t>(column_index)];
}

// Writes a zip in memory with libarchive, for packages no office program writes.
std::string make_zip(const std::vector<std::pair<std::string, std::string>>& entries) {
    std::vector<char> buffer(1 << 20);
    std::size_t used = 0;
    archive* writer = archive_write_new();
    archive_write_set_format_zip(writer);
    archive_write_open_memory(writer, buffer.data(), buffer.size(), &used);
    for (const auto& [name, content] : entries) {
        archive_entry* entry = archive_entry_new();
        archive_entry_set_pathname(entry, name.c_str());
        archive_entry_set_filetype(entry, AE_IFREG);
        archive_entry_set_perm(entry, 0644);
        archive_entry_set_size(entry, static_cast<la_int64_t>(content.size()));
        archive_write_header(writer, entry);
        archive_write_data(writer, content.data(), content.size());
        archive_entry_free(entry);
    }
    archive_write_close(writer);
    archive_write_free(writer);
    return std::string(buffer.data(), used);
}

const std::string package_relationships =
    R"(<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)"
    R"(<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>)"
    R"(</Relationships>)";
const std::string workbook_relationships =
    R"(<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)"
    R"(<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>)"
    R"(</Relationships>)";
const std::string workbook =
    R"(<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main")"
    R"( xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">)"
    R"(<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>)";

// Returns a workbook whose only sheet part is `sheet_xml`.
std::string workbook_with_sheet(const std::string& sheet_xml) {
    return make_zip({{"_rels/.rels", package_relationships},
                     {"xl/workbook.xml", workbook},
                     {"xl/_rels/workbook.xml.rels", workbook_relationships},
                     {"xl/worksheets/sheet1.xml", sheet_xml}});
}

std::string sheet_xml(const std::string& sheet_data) {
    return R"(<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">)"
           R"(<sheetData>)" + sheet_data + R"(</sheetData></worksheet>)";
}

std::string error_of(const Extractor& extractor, const std::string& bytes, const ExtractLimits& limits = {}) {
    try {
        extractor("test", bytes, limits);
    } catch (const std::runtime_error& error) {
        return error.what();
    }
    return "<no error>";
}

const Extractor docx = iqts::host::extract_docx;
const Extractor xlsx = iqts::host::extract_xlsx;
const Extractor pptx = iqts::host::extract_pptx;
const Extractor odf = iqts::host::extract_odf;

}  // namespace

// Files made by tests/data/office/make_office_files.py.

TEST(DocxExtractor, ReadsPythonDocxReport) {
    const Document document = extract_file(docx, office_data / "report.docx");
    EXPECT_EQ(document.kind, "docx");
    EXPECT_EQ(document.title, "Placement report");
    EXPECT_EQ(document.created, "2024-09-02T08:30:00Z");
    EXPECT_EQ(document.modified, "2024-09-03T16:45:00Z");
    EXPECT_EQ(block_at(document, "paragraph 1"), "Placement report");
    EXPECT_EQ(block_at(document, "paragraph 2"), "Trainee T001 completed two placements.");
    EXPECT_EQ(block_at(document, "header 1"), "Northfield Teacher Training");
    EXPECT_EQ(block_at(document, "footer 1"), "Confidential");
}

TEST(DocxExtractor, ReadsHyperlinkTarget) {
    const Document document = extract_file(docx, office_data / "report.docx");
    ASSERT_EQ(document.links.size(), 1u);
    EXPECT_EQ(document.links[0].text, "safeguarding policy");
    EXPECT_EQ(document.links[0].target, "https://example.org/safeguarding");
    EXPECT_EQ(document.links[0].location, "paragraph 3");
}

TEST(DocxExtractor, TableKeepsMergedColumnAligned) {
    const Document document = extract_file(docx, office_data / "report.docx");
    const Table* table = table_named(document, "table 1");
    ASSERT_NE(table, nullptr);
    ASSERT_EQ(table->rows.size(), 3u);
    EXPECT_EQ(table->rows[2][0].text, "Elm Primary");
    EXPECT_EQ(table->rows[2][1].text, "8");
    EXPECT_EQ(table->rows[2][2].type, CellType::empty);
    ASSERT_EQ(table->merges.size(), 1u);
    EXPECT_EQ(table->merges[0].first_row, 1);
    EXPECT_EQ(table->merges[0].last_row, 2);
    EXPECT_EQ(table->merges[0].first_column, 2);
    EXPECT_EQ(table->location(2, 1), "table 1, row 3, column 2");
}

TEST(DocxExtractor, ReadsLibreOfficeFootnoteAndTextBox) {
    const Document document = extract_file(docx, office_data / "handbook.docx");
    EXPECT_EQ(document.title, "Mentor handbook");
    EXPECT_EQ(block_at(document, "footnote 1"), "At least one hour.");
    EXPECT_EQ(block_at(document, "text box 1"), "Training days: 3");
    EXPECT_EQ(occurrences(document.text(), "Training days: 3"), 1u);
    EXPECT_EQ(block_at(document, "header 1"), "Mentor handbook header");
    EXPECT_EQ(block_at(document, "footer 1"), "Mentor handbook footer");
    EXPECT_EQ(block_at(document, "paragraph 2"), "Mentors meet trainees weekly.");
}

TEST(XlsxExtractor, RegisterWithTitleRowAboveHeader) {
    const Document document = extract_file(xlsx, office_data / "register.xlsx");
    EXPECT_EQ(document.title, "Trainee register");
    const Table* sheet = table_named(document, "Trainees");
    ASSERT_NE(sheet, nullptr);
    EXPECT_TRUE(sheet->is_sheet);
    EXPECT_FALSE(sheet->hidden);
    EXPECT_EQ(cell_at(*sheet, "A1").text, "Trainee register 2024/25");
    EXPECT_EQ(cell_at(*sheet, "A3").text, "Trainee ID");
    EXPECT_EQ(cell_at(*sheet, "D3").text, "IELTS overall");
    EXPECT_EQ(sheet->location(2, 3), "Trainees!D3");
    ASSERT_EQ(sheet->merges.size(), 1u);
    EXPECT_EQ(sheet->merges[0].first_column, 0);
    EXPECT_EQ(sheet->merges[0].last_column, 4);
    EXPECT_EQ(sheet->merges[0].last_row, 0);
}

TEST(XlsxExtractor, RegisterCellsAreTyped) {
    const Document document = extract_file(xlsx, office_data / "register.xlsx");
    const Table* sheet = table_named(document, "Trainees");
    ASSERT_NE(sheet, nullptr);
    const auto start = cell_at(*sheet, "C4");
    EXPECT_EQ(start.type, CellType::date);
    EXPECT_EQ(start.text, "2024-09-02");
    EXPECT_EQ(start.number, 19968);  // days from 1970-01-01 to 2024-09-02
    EXPECT_EQ(cell_at(*sheet, "D5").type, CellType::number);
    EXPECT_EQ(cell_at(*sheet, "D5").text, "6");
    EXPECT_EQ(cell_at(*sheet, "D4").number, 7.5);
    EXPECT_EQ(cell_at(*sheet, "E4").type, CellType::boolean);
    EXPECT_EQ(cell_at(*sheet, "E4").text, "TRUE");
    EXPECT_EQ(cell_at(*sheet, "E5").text, "FALSE");
    EXPECT_EQ(sheet->rows.size(), 5u);  // nothing after the last trainee
}

TEST(XlsxExtractor, ReadsEntriesWithDataDescriptors) {
    const Document document = extract_file(xlsx, office_data / "register_streamed.xlsx");
    const Table* sheet = table_named(document, "Trainees");
    ASSERT_NE(sheet, nullptr);
    EXPECT_EQ(cell_at(*sheet, "B5").text, "Ben Sample");
}

TEST(XlsxExtractor, HiddenSheetIsFlagged) {
    const Document document = extract_file(xlsx, office_data / "register.xlsx");
    const Table* lookups = table_named(document, "Lookups");
    ASSERT_NE(lookups, nullptr);
    EXPECT_TRUE(lookups->hidden);
    EXPECT_EQ(cell_at(*lookups, "A2").text, "Primary");
}

TEST(XlsxExtractor, Reads1904DateSystem) {
    const Document document = extract_file(xlsx, office_data / "dates_1904.xlsx");
    const Table* sheet = table_named(document, "Dates");
    ASSERT_NE(sheet, nullptr);
    EXPECT_EQ(cell_at(*sheet, "A1").type, CellType::date);
    EXPECT_EQ(cell_at(*sheet, "A1").text, "2021-01-01");
    EXPECT_EQ(cell_at(*sheet, "A2").text, "2024-02-29T14:30:00");
    EXPECT_EQ(cell_at(*sheet, "B1").type, CellType::number);
}

TEST(OdfExtractor, ReadsLibreOfficeText) {
    const Document document = extract_file(odf, office_data / "handbook.odt");
    EXPECT_EQ(document.kind, "odt");
    EXPECT_EQ(document.title, "Mentor handbook");
    EXPECT_EQ(document.created, "2024-09-02T08:30:00");
    EXPECT_EQ(document.modified, "2024-09-03T16:45:00");
    EXPECT_EQ(block_at(document, "paragraph 1"), "Mentor handbook");
    EXPECT_EQ(block_at(document, "paragraph 2"), "Mentors meet trainees weekly.");
    EXPECT_EQ(block_at(document, "note 1"), "At least one hour.");
    EXPECT_EQ(block_at(document, "text box 1"), "Training days: 3");
    EXPECT_EQ(document.text().find("Draft wording"), std::string::npos);
}

TEST(OdfExtractor, ReadsLinkAndTable) {
    const Document document = extract_file(odf, office_data / "handbook.odt");
    ASSERT_EQ(document.links.size(), 1u);
    EXPECT_EQ(document.links[0].text, "mentoring guide");
    EXPECT_EQ(document.links[0].target, "https://example.org/mentoring");
    const Table* table = table_named(document, "table 1");
    ASSERT_NE(table, nullptr);
    ASSERT_EQ(table->rows.size(), 2u);
    EXPECT_EQ(table->rows[1][1].text, "Oak Primary and Elm Primary");
    EXPECT_EQ(table->rows[1].size(), 2u);  // the covered cell adds no value
    ASSERT_EQ(table->merges.size(), 1u);
    EXPECT_EQ(table->merges[0].last_column, 2);
}

TEST(OdfExtractor, ReadsRegisterSavedByCalc) {
    const Document document = extract_file(odf, office_data / "register.ods");
    EXPECT_EQ(document.kind, "ods");
    const Table* sheet = table_named(document, "Trainees");
    ASSERT_NE(sheet, nullptr);
    EXPECT_EQ(cell_at(*sheet, "A3").text, "Trainee ID");
    EXPECT_EQ(cell_at(*sheet, "C5").type, CellType::date);
    EXPECT_EQ(cell_at(*sheet, "C5").text, "2024-09-09");
    EXPECT_EQ(cell_at(*sheet, "D4").text, "7.5");
    EXPECT_EQ(sheet->rows.size(), 5u);  // Calc's repeated empty rows are not materialised
    ASSERT_EQ(sheet->merges.size(), 1u);
    EXPECT_EQ(sheet->merges[0].last_column, 4);
    const Table* lookups = table_named(document, "Lookups");
    ASSERT_NE(lookups, nullptr);
    EXPECT_TRUE(lookups->hidden);
}

// Hostile and unusual packages.

TEST(OfficeXml, DoctypeIsRejected) {
    const std::string bytes = workbook_with_sheet(
        R"(<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">]>)"
        R"(<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>)");
    EXPECT_NE(error_of(xlsx, bytes).find("XML with a DTD, which is not accepted"), std::string::npos);
}

TEST(OfficeXml, DeepNestingNamesTheOption) {
    std::string deep;
    for (int i = 0; i < 300; ++i) deep += "<x>";
    for (int i = 0; i < 300; ++i) deep += "</x>";
    const std::string bytes = workbook_with_sheet(sheet_xml(R"(<row r="1"><c r="A1"><is><t>a</t></is>)" + deep + "</c></row>"));
    const std::string error = error_of(xlsx, bytes);
    EXPECT_NE(error.find("deeper than the limit of 256"), std::string::npos) << error;
    EXPECT_NE(error.find("--max-xml-depth"), std::string::npos) << error;
}

TEST(OfficeXml, MalformedPartNamesThePart) {
    const std::string bytes = workbook_with_sheet("<worksheet><sheetData>");
    EXPECT_NE(error_of(xlsx, bytes).find("xl/worksheets/sheet1.xml"), std::string::npos);
}

TEST(XlsxExtractor, ReferenceBeyondSheetIsRejected) {
    const std::string bytes =
        workbook_with_sheet(sheet_xml(R"(<row r="1"><c r="A1000000000" t="inlineStr"><is><t>x</t></is></c></row>)"));
    EXPECT_NE(error_of(xlsx, bytes).find("lies outside the 1,048,576 rows"), std::string::npos);
}

TEST(XlsxExtractor, SparseCellsDoNotAllocateTheGap) {
    const std::string bytes = workbook_with_sheet(
        R"(<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">)"
        R"(<dimension ref="A1:XFD1048576"/><sheetData>)"
        R"(<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="B1048576"><v>2</v></c></row>)"
        R"(</sheetData></worksheet>)");
    const Document document = xlsx("test", bytes, ExtractLimits{}).document;
    ASSERT_EQ(document.tables.size(), 1u);
    EXPECT_EQ(document.tables[0].rows.size(), 1'048'576u);
    EXPECT_EQ(document.tables[0].rows[1000].size(), 0u);
    EXPECT_EQ(cell_at(document.tables[0], "B1048576").text, "2");
}

TEST(XlsxExtractor, CellLimitIsEnforced) {
    std::string row;
    for (int column = 0; column < 20; ++column) row += "<c><v>1</v></c>";
    ExtractLimits limits;
    limits.max_cells = 10;
    const std::string error = error_of(xlsx, workbook_with_sheet(sheet_xml("<row>" + row + "</row>")), limits);
    EXPECT_NE(error.find("limit of 10 cells"), std::string::npos) << error;
}

TEST(XlsxExtractor, TextLimitIsEnforced) {
    ExtractLimits limits;
    limits.max_text_bytes = 4;
    const std::string bytes = workbook_with_sheet(sheet_xml(R"(<row><c t="inlineStr"><is><t>too long</t></is></c></row>)"));
    EXPECT_NE(error_of(xlsx, bytes, limits).find("--max-text-mb"), std::string::npos);
}

TEST(ZipParts, NotAZipIsRejected) {
    EXPECT_THROW(iqts::host::ZipParts("plain text, not a zip", 1 << 20), std::runtime_error);
}

TEST(ZipParts, PartNamesCompareWithoutCase) {
    const iqts::host::ZipParts parts(make_zip({{"Word/Document.xml", "<a/>"}}), 1 << 20);
    EXPECT_TRUE(parts.has("word/document.xml"));
    EXPECT_EQ(parts.get("/word/document.xml"), "<a/>");
    EXPECT_FALSE(parts.has("word/styles.xml"));
}

TEST(ZipParts, OversizedPartIsRejected) {
    const std::string bytes = make_zip({{"content.xml", std::string(5000, 'a')}});
    EXPECT_THROW(iqts::host::ZipParts(bytes, 1000), std::runtime_error);
}

// Corpus files: the expectation beside each comes from the corpus manifest.

TEST(DocxCorpus, HeadersAndFootersAreTagged) {
    LOAD_CORPUS(document, docx, "docx/0_level_headers.docx");
    EXPECT_EQ(block_at(document, "header 1").rfind("CONTENTS (Continued)", 0), 0u);
    EXPECT_NE(block_at(document, "header 3").find("FIGURES (Continued)"), std::string::npos);
    EXPECT_NE(block_at(document, "header 4").find("TABLES (Continued)"), std::string::npos);
    EXPECT_EQ(block_at(document, "footer 3"), "2");
    EXPECT_NE(all_text(document).find("User’s Guide"), std::string::npos);
    EXPECT_NE(document.text().find("Introduction"), std::string::npos);
}

TEST(DocxCorpus, MainPartFoundThroughRelationships) {
    LOAD_CORPUS(document, docx, "docx/alternate_document_path.docx");
    EXPECT_EQ(block_at(document, "paragraph 1"), "Test");
    EXPECT_NE(document.text().find("This is italic, bold, underlined"), std::string::npos);
}

TEST(DocxCorpus, CommentsKeptApartFromBody) {
    LOAD_CORPUS(document, docx, "docx/comments.docx");
    EXPECT_EQ(block_at(document, "paragraph 1"), "I want some text to have a comment on it.");
    EXPECT_EQ(block_at(document, "comment 1"), "I left a comment.");
    EXPECT_EQ(block_at(document, "comment 5"), "Do something else.");
    EXPECT_EQ(block_at(document, "paragraph 1").find("I left a comment."), std::string::npos);
}

TEST(DocxCorpus, FieldHyperlinksWithoutFieldCode) {
    LOAD_CORPUS(document, docx, "docx/instrText_hyperlink.docx");
    EXPECT_NE(document.text().find("Foundations of Analysis, 2nd Edition"), std::string::npos);
    EXPECT_NE(document.text().find("Classic Set Theory: For Guided Independent Study"), std::string::npos);
    EXPECT_EQ(document.text().find("HYPERLINK"), std::string::npos);
    ASSERT_EQ(document.links.size(), 2u);
    EXPECT_EQ(document.links[0].text, "Foundations of Analysis, 2nd Edition");
    EXPECT_EQ(document.links[0].target.rfind("https://books.google.com/books?id=sp_Zcb9ot90C", 0), 0u);
}

TEST(DocxCorpus, NestedContentControls) {
    LOAD_CORPUS(document, docx, "docx/nested_sdt.docx");
    EXPECT_EQ(document.text(), "Test Paragraph1\nTest Paragraph2\nTest Paragraph3");
}

TEST(DocxCorpus, NestedSmartTags) {
    LOAD_CORPUS(document, docx, "docx/nested_smart_tags.docx");
    EXPECT_NE(document.text().find("the king of Egypt died; and the children of Israel sighed"), std::string::npos);
}

TEST(DocxCorpus, FootnoteAndEndnoteAreNotes) {
    LOAD_CORPUS(document, docx, "docx/notes.docx");
    EXPECT_NE(document.text().find("Test footnote. Test endnote."), std::string::npos);
    EXPECT_EQ(block_at(document, "footnote 1"), "My note.");
    EXPECT_EQ(block_at(document, "endnote 1"), "This is an endnote at the end of the document.");
}

TEST(DocxCorpus, ContentControlAroundCell) {
    LOAD_CORPUS(document, docx, "docx/sdt_elements.docx");
    const Table* table = table_named(document, "table 1");
    ASSERT_NE(table, nullptr);
    ASSERT_EQ(table->rows.size(), 2u);
    ASSERT_EQ(table->rows[1].size(), 3u);
    EXPECT_EQ(table->rows[0][2].text, "col3Header");
    EXPECT_EQ(table->rows[1][0].text, "col1 content");
    EXPECT_EQ(table->rows[1][1].text, "Body copy");
    EXPECT_EQ(table->rows[1][2].text, "col3 content");
}

TEST(DocxCorpus, VerticalMergeKeepsColumns) {
    LOAD_CORPUS(document, docx, "docx/table_header_rowspan.docx");
    const Table* table = table_named(document, "table 1");
    ASSERT_NE(table, nullptr);
    ASSERT_GE(table->rows.size(), 3u);
    ASSERT_EQ(table->rows[1].size(), 8u);
    EXPECT_EQ(table->rows[1][0].type, CellType::empty);  // continues A
    EXPECT_EQ(table->rows[1][4].text, "G");
    EXPECT_EQ(table->rows[1][6].text, "I");
    EXPECT_EQ(table->rows[2][7].text, "8");
    EXPECT_EQ(table->merges[0].last_row, 1);
}

TEST(DocxCorpus, TextBoxesReadOnce) {
    LOAD_CORPUS(document, docx, "docx/text_in_shape_format.docx");
    const std::string text = document.text();
    for (const std::string wanted : {"Using Microsoft Word 2007/2010", "for Writing Technical Documents", "Valter Kiisk",
                                     "Institute of Physics, University of Tartu", "Last update: May 1, 2017"}) {
        EXPECT_EQ(occurrences(text, wanted), 1u) << wanted;
    }
}

TEST(DocxCorpus, TrackedDeletionDropped) {
    LOAD_CORPUS(document, docx, "docx/track_changes_deletion.docx");
    EXPECT_EQ(document.text(), "This is a text with a deletion.");
}

TEST(DocxCorpus, TrackedInsertionKept) {
    LOAD_CORPUS(document, docx, "docx/track_changes_insertion.docx");
    EXPECT_EQ(document.text(), "This is a text with two exciting insertions.");
}

TEST(DocxCorpus, TrackedMoveReadOnce) {
    LOAD_CORPUS(document, docx, "docx/track_changes_move.docx");
    EXPECT_EQ(document.text(), "Here is some text.\nHere is the text to be moved.\nHere is some more text.");
}

TEST(XlsxCorpus, SheetStates) {
    LOAD_CORPUS(document, xlsx, "xlsx/any_sheets.xlsx");
    ASSERT_EQ(document.tables.size(), 3u);  // the chart sheet has no cells
    EXPECT_FALSE(table_named(document, "Visible")->hidden);
    EXPECT_TRUE(table_named(document, "Hidden")->hidden);
    EXPECT_TRUE(table_named(document, "VeryHidden")->hidden);
    const Table& visible = *table_named(document, "Visible");
    EXPECT_EQ(cell_at(visible, "A1").text, "1");
    EXPECT_EQ(cell_at(visible, "B3").number, 6);
    EXPECT_EQ(cell_at(visible, "A5").text, "This workbook contains 4 sheets: Visible, Hidden, VeryHidden and Chart");
}

TEST(XlsxCorpus, DatesIn1900System) {
    LOAD_CORPUS(document, xlsx, "xlsx/date.xlsx");
    const Table& sheet = document.tables.at(0);
    EXPECT_EQ(cell_at(sheet, "A1").type, CellType::date);
    EXPECT_EQ(cell_at(sheet, "A1").text, "2021-01-01");
    EXPECT_EQ(cell_at(sheet, "A2").text, "2021-01-02");
    EXPECT_EQ(cell_at(sheet, "A3").type, CellType::number);  // [hh]:mm:ss is a duration
    EXPECT_NEAR(cell_at(sheet, "A3").number, 10.632, 0.001);
    EXPECT_EQ(cell_at(sheet, "B1").type, CellType::number);
    EXPECT_EQ(cell_at(sheet, "B3").text, "17");
}

TEST(XlsxCorpus, DatesIn1904SystemWrittenAsTrue) {
    LOAD_CORPUS(document, xlsx, "xlsx/date_1904.xlsx");
    EXPECT_EQ(cell_at(document.tables.at(0), "A1").text, "2021-01-01");
}

TEST(XlsxCorpus, QuotedLiteralsAndLocaleInDateFormats) {
    LOAD_CORPUS(document, xlsx, "xlsx/date_quoted_format.xlsx");
    for (const std::string address : {"A1", "A2", "A3", "A4"}) {
        EXPECT_EQ(cell_at(document.tables.at(0), address).type, CellType::date) << address;
        EXPECT_EQ(cell_at(document.tables.at(0), address).text, "2021-01-01") << address;
    }
}

TEST(XlsxCorpus, EmptySharedStringKeepsIndexes) {
    LOAD_CORPUS(document, xlsx, "xlsx/empty_shared_string.xlsx");
    EXPECT_EQ(cell_at(document.tables.at(0), "A1").text, "abc");
    EXPECT_EQ(cell_at(document.tables.at(0), "A2").type, CellType::text);
    EXPECT_EQ(cell_at(document.tables.at(0), "A2").text, "");
}

TEST(XlsxCorpus, CachedFormulaValues) {
    LOAD_CORPUS(document, xlsx, "xlsx/formula.issue.xlsx");
    const Table& sheet = document.tables.at(0);
    EXPECT_EQ(cell_at(sheet, "A1").text, "23");
    EXPECT_EQ(cell_at(sheet, "C1").text, "23");
    EXPECT_EQ(cell_at(sheet, "G13").text, "2");
    EXPECT_EQ(cell_at(sheet, "J14").text, "US");
}

TEST(XlsxCorpus, CarriageReturnEscapeDecoded) {
    LOAD_CORPUS(document, xlsx, "xlsx/has_x000D_.xlsx");
    EXPECT_EQ(cell_at(document.tables.at(0), "A1").text, "ABC\r\nDEF");
}

TEST(XlsxCorpus, InlineStringsWithCdata) {
    LOAD_CORPUS(document, xlsx, "xlsx/inlineStr_cdata.xlsx");
    const Table& sheet = document.tables.at(0);
    EXPECT_EQ(cell_at(sheet, "A1").text, "Hello CDATA");
    EXPECT_EQ(cell_at(sheet, "B1").text, "World");
    EXPECT_EQ(cell_at(sheet, "A2").type, CellType::text);
    EXPECT_EQ(cell_at(sheet, "A2").text, "12345");
    EXPECT_EQ(cell_at(sheet, "B2").text, "NormalText");
}

TEST(XlsxCorpus, CellsWithoutReferences) {
    LOAD_CORPUS(document, xlsx, "xlsx/issue_261.xlsx");
    const Table& sheet = document.tables.at(0);
    EXPECT_EQ(sheet.rows.size(), 66u);
    EXPECT_EQ(cell_at(sheet, "A1").text, "String Value 32");
    EXPECT_EQ(cell_at(sheet, "F7").text, "String Value 43");
    EXPECT_EQ(cell_at(sheet, "G7").text, "901");
}

TEST(XlsxCorpus, MergedRanges) {
    LOAD_CORPUS(document, xlsx, "xlsx/merge_cells.xlsx");
    const Table& sheet = document.tables.at(0);
    EXPECT_EQ(cell_at(sheet, "A1").text, "Row Merge");
    EXPECT_EQ(cell_at(sheet, "C1").text, "Not Merged");
    EXPECT_EQ(cell_at(sheet, "A2").text, "Column Merge");
    EXPECT_EQ(cell_at(sheet, "B2").text, "Chunk Merged");
    ASSERT_EQ(sheet.merges.size(), 3u);
    EXPECT_EQ(sheet.merges[1].first_row, 1);  // A2:A4
    EXPECT_EQ(sheet.merges[1].last_row, 3);
    EXPECT_EQ(sheet.merges[1].last_column, 0);
}

TEST(XlsxCorpus, WorkbookAtPackageRoot) {
    LOAD_CORPUS(document, xlsx, "xlsx/minimal_package.xlsx");
    const Table* sheet = table_named(document, "Sheet1");
    ASSERT_NE(sheet, nullptr);
    EXPECT_EQ(cell_at(*sheet, "A1").text, "ARREST BOOKINGS for 01/30/17");
    EXPECT_EQ(cell_at(*sheet, "A3").text, "BKG_NUM");
}

TEST(XlsxCorpus, NonstandardNamespacePrefix) {
    LOAD_CORPUS(document, xlsx, "xlsx/nonstandard-xml-ns-prefix.xlsx");
    const Table& sheet = document.tables.at(0);
    EXPECT_EQ(cell_at(sheet, "A1").text, "a");
    EXPECT_EQ(cell_at(sheet, "B1").text, "b");
    EXPECT_EQ(cell_at(sheet, "A2").number, 1);
    EXPECT_EQ(cell_at(sheet, "B2").number, 3);
    EXPECT_EQ(cell_at(sheet, "A3").number, 2);
    EXPECT_EQ(cell_at(sheet, "B3").number, 4);
}

TEST(XlsxCorpus, RichTextAfterPlain) {
    LOAD_CORPUS(document, xlsx, "xlsx/richtext-after-plain.xlsx");
    const Table& sheet = document.tables.at(0);
    EXPECT_EQ(cell_at(sheet, "A1").text, "abcd");
    EXPECT_EQ(cell_at(sheet, "D1").text, "abcd");
    EXPECT_EQ(cell_at(sheet, "A2").text, "tvalrval1rval2");
    EXPECT_EQ(cell_at(sheet, "B2").text, "rval1rval2");
    EXPECT_EQ(cell_at(sheet, "C2").text, "rval1rval2");
}

TEST(XlsxCorpus, PhoneticGuideExcluded) {
    LOAD_CORPUS(document, xlsx, "xlsx/rph.xlsx");
    EXPECT_EQ(cell_at(document.tables.at(0), "A1").text, "課きく　毛こ");
}

TEST(XlsxCorpus, StrictNamespaces) {
    LOAD_CORPUS(document, xlsx, "xlsx/strict_iso_paths.xlsx");
    const Table* sheet = table_named(document, "ml_out");
    ASSERT_NE(sheet, nullptr);
    EXPECT_EQ(cell_at(*sheet, "A1").text, "Item");
    EXPECT_EQ(cell_at(*sheet, "B1").text, "Thickness");
    EXPECT_EQ(cell_at(*sheet, "C1").text, "Number Off Bends");
}

TEST(XlsxCorpus, EncryptedWorkbookIsNotAZip) {
    const auto path = corpus_dir() / "xlsx/pass_protected.xlsx";
    if (!std::filesystem::exists(path)) GTEST_SKIP() << "corpus file " << path << " is absent";
    // An encrypted workbook is an OLE container, which the sniffer reports; here it is only not a zip.
    EXPECT_NE(error_of(xlsx, read_bytes(path)).find("not a readable zip package"), std::string::npos);
}

TEST(PptxCorpus, SpeakerNotesWithoutSlideNumber) {
    LOAD_CORPUS(document, pptx, "pptx/pandoc_just-speaker-notes.pptx");
    EXPECT_EQ(block_at(document, "slide 1"), "First slide\nNothing to see here");
    EXPECT_EQ(block_at(document, "slide 2"), "<absent>");
    EXPECT_EQ(block_at(document, "slide 2 notes"), "Some notes here: this first slide should use the Blank template");
    EXPECT_EQ(block_at(document, "slide 3").rfind("Third slide", 0), 0u);
}

TEST(PptxCorpus, TableAndSmartArt) {
    LOAD_CORPUS(document, pptx, "pptx/pandoc_pptx-reader_basic.pptx");
    EXPECT_NE(block_at(document, "slide 1").find("Streaming support"), std::string::npos);
    const Table* table = table_named(document, "slide 3 table 1");
    ASSERT_NE(table, nullptr);
    EXPECT_EQ(table->rows[0][0].text, "Col1");
    EXPECT_EQ(table->rows[1][0].text, "Name");
    EXPECT_EQ(table->rows[1][1].text, "Anton");
    EXPECT_EQ(table->rows[2][0].text, "Age");
    EXPECT_EQ(table->rows[2][1].text, "23");
    for (const std::string wanted : {"First", "Second", "yet more"}) {
        std::size_t lines = 0;
        std::istringstream slide(block_at(document, "slide 4"));
        for (std::string line; std::getline(slide, line);) lines += line == wanted;
        EXPECT_EQ(lines, 1u) << wanted;
    }
}

TEST(OdfCorpus, DateAndTimeValues) {
    LOAD_CORPUS(document, odf, "ods/date.ods");
    const Table& sheet = document.tables.at(0);
    EXPECT_EQ(cell_at(sheet, "A1").type, CellType::date);
    EXPECT_EQ(cell_at(sheet, "A1").text, "2021-01-01");
    EXPECT_EQ(cell_at(sheet, "A2").text, "2021-01-01T10:10:10");
    EXPECT_EQ(cell_at(sheet, "A3").text, "PT10H10M10S");
}

TEST(OdfCorpus, HugeRepeatsRejectedQuickly) {
    const auto path = corpus_dir() / "ods/issue_594_dos.ods";
    if (!std::filesystem::exists(path)) GTEST_SKIP() << "corpus file " << path << " is absent";
    EXPECT_NE(error_of(odf, read_bytes(path)).find("beyond the 1,048,576 rows and 16,384 columns"), std::string::npos);
}

TEST(OdfCorpus, CoveredCellsNotDuplicated) {
    LOAD_CORPUS(document, odf, "ods/merged_cells.ods");
    const Table& sheet = document.tables.at(0);
    EXPECT_EQ(cell_at(sheet, "A1").text, "A");
    EXPECT_EQ(cell_at(sheet, "B1").text, "B");
    EXPECT_EQ(cell_at(sheet, "C1").text, "C");
    EXPECT_EQ(cell_at(sheet, "A3").type, CellType::empty);
    ASSERT_EQ(sheet.merges.size(), 1u);
    EXPECT_EQ(sheet.merges[0].first_row, 1);
    EXPECT_EQ(sheet.merges[0].last_row, 2);
}

TEST(OdfCorpus, EncryptedPackageIsPasswordProtected) {
    const auto path = corpus_dir() / "ods/pass_protected.ods";
    if (!std::filesystem::exists(path)) GTEST_SKIP() << "corpus file " << path << " is absent";
    const Extraction extraction = odf("pass_protected.ods", read_bytes(path), ExtractLimits{});
    EXPECT_EQ(extraction.status, iqts::FileStatus::unreadable);
    EXPECT_EQ(extraction.reason, "password-protected");
}

TEST(OdfCorpus, FootnoteIsSeparateNote) {
    LOAD_CORPUS(document, odf, "odt/footnote.odt");
    EXPECT_EQ(block_at(document, "paragraph 1"), "Some text with a footnote.");
    EXPECT_EQ(block_at(document, "note 1"), "Footnote text");
}

TEST(OdfCorpus, HiddenParagraphOmitted) {
    LOAD_CORPUS(document, odf, "odt/hiddenTextByStyle.odt");
    EXPECT_EQ(document.text().find("Hidden text"), std::string::npos);
}

TEST(OdfCorpus, TrackedChangesExcluded) {
    LOAD_CORPUS(document, odf, "odt/trackedChanges.odt");
    EXPECT_EQ(document.text(), "Some text with and inserted text.");
    EXPECT_EQ(document.text().find("Martin Linnemann"), std::string::npos);
}
