#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "iqts/document.hpp"
#include "iqts/host/extract.hpp"
#include "iqts/host/zip_parts.hpp"

namespace iqts::host::ooxml {

// One relationship of an Open Packaging Conventions part.
struct Relationship {
    std::string id;
    std::string type;    // full type URI
    std::string target;  // a part name resolved against the source part, or the URI itself when external
    bool external = false;

    // Returns whether the type URI ends with "/" + `kind`, which matches both
    // the Transitional and the Strict URI ("officeDocument", "worksheet").
    bool is(std::string_view kind) const;
};

// Reads the relationships of `source_part` ("" for the package) from its
// "_rels/NAME.rels" part. Returns an empty list when the part has none.
std::vector<Relationship> read_relationships(const ZipParts& parts, const std::string& source_part, int max_depth);

// Returns the relationship with `id`, or nullptr.
const Relationship* find_relationship(const std::vector<Relationship>& relationships, std::string_view id);

// Returns the first internal relationship of `kind`, or nullptr.
const Relationship* find_relationship_of_kind(const std::vector<Relationship>& relationships, std::string_view kind);

// Returns the main part named by the package's officeDocument relationship,
// or `fallback` when the package has none. Throws std::runtime_error when
// neither part exists.
std::string find_main_part(const ZipParts& parts, const std::string& fallback, int max_depth);

// Copies dc:title, dcterms:created and dcterms:modified from the package's
// core properties into `document`.
void read_core_properties(const ZipParts& parts, Document& document, int max_depth);

// Moves the `pending` links into `document`, each at `location`.
void settle_links(std::vector<Hyperlink>& pending, const std::string& location, Document& document);

// Returns the largest package part the extractors decompress: four times
// the text limit, since markup outweighs text, and at least 16 MiB.
std::size_t max_part_bytes(const ExtractLimits& limits);

// Resolves `target` (relative to the folder of `source_part`, or absolute
// when it starts with '/') to a part name without a leading '/'.
std::string resolve_part_name(const std::string& source_part, const std::string& target);

}  // namespace iqts::host::ooxml
