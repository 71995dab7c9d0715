// zbb/budget.hpp - the bottom-up budget: volumes, costs by goal, activity, resource, partner.
#pragma once

#include <cmath>
#include <exception>
#include <string>
#include <vector>

#include "zbb/concurrency.hpp"
#include "zbb/linked_model.hpp"
#include "zbb/money.hpp"

namespace zbb {

/// Settings of a budget computation (passed explicitly; zbb has no global state).
struct budget_options {
    rounding_mode rounding =
        rounding_mode::half_even;  ///< for the total; parts by largest remainder
    /// Threads: 0 automatic (a second thread for large models when there is a second core), 1 this
    /// thread only, 2 or more a second thread always. The results are identical whichever is used.
    unsigned threads = 0;
};

/// One breakdown of the total: an exact amount per key and the computed value it was rounded from.
struct breakdown {
    key_list keys;               ///< the model's ids (shared with the model, not copied)
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
    /// Full cost per area (only when the model has areas, else no keys): each plan entry's
    /// u_a d_ag in the area of its pair (linked_model::entry_area); sums to the total like
    /// by_goal. Sub-areas are not included in their parent's amount (zbb/areas.hpp rolls up).
    breakdown by_area;

    dense_vector direct_volumes;   ///< d (activity)
    dense_vector volumes;          ///< x from (I - S) x = d (activity)
    dense_vector resource_needs;   ///< C x (resource)
    dense_vector unit_costs;       ///< direct unit cost c (activity), in currency units
    dense_vector full_unit_costs;  ///< u from (I - S)^T u = c (activity), in currency units
    dense_vector projected;        ///< baseline + E x (goal)

