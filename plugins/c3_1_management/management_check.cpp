// C3.1 Management: the export holds an organogram or a description of the
// management structure, and a person judges whether that structure makes
// the programme run effectively.

#include <memory>

#include "iqts/check_support.hpp"
#include "iqts/plugin.hpp"

namespace {

using iqts::Finding;
using iqts::Status;

class ManagementCheck : public iqts::Check {
public:
    std::string criterion() const override { return "C3.1"; }
    std::string name() const override { return "management"; }

    std::vector<Finding> run(const iqts::CheckContext& context) const override {
        auto structure = iqts::evidence::document_finding(context, "management.structure", "organogram");
        Finding effectiveness{Status::review, "",
                              "a person must judge whether the management structure, with named holders of the "
                              "core roles, ensures that the programme runs effectively",
                              structure.evidence};
        return {std::move(structure), std::move(effectiveness)};
    }
};

}  // namespace

IQTS_PLUGIN("management", "0.1.0") {
    registry.add(std::make_unique<ManagementCheck>());
}
