#pragma once

#include <memory>
#include <string>
#include <vector>

#include "iqts/host/report.hpp"
#include "iqts/index.hpp"

namespace iqts::host {

// The compliance grid as read from the export, with what the report's Grid
// has no field for.
struct GridReading {
    Grid grid;
    // One entry per row of grid.rows: why a broken row is broken, empty for a
    // resolved row.
    std::vector<std::string> reasons;
    // Ids of the criteria that have no evidence row, in the order of the
    // criteria given. Every criterion is listed when no grid was found.
    std::vector<std::string> empty_criteria;
};

// Finds the compliance grid among all documents and reads it. The grid is a
// Word table, a worksheet or a CSV file with a column of criterion ids or
// headings and, per row, an evidence title and a link. Candidates are scored
// by the document's title and file name ("compliance grid", "criteria grid",
// "iqts criteria") and by how many distinct criteria their criterion column
// names. A row whose criterion cell is empty continues the criterion above.
// Each link is resolved against the files of the export (see resolve_link).
// A row without a link is matched by its title to a document's title or file
// name.
GridReading read_grid(const EvidenceIndex& index, const std::vector<CriterionDefinition>& criteria);

// Returns the id of the criterion a grid cell names, or an empty string.
// Accepts "C1.3", "C 1.3", "c1.3", "1.3", "Criterion 1.3", the id followed
// by text ("C1.3 English language proficiency"), and the heading alone,
// compared case- and punctuation-insensitively. A heading cut short at a
// word boundary ("Age ranges") names the one criterion whose title starts
// with it.
std::string criterion_in_cell(const std::string& cell, const std::vector<CriterionDefinition>& criteria);

// The outcome of resolving one grid link against the export.
struct LinkResolution {
    bool resolved = false;
    std::string path;                     // the file or folder the link points at
    std::string reason;                   // why it could not be resolved
};

// Resolves `link`, written in the grid at virtual path `grid_path`, to one
// of `paths` (virtual paths of the export's files) or to a folder that holds
// some of them. Accepted forms: relative paths (percent-encoded or not, '/'
// or '\', "./" and "../" taken from the grid's own folder), file:// URLs, and
// SharePoint, OneDrive or Google Drive URLs whose decoded path (or SharePoint
// "id" parameter) ends in a path of the export. Components compare
// case-insensitively; the longest matching tail of components wins.
LinkResolution resolve_link(const std::string& link, const std::string& grid_path,
                            const std::vector<std::string>& paths);

namespace grid_detail {
class ExportTree;
}

// resolve_link for many links: the export's files and folders are indexed
// once, when the resolver is made.
class LinkResolver {
public:
    explicit LinkResolver(const std::vector<std::string>& paths);
    ~LinkResolver();
    LinkResolver(const LinkResolver&) = delete;
    LinkResolver& operator=(const LinkResolver&) = delete;

    LinkResolution resolve(const std::string& link, const std::string& grid_path) const;

private:
    std::unique_ptr<grid_detail::ExportTree> tree_;
};

// Returns up to `count` of `paths` whose file names are closest to the file
// name in `wanted` (a link or an evidence title), best first: shared words
// first, edit distance to break ties. Paths that share nothing are left out.
std::vector<std::string> closest_paths(const std::string& wanted, const std::vector<std::string>& paths,
                                       std::size_t count = 3);

// Whether the export follows the folder convention of the inspection
// framework: a folder named like "iQTS inspection – MONTH YEAR" that holds
// the compliance grid.
struct FolderConvention {
    std::string folder;                   // virtual path of the folder; empty when none is found
    bool grid_inside = false;
    bool followed = false;                // folder found and the grid inside it
    std::string message;                  // what to tell the provider; empty when followed
};

// Looks for the inspection folder among the virtual paths of the export's
// files, and checks whether `grid` (as read_grid found it) sits inside it.
// Any dash (or none) may separate "iQTS inspection" from the month, and the
// month may be a full or three-letter English name.
FolderConvention check_folder(const EvidenceIndex& index, const Grid& grid);

}  // namespace iqts::host