    /// Plain-language notes on a valid but questionable plan: volumes outside [min, max] and
    /// resource needs above availability.
    std::vector<std::string> warnings;
};

namespace detail {
inline double neumaier_sum(const dense_vector& v) {
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
    const Eigen::Index na = plan.rows();

    // d: row sums of the plan (one pass over its non-zeros).
    b.direct_volumes = dense_vector::Zero(na);
    for (int g = 0; g < plan.outerSize(); ++g)
        for (sparse_matrix::InnerIterator it(plan, g); it; ++it)
            b.direct_volumes[it.row()] += it.value();
    // Two independent halves at a time (volumes | unit costs, then resource side | activity
    // side); each half is the same sequential code either way, so the results are identical.
    const bool parallel = detail::use_second_thread(
        options.threads, static_cast<double>(plan.nonZeros() + lm.consumption().nonZeros() +
                                             lm.support().nonZeros() + lm.effects().nonZeros()) +
                             2.0 * static_cast<double>(na));
    detail::run_both(
        parallel,
        [&] {
            b.volumes = lm.support_solver().volumes(b.direct_volumes);
            for (Eigen::Index a = 0; a < na; ++a)
                if (!std::isfinite(b.volumes[a]))
                    throw money_overflow(
                        {"activity", act_ids[static_cast<std::size_t>(a)], "volume"},
                        "total volume overflows");
        },
        [&] {
            b.unit_costs = lm.direct_unit_costs();
            b.full_unit_costs = lm.support_solver().full_unit_costs(b.unit_costs);
        });

    const bool areas = lm.has_areas();
    dense_vector activity_value, resource_value, goal_value(plan.cols()), partner_value,
        category_value, area_value = dense_vector::Zero(areas ? lm.area_keys_index().size() : 0);
    detail::run_both(
        parallel,
        [&] {
            b.resource_needs = lm.consumption_by_resource() * b.volumes;
            resource_value = lm.prices().cwiseProduct(b.resource_needs) * minor;
            category_value = dense_vector::Zero(static_cast<Eigen::Index>(lm.categories().size()));
            for (Eigen::Index r = 0; r < resource_value.size(); ++r)
                category_value[lm.resource_category()[static_cast<std::size_t>(r)]] +=
                    resource_value[r];
        },
        [&] {
            activity_value = b.unit_costs.cwiseProduct(b.volumes) * minor;
            for (int g = 0; g < plan.outerSize(); ++g) {  // u^T d_g per goal
                double v = 0;
                for (sparse_matrix::InnerIterator it(plan, g); it; ++it) {
                    const double cost = it.value() * b.full_unit_costs[it.row()];
                    v += cost;
                    if (areas) area_value[lm.entry_area(static_cast<int>(it.row()), g)] += cost;
                }
                goal_value[g] = v * minor;
            }
            area_value *= minor;
            partner_value = lm.funding_shares() * activity_value;
            b.projected =
                lm.baselines() +
                lm.effects() * (lm.has_levels() ? lm.effective_volumes(b.volumes) : b.volumes);
        });

    // Name the line that overflows before the total does.
    auto check = [](const dense_vector& v, const std::vector<std::string>& keys,
                    const char* entity) {
        for (Eigen::Index i = 0; i < v.size(); ++i)
            if (!detail::computed_in_range(v[i]))
                detail::check_computed(v[i], {entity, keys[static_cast<std::size_t>(i)], "cost"});
    };
    check(activity_value, act_ids, "activity");
    check(resource_value, lm.resources().ids(), "resource");
    check(goal_value, lm.goals().ids(), "goal");
    b.total_value = detail::neumaier_sum(activity_value);
    b.total = round_to_money(b.total_value, options.rounding, {"budget", "", "total"});

    // The breakdowns, split from the total; an error is the one of the first breakdown in the
    // order activity, resource, goal, partner, category, area.
    auto fill = [&](breakdown& out, key_list keys, const dense_vector& values, const char* entity) {
        out.values.assign(values.data(), values.data() + values.size());
        out.amounts = allocate_largest_remainder(b.total, out.values, [&](std::size_t i) {
            return error_location{entity, keys[i], "cost"};
        });
        out.keys = std::move(keys);
    };
    std::exception_ptr error[6];
    auto attempt = [&](std::exception_ptr& e, auto&& f) {
        try {
            f();
        } catch (...) {
            e = std::current_exception();
        }
    };
    detail::run_both(
        parallel,
        [&] {
            attempt(error[0],
                    [&] { fill(b.by_activity, lm.activity_keys(), activity_value, "activity"); });
            attempt(error[3],
                    [&] { fill(b.by_partner, lm.partner_keys(), partner_value, "partner"); });
        },
        [&] {
            attempt(error[1],
                    [&] { fill(b.by_resource, lm.resource_keys(), resource_value, "resource"); });
            attempt(error[2], [&] { fill(b.by_goal, lm.goal_keys(), goal_value, "goal"); });
            attempt(error[4],
                    [&] { fill(b.by_category, lm.category_keys(), category_value, "category"); });
            if (areas)
                attempt(error[5], [&] { fill(b.by_area, lm.area_keys(), area_value, "area"); });
        });
    for (const auto& e : error)
        if (e) std::rethrow_exception(e);

    for (int g = 0; g < lm.goals().size(); ++g)
        if (!std::isfinite(b.projected[g]))
            throw money_overflow(
                {"goal", lm.goals().ids()[static_cast<std::size_t>(g)], "projected"},
                "projected indicator overflows");

    const auto& lo = lm.activity_min();
    const auto& hi = lm.activity_max();
    for (Eigen::Index a = 0; a < na; ++a) {
        const double x = b.volumes[a];
        if (x > hi[a] * (1 + 1e-12))
            b.warnings.push_back("activity '" + act_ids[static_cast<std::size_t>(a)] +
                                 "': volume " + detail::short_number(x) + " exceeds max " +
                                 detail::short_number(hi[a]));
        if (x < lo[a] * (1 - 1e-12))
            b.warnings.push_back("activity '" + act_ids[static_cast<std::size_t>(a)] +
                                 "': volume " + detail::short_number(x) + " is below min " +
                                 detail::short_number(lo[a]));
    }
    const auto& available = lm.resource_available();
    const auto& res_ids = lm.resources().ids();
    for (Eigen::Index r = 0; r < b.resource_needs.size(); ++r) {
        if (!std::isfinite(b.resource_needs[r]))
            throw money_overflow({"resource", res_ids[static_cast<std::size_t>(r)], "need"},
                                 "resource need overflows");
        if (b.resource_needs[r] > available[r] * (1 + 1e-12))
            b.warnings.push_back("resource '" + res_ids[static_cast<std::size_t>(r)] + "': need " +
                                 detail::short_number(b.resource_needs[r]) +
                                 " exceeds availability " + detail::short_number(available[r]));
    }
    return b;
}

/// Computes the budget of the model's own plan.
inline budget compute_budget(const linked_model& lm, const budget_options& options = {}) {
    return compute_budget(lm, lm.plan(), options);
}

}  // namespace zbb
