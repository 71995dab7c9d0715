// The small model with support and nested areas that tests/cpp/test_areas.cpp (budgets by area)
// and tests/cpp/test_area_caps.cpp (caps per area) compute by hand.
#pragma once

#include "zbb/model.hpp"

namespace zbb_test {

// One resource R at 10.00; A1 (area N1) uses 1 unit, A2 2 units, the support activity S 1 unit;
// S serves A1 and A2 with 0.5 unit each. Unit costs c = (10, 20, 10), full unit costs
// u_A1 = 10 + 0.5 x 10 = 15, u_A2 = 20 + 5 = 25. Areas: the district D with the neighbourhoods N1
// and N2. One partner P funds everything. No goals, effects or plan: each test adds its own.
inline zbb::model support_area_model() {
    zbb::model m;
    m.name = "areas";
    m.partners = {{"P", "partner"}};
    m.areas = {{"D", "district", ""}, {"N1", "one", "D"}, {"N2", "two", "D"}};
    zbb::activity a1, a2, s;
    a1.id = "A1";
    a1.partner = "P";
    a1.area = "N1";
    a2.id = "A2";
    a2.partner = "P";
    s.id = "S";
    s.partner = "P";
    m.activities = {a1, a2, s};
    zbb::resource r;
    r.id = "R";
    r.price = zbb::decimal::parse("10.00", {});
    m.resources = {r};
    m.consumption = {{"A1", "R", 1}, {"A2", "R", 2}, {"S", "R", 1}};
    m.support = {{"S", "A1", 0.5}, {"S", "A2", 0.5}};
    return m;
}

}  // namespace zbb_test
