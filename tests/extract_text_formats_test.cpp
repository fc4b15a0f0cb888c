#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "iqts/host/extract.hpp"
#include "iqts/host/text_encoding.hpp"

namespace {

using iqts::CellType;
using iqts::FileStatus;
using iqts::host::Extraction;
using iqts::host::ExtractLimits;
using iqts::host::FileKind;

// Inputs made by tests/data/text/make_inputs.sh with LibreOffice, qpdf,
// reportlab and iconv.
std::string read_input(const std::string& name) {
    const std::string path = std::string(IQTS_SOURCE_DIR) + "/tests/data/text/" + name;
    std::ifstream file(path, std::ios::binary);
    if (!file) throw std::runtime_error("test input not found: " + path);
    std::ostringstream bytes;
    bytes << file.rdbuf();
    return bytes.str();
}

Extraction extract_input(FileKind kind, const std::string& name, const ExtractLimits& limits = {}) {
    return iqts::host::extract(kind, name, read_input(name), limits);
}

const iqts::Cell& cell(const Extraction& extraction, std::size_t row, std::size_t column) {
    return extraction.document.tables.at(0).rows.at(row).at(column);
}

// ---- text encodings ------------------------------------------------------

TEST(TextEncoding, ValidUtf8IsAccepted) {
    EXPECT_TRUE(iqts::host::is_valid_utf8("Zo\xC3\xAB \xE2\x82\xAC \xF0\x9F\x93\x84"));
}

TEST(TextEncoding, IllFormedUtf8IsRejected) {
    EXPECT_FALSE(iqts::host::is_valid_utf8("\xC0\xAF"));          // overlong '/'
    EXPECT_FALSE(iqts::host::is_valid_utf8("\xED\xA0\x80"));      // surrogate
    EXPECT_FALSE(iqts::host::is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
    EXPECT_FALSE(iqts::host::is_valid_utf8("caf\xC3"));           // cut short
}

TEST(TextEncoding, RepairReplacesEachBadByte) {
    EXPECT_EQ(iqts::host::repair_utf8("a\xFF" "b"), "a\xEF\xBF\xBD" "b");
}

TEST(TextEncoding, ConvertsNamedCharset) {
    EXPECT_EQ(iqts::host::convert_to_utf8("\xAF\xE0\xA8\xA2\xA5\xE2", "CP866"), "привет");
}

TEST(TextEncoding, UnknownCharsetThrows) {
    EXPECT_THROW(iqts::host::convert_to_utf8("x", "NO-SUCH-CHARSET"), std::runtime_error);
}

TEST(TextEncoding, UndefinedWindows1252ByteBecomesReplacement) {
    EXPECT_EQ(iqts::host::convert_to_utf8("a\x81z", "WINDOWS-1252"), "a\xEF\xBF\xBDz");
}

TEST(TextEncoding, MostlyUtf8WithStrayByteIsRepaired) {
    const auto decoded = iqts::host::decode_text("caf\xC3\xA9 na\xC3\xAFve \xFF end");
    EXPECT_EQ(decoded.encoding, iqts::host::TextEncoding::utf8);
    EXPECT_TRUE(decoded.repaired);
}

TEST(TextEncoding, Latin1BytesReadAsWindows1252) {
    const auto decoded = iqts::host::decode_text("caf\xE9 \x80 5");
    EXPECT_EQ(decoded.encoding, iqts::host::TextEncoding::windows1252);
    EXPECT_EQ(decoded.text, "café € 5");
}

TEST(TextEncoding, Utf16WithoutMarkFoundByNulBytes) {
    const auto decoded = iqts::host::decode_text(std::string("H\0i\0!\0", 6));
    EXPECT_EQ(decoded.encoding, iqts::host::TextEncoding::utf16le);
    EXPECT_EQ(decoded.text, "Hi!");
}

TEST(TextEncoding, CutLengthKeepsSequencesWhole) {
    EXPECT_EQ(iqts::host::utf8_cut_length("ab\xE2\x82\xAC", 4), 2u);
}

// ---- CSV -----------------------------------------------------------------

struct EncodedRegister {
    const char* file;
    const char* encoding;
};

class CsvRegister : public testing::TestWithParam<EncodedRegister> {};

TEST_P(CsvRegister, ReadsEveryCellInUtf8) {
    const auto extraction = extract_input(FileKind::csv, GetParam().file);
    ASSERT_EQ(extraction.status, FileStatus::read) << extraction.reason;
    ASSERT_EQ(extraction.document.tables.size(), 1u);
    const auto& rows = extraction.document.tables[0].rows;
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].size(), 4u);
    EXPECT_EQ(cell(extraction, 0, 0).text, "Trainee");
    EXPECT_EQ(cell(extraction, 1, 1).text, "Brontë");
    EXPECT_EQ(cell(extraction, 1, 3).text, "Zoë Price");
    EXPECT_EQ(cell(extraction, 2, 1).text, "O'Neill");
    EXPECT_EQ(cell(extraction, 2, 3).text, "£ paid");
}

