#include "iqts/host/ooxml_package.hpp"

#include <algorithm>
#include <cstdint>
#include <stdexcept>

#include "iqts/host/ooxml_xml.hpp"

namespace iqts::host::ooxml {

namespace {

std::string relationships_part_of(const std::string& source_part) {
    const auto slash = source_part.rfind('/');
    if (slash == std::string::npos) return "_rels/" + source_part + ".rels";
    return source_part.substr(0, slash + 1) + "_rels/" + source_part.substr(slash + 1) + ".rels";
}

std::string trim(std::string text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    const auto last = text.find_last_not_of(" \t\r\n");
    return text.substr(first, last - first + 1);
}

}  // namespace

void settle_links(std::vector<Hyperlink>& pending, const std::string& location, Document& document) {
    for (auto& link : pending) {
        link.location = location;
        document.links.push_back(std::move(link));
    }
    pending.clear();
}

std::size_t max_part_bytes(const ExtractLimits& limits) {
    constexpr std::size_t minimum = 16u << 20;
    return std::max(minimum, limits.max_text_bytes > SIZE_MAX / 4 ? SIZE_MAX : 4 * limits.max_text_bytes);
}

bool Relationship::is(std::string_view kind) const {
    return type.size() > kind.size() && std::string_view(type).ends_with(kind) &&
           type[type.size() - kind.size() - 1] == '/';
}

std::string resolve_part_name(const std::string& source_part, const std::string& target) {
    std::string base;
    if (!target.starts_with('/')) {
        const auto slash = source_part.rfind('/');
        if (slash != std::string::npos) base = source_part.substr(0, slash + 1);
    }

    std::vector<std::string> segments;
    const std::string joined = base + target;
    std::size_t start = 0;
    while (start <= joined.size()) {
        auto end = joined.find('/', start);
        if (end == std::string::npos) end = joined.size();
        const std::string segment = joined.substr(start, end - start);
        if (segment == "..") {
            if (!segments.empty()) segments.pop_back();
        } else if (!segment.empty() && segment != ".") {
            segments.push_back(segment);
        }
        start = end + 1;
    }

    std::string name;
    for (const auto& segment : segments) {
        if (!name.empty()) name += '/';
        name += segment;
    }
    return name;
}

std::vector<Relationship> read_relationships(const ZipParts& parts, const std::string& source_part, int max_depth) {
    const std::string part_name = relationships_part_of(source_part);
    const std::string& bytes = parts.get(part_name);
    if (bytes.empty()) return {};

    const pugi::xml_document xml = parse_part(bytes, part_name, max_depth);
    std::vector<Relationship> relationships;
    for (const pugi::xml_node node : xml.child("Relationships").children("Relationship")) {
        Relationship relationship;
        relationship.id = node.attribute("Id").value();
        relationship.type = node.attribute("Type").value();
        relationship.external = std::string_view(node.attribute("TargetMode").value()) == "External";
        const std::string target = node.attribute("Target").value();
        relationship.target = relationship.external ? target : resolve_part_name(source_part, target);
        relationships.push_back(std::move(relationship));
    }
    return relationships;
}

const Relationship* find_relationship(const std::vector<Relationship>& relationships, std::string_view id) {
    for (const auto& relationship : relationships) {
        if (relationship.id == id) return &relationship;
    }
    return nullptr;
}

const Relationship* find_relationship_of_kind(const std::vector<Relationship>& relationships, std::string_view kind) {
    for (const auto& relationship : relationships) {
        if (!relationship.external && relationship.is(kind)) return &relationship;
    }
    return nullptr;
}

std::string find_main_part(const ZipParts& parts, const std::string& fallback, int max_depth) {
    const auto package = read_relationships(parts, "", max_depth);
    if (const auto* main = find_relationship_of_kind(package, "officeDocument"); main && parts.has(main->target)) {
        return main->target;
    }
    if (parts.has(fallback)) return fallback;
    throw std::runtime_error("the package has no main document part: neither an officeDocument relationship in "
                             "_rels/.rels nor the part '" + fallback + "'");
}

void read_core_properties(const ZipParts& parts, Document& document, int max_depth) {
    std::string part_name = "docProps/core.xml";
    const auto package = read_relationships(parts, "", max_depth);
    if (const auto* core = find_relationship_of_kind(package, "core-properties")) part_name = core->target;
    const std::string& bytes = parts.get(part_name);
    if (bytes.empty()) return;

    const pugi::xml_document xml = parse_part(bytes, part_name, max_depth);
    const pugi::xml_node properties = xml.child("cp:coreProperties");
    document.title = trim(own_text(properties.child("dc:title")));
    document.created = trim(own_text(properties.child("dcterms:created")));
    document.modified = trim(own_text(properties.child("dcterms:modified")));
}

}  // namespace iqts::host::ooxml
