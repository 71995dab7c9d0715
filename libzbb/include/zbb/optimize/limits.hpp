// zbb/optimize/limits.hpp - internal: the limits that bind in an LP solution (activity bounds,
// levels, resources, the frame) with their shadow prices, and their description in plain language.
#pragma once

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "zbb/linked_model.hpp"
#include "zbb/optimize/layout.hpp"

namespace zbb {
namespace detail {

inline bool near(double v, double bound) {
    return std::fabs(v - bound) <= 1e-7 * std::max(1.0, std::fabs(bound));
}

// Limits that bind with a non-zero shadow price: activity bounds (reduced costs), resources and
// frame rows (row duals). Sign: improvement of the minimised objective per unit of relaxation.
inline std::vector<limit> binding_limits(const linked_model& lm, const lp_layout& L,
                                         const lp_solution& sol, double tol) {
    std::vector<limit> out;
    const auto& src = lm.view();
    for (int a = 0; a < L.n; ++a) {
        const auto& act = src.activities[static_cast<std::size_t>(a)];
        const double x = sol.x[static_cast<std::size_t>(a)];
        double rc = sol.reduced_cost[static_cast<std::size_t>(a)];
        // The last level's up_to bounds both x_a and its last segment: the shadow price is both.
        if (const int last =
                L.last_level_col.empty() ? -1 : L.last_level_col[static_cast<std::size_t>(a)];
            last >= 0 && near(x, act.levels.back().up_to))
            rc += std::min(0.0, sol.reduced_cost[static_cast<std::size_t>(last)]);
        const double level_cap = act.levels.empty() ? lp_problem::inf : act.levels.back().up_to;
        if (act.max && *act.max <= level_cap && near(x, *act.max) && rc < -tol)
            out.push_back({"activity", act.id, "max", *act.max, x, -rc, 0, ""});
        else if (!act.levels.empty() && near(x, level_cap) && rc < -tol)
            out.push_back({"activity", act.id, "levels", level_cap, x, -rc, 0, ""});
        else if (act.min > 0 && near(x, act.min) && rc > tol)
            out.push_back({"activity", act.id, "min", act.min, x, rc, 0, ""});
    }
    for (int r = 0; r < lm.resources().size(); ++r) {
        const int row = L.resource_row[static_cast<std::size_t>(r)];
        if (row < 0) continue;
        const double y = sol.row_dual[static_cast<std::size_t>(row)];
        const auto& res = src.resources[static_cast<std::size_t>(r)];
        if (y < -tol)
            out.push_back({"resource", res.id, "available", *res.available,
                           sol.row_activity[static_cast<std::size_t>(row)], -y, 0, ""});
    }
    if (L.budget_row >= 0) {
        const double y = sol.row_dual[static_cast<std::size_t>(L.budget_row)];
        if (y < -tol)
            out.push_back({"frame", "", "budget", L.budget_value,
                           sol.row_activity[static_cast<std::size_t>(L.budget_row)], -y, 0,
                           L.budget_text});
    }
    for (std::size_t k = 0; k < L.partner_rows.size(); ++k) {
        const int row = L.partner_rows[k].second;
        const double y = sol.row_dual[static_cast<std::size_t>(row)];
        if (y < -tol)
            out.push_back({"frame.partner_caps", L.partner_rows[k].first, "cap",
                           L.partner_cap_value[k], sol.row_activity[static_cast<std::size_t>(row)],
                           -y, 0, L.partner_cap_text[k]});
    }
    for (std::size_t k = 0; k < L.area_rows.size(); ++k) {
        const int row = L.area_rows[k].second;
        const double y = sol.row_dual[static_cast<std::size_t>(row)];
        if (y < -tol)
            out.push_back({"frame.area_caps", L.area_rows[k].first, "cap", L.area_cap_value[k],
                           sol.row_activity[static_cast<std::size_t>(row)], -y, 0,
                           L.area_cap_text[k]});
    }
    std::stable_sort(out.begin(), out.end(), [](const limit& a, const limit& b) {
        return a.shadow_price > b.shadow_price;
    });
    return out;
}

inline std::string describe(const limit& l) {
    const std::string amount = l.bound_text.empty() ? short_number(l.bound) : l.bound_text;
    if (l.entity == "frame") return "the budget cap of " + amount;
    if (l.entity == "frame.partner_caps")
        return "the cap of partner '" + l.id + "' (" + amount + ")";
    if (l.entity == "frame.area_caps") return "the cap of area '" + l.id + "' (" + amount + ")";
    if (l.entity == "resource")
        return "resource '" + l.id + "' (available " + short_number(l.bound) + ")";
    if (l.field == "levels")
        return "activity '" + l.id + "' last level up_to " + short_number(l.bound);
    return "activity '" + l.id + "' " + l.field + " " + short_number(l.bound);
}

}  // namespace detail
}  // namespace zbb