INSTANTIATE_TEST_SUITE_P(Encodings, CsvRegister,
                         testing::Values(EncodedRegister{"register_utf8_bom.csv", "utf8_bom"},
                                         EncodedRegister{"register_utf16le_bom.csv", "utf16le_bom"},
                                         EncodedRegister{"register_utf16be_bom.csv", "utf16be_bom"},
                                         EncodedRegister{"register_utf16le.csv", "utf16le_without_bom"},
                                         EncodedRegister{"register_windows1252.csv", "windows1252"},
                                         EncodedRegister{"register_semicolon.csv", "semicolon"},
                                         EncodedRegister{"register_tab.csv", "tab"}),
                         [](const auto& info) { return std::string(info.param.encoding); });

TEST(Csv, PlainNumbersBecomeNumberCells) {
    const auto extraction = extract_input(FileKind::csv, "register_utf8_bom.csv");
    EXPECT_EQ(cell(extraction, 1, 2).type, CellType::number);
    EXPECT_DOUBLE_EQ(cell(extraction, 1, 2).number, 6.5);
    EXPECT_EQ(cell(extraction, 1, 2).text, "6.5");
    EXPECT_EQ(cell(extraction, 1, 0).type, CellType::text);
}

TEST(Csv, LocationsUseA1Notation) {
    const auto extraction = extract_input(FileKind::csv, "register_utf8_bom.csv");
    EXPECT_EQ(extraction.document.tables[0].location(1, 2), "C2");
}

TEST(Csv, QuotedFieldKeepsDelimiterAndDoubledQuote) {
    const auto extraction = extract_input(FileKind::csv, "quoted_fields.csv");
    EXPECT_EQ(cell(extraction, 1, 1).text, "Observed \"outstanding\" lesson, Year 5");
}

TEST(Csv, QuotedFieldKeepsLineBreaks) {
    const auto extraction = extract_input(FileKind::csv, "quoted_fields.csv");
    ASSERT_EQ(extraction.document.tables[0].rows.size(), 3u);
    EXPECT_EQ(cell(extraction, 2, 1).text, "First line\n\nThird line");
    EXPECT_EQ(cell(extraction, 2, 2).type, CellType::number);
    EXPECT_DOUBLE_EQ(cell(extraction, 2, 2).number, -3);
}

TEST(Csv, ThousandsSeparatorStaysText) {
    const auto extraction = iqts::host::extract(FileKind::csv, "a.csv", "Amount;Code\n1,234;+7\n", {});
    EXPECT_EQ(cell(extraction, 1, 0).type, CellType::text);
    EXPECT_EQ(cell(extraction, 1, 1).type, CellType::number);
}

TEST(Csv, EmptyFieldIsEmptyCell) {
    const auto extraction = iqts::host::extract(FileKind::csv, "a.csv", "a,,c\n", {});
    EXPECT_EQ(cell(extraction, 0, 1).type, CellType::empty);
}

