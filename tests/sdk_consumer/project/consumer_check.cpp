// A check built outside the scanner's tree against the installed SDK.

#include <memory>
#include <string>
#include <vector>

#ifdef IQTS_TEST_ABI_OVERRIDE
#include "iqts/abi.hpp"
#undef IQTS_ABI_VERSION
#define IQTS_ABI_VERSION 99u
#endif

#include "iqts/plugin.hpp"

namespace {

class DocumentCountCheck : public iqts::Check {
public:
    std::string criterion() const override { return "C3.4"; }
    std::string name() const override { return "document-count"; }

    std::vector<iqts::Finding> run(const iqts::CheckContext& context) const override {
        iqts::Finding finding;
        finding.status = context.index.documents().empty() ? iqts::Status::missing : iqts::Status::pass;
        finding.message = std::to_string(context.index.documents().size()) + " documents in the export";
        return {finding};
    }
};

}  // namespace

IQTS_PLUGIN("sdk-consumer", "0.0.1") {
    registry.add(std::make_unique<DocumentCountCheck>());
}
