#include <gtest/gtest.h>

#include <cctype>
#include <map>
#include <set>
#include <tuple>

#include "scan_support.hpp"

// End-to-end scans of the criteria fixtures: clean-export passes every
// automatic check, and each defective export (defects-export as a folder
// and as a zip, and reworded-export with other register headers) gives
// exactly the fail and missing findings listed in criteria-defects.json.
// fixtures/make_criteria_fixtures.py writes them all.

namespace {

using namespace iqts::test;

const std::string fixtures = IQTS_SOURCE_DIR "/fixtures/";

// criterion, status, subject
using FindingKey = std::tuple<std::string, std::string, std::string>;

bool is_fail_or_missing(const std::string& status) { return status == "fail" || status == "missing"; }

Poco::JSON::Object::Ptr scan_json(const std::string& export_name, int expected_exit) {
    const auto run = run_scanner("scan " + shell_quote(fixtures + export_name) + " --format json");
    EXPECT_EQ(run.status, expected_exit) << run.err;
    return parse_report(run.out);
}

// Returns the fail and missing findings of a report, keyed by criterion, status and subject.
std::map<FindingKey, Poco::JSON::Object::Ptr> non_pass_findings(const Poco::JSON::Object::Ptr& report) {
    std::map<FindingKey, Poco::JSON::Object::Ptr> found;
    const auto criteria = report->getArray("criteria");
    for (std::size_t i = 0; i < criteria->size(); ++i) {
        const auto entry = criteria->getObject(static_cast<unsigned>(i));
        const auto findings = entry->getArray("findings");
        for (std::size_t j = 0; j < findings->size(); ++j) {
            const auto item = findings->getObject(static_cast<unsigned>(j));
            const auto status = item->getValue<std::string>("status");
            if (!is_fail_or_missing(status)) continue;
            found[{entry->getValue<std::string>("id"), status, item->getValue<std::string>("subject")}] = item;
        }
    }
    return found;
}

Poco::JSON::Array::Ptr expected_findings() {
    return parse_report(read_file(fixtures + "criteria-defects.json"))->getArray("findings");
}

std::string describe(const FindingKey& key) {
    return std::get<0>(key) + " " + std::get<1>(key) + " '" + std::get<2>(key) + "'";
}

TEST(CleanExport, NoCriterionFailsOrIsMissing) {
    const auto report = scan_json("clean-export", 0);
    const auto criteria = report->getArray("criteria");
    ASSERT_EQ(criteria->size(), 16U);
    for (std::size_t i = 0; i < criteria->size(); ++i) {
        const auto entry = criteria->getObject(static_cast<unsigned>(i));
        EXPECT_FALSE(is_fail_or_missing(entry->getValue<std::string>("status"))) << entry->getValue<std::string>("id");
    }
}

TEST(CleanExport, NoFindingFailsOrIsMissing) {
    const auto report = scan_json("clean-export", 0);
    for (const auto& [key, item] : non_pass_findings(report)) {
        ADD_FAILURE() << describe(key) << ": " << item->getValue<std::string>("message");
    }
}

TEST(CriteriaDefectsList, NamesEveryCriterion) {
    const auto expected = expected_findings();
    std::set<std::string> criteria;
    for (std::size_t i = 0; i < expected->size(); ++i) {
        criteria.insert(expected->getObject(static_cast<unsigned>(i))->getValue<std::string>("criterion"));
    }
    EXPECT_EQ(criteria.size(), 16U);
}

class DefectiveExport : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        report_ = scan_json(GetParam(), 1);
        found_ = non_pass_findings(report_);
    }

    Poco::JSON::Object::Ptr report_;
    std::map<FindingKey, Poco::JSON::Object::Ptr> found_;
};

TEST_P(DefectiveExport, EveryPlantedDefectIsFound) {
    const auto expected = expected_findings();
    for (std::size_t i = 0; i < expected->size(); ++i) {
        const auto entry = expected->getObject(static_cast<unsigned>(i));
        const FindingKey key{entry->getValue<std::string>("criterion"), entry->getValue<std::string>("status"),
                             entry->getValue<std::string>("subject")};
        EXPECT_TRUE(found_.count(key)) << "not reported: " << describe(key);
    }
}

TEST_P(DefectiveExport, NothingElseFailsOrIsMissing) {
    const auto expected = expected_findings();
    std::set<FindingKey> listed;
    for (std::size_t i = 0; i < expected->size(); ++i) {
        const auto entry = expected->getObject(static_cast<unsigned>(i));
        listed.insert({entry->getValue<std::string>("criterion"), entry->getValue<std::string>("status"),
                       entry->getValue<std::string>("subject")});
    }
    for (const auto& [key, item] : found_) {
        EXPECT_TRUE(listed.count(key)) << "unexpected: " << describe(key) << ": "
                                       << item->getValue<std::string>("message");
    }
}

TEST_P(DefectiveExport, EvidencePointsAtDefect) {
    const auto expected = expected_findings();
    for (std::size_t i = 0; i < expected->size(); ++i) {
        const auto entry = expected->getObject(static_cast<unsigned>(i));
        const auto path = entry->getValue<std::string>("path");
        if (path.empty()) continue;
        const FindingKey key{entry->getValue<std::string>("criterion"), entry->getValue<std::string>("status"),
                             entry->getValue<std::string>("subject")};
        const auto item = found_.find(key);
        if (item == found_.end()) continue;  // EveryPlantedDefectIsFound reports it.
        const auto location = entry->getValue<std::string>("location");
        const auto evidence = item->second->getArray("evidence");
        bool pointed = false;
        for (std::size_t j = 0; j < evidence->size(); ++j) {
            const auto place = evidence->getObject(static_cast<unsigned>(j));
            pointed = pointed || (ends_with(place->getValue<std::string>("path"), "/" + path) &&
                                  place->getValue<std::string>("location") == location);
        }
        EXPECT_TRUE(pointed) << describe(key) << " has no evidence at " << path << " " << location;
    }
}

INSTANTIATE_TEST_SUITE_P(Exports, DefectiveExport,
                         ::testing::Values("defects-export", "defects-export.zip", "reworded-export"),
                         [](const auto& info) {
                             std::string name;
                             for (const char c : info.param) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                             return name;
                         });

}  // namespace
