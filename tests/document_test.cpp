#include <gtest/gtest.h>

#include "iqts/document.hpp"

TEST(Table, SheetLocationUsesA1Notation) {
    iqts::Table table;
    table.name = "Trainees";
    table.is_sheet = true;
    table.first_row = 2;
    EXPECT_EQ(table.location(0, 27), "Trainees!AB3");
}

TEST(Table, WordTableLocationNamesRowAndColumn) {
    iqts::Table table;
    table.name = "table 2";
    EXPECT_EQ(table.location(2, 0), "table 2, row 3, column 1");
}
