#include <gtest/gtest.h>

#include "scan_support.hpp"

// A scan with the fixture plugins that crash, hang, throw, allocate without
// bound or write to stdout, and libraries the loader must reject: the scan
// finishes, each faulty check becomes an error finding for its criterion,
// the rejected libraries are listed, and the built-in checks still report.

namespace {

using namespace iqts::test;

class FaultyPluginScan : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        run_ = new ScanRun(run_scanner("scan " + shell_quote(IQTS_SOURCE_DIR "/fixtures/sample-export") +
                                       " --plugins " + shell_quote(IQTS_TEST_PLUGIN_DIR) +
                                       " --check-timeout 2 --format json"));
    }
    static void TearDownTestSuite() {
        delete run_;
        run_ = nullptr;
    }

    static Poco::JSON::Object::Ptr report() { return parse_report(run_->out); }

    static std::string message_of(const std::string& id) {
        const auto entry = criterion(report(), id);
        if (!entry) return "<no criterion " + id + ">";
        std::string messages;
        const auto findings = entry->getArray("findings");
        for (std::size_t i = 0; i < findings->size(); ++i) {
            const auto finding_entry = findings->getObject(static_cast<unsigned>(i));
            if (finding_entry->getValue<std::string>("status") == "error") {
                messages += finding_entry->getValue<std::string>("message") + "\n";
            }
        }
        return messages;
    }

    static ScanRun* run_;
};

ScanRun* FaultyPluginScan::run_ = nullptr;

TEST_F(FaultyPluginScan, ScanFinishesWithStatusOne) {
    EXPECT_EQ(run_->status, 1) << run_->err;
}

TEST_F(FaultyPluginScan, StdoutHoldsOnlyTheReport) {
    EXPECT_NO_THROW(report()) << run_->out.substr(0, 200);
}

TEST_F(FaultyPluginScan, SegfaultBecomesError) {
    EXPECT_NE(message_of("C2.1").find("Segmentation fault"), std::string::npos) << message_of("C2.1");
}

TEST_F(FaultyPluginScan, AbortBecomesError) {
    EXPECT_NE(message_of("C2.2").find("Aborted"), std::string::npos) << message_of("C2.2");
}

TEST_F(FaultyPluginScan, ThrowBecomesError) {
    EXPECT_NE(message_of("C2.3").find("threw"), std::string::npos) << message_of("C2.3");
}

TEST_F(FaultyPluginScan, EndlessLoopTimesOut) {
    EXPECT_NE(message_of("C2.5").find("timed out"), std::string::npos) << message_of("C2.5");
}

TEST_F(FaultyPluginScan, UnboundedAllocationIsStopped) {
    EXPECT_NE(message_of("C2.6").find("memory"), std::string::npos) << message_of("C2.6");
}

TEST_F(FaultyPluginScan, BuiltinChecksStillReport) {
    const auto t006 = finding(criterion(report(), "C1.3"), "T006");
    ASSERT_TRUE(t006);
    EXPECT_EQ(t006->getValue<std::string>("status"), "fail");
    const auto school = finding(criterion(report(), "C3.2"), "Damansara Hills International School");
    ASSERT_TRUE(school);
    EXPECT_EQ(school->getValue<std::string>("status"), "missing");
}

TEST_F(FaultyPluginScan, WrongAbiPluginIsListedAsRejected) {
    const auto plugins = report()->getArray("plugins");
    std::string reason;
    for (std::size_t i = 0; i < plugins->size(); ++i) {
        const auto plugin = plugins->getObject(static_cast<unsigned>(i));
        if (ends_with(plugin->getValue<std::string>("path"), "wrong_abi.so")) {
            EXPECT_EQ(plugin->getValue<std::string>("status"), "rejected");
            reason = plugin->getValue<std::string>("reason");
        }
    }
    EXPECT_NE(reason.find("rebuild the plugin against this SDK"), std::string::npos) << reason;
}

}  // namespace
