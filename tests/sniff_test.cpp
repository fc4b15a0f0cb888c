#include "iqts/host/sniff.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "test_support.hpp"

namespace {

namespace fs = std::filesystem;
using iqts::host::FileKind;
using iqts::host::sniff;
using iqts::test::read_file;
using iqts::test::run_command;
using iqts::test::shell_quote;
using iqts::test::TempDir;
using iqts::test::write_file;

using namespace std::string_view_literals;

const fs::path kCorpus(IQTS_CORPUS_DIR);

// python-docx and openpyxl come from Debian's python3, not from a user's own python.
std::string python() {
    return fs::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
}

FileKind sniff_file(const fs::path& path) {
    return sniff(read_file(path), path.filename().string());
}

// Office files made once for the whole suite, because LibreOffice takes seconds to start.
class SniffOffice : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = std::make_unique<TempDir>();
        const std::string folder = shell_quote(dir_->path().string());
        write_file(dir_->path() / "letter.txt", "Dear mentor,\nthank you.\n");
        write_file(dir_->path() / "sheet.csv", "name,score\nAda,7\n");

        run_command(python() + " -c 'import docx; d = docx.Document(); d.add_paragraph(\"Hello\"); d.save(\"" +
                    (dir_->path() / "made.docx").string() + "\")'");
        run_command(python() + " -c 'import openpyxl; w = openpyxl.Workbook(); w.active[\"A1\"] = 1; w.save(\"" +
                    (dir_->path() / "made.xlsx").string() + "\")'");
        const std::string soffice = "cd " + folder +
                                    " && soffice -env:UserInstallation=file://" + dir_->path().string() +
                                    "/profile --headless";
        run_command(soffice + " --convert-to odt letter.txt > /dev/null 2>&1");
        run_command(soffice + " --convert-to ods sheet.csv > /dev/null 2>&1");
    }
    static void TearDownTestSuite() { dir_.reset(); }

    static fs::path made(const std::string& name) { return dir_->path() / name; }

    static inline std::unique_ptr<TempDir> dir_;
};

TEST_F(SniffOffice, Docx) {
    ASSERT_TRUE(fs::exists(made("made.docx"))) << "python3-docx did not write the file";
    EXPECT_EQ(sniff_file(made("made.docx")), FileKind::docx);
}

TEST_F(SniffOffice, Xlsx) {
    ASSERT_TRUE(fs::exists(made("made.xlsx"))) << "python3-openpyxl did not write the file";
    EXPECT_EQ(sniff_file(made("made.xlsx")), FileKind::xlsx);
}

TEST_F(SniffOffice, Odt) {
    ASSERT_TRUE(fs::exists(made("letter.odt"))) << "soffice did not convert letter.txt";
    EXPECT_EQ(sniff_file(made("letter.odt")), FileKind::odt);
}

TEST_F(SniffOffice, Ods) {
    ASSERT_TRUE(fs::exists(made("sheet.ods"))) << "soffice did not convert sheet.csv";
    EXPECT_EQ(sniff_file(made("sheet.ods")), FileKind::ods);
}

TEST_F(SniffOffice, DocxRenamedStillDocx) {
    ASSERT_TRUE(fs::exists(made("made.docx")));
    EXPECT_EQ(sniff(read_file(made("made.docx")), "made.bin"), FileKind::docx);
}

TEST_F(SniffOffice, DocxPrefixStillDocx) {
    // A head of the file, as read for a path on the command line.
    ASSERT_TRUE(fs::exists(made("made.docx")));
    EXPECT_EQ(sniff(read_file(made("made.docx")).substr(0, 4096), "made.docx"), FileKind::docx);
}

class SniffCorpus : public ::testing::Test {
protected:
    void SetUp() override {
        if (!fs::is_directory(kCorpus)) {
            GTEST_SKIP() << "corpus folder " << kCorpus << " is absent";
        }
    }
};

TEST_F(SniffCorpus, Pptx) {
    EXPECT_EQ(sniff_file(kCorpus / "pptx/pandoc_pptx-reader_basic.pptx"), FileKind::pptx);
}

TEST_F(SniffCorpus, Pdf) {
    EXPECT_EQ(sniff_file(kCorpus / "pdf/simple1.pdf"), FileKind::pdf);
}

TEST_F(SniffCorpus, EncryptedXlsxIsOle) {
    EXPECT_EQ(sniff_file(kCorpus / "xlsx/pass_protected.xlsx"), FileKind::ole);
}

TEST_F(SniffCorpus, OdtFromCorpus) {
    EXPECT_EQ(sniff_file(kCorpus / "odt/footnote.odt"), FileKind::odt);
}

TEST_F(SniffCorpus, Html) {
    EXPECT_EQ(sniff_file(kCorpus / "html/pandoc_html-reader.html"), FileKind::html);
}

TEST_F(SniffCorpus, Csv) {
    EXPECT_EQ(sniff_file(kCorpus / "csv/pandoc_01.csv"), FileKind::csv);
}

