// zbb/budget.hpp - the bottom-up budget: volumes, costs by goal, activity, resource, partner.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "zbb/linked_model.hpp"
#include "zbb/money.hpp"

namespace zbb {

/// Settings of a budget computation (passed explicitly; zbb has no global state).
struct budget_options {
    rounding_mode rounding =
        rounding_mode::half_even;  ///< for the total; parts by largest remainder
};

/// One breakdown of the total: an exact amount per key and the computed value it was rounded from.
struct breakdown {
    std::vector<std::string> keys;
    std::vector<money> amounts;  ///< exact; sum to the budget's total
    std::vector<double> values;  ///< computed value in minor units, before rounding
};

/// A bottom-up budget. Every breakdown sums exactly to `total` (cross-footing) and each amount is
/// the floor or ceiling of its computed value.
struct budget {
    zbb::currency currency;
    money total;
    double total_value = 0;  ///< computed total in minor units, before rounding

    breakdown by_goal;      ///< full cost (reciprocal method): u^T d_g
    breakdown by_activity;  ///< own cost: c_a x_a
    breakdown by_resource;  ///< p_r (C x)_r
    breakdown by_partner;   ///< funding shares applied to each activity's own cost
    breakdown by_category;  ///< by_resource summed per cost category

    vector direct_volumes;   ///< d (activity)
    vector volumes;          ///< x from (I - S) x = d (activity)
    vector resource_needs;   ///< C x (resource)
    vector unit_costs;       ///< direct unit cost c (activity), in currency units
    vector full_unit_costs;  ///< u from (I - S)^T u = c (activity), in currency units
    vector projected;        ///< baseline + E x (goal)

    /// Plain-language notes on a valid but questionable plan: volumes outside [min, max] and
    /// resource needs above availability.
    std::vector<std::string> warnings;
};

namespace detail {
inline double neumaier_sum(const vector& v) {
    double s = 0.0, c = 0.0;
    for (Eigen::Index i = 0; i < v.size(); ++i) {
        double t = s + v[i];
        c += std::fabs(s) >= std::fabs(v[i]) ? (s - t) + v[i] : (v[i] - t) + s;
        s = t;
    }
    return s + c;
}
}  // namespace detail

/// Computes the budget of a linked plan D (activity x goal, see linked_model::link_plan).
inline budget compute_budget(const linked_model& lm, const sparse_matrix& plan,
                             const budget_options& options = {}) {
    const auto& act_ids = lm.activities().ids();
    if (plan.rows() != lm.activities().size() || plan.cols() != lm.goals().size())
        throw std::invalid_argument("zbb: plan matrix does not match the model's dimensions");
    budget b;
    b.currency = lm.currency();
    const double minor = std::pow(10.0, b.currency.minor_digits);

    b.direct_volumes = plan * vector::Ones(plan.cols());
    b.volumes = lm.support_solver().volumes(b.direct_volumes);
    for (Eigen::Index a = 0; a < b.volumes.size(); ++a)
        if (!std::isfinite(b.volumes[a]))
            throw money_overflow({"activity", act_ids[static_cast<std::size_t>(a)], "volume"},
                                 "total volume overflows");
    b.unit_costs = lm.direct_unit_costs();
    b.full_unit_costs = lm.support_solver().full_unit_costs(b.unit_costs);
    b.resource_needs = lm.consumption() * b.volumes;

    const vector activity_value = b.unit_costs.cwiseProduct(b.volumes) * minor;
    const vector resource_value = lm.prices().cwiseProduct(b.resource_needs) * minor;
    const vector goal_value = (plan.transpose() * b.full_unit_costs) * minor;
    const vector partner_value = lm.funding_shares() * activity_value;
    vector category_value = vector::Zero(static_cast<Eigen::Index>(lm.categories().size()));
    for (Eigen::Index r = 0; r < resource_value.size(); ++r)
        category_value[lm.resource_category()[static_cast<std::size_t>(r)]] += resource_value[r];

    // Name the line that overflows before the total does.
    auto check = [](const vector& v, const std::vector<std::string>& keys, const char* entity) {
        for (Eigen::Index i = 0; i < v.size(); ++i)
            if (!detail::computed_in_range(v[i]))
                detail::check_computed(v[i], {entity, keys[static_cast<std::size_t>(i)], "cost"});
    };
    check(activity_value, act_ids, "activity");
    check(resource_value, lm.resources().ids(), "resource");
    check(goal_value, lm.goals().ids(), "goal");
    b.total_value = detail::neumaier_sum(activity_value);
    b.total = round_to_money(b.total_value, options.rounding, {"budget", "", "total"});

    auto fill = [&](breakdown& out, const std::vector<std::string>& keys, const vector& values,
                    const char* entity) {
        out.keys = keys;
        out.values.assign(values.data(), values.data() + values.size());
        out.amounts = allocate_largest_remainder(b.total, out.values, [&](std::size_t i) {
            return error_location{entity, keys[i], "cost"};
        });
    };
    fill(b.by_activity, act_ids, activity_value, "activity");
    fill(b.by_resource, lm.resources().ids(), resource_value, "resource");
    fill(b.by_goal, lm.goals().ids(), goal_value, "goal");
    fill(b.by_partner, lm.partners().ids(), partner_value, "partner");
    fill(b.by_category, lm.categories(), category_value, "category");

    vector baseline(lm.goals().size());
    for (int g = 0; g < lm.goals().size(); ++g)
        baseline[g] = lm.source().goals[static_cast<std::size_t>(g)].baseline;
    b.projected =
        baseline + lm.effects() * (lm.has_levels() ? lm.effective_volumes(b.volumes) : b.volumes);
    for (int g = 0; g < lm.goals().size(); ++g)
        if (!std::isfinite(b.projected[g]))
            throw money_overflow(
                {"goal", lm.goals().ids()[static_cast<std::size_t>(g)], "projected"},
                "projected indicator overflows");

    const auto& src = lm.source();
    for (Eigen::Index a = 0; a < b.volumes.size(); ++a) {
        const auto& act = src.activities[static_cast<std::size_t>(a)];
        const double x = b.volumes[a];
        if (act.max && x > *act.max * (1 + 1e-12))
            b.warnings.push_back("activity '" + act.id + "': volume " + detail::short_number(x) +
                                 " exceeds max " + detail::short_number(*act.max));
        if (x < act.min * (1 - 1e-12))
            b.warnings.push_back("activity '" + act.id + "': volume " + detail::short_number(x) +
                                 " is below min " + detail::short_number(act.min));
    }
    for (Eigen::Index r = 0; r < b.resource_needs.size(); ++r) {
        const auto& res = src.resources[static_cast<std::size_t>(r)];
        if (!std::isfinite(b.resource_needs[r]))
            throw money_overflow({"resource", res.id, "need"}, "resource need overflows");
        if (res.available && b.resource_needs[r] > *res.available * (1 + 1e-12))
            b.warnings.push_back("resource '" + res.id + "': need " +
                                 detail::short_number(b.resource_needs[r]) +
                                 " exceeds availability " + detail::short_number(*res.available));
    }
    return b;
}

/// Computes the budget of the model's own plan.
inline budget compute_budget(const linked_model& lm, const budget_options& options = {}) {
    return compute_budget(lm, lm.plan(), options);
}

}  // namespace zbb
