#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "iqts/host/extract.hpp"
#include "iqts/host/sniff.hpp"

// Runs sniff and extract on every document of the third-party corpus and
// checks the outcome that its MANIFEST.tsv row states. Archives
// of the corpus are walked by the walker tests, not here.

namespace {

using iqts::FileStatus;

// The status a corpus file must get. `not_read` accepts unreadable or review.
enum class Outcome { read, unreadable, review, not_read };

struct CellText {
    std::string_view location;  // A1 notation in the first table, without the sheet name
    std::string_view text;
};

struct CorpusCase {
    std::string_view file;                     // path below the corpus folder
    std::string_view kind;                     // what sniff must detect
    Outcome outcome;
    std::string_view reason = {};              // part of the reason, when not read
    std::vector<std::string_view> present = {};  // in the text, spaces and tabs collapsed
    std::vector<std::string_view> absent = {};
    std::vector<std::string_view> once = {};   // present exactly once
    std::vector<CellText> cells = {};
    int rows = -1;                             // rows of the first table, when checked
};

// Names the case by its file in test output.
void PrintTo(const CorpusCase& entry, std::ostream* out) { *out << entry.file; }

const std::vector<CorpusCase>& corpus_cases() {
    static const std::vector<CorpusCase> cases = {
        // CSV
        {"csv/pandoc_01.csv", "csv", Outcome::read, {}, {}, {}, {},
         {{"A1", "Column1"}, {"B1", "Column2"}, {"A2", "Data1"}, {"B2", "- data1\n\n- data2"}}, 2},
        {"csv/pandoc_3533-rst-csv-tables.csv", "csv", Outcome::read, {}, {}, {}, {},
         {{"A1", "Albatross"}, {"B1", "2.99"}, {"C1", "On a stick!"}, {"A2", "Crunchy Frog"}, {"B2", "1.49"},
          {"C2", "If we took the bones out, it wouldn't be\ncrunchy, now would it?"}},
         2},

        // HTML
        {"html/pandoc_html-reader.html", "html", Outcome::read, {},
         {"AT&T has an ampersand in their name.", "4 < 5."}, {"pandocNote"}},

        // PDF
        {"pdf/contrib_issue-00369-excel.pdf", "pdf", Outcome::read, {}, {"1 2 3\n4 5 6\n7 8 9"}},
        {"pdf/contrib_issue-1113-evil-xobjects.pdf", "pdf", Outcome::read, {}, {"Hello world"}},
        {"pdf/contrib_issue-625-identity-cmap.pdf", "pdf", Outcome::read, {}, {"Faktura nr FV 1/2021", "Łódź"}},
        {"pdf/contrib_issue-791-non-unicode-cmap.pdf", "pdf", Outcome::review, "text layer unreliable (needs OCR)"},
        {"pdf/contrib_pdf-with-jbig2.pdf", "pdf", Outcome::unreadable, "no text layer (scanned image?)"},
        {"pdf/encryption_aes-256-r6.pdf", "pdf", Outcome::unreadable, "password-protected"},
        {"pdf/encryption_base.pdf", "pdf", Outcome::read, {}, {"Secret!"}},
        {"pdf/encryption_rc4-40.pdf", "pdf", Outcome::unreadable, "password-protected"},
        {"pdf/simple1.pdf", "pdf", Outcome::read, {}, {"Hello World"}},
        {"pdf/zen_of_python_corrupted.pdf", "pdf", Outcome::read, {}, {"Beautiful is better than ugly."}},

        // Word
        {"docx/0_level_headers.docx", "docx", Outcome::read, {},
         {"CONTENTS (Continued)", "FIGURES (Continued)", "TABLES (Continued)", "User’s Guide", "Introduction"}},
        {"docx/alternate_document_path.docx", "docx", Outcome::read, {}, {"Test", "This is italic, bold, underlined"}},
        {"docx/comments.docx", "docx", Outcome::read, {},
         {"I want some text to have a comment on it.", "I left a comment.", "Do something else."}},
        {"docx/instrText_hyperlink.docx", "docx", Outcome::read, {},
         {"Foundations of Analysis, 2nd Edition", "Classic Set Theory: For Guided Independent Study"},
         {"HYPERLINK"}},
        {"docx/nested_sdt.docx", "docx", Outcome::read, {}, {}, {},
         {"Test Paragraph1", "Test Paragraph2", "Test Paragraph3"}},
        {"docx/nested_smart_tags.docx", "docx", Outcome::read, {},
         {"the king of Egypt died; and the children of Israel sighed"}},
        {"docx/notes.docx", "docx", Outcome::read, {},
         {"Test footnote. Test endnote.", "My note.", "This is an endnote at the end of the document."}},
        {"docx/sdt_elements.docx", "docx", Outcome::read, {},
         {"col1Header", "col2Header", "col3Header", "col1 content", "Body copy", "col3 content"}},
        {"docx/table_header_rowspan.docx", "docx", Outcome::read, {}, {"A", "I", "1", "8"}},
        {"docx/text_in_shape_format.docx", "docx", Outcome::read, {}, {}, {},
         {"Using Microsoft Word 2007/2010", "for Writing Technical Documents", "Valter Kiisk",
          "Institute of Physics, University of Tartu", "Last update: May 1, 2017"}},
        {"docx/track_changes_deletion.docx", "docx", Outcome::read, {}, {"This is a text with a deletion."},
         {"n excessively modified"}},
        {"docx/track_changes_insertion.docx", "docx", Outcome::read, {},
         {"This is a text with two exciting insertions."}},
        {"docx/track_changes_move.docx", "docx", Outcome::read, {}, {"Here is some text.", "Here is some more text."},
         {}, {"Here is the text to be moved."}},

        // OpenDocument
        {"ods/date.ods", "ods", Outcome::read, {}, {}, {}, {}, {{"A1", "2021-01-01"}, {"A2", "2021-01-01T10:10:10"}}},
        {"ods/issue_594_dos.ods", "ods", Outcome::not_read},
        {"ods/merged_cells.ods", "ods", Outcome::read, {}, {"A", "B", "C"}},
        {"ods/pass_protected.ods", "ods", Outcome::unreadable, "password"},
        {"odt/footnote.odt", "odt", Outcome::read, {}, {"Some text with a footnote.", "Footnote text"}},
        {"odt/hiddenTextByStyle.odt", "odt", Outcome::read, {}, {}, {"Hidden text"}},
        {"odt/trackedChanges.odt", "odt", Outcome::read, {}, {"Some text with and inserted text."},
         {"deleted", "Martin Linnemann"}},

        // PowerPoint
        {"pptx/pandoc_just-speaker-notes.pptx", "pptx", Outcome::read, {},
         {"First slide", "Nothing to see here", "Some notes here: this first slide should use the Blank template",
          "Third slide"}},
        {"pptx/pandoc_pptx-reader_basic.pptx", "pptx", Outcome::read, {},
         {"Col1", "Name", "Anton", "Age", "23", "Streaming support"}, {}, {"yet more"}},

        // Excel
        {"xlsx/any_sheets.xlsx", "xlsx", Outcome::read, {},
         {"This workbook contains 4 sheets: Visible, Hidden, VeryHidden and Chart"}, {}, {},
         {{"A1", "1"}, {"B3", "6"}}},
        {"xlsx/date.xlsx", "xlsx", Outcome::read, {}, {}, {}, {},
         {{"A1", "2021-01-01"}, {"A2", "2021-01-02"}, {"B1", "15"}, {"B3", "17"}}},
        {"xlsx/date_1904.xlsx", "xlsx", Outcome::read, {}, {}, {"2016-12-31"}, {}, {{"A1", "2021-01-01"}}},
        {"xlsx/date_quoted_format.xlsx", "xlsx", Outcome::read, {}, {}, {"44197"}, {},
         {{"A1", "2021-01-01"}, {"A2", "2021-01-01"}, {"A3", "2021-01-01"}, {"A4", "2021-01-01"}}},
        {"xlsx/empty_shared_string.xlsx", "xlsx", Outcome::read, {}, {}, {}, {}, {{"A1", "abc"}, {"A2", ""}}},
        {"xlsx/formula.issue.xlsx", "xlsx", Outcome::read, {}, {}, {}, {},
         {{"A1", "23"}, {"C1", "23"}, {"G13", "2"}, {"J14", "US"}}},
        {"xlsx/has_x000D_.xlsx", "xlsx", Outcome::read, {}, {}, {"_x000D_"}, {}, {{"A1", "ABC\r\nDEF"}}},
        {"xlsx/inlineStr_cdata.xlsx", "xlsx", Outcome::read, {}, {}, {}, {},
         {{"A1", "Hello CDATA"}, {"B1", "World"}, {"A2", "12345"}, {"B2", "NormalText"}}},
        {"xlsx/issue_261.xlsx", "xlsx", Outcome::read, {}, {}, {}, {}, {{"A1", "String Value 32"}}, 66},
        {"xlsx/merge_cells.xlsx", "xlsx", Outcome::read, {}, {}, {}, {},
         {{"A1", "Row Merge"}, {"C1", "Not Merged"}, {"A2", "Column Merge"}, {"B2", "Chunk Merged"}}},
        {"xlsx/minimal_package.xlsx", "xlsx", Outcome::read, {}, {}, {}, {},
         {{"A1", "ARREST BOOKINGS for 01/30/17"}, {"A3", "BKG_NUM"}}},
        {"xlsx/nonstandard-xml-ns-prefix.xlsx", "xlsx", Outcome::read, {}, {}, {}, {},
         {{"A1", "a"}, {"B1", "b"}, {"A2", "1"}, {"B3", "4"}}},
        {"xlsx/pass_protected.xlsx", "ole", Outcome::unreadable, "password-protected"},
        {"xlsx/richtext-after-plain.xlsx", "xlsx", Outcome::read, {}, {}, {}, {},
         {{"A1", "abcd"}, {"D1", "abcd"}, {"A2", "tvalrval1rval2"}, {"B2", "rval1rval2"}, {"C2", "rval1rval2"}}},
        {"xlsx/rph.xlsx", "xlsx", Outcome::read, {}, {}, {}, {}, {{"A1", "課きく　毛こ"}}},
        {"xlsx/strict_iso_paths.xlsx", "xlsx", Outcome::read, {}, {}, {}, {},
         {{"A1", "Item"}, {"B1", "Thickness"}, {"C1", "Number Off Bends"}}},
    };
    return cases;
}

std::filesystem::path corpus_dir() {
    if (const char* dir = std::getenv("IQTS_CORPUS_DIR")) return dir;
    return IQTS_CORPUS_DIR;
}

std::string read_bytes(const std::filesystem::path& path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << file.rdbuf();
    return bytes.str();
}

// Returns the file column of every manifest row outside archives/.
std::vector<std::string> manifest_documents(const std::filesystem::path& manifest) {
    std::ifstream file(manifest);
    std::vector<std::string> documents;
    std::string line;
    std::getline(file, line);  // header
    while (std::getline(file, line)) {
        const auto name = line.substr(0, line.find('\t'));
        if (!name.empty() && !name.starts_with("archives/")) documents.push_back(name);
    }
    return documents;
}

// Returns the blocks, cells and link texts of a document, one per line,
// with runs of spaces and tabs collapsed to one space.
std::string all_text(const iqts::Document& document) {
    std::string raw = document.text();
    for (const auto& table : document.tables) {
        for (const auto& row : table.rows) {
            for (const auto& cell : row) raw += "\n" + cell.text;
        }
    }
    for (const auto& link : document.links) raw += "\n" + link.text;

    std::string collapsed;
    for (const char c : raw) {
        const bool blank = c == ' ' || c == '\t';
        if (blank && !collapsed.empty() && collapsed.back() == ' ') continue;
        collapsed += blank ? ' ' : c;
    }
    return collapsed;
}

std::size_t count_of(std::string_view text, std::string_view part) {
    std::size_t count = 0;
    for (auto pos = text.find(part); pos != std::string_view::npos; pos = text.find(part, pos + part.size())) ++count;
    return count;
}

// Returns the cell texts of the first table by A1 location without the sheet name.
std::map<std::string, std::string> first_table_cells(const iqts::Document& document) {
    std::map<std::string, std::string> cells;
    if (document.tables.empty()) return cells;
    const auto& table = document.tables.front();
    for (std::size_t row = 0; row < table.rows.size(); ++row) {
        for (std::size_t column = 0; column < table.rows[row].size(); ++column) {
            const auto location = iqts::column_letters(column + static_cast<std::size_t>(table.first_column)) +
                                  std::to_string(row + static_cast<std::size_t>(table.first_row) + 1);
            cells[location] = table.rows[row][column].text;
        }
    }
    return cells;
}

bool outcome_matches(Outcome outcome, FileStatus status) {
    switch (outcome) {
        case Outcome::read: return status == FileStatus::read;
        case Outcome::unreadable: return status == FileStatus::unreadable;
        case Outcome::review: return status == FileStatus::review;
        case Outcome::not_read: return status == FileStatus::unreadable || status == FileStatus::review;
    }
    return false;
}

class CorpusFile : public testing::TestWithParam<CorpusCase> {
protected:
    void SetUp() override {
        if (!std::filesystem::exists(corpus_dir() / "MANIFEST.tsv")) {
            GTEST_SKIP() << "corpus folder not found at " << corpus_dir();
        }
    }
};

TEST_P(CorpusFile, MatchesManifest) {
    const auto& expected = GetParam();
    const auto path = corpus_dir() / expected.file;
    ASSERT_TRUE(std::filesystem::exists(path)) << path;
    const auto bytes = read_bytes(path);

    const auto kind = iqts::host::sniff(bytes, path.filename().string());
    EXPECT_EQ(iqts::host::to_string(kind), expected.kind);

    const auto extraction = iqts::host::extract(kind, std::string(expected.file), bytes, {});
    EXPECT_TRUE(outcome_matches(expected.outcome, extraction.status))
        << "status " << iqts::to_string(extraction.status) << ", reason: " << extraction.reason;
    EXPECT_NE(extraction.reason.find(expected.reason), std::string::npos) << "reason: " << extraction.reason;

    const auto text = all_text(extraction.document);
    const auto excerpt = "\nextracted text begins: " + text.substr(0, 1500);
    for (const auto part : expected.present) {
        EXPECT_NE(text.find(part), std::string::npos) << "missing: " << part << excerpt;
    }
    for (const auto part : expected.absent) EXPECT_EQ(text.find(part), std::string::npos) << "present: " << part;
    for (const auto part : expected.once) EXPECT_EQ(count_of(text, part), 1u) << "not once: " << part;

    const auto cells = first_table_cells(extraction.document);
    for (const auto& [location, cell_text] : expected.cells) {
        const auto found = cells.find(std::string(location));
        ASSERT_NE(found, cells.end()) << "no cell " << location;
        EXPECT_EQ(found->second, cell_text) << "cell " << location;
    }
    if (expected.rows >= 0) {
        ASSERT_FALSE(extraction.document.tables.empty());
        EXPECT_EQ(extraction.document.tables.front().rows.size(), static_cast<std::size_t>(expected.rows));
    }
}

std::string case_name(const testing::TestParamInfo<CorpusCase>& info) {
    std::string name;
    for (const char c : info.param.file) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    return name;
}

INSTANTIATE_TEST_SUITE_P(Manifest, CorpusFile, testing::ValuesIn(corpus_cases()), case_name);

TEST(CorpusTable, CoversEveryManifestDocument) {
    const auto manifest = corpus_dir() / "MANIFEST.tsv";
    if (!std::filesystem::exists(manifest)) GTEST_SKIP() << "corpus folder not found at " << corpus_dir();

    std::set<std::string_view> listed;
    for (const auto& entry : corpus_cases()) listed.insert(entry.file);
    for (const auto& document : manifest_documents(manifest)) {
        EXPECT_TRUE(listed.contains(document)) << document << " has no row in corpus_cases()";
    }
}

TEST(CorpusTable, ListsOnlyManifestDocuments) {
    const auto manifest = corpus_dir() / "MANIFEST.tsv";
    if (!std::filesystem::exists(manifest)) GTEST_SKIP() << "corpus folder not found at " << corpus_dir();

    const auto documents = manifest_documents(manifest);
    const std::set<std::string> in_manifest(documents.begin(), documents.end());
    for (const auto& entry : corpus_cases()) {
        EXPECT_TRUE(in_manifest.contains(std::string(entry.file))) << entry.file << " is not in MANIFEST.tsv";
    }
}

}  // namespace