TEST(Csv, UnclosedQuoteTakesTheRest) {
    const auto extraction = iqts::host::extract(FileKind::csv, "a.csv", "a,\"b\nc,d", {});
    ASSERT_EQ(extraction.status, FileStatus::read);
    EXPECT_EQ(cell(extraction, 0, 1).text, "b\nc,d");
}

TEST(Csv, LongLineStopsAtTextLimit) {
    ExtractLimits limits;
    limits.max_text_bytes = 1000;
    const std::string line(1 << 20, 'x');
    const auto extraction = iqts::host::extract(FileKind::csv, "a.csv", line, limits);
    EXPECT_EQ(extraction.status, FileStatus::review);
    EXPECT_EQ(extraction.reason, "text limit reached, raise --max-text-mb");
    EXPECT_EQ(cell(extraction, 0, 0).text.size(), 1000u);
}

TEST(Csv, CellLimitStopsReading) {
    ExtractLimits limits;
    limits.max_cells = 4;
    const auto extraction = iqts::host::extract(FileKind::csv, "a.csv", "a,b\nc,d\ne,f\n", limits);
    EXPECT_EQ(extraction.status, FileStatus::review);
    EXPECT_NE(extraction.reason.find("more than 4 cells"), std::string::npos);
}

// ---- PDF -----------------------------------------------------------------

TEST(Pdf, LibreOfficeExportReadPerPage) {
    const auto extraction = extract_input(FileKind::pdf, "placement_report.pdf");
    ASSERT_EQ(extraction.status, FileStatus::read) << extraction.reason;
    const auto& blocks = extraction.document.blocks;
    ASSERT_EQ(blocks.size(), 2u);
    EXPECT_EQ(blocks[0].location, "page 1");
    EXPECT_EQ(blocks[0].text,
              "Placement report for the autumn term.\n\nThe mentor observed twelve lessons at Harbour View School.");
    EXPECT_EQ(blocks[1].location, "page 2");
    EXPECT_EQ(blocks[1].text, "Second page: the trainee met every standard.");
}

TEST(Pdf, MetadataFromInfoDictionary) {
    const auto extraction = extract_input(FileKind::pdf, "placement_report.pdf");
    EXPECT_EQ(extraction.document.title, "Placement report");
    EXPECT_EQ(extraction.document.created.size(), std::string("2024-01-01T00:00:00Z").size());
    EXPECT_EQ(extraction.document.kind, "pdf");
}

TEST(Pdf, ImageOnlyHasNoTextLayer) {
    const auto extraction = extract_input(FileKind::pdf, "scanned_report.pdf");
    EXPECT_EQ(extraction.status, FileStatus::unreadable);
    EXPECT_EQ(extraction.reason, "no text layer (scanned image?)");
}

TEST(Pdf, UserPasswordMeansLocked) {
    const auto extraction = extract_input(FileKind::pdf, "locked_report.pdf");
    EXPECT_EQ(extraction.status, FileStatus::unreadable);
    EXPECT_EQ(extraction.reason, "password-protected");
}

TEST(Pdf, OwnerPasswordOnlyStillOpens) {
    const auto extraction = extract_input(FileKind::pdf, "restricted_report.pdf");
    ASSERT_EQ(extraction.status, FileStatus::read) << extraction.reason;
    EXPECT_NE(extraction.document.text().find("Harbour View School"), std::string::npos);
}

// The corpus file contrib_issue-791-non-unicode-cmap.pdf covers a garbled text layer.
TEST(Pdf, CamelCaseWordsAreReliable) {
    const auto extraction = extract_input(FileKind::pdf, "product_names.pdf");
    EXPECT_EQ(extraction.status, FileStatus::read) << extraction.reason;
    EXPECT_NE(extraction.document.text().find("iQTS evidence: PowerPoint slides"), std::string::npos);
}

