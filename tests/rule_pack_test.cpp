#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "iqts/host/rule_pack.hpp"

namespace {

namespace fs = std::filesystem;
using iqts::host::LoadedRulePack;
using iqts::host::RuleError;

const std::string builtin_rules = IQTS_SOURCE_DIR "/rules";

// A rules folder in a fresh temporary directory holding one file.
fs::path rules_folder_with(const std::string& file_name, const std::string& content) {
    const auto folder = fs::temp_directory_path() / ("iqts-rules-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(folder);
    fs::create_directories(folder);
    std::ofstream(folder / file_name) << content;
    return folder;
}

std::string load_error(const fs::path& folder) {
    try {
        const LoadedRulePack pack({builtin_rules, folder.string()});
    } catch (const RuleError& error) {
        return error.what();
    }
    return "";
}

TEST(RulePack, BuiltinHasSixteenCriteriaInOrder) {
    const LoadedRulePack pack({builtin_rules});
    ASSERT_EQ(pack.criteria().size(), 16u);
    EXPECT_EQ(pack.criteria().front().id, "C1.1");
    EXPECT_EQ(pack.criteria().back().id, "C3.4");
    EXPECT_EQ(pack.criteria()[2].title, "English language proficiency");
}

TEST(RulePack, ThresholdCarriesItsSource) {
    const LoadedRulePack pack({builtin_rules});
    EXPECT_EQ(pack.number("english.ielts_overall_min"), 6.5);
    const auto setting = pack.setting("placement.min_school_days");
    ASSERT_TRUE(setting.has_value());
    EXPECT_EQ(setting->value, "120");
    EXPECT_NE(setting->source.find("C2.4"), std::string::npos);
}

TEST(RulePack, OverlayReplacesThreshold) {
    const auto folder = rules_folder_with("stricter.yaml",
                                          "settings:\n  english.ielts_overall_min:\n    value: 7\n"
                                          "    source: house rule of an inspectorate\n");
    const LoadedRulePack pack({builtin_rules, folder.string()});
    EXPECT_EQ(pack.number("english.ielts_overall_min"), 7.0);
    EXPECT_EQ(pack.setting("english.ielts_overall_min")->source, "house rule of an inspectorate");
}

TEST(RulePack, InvalidYamlNamesLineAndColumn) {
    const auto folder = rules_folder_with("broken.yaml", "settings:\n  a: [1, 2\n");
    const auto message = load_error(folder);
    EXPECT_NE(message.find("broken.yaml:"), std::string::npos) << message;
    EXPECT_NE(message.find("invalid YAML"), std::string::npos) << message;
}

TEST(RulePack, UnknownSectionSaysWhatToWrite) {
    const auto folder = rules_folder_with("typo.yaml", "setings:\n  a: 1\n");
    const auto message = load_error(folder);
    EXPECT_NE(message.find("typo.yaml:1:1"), std::string::npos) << message;
    EXPECT_NE(message.find("write one of criteria, settings"), std::string::npos) << message;
}

TEST(RulePack, InvalidPatternIsRejectedWithPosition) {
    const auto folder = rules_folder_with("patterns.yaml", "patterns:\n  my.key:\n    - 'ok'\n    - '(unclosed'\n");
    const auto message = load_error(folder);
    EXPECT_NE(message.find("patterns.yaml:4:7"), std::string::npos) << message;
    EXPECT_NE(message.find("invalid RE2 pattern"), std::string::npos) << message;
}

TEST(RulePack, MatchesAnyFindsEachPatternOfItsKey) {
    const auto folder = rules_folder_with(
        "patterns.yaml", "patterns:\n  my.key:\n    - '^only start'\n    - 'end$'\n    - '(?-i)CaseKept'\n    - 'qq|zz'\n");
    const LoadedRulePack pack({builtin_rules, folder.string()});

    EXPECT_EQ(pack.alternation("my.key"), "(?:^only start)|(?:end$)|(?:(?-i)CaseKept)|(?:qq|zz)");
    EXPECT_TRUE(pack.matches_any("my.key", "Only Start here"));
    EXPECT_FALSE(pack.matches_any("my.key", "not only start"));
    EXPECT_TRUE(pack.matches_any("my.key", "the END"));
    EXPECT_TRUE(pack.matches_any("my.key", "xx CaseKept"));
    EXPECT_FALSE(pack.matches_any("my.key", "xx casekept"));
    EXPECT_TRUE(pack.matches_any("my.key", "zz"));
    EXPECT_FALSE(pack.matches_any("no.such.key", "anything"));
    EXPECT_EQ(pack.alternation("no.such.key"), "");
}

TEST(RulePack, OpenQuoteEndsAtItsPattern) {
    const auto folder = rules_folder_with(
        "patterns.yaml", "patterns:\n  my.key:\n    - 'zzz'\n    - '\\Qorgano(gram'\n    - '\\Qa\\\\E'\n");
    const LoadedRulePack pack({builtin_rules, folder.string()});

    EXPECT_TRUE(pack.matches_any("my.key", "the ORGANO(GRAM"));
    EXPECT_FALSE(pack.matches_any("my.key", "the organogram"));
    EXPECT_TRUE(pack.matches_any("my.key", "a\\"));
    EXPECT_TRUE(iqts::RulePack::ends_in_open_quote("\\Qab"));
    EXPECT_TRUE(iqts::RulePack::ends_in_open_quote("x\\Qa\\\\"));
    EXPECT_FALSE(iqts::RulePack::ends_in_open_quote("x\\Qa\\\\E"));
    EXPECT_FALSE(iqts::RulePack::ends_in_open_quote("\\Qab\\E"));
    EXPECT_FALSE(iqts::RulePack::ends_in_open_quote("a\\\\Qb"));
}

TEST(RulePack, PatternsTooLargeTogetherAreRejected) {
    // Each pattern compiles alone, but sixty of them exceed RE2's memory bound
    // as one alternation.
    std::string content = "patterns:\n  big.key:\n";
    for (int i = 0; i < 60; ++i) content += "    - '(\\pL\\pN){100}x" + std::to_string(i) + "'\n";
    const auto folder = rules_folder_with("patterns.yaml", content);
    const auto message = load_error(folder);
    EXPECT_NE(message.find("patterns.yaml:3:5"), std::string::npos) << message;
    EXPECT_NE(message.find("the patterns under 'big.key' cannot be compiled together"), std::string::npos)
        << message;
}

TEST(RulePack, MissingFolderIsAnError) {
    const auto message = load_error("/nonexistent/iqts-rules");
    EXPECT_NE(message.find("rules folder not found"), std::string::npos) << message;
}

TEST(RulePack, MatchesIgnoresCase) {
    const LoadedRulePack pack({builtin_rules});
    EXPECT_TRUE(pack.matches("\\btoefl\\b", "TOEFL iBT 95"));
    EXPECT_FALSE(pack.matches("\\btoefl\\b", "IELTS 7"));
    EXPECT_FALSE(pack.matches("(unclosed", "anything"));
}

TEST(NormaliseHeader, DropsPunctuationAndCase) {
    EXPECT_EQ(iqts::host::normalise_header("  In-school   Mentor: "), "in school mentor");
    EXPECT_EQ(iqts::host::normalise_header("St Mary's"), "st marys");
    EXPECT_EQ(iqts::host::normalise_header("Colegio San José"), "colegio san josé");
}

}  // namespace
