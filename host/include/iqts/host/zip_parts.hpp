#pragma once

#include <map>
#include <string>
#include <string_view>

namespace iqts::host {

// The parts of an OOXML or ODF package (a zip held in memory), read with
// libarchive. Throws std::runtime_error when the zip cannot be read, and
// when a part is encrypted ("password-protected").
class ZipParts {
public:
    ZipParts(std::string_view bytes, std::size_t max_part_bytes);

    bool has(const std::string& name) const;
    // Returns the part's bytes, or an empty string when it is absent.
    const std::string& get(const std::string& name) const;
    const std::map<std::string, std::string>& all() const { return parts_; }

private:
    std::map<std::string, std::string> parts_;
};

}  // namespace iqts::host