TEST(Pdf, TruncatedFileIsDamaged) {
    const auto bytes = read_input("placement_report.pdf").substr(0, 200);
    const auto extraction = iqts::host::extract(FileKind::pdf, "cut.pdf", bytes, {});
    EXPECT_EQ(extraction.status, FileStatus::unreadable);
    EXPECT_EQ(extraction.reason, "damaged PDF: poppler could not open it");
}

TEST(Pdf, TextLimitMarksReview) {
    ExtractLimits limits;
    limits.max_text_bytes = 20;
    const auto extraction = extract_input(FileKind::pdf, "placement_report.pdf", limits);
    EXPECT_EQ(extraction.status, FileStatus::review);
    EXPECT_EQ(extraction.reason, "text limit reached, raise --max-text-mb");
    EXPECT_EQ(extraction.document.text().size(), 20u);
}

// ---- plain text and Markdown ---------------------------------------------

TEST(PlainText, OneBlockPerParagraph) {
    const auto extraction = extract_input(FileKind::txt, "notes.txt");
    ASSERT_EQ(extraction.document.blocks.size(), 3u);
    EXPECT_EQ(extraction.document.blocks[0].text, "Mentor meeting notes\nWeek 3");
    EXPECT_EQ(extraction.document.blocks[0].location, "line 1");
    EXPECT_EQ(extraction.document.blocks[1].location, "line 4");
    EXPECT_EQ(extraction.document.blocks[2].text, "Next review in May.");
    EXPECT_EQ(extraction.document.blocks[2].location, "line 7");
}

TEST(PlainText, Utf16WithoutMarkAndCrLf) {
    const auto extraction = extract_input(FileKind::txt, "notes_utf16le.txt");
    ASSERT_EQ(extraction.document.blocks.size(), 2u);
    EXPECT_EQ(extraction.document.blocks[0].text, "Mentor meeting notes\nWeek 3");
    EXPECT_EQ(extraction.document.blocks[1].text, "Café visit planned.");
    EXPECT_EQ(extraction.document.blocks[1].location, "line 4");
}

TEST(PlainText, Windows1252Decoded) {
    const auto extraction = extract_input(FileKind::txt, "notes_windows1252.txt");
    ASSERT_EQ(extraction.document.blocks.size(), 2u);
    EXPECT_EQ(extraction.document.blocks[1].text, "Café visit planned.");
}

TEST(PlainText, MarkdownKeepsKind) {
    const auto extraction = extract_input(FileKind::md, "induction.md");
    ASSERT_EQ(extraction.document.blocks.size(), 2u);
    EXPECT_EQ(extraction.document.blocks[0].text, "# Induction");
    EXPECT_EQ(extraction.document.kind, "md");
}

TEST(PlainText, TextLimitMarksReview) {
    ExtractLimits limits;
    limits.max_text_bytes = 10;
    const auto extraction = extract_input(FileKind::txt, "notes.txt", limits);
    EXPECT_EQ(extraction.status, FileStatus::review);
    EXPECT_EQ(extraction.document.text(), "Mentor mee");
}

// ---- HTML ----------------------------------------------------------------

TEST(Html, TitleFromTitleElement) {
    const auto extraction = extract_input(FileKind::html, "handbook.html");
    ASSERT_EQ(extraction.status, FileStatus::read) << extraction.reason;
    EXPECT_EQ(extraction.document.title, "Trainee handbook");
}

TEST(Html, BlocksWithEntitiesDecoded) {
    const auto extraction = extract_input(FileKind::html, "handbook.html");
    const auto& blocks = extraction.document.blocks;
    ASSERT_EQ(blocks.size(), 4u);
    EXPECT_EQ(blocks[0].text, "Trainee handbook");
    EXPECT_EQ(blocks[0].location, "block 1");
    EXPECT_EQ(blocks[1].text, "Tom & Jerry School: 4 < 5 — café rules.");
    EXPECT_EQ(blocks[2].text, "Read the safeguarding policy first.\nThen sign it.");
    EXPECT_EQ(blocks[3].text, "Closing note");
}

