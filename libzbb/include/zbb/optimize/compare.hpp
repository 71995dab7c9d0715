// zbb/optimize/compare.hpp - variants compared on the optimiser's plans (zbb::optimize): each
// column's plan is the least-cost or max-effect plan of its changed model (zbb compare
// --objective least-cost|max-effect). A column without an optimal plan gets the status (for
// example "infeasible") and no amounts. The comparison itself is zbb/compare.hpp's.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "zbb/compare.hpp"
#include "zbb/linked_model.hpp"
#include "zbb/optimize.hpp"
#include "zbb/optimize/types.hpp"
#include "zbb/variant.hpp"

namespace zbb {

/// The outcome of one column from an optimisation: the optimal plan's budget (status "ok"), or
/// the optimiser's status ("infeasible", "unbounded", "time_limit", "error") and message.
inline compare_outcome outcome_of(optimize_result r) {
    compare_outcome o;
    if (r.optimal() && r.budget) {
        o.result = std::move(*r.budget);
    } else {
        o.status = std::string(to_string(r.status));
        o.message = r.message;
    }
    return o;
}

/// Compares `base` and its variants on the optimiser's plans: column i is
/// optimize(apply_variant(base, v_i), objective, options) (options.report is the rounding of
/// each plan's budget). Names and errors as compare_variants.
inline comparison compare_optimized(const linked_model& base, const std::vector<variant>& variants,
                                    optimize_objective objective,
                                    const optimize_options& options = {},
                                    const compare_options& compare = {}) {
    return compare_variants(
        base, variants,
        [&](const linked_model& m) { return outcome_of(optimize(m, objective, options)); },
        compare);
}

}  // namespace zbb
