// `iqts-scan plugins list` run as a user runs it: the built-in plugins and
// rules, the fixture plugins the loader must reject, and rules folders with
// and without errors.

#include <string>

#include <gtest/gtest.h>

#include "scan_support.hpp"

namespace {

using iqts::test::run_scanner;
using iqts::test::shell_quote;

const std::string plugin_dir = IQTS_PLUGIN_DIR;
const std::string fixture_plugin_dir = IQTS_TEST_PLUGIN_DIR;
const std::string rules_dir = std::string(IQTS_SOURCE_DIR) + "/tests/data/rules";

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

iqts::test::ScanRun list(const std::string& arguments) { return run_scanner("plugins list " + arguments); }

TEST(PluginsList, BuiltinPluginsAreLoaded) {
    const auto run = list("");
    EXPECT_EQ(run.status, 0) << run.err;
    EXPECT_TRUE(contains(run.out, "Plugins: 16 loaded, 0 rejected\n")) << run.out;
    EXPECT_TRUE(contains(run.out, "  loaded    quality-assurance 0.1.0  C3.4  " + plugin_dir +
                                      "/c3_4_quality_assurance.so\n"))
        << run.out;
}

TEST(PluginsList, BuiltinRuleFilesAreInUse) {
    const auto run = list("");
    EXPECT_TRUE(contains(run.out, "Rule files: 12 in use, 0 rejected\n")) << run.out;
    EXPECT_TRUE(contains(run.out, "/rules/thresholds.yaml\n              settings\n")) << run.out;
    EXPECT_EQ(run.err, "");
}

TEST(PluginsList, ExtraPluginShowsChecksAndCriteria) {
    const auto run = list("--plugins " + shell_quote(fixture_plugin_dir));
    EXPECT_TRUE(contains(run.out, "  loaded    good 1.2.3  C1.1,C1.2,C1.4  " + fixture_plugin_dir + "/good.so\n"))
        << run.out;
    EXPECT_TRUE(contains(run.out, "              check steady  C1.1\n")) << run.out;
    EXPECT_TRUE(contains(run.out, "              check not-utf8  C1.4\n")) << run.out;
}

TEST(PluginsList, PluginWithoutAbiRecordIsRejected) {
    const auto run = list("--plugins " + shell_quote(fixture_plugin_dir));
    EXPECT_EQ(run.status, 1);
    EXPECT_TRUE(contains(run.out, "  rejected  no_record.so  " + fixture_plugin_dir +
                                      "/no_record.so\n              no ABI record (iqts_abi_record): not an "
                                      "iqts-scan plugin, or built without IQTS_PLUGIN\n"))
        << run.out;
}

TEST(PluginsList, PluginForOtherAbiIsRejected) {
    const auto run = list("--plugins " + shell_quote(fixture_plugin_dir));
    const auto library = fixture_plugin_dir + "/wrong_abi.so";
    EXPECT_EQ(run.status, 1);
    EXPECT_TRUE(contains(run.out, "  rejected  wrong_abi.so  " + library + "\n              " + library +
                                      ": built for iqts-sdk ABI 2 (SDK 9.9.9), this iqts-scan uses ABI 1"))
        << run.out;
}

TEST(PluginsList, PluginWithoutFactoryIsRejected) {
    const auto run = list("--plugins " + shell_quote(fixture_plugin_dir));
    EXPECT_EQ(run.status, 1);
    EXPECT_TRUE(contains(run.out, "/no_factory.so\n              no factory (iqts_register_checks): the library "
                                  "has an ABI record but no checks"))
        << run.out;
}

TEST(PluginsList, CountsRejectedFixturePlugins) {
    const auto run = list("--plugins " + shell_quote(fixture_plugin_dir));
    // good and faulty load; no_factory, no_record, not_a_library,
    // throwing_factory, wrong_abi, wrong_compiler and wrong_magic do not.
    EXPECT_TRUE(contains(run.out, "Plugins: 18 loaded, 7 rejected\n")) << run.out;
}

TEST(PluginsList, MissingPluginFolderIsRejected) {
    const auto run = list("--plugins /nonexistent/iqts-plugins");
    EXPECT_EQ(run.status, 1);
    EXPECT_TRUE(contains(run.out, "plugin folder not found: /nonexistent/iqts-plugins")) << run.out;
}

TEST(PluginsList, RuleFileShowsRequiresAndChecks) {
    const auto run = list("--rules " + shell_quote(rules_dir + "/good"));
    const auto file = rules_dir + "/good/house.yaml";
    EXPECT_EQ(run.status, 0) << run.out;
    EXPECT_TRUE(contains(run.out, "  in use    " + file + "  requires 0.1\n")) << run.out;
    EXPECT_TRUE(contains(run.out, "              criteria X-HOUSE-1, X-HOUSE-2, X-HOUSE-3, X-HOUSE-4\n")) << run.out;
    EXPECT_TRUE(contains(run.out, "              check house-safeguarding-policy  X-HOUSE-1  document_exists\n"))
        << run.out;
    EXPECT_TRUE(contains(run.out, "              check house-safeguarding-lead  X-HOUSE-2  text\n")) << run.out;
    EXPECT_TRUE(contains(run.out, "              check house-english-score  X-HOUSE-3  register\n")) << run.out;
    EXPECT_TRUE(contains(run.out, "              check house-selection-policy-fresh  X-HOUSE-4  date_freshness\n"))
        << run.out;
    EXPECT_TRUE(contains(run.out, "Rule files: 13 in use, 0 rejected\n")) << run.out;
}

TEST(PluginsList, BrokenRuleFileIsRejectedWithPositions) {
    const auto run = list("--rules " + shell_quote(rules_dir + "/broken"));
    const auto file = rules_dir + "/broken/broken.yaml";
    EXPECT_EQ(run.status, 1);
    EXPECT_TRUE(contains(run.out, "  rejected  " + file + "  requires 0.1\n")) << run.out;
    EXPECT_TRUE(contains(run.out, "              " + file + ":8:16: error: unknown criterion 'C1.33' in rule "
                                  "typo-criterion; did you mean C1.3?\n"))
        << run.out;
    EXPECT_TRUE(contains(run.out, "A scan with these rules stops with status 2")) << run.out;
}

TEST(PluginsList, RuleFileForNewerScannerIsRejected) {
    const auto run = list("--rules " + shell_quote(rules_dir + "/broken"));
    const auto file = rules_dir + "/broken/newer.yaml";
    EXPECT_EQ(run.status, 1);
    EXPECT_TRUE(contains(run.out, "  rejected  " + file + "  requires 9.0\n              " + file +
                                      ":1:11: error: this file requires iqts-scan 9.0 or newer"))
        << run.out;
}

TEST(PluginsList, MissingRulesFolderIsRejected) {
    const auto run = list("--rules /nonexistent/iqts-rules");
    EXPECT_EQ(run.status, 1);
    EXPECT_TRUE(contains(run.out, "  rejected  /nonexistent/iqts-rules\n              /nonexistent/iqts-rules: "
                                  "rules folder not found"))
        << run.out;
}

TEST(PluginsList, JsonListsPluginsAndRuleFiles) {
    const auto run = list("--format json --plugins " + shell_quote(fixture_plugin_dir) + " --rules " +
                          shell_quote(rules_dir + "/good"));
    const auto root = iqts::test::parse_report(run.out);
    const auto plugins = root->getArray("plugins");
    const auto rule_files = root->getArray("rule_files");
    ASSERT_TRUE(plugins);
    ASSERT_TRUE(rule_files);

    Poco::JSON::Object::Ptr good;
    Poco::JSON::Object::Ptr wrong_abi;
    for (std::size_t i = 0; i < plugins->size(); ++i) {
        const auto entry = plugins->getObject(static_cast<unsigned>(i));
        const auto path = entry->getValue<std::string>("path");
        if (path == fixture_plugin_dir + "/good.so") good = entry;
        if (path == fixture_plugin_dir + "/wrong_abi.so") wrong_abi = entry;
    }
    ASSERT_TRUE(good);
    EXPECT_EQ(good->getValue<std::string>("status"), "loaded");
    EXPECT_EQ(good->getValue<std::string>("version"), "1.2.3");
    EXPECT_EQ(good->getArray("criteria")->size(), 3u);
    EXPECT_EQ(good->getArray("checks")->getObject(0)->getValue<std::string>("id"), "steady");
    ASSERT_TRUE(wrong_abi);
    EXPECT_EQ(wrong_abi->getValue<std::string>("status"), "rejected");
    EXPECT_TRUE(contains(wrong_abi->getValue<std::string>("reason"), "built for iqts-sdk ABI 2"));

    const auto house = rule_files->getObject(static_cast<unsigned>(rule_files->size() - 1));
    EXPECT_EQ(house->getValue<std::string>("path"), rules_dir + "/good/house.yaml");
    EXPECT_EQ(house->getValue<std::string>("status"), "in use");
    EXPECT_EQ(house->getValue<std::string>("requires"), "0.1");
    EXPECT_EQ(house->getArray("checks")->getObject(2)->getValue<std::string>("kind"), "register");
}

TEST(PluginsList, UnknownFormatIsInvalid) {
    const auto run = list("--format yaml");
    EXPECT_EQ(run.status, 2);
    EXPECT_EQ(run.err, "iqts-scan plugins list: unknown --format 'yaml'; write text or json\n");
}

TEST(PluginsList, UnknownOptionIsInvalid) {
    const auto run = list("--verbose");
    EXPECT_EQ(run.status, 2);
    EXPECT_TRUE(contains(run.err, "iqts-scan plugins list: ")) << run.err;
}

}  // namespace