TEST(Html, ScriptAndStyleDropped) {
    const auto text = extract_input(FileKind::html, "handbook.html").document.text();
    EXPECT_EQ(text.find("trackingCode"), std::string::npos);
    EXPECT_EQ(text.find("hidden-rule"), std::string::npos);
}

TEST(Html, LinkWithTargetAndBlock) {
    const auto extraction = extract_input(FileKind::html, "handbook.html");
    ASSERT_EQ(extraction.document.links.size(), 1u);
    EXPECT_EQ(extraction.document.links[0].text, "safeguarding policy");
    EXPECT_EQ(extraction.document.links[0].target, "https://example.org/policy");
    EXPECT_EQ(extraction.document.links[0].location, "block 3");
}

TEST(Html, TableBecomesTable) {
    const auto extraction = extract_input(FileKind::html, "handbook.html");
    ASSERT_EQ(extraction.document.tables.size(), 1u);
    EXPECT_EQ(extraction.document.tables[0].name, "table 1");
    EXPECT_EQ(cell(extraction, 0, 1).text, "Hours");
    EXPECT_EQ(cell(extraction, 1, 1).text, "12 taught");
}

TEST(Html, DeclaredCharsetHonoured) {
    const auto extraction = extract_input(FileKind::html, "menu_windows1252.html");
    EXPECT_EQ(extraction.document.title, "Café");
    EXPECT_EQ(extraction.document.text(), "Café € 5");
}

TEST(Html, LongTextNodeReadWhole) {
    // libxml2 stops at a text node over 10 MB unless XML_PARSE_HUGE is set.
    const std::string words(11 << 20, 'w');
    const auto extraction = iqts::host::extract(FileKind::html, "long.html", "<p>" + words + "</p><p>end</p>", {});
    ASSERT_EQ(extraction.status, FileStatus::read) << extraction.reason;
    ASSERT_EQ(extraction.document.blocks.size(), 2u);
    EXPECT_EQ(extraction.document.blocks[0].text.size(), words.size());
}

TEST(Html, NestingBeyondLimitMarksReview) {
    ExtractLimits limits;
    limits.max_xml_depth = 10;
    std::string html;
    for (int i = 0; i < 50; ++i) html += "<div>";
    html += "deep";
    const auto extraction = iqts::host::extract(FileKind::html, "deep.html", html, limits);
    EXPECT_EQ(extraction.status, FileStatus::review);
}

// ---- dispatcher ----------------------------------------------------------

TEST(Extract, LegacyWordFileNamed) {
    const auto extraction = extract_input(FileKind::ole, "placement_report.doc");
    EXPECT_EQ(extraction.status, FileStatus::unreadable);
    EXPECT_EQ(extraction.reason, "legacy Office format (.doc/.xls/.ppt): save it as .docx/.xlsx/.pptx");
}

TEST(Extract, ImageHasNoText) {
    const auto extraction = iqts::host::extract(FileKind::image, "scan.png", "\x89PNG\r\n\x1a\n", {});
    EXPECT_EQ(extraction.status, FileStatus::unreadable);
    EXPECT_EQ(extraction.reason, "image file: no text (scan it to PDF with OCR or add a text version)");
}

TEST(Extract, UnknownFormatNamed) {
    const auto extraction = iqts::host::extract(FileKind::unknown, "data.bin", "\x01\x02", {});
    EXPECT_EQ(extraction.status, FileStatus::unreadable);
    EXPECT_EQ(extraction.reason, "unrecognised file format");
}

TEST(Extract, PathAndKindSetWhenUnreadable) {
    const auto extraction = iqts::host::extract(FileKind::pdf, "Part 2/report.pdf", "not a pdf", {});
    EXPECT_EQ(extraction.document.path, "Part 2/report.pdf");
    EXPECT_EQ(extraction.document.kind, "pdf");
}

}  // namespace
