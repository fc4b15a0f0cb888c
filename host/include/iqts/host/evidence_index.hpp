#pragma once

#include <string>
#include <vector>

#include "iqts/index.hpp"

namespace iqts::host {

// The evidence index the scan builds once and the checks then only read.
class BuiltIndex : public EvidenceIndex {
public:
    void add_document(Document document);
    void add_file(FileRecord record);

    // Sorts documents and files by path, so that findings come out in the
    // same order however the files were extracted.
    void finish();

    const std::vector<Document>& documents() const override { return documents_; }
    const std::vector<FileRecord>& files() const override { return files_; }
    std::vector<const Document*> find_by_path(std::string_view pattern) const override;
    std::vector<const Document*> find_by_title(std::string_view pattern) const override;
    std::vector<TextMatch> find_text(std::string_view pattern) const override;
    std::vector<const FileRecord*> unreadable(std::string_view pattern) const override;
    std::vector<TableMatch> find_tables(const std::vector<std::string>& headers) const override;

private:
    std::vector<Document> documents_;
    std::vector<FileRecord> files_;
};

// Returns the last component of a virtual path, without "!/" archive marks.
std::string file_name(const std::string& virtual_path);

}  // namespace iqts::host