TEST(SniffArchives, MadeByTools) {
    TempDir dir;
    const std::string folder = shell_quote(dir.path().string());
    write_file(dir / "a.txt", "alpha\n");
    ASSERT_EQ(run_command("cd " + folder +
                          " && zip -q a.zip a.txt && bsdtar --format ustar -cf a.tar a.txt && gzip -k a.txt"
                          " && xz -k a.txt && bzip2 -k a.txt && 7z a -bd -bso0 -bsp0 a.7z a.txt"),
              0);

    EXPECT_EQ(sniff_file(dir / "a.zip"), FileKind::zip);
    EXPECT_EQ(sniff_file(dir / "a.tar"), FileKind::tar);
    EXPECT_EQ(sniff_file(dir / "a.txt.gz"), FileKind::gzip);
    EXPECT_EQ(sniff_file(dir / "a.txt.xz"), FileKind::xz);
    EXPECT_EQ(sniff_file(dir / "a.txt.bz2"), FileKind::bzip2);
    EXPECT_EQ(sniff_file(dir / "a.7z"), FileKind::sevenzip);
}

TEST(SniffArchives, EmptyZip) {
    TempDir dir;
    ASSERT_EQ(run_command(python() + " -c 'import zipfile; zipfile.ZipFile(\"" + (dir / "empty.zip").string() +
                          "\", \"w\").close()'"),
              0);
    EXPECT_EQ(sniff_file(dir / "empty.zip"), FileKind::zip);
}

TEST(SniffArchives, ZipNamedDocxIsZip) {
    TempDir dir;
    write_file(dir / "word/document.xml", "<w/>");
    ASSERT_EQ(run_command("cd " + shell_quote(dir.path().string()) + " && zip -qr fake.docx word"), 0);
    // A word/ folder without [Content_Types].xml is no Office package.
    EXPECT_EQ(sniff_file(dir / "fake.docx"), FileKind::zip);
}

TEST(SniffImages, Png) {
    const fs::path png = "/usr/share/pixmaps/debian-logo.png";
    if (!fs::exists(png)) {
        GTEST_SKIP() << png << " is absent";
    }
    EXPECT_EQ(sniff_file(png), FileKind::image);
}

TEST(SniffImages, MagicNumbers) {
    EXPECT_EQ(sniff("\xff\xd8\xff\xe0\x00\x10JFIF"sv, "photo.jpg"), FileKind::image);
    EXPECT_EQ(sniff("GIF89a\x01\x00", "anim.gif"), FileKind::image);
    EXPECT_EQ(sniff(std::string("II*\0\x08\0\0\0", 8), "scan.tif"), FileKind::image);
}

TEST(SniffPdf, HeaderAfterJunk) {
    EXPECT_EQ(sniff("\r\n\x00garbage%PDF-1.7\n"sv, "scan.pdf"), FileKind::pdf);
}

TEST(SniffText, HtmlAfterBomAndWhitespace) {
    EXPECT_EQ(sniff("\xef\xbb\xbf  \n<!DOCTYPE HTML><html><body>x</body></html>", "page.txt"), FileKind::html);
    EXPECT_EQ(sniff("<HTML><body>x</body></HTML>", "page"), FileKind::html);
    EXPECT_EQ(sniff("<?xml version=\"1.0\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\"></html>", "p.xhtml"),
              FileKind::html);
}

TEST(SniffText, HtmlMentionedLaterIsText) {
    EXPECT_EQ(sniff("Notes about the <html> element.\n", "notes.txt"), FileKind::txt);
}

TEST(SniffText, ExtensionChoosesTextKind) {
    EXPECT_EQ(sniff("name,score\nAda,7\n", "register.csv"), FileKind::csv);
    EXPECT_EQ(sniff("name\tscore\nAda\t7\n", "register.TSV"), FileKind::csv);
    EXPECT_EQ(sniff("# Plan\n\nText\n", "plan.md"), FileKind::md);
    EXPECT_EQ(sniff("# Plan\n\nText\n", "plan.markdown"), FileKind::md);
    EXPECT_EQ(sniff("name,score\nAda,7\n", "register"), FileKind::txt);
}

TEST(SniffText, Utf16WithBom) {
    EXPECT_EQ(sniff(std::string("\xff\xfeH\0i\0\n\0", 8), "notes.txt"), FileKind::txt);
}

TEST(SniffText, Windows1252) {
    EXPECT_EQ(sniff("Caf\xe9 na\xefve r\xe9sum\xe9\r\n", "notes.txt"), FileKind::txt);
}

TEST(SniffText, Utf8CutInsideSequence) {
    std::string text;
    while (text.size() < 10000) {
        text += "Müller ";
    }
    EXPECT_EQ(sniff(text, "names.txt"), FileKind::txt);
}

TEST(SniffBinary, RandomBytesUnknown) {
    std::mt19937 random(7);
    std::string bytes;
    for (int i = 0; i < 4096; ++i) {
        bytes.push_back(static_cast<char>(random() & 0xff));
    }
    EXPECT_EQ(sniff(bytes, "data.csv"), FileKind::unknown);
}

TEST(SniffKinds, ArchivesAreArchives) {
    using iqts::host::is_archive;
    EXPECT_TRUE(is_archive(FileKind::zip));
    EXPECT_TRUE(is_archive(FileKind::tar));
    EXPECT_TRUE(is_archive(FileKind::gzip));
    EXPECT_TRUE(is_archive(FileKind::xz));
    EXPECT_TRUE(is_archive(FileKind::bzip2));
    EXPECT_TRUE(is_archive(FileKind::sevenzip));
    EXPECT_FALSE(is_archive(FileKind::docx));
    EXPECT_FALSE(is_archive(FileKind::ole));
}

TEST(SniffKinds, Names) {
    using iqts::host::to_string;
    EXPECT_EQ(to_string(FileKind::sevenzip), "7z");
    EXPECT_EQ(to_string(FileKind::docx), "docx");
    EXPECT_EQ(to_string(FileKind::unknown), "unknown");
}

}  // namespace
