// zbb/simulate.hpp - Monte Carlo over the ranges of a model (docs/simulate.md): per draw every
// uncertain coefficient (an effects, consumption or support row with low and high, a resource
// with price_low and price_high) takes a value from its range, and the model's own plan is
// costed and projected with those values. Per goal the distribution of the projected indicator
// and the share of draws that reach the target; the distribution of the total cost.
//
// Determinism: the uniform of a coefficient in a draw is a pure function of (seed, draw, the
// coefficient's identity) through Philox4x32-10 (zbb/random.hpp), and every statistic is computed
// from the per-draw results in draw order, so the result is bit-identical whatever the thread
// count, the executor or the split of the draws into tasks. The identity (table and ids, not the
// row's position) keys the stream, so the base and its variants see the same draws of every
// coefficient they share (common random numbers), even when a variant adds or removes rows.
//
// Cost per draw: the support system is factorised once (linked_model). With S certain the total
// volumes x are the same in every draw and a draw costs O(uncertain coefficients). With uncertain
// support coefficients the drawn S differs from the likely S0 in k supplier rows (k = suppliers
// with a ranged row): (I - S0 - U W) x = d is solved by the Sherman-Morrison-Woodbury identity
// with the reused factorisation, x = x0 + Z (I - W Z)^-1 W x0, Z = (I - S0)^-1 U computed once
// (k solves), a k x k solve per draw. Above max_update_rank suppliers the drawn S is factorised
// anew per draw.
#pragma once

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <exception>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "zbb/compare.hpp"
#include "zbb/goals.hpp"
#include "zbb/linked_model.hpp"
#include "zbb/money.hpp"
#include "zbb/random.hpp"
#include "zbb/random_batch.hpp"
#include "zbb/variant.hpp"

namespace zbb {

/// The most draws of one simulation (each draw keeps its total and every goal's projection).
inline constexpr std::uint64_t max_simulation_draws = 100'000'000;
/// The largest seed: 2^63 - 1 (a JSON integer every reader takes exactly).
inline constexpr std::uint64_t max_simulation_seed = 9'223'372'036'854'775'807ull;

/// Settings of a simulation (passed explicitly; zbb has no global state).
struct simulate_options {
    std::uint64_t draws = 1000;                         ///< number of draws (at least 1)
    std::uint64_t seed = 0;                             ///< key of the random streams
    range_shape shape = range_shape::triangular;        ///< distribution of every range
    rounding_mode rounding = rounding_mode::half_even;  ///< each draw's total, and the mean
    /// Threads: 0 one per core, 1 this thread only. The results are identical whichever is used.
    unsigned threads = 0;
    /// With uncertain support coefficients: the most supplier rows with ranges for which the
    /// drawn system is solved by a low-rank update of the likely factorisation; above it the
    /// drawn S is factorised per draw.
    int max_update_rank = 64;
    /// Called after each batch of draws with (draws done, draws in all), from the calling thread.
    std::function<void(std::uint64_t, std::uint64_t)> progress{};
};

/// Which table an uncertain coefficient sits in.
enum class coefficient_kind { effect, consumption, support, price };

/// One coefficient with a range, in model order: effects rows, consumption rows, support rows,
/// then resources with a price range.
struct uncertain_coefficient {
    coefficient_kind kind = coefficient_kind::effect;
    std::string id;   ///< the row ("G1 -> A1", "A1 -> R1", "S1 -> A1") or the resource id
    int row = 0;      ///< goal (effects), resource (consumption, price), supplier (support)
    int column = -1;  ///< activity (consumer for support); -1 for a price
    double low = 0, likely = 0, high = 0;
    std::uint64_t stream = 0;  ///< the coefficient's random stream (coefficient_stream)

    /// "effects", "consumption", "support" or "resource".
    std::string_view table() const noexcept {
        switch (kind) {
            case coefficient_kind::effect:
                return "effects";
            case coefficient_kind::consumption:
                return "consumption";
            case coefficient_kind::support:
                return "support";
            case coefficient_kind::price:
                return "resource";
        }
        return "effects";
    }
    /// "per_unit", or "price" for a resource.
    std::string_view field() const noexcept {
        return kind == coefficient_kind::price ? "price" : "per_unit";
    }
};

/// The random stream of a coefficient: a 64-bit hash (FNV-1a, then a final mix) of its table and
/// ids, separated by 0x1F. The same coefficient has the same stream in every model and variant.
inline std::uint64_t coefficient_stream(std::string_view table, std::string_view first,
                                        std::string_view second) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    auto add = [&h](std::string_view s) {
        for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
        h = (h ^ 0x1Fu) * 0x100000001b3ull;
    };
    add(table);
    add(first);
    add(second);
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebull;
    h ^= h >> 31;
    return h;
}

/// The per-draw results of one model (a variant, or the base) over draws first..first+count-1:
/// each draw's total cost in minor units and each goal's projected indicator (draw-major). Made
/// by simulator::run, anywhere (an executor's worker), and joined by assemble_simulation.
struct simulation_column {
    std::string name;
    std::uint64_t first_draw = 0;
    std::string currency = "EUR";
    int minor_digits = 2;
    std::vector<std::string> goals;  ///< goal ids in model order
    std::vector<double> baselines, targets;
    std::vector<std::int64_t> totals;  ///< per draw, exact minor units
    std::vector<double> projected;     ///< per draw, one per goal

    std::uint64_t draws() const noexcept { return totals.size(); }
};

namespace detail {
inline double neumaier_add(double& s, double& c, double v) {
    const double t = s + v;
    c += std::fabs(s) >= std::fabs(v) ? (s - t) + v : (v - t) + s;
    s = t;
    return s;
}
}  // namespace detail

/// A model prepared for simulation: its uncertain coefficients, the likely volumes, resource
/// needs and projections, and (with uncertain support) the low-rank update. Immutable; run() and
/// evaluate() may be called from any number of threads.
class simulator {
  public:
    /// Work arrays of one thread.
    struct workspace {
        std::vector<double> values, prices, need, projected, x, xeff, wx, y;
        Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> update;
    };

    /// `simd`: the widest lanes the draws may use (zbb/random_batch.hpp; the numbers are the same
    /// at every level); above detected_simd_level() the detected level is used.
    simulator(linked_model lm, range_shape shape, int max_update_rank = 64,
              simd_level simd = detected_simd_level())
        : lm_(std::move(lm)), shape_(shape) {
        const auto& plan = lm_.plan();
        const int na = lm_.activities().size();
        d_ = dense_vector::Zero(na);
        for (int g = 0; g < plan.outerSize(); ++g)
            for (sparse_matrix::InnerIterator it(plan, g); it; ++it) d_[it.row()] += it.value();
        d_largest_ = na > 0 ? d_.cwiseAbs().maxCoeff() : 0.0;
        x0_ = lm_.support_solver().volumes(d_);
        for (Eigen::Index a = 0; a < x0_.size(); ++a)
            if (!std::isfinite(x0_[a]))
                throw money_overflow(
                    {"activity", lm_.activities().ids()[static_cast<std::size_t>(a)], "volume"},
                    "total volume overflows");
        xeff0_ = lm_.has_levels() ? lm_.effective_volumes(x0_) : x0_;
        need0_ = lm_.consumption_by_resource() * x0_;
        projected0_ = lm_.baselines() + lm_.effects() * xeff0_;
        minor_ = std::pow(10.0, lm_.currency().minor_digits);
        collect_coefficients();
        if (!support_rows_.empty()) prepare_support(max_update_rank);
        simd_ = std::min(simd, detected_simd_level());
    }

    const linked_model& model() const noexcept { return lm_; }
    range_shape shape() const noexcept { return shape_; }
    const std::vector<uncertain_coefficient>& coefficients() const noexcept { return coefs_; }
    /// How the drawn support systems are solved: "certain" (S has no ranges), "low-rank update"
    /// or "factorised per draw".
    std::string_view support_method() const noexcept {
        return support_rows_.empty() ? "certain"
                                     : (refactorise_ ? "factorised per draw" : "low-rank update");
    }
    /// Supplier rows of S with at least one range (the rank of the update).
    int update_rank() const noexcept { return static_cast<int>(suppliers_.size()); }

    /// The coefficients' values in `draw`: each its range's quantile at its own uniform (the
    /// uniforms and triangular quantiles in lanes, zbb/random_batch.hpp: the same numbers).
    void draw_values(const random_streams& streams, std::uint64_t draw,
                     std::vector<double>& values) const {
        const std::size_t n = coefs_.size();
        values.resize(n);
        uniforms_for(streams, draw, streams_.data(), n, values.data(), simd_);
        if (shape_ == range_shape::triangular) {
            triangular_quantiles(n, low_.data(), likely_.data(), high_.data(), values.data(),
                                 values.data(), simd_);
        } else {
            for (std::size_t i = 0; i < n; ++i)
                values[i] = pert_quantile(low_[i], likely_[i], high_[i], values[i]);
        }
    }

    /// The total cost (minor units, before rounding) and the projected indicators (one per goal,
    /// into `projected`) with the coefficients at `values` (one per coefficients() entry).
    double evaluate(std::span<const double> values, workspace& w, double* projected) const {
        const std::size_t ng = static_cast<std::size_t>(lm_.goals().size());
        const double* x = x0_.data();
        const double* xeff = xeff0_.data();
        w.need.assign(need0_.data(), need0_.data() + need0_.size());
        std::copy(projected0_.data(), projected0_.data() + ng, projected);
        if (!support_rows_.empty()) {
            solve_drawn_support(values, w, projected);
            x = w.x.data();
            xeff = w.xeff.data();
        }
        w.prices.assign(lm_.prices().data(), lm_.prices().data() + lm_.prices().size());
        // coefs_ holds effects, consumption, support, then prices: one loop per kind.
        for (std::size_t i = 0; i < end_effects_; ++i)
            projected[rows_[i]] += (values[i] - likely_[i]) * xeff[columns_[i]];
        for (std::size_t i = end_effects_; i < end_consumption_; ++i)
            w.need[static_cast<std::size_t>(rows_[i])] += (values[i] - likely_[i]) * x[columns_[i]];
        for (std::size_t i = end_support_; i < coefs_.size(); ++i)
            w.prices[static_cast<std::size_t>(rows_[i])] = values[i];
        double s = 0, comp = 0;
        for (std::size_t r = 0; r < w.need.size(); ++r)
            detail::neumaier_add(s, comp, w.prices[r] * w.need[r] * minor_);
        return s + comp;
    }

    /// Simulates draws first..first+count-1 (seeded by `seed`) as the column `name`. An error in a
    /// draw is rethrown with "draw N: " before its message; with several, the lowest draw's.
    simulation_column run(
        std::string name, std::uint64_t seed, std::uint64_t first, std::uint64_t count,
        rounding_mode rounding, unsigned threads = 1,
        const std::function<void(std::uint64_t, std::uint64_t)>& progress = {}) const {
        simulation_column col;
        col.name = std::move(name);
        col.first_draw = first;
        col.currency = lm_.currency().code;
        col.minor_digits = lm_.currency().minor_digits;
        col.goals = lm_.goals().ids();
        for (const auto& g : lm_.view().goals) {
            col.baselines.push_back(g.baseline);
            col.targets.push_back(g.target);
        }
        const std::size_t ng = col.goals.size();
        col.totals.resize(static_cast<std::size_t>(count));
        col.projected.resize(static_cast<std::size_t>(count) * ng);
        const random_streams streams(seed);
        unsigned n = threads == 0 ? std::max(1u, std::thread::hardware_concurrency()) : threads;
        if (count < 2 * static_cast<std::uint64_t>(n)) n = 1;
        std::vector<workspace> work(n);
        struct failure {
            std::uint64_t draw = UINT64_MAX;
            std::exception_ptr error;
        };
        std::vector<failure> failed(n);
        auto run_range = [&](std::uint64_t begin, std::uint64_t end, unsigned t) {
            auto& w = work[t];
            for (std::uint64_t k = begin; k < end; ++k) {
                const std::uint64_t draw = first + k;
                try {
                    draw_values(streams, draw, w.values);
                    double* proj = col.projected.data() + k * ng;
                    const double total = evaluate(w.values, w, proj);
                    for (std::size_t g = 0; g < ng; ++g)
                        if (!std::isfinite(proj[g]))
                            throw money_overflow({"goal", col.goals[g], "projected"},
                                                 "projected indicator overflows");
                    const money m =
                        round_to_money(total, rounding, {"simulation", col.name, "total"});
                    col.totals[k] = static_cast<std::int64_t>(m.minor_units());
                } catch (...) {
                    failed[t] = {draw, std::current_exception()};
                    return;
                }
            }
        };
        const std::uint64_t batch = std::max<std::uint64_t>(4096, count / 64);
        for (std::uint64_t begin = 0; begin < count; begin += batch) {
            const std::uint64_t end = std::min(count, begin + batch);
            if (n == 1) {
                run_range(begin, end, 0);
            } else {
                std::vector<std::thread> pool;
                const std::uint64_t len = end - begin;
                for (unsigned t = 1; t < n; ++t)
                    pool.emplace_back(run_range, begin + len * t / n, begin + len * (t + 1) / n, t);
                run_range(begin, begin + len / n, 0);
                for (auto& th : pool) th.join();
            }
            const failure* worst = nullptr;
            for (const auto& f : failed)
                if (f.error && (!worst || f.draw < worst->draw)) worst = &f;
            if (worst) {
                try {
                    std::rethrow_exception(worst->error);
                } catch (...) {
                    rethrow_with_context("draw " + std::to_string(worst->draw));
                }
            }
            if (progress) progress(end, count);
        }
        return col;
    }

  private:
    void collect_coefficients() {
        const auto v = lm_.view();
        const auto& goals = lm_.goals();
        const auto& acts = lm_.activities();
        const auto& res = lm_.resources();
        auto add = [&](coefficient_kind kind, std::string id, int row, int column, double low,
                       double likely, double high, std::uint64_t stream) {
            uncertain_coefficient c;
            c.kind = kind;
            c.id = std::move(id);
            c.row = row;
            c.column = column;
            c.low = low;
            c.likely = likely;
            c.high = high;
            c.stream = stream;
            coefs_.push_back(std::move(c));
            rows_.push_back(row);
            columns_.push_back(column);
            low_.push_back(low);
            likely_.push_back(likely);
            high_.push_back(high);
            streams_.push_back(stream);
        };
        for (const auto& e : v.effects)
            if (e.low && e.high && *e.low != *e.high)
                add(coefficient_kind::effect, pair_id(e.goal, e.activity), goals.find(e.goal),
                    acts.find(e.activity), *e.low, e.per_unit, *e.high,
                    coefficient_stream("effects", e.goal, e.activity));
        end_effects_ = coefs_.size();
        for (const auto& c : v.consumption)
            if (c.low && c.high && *c.low != *c.high)
                add(coefficient_kind::consumption, pair_id(c.activity, c.resource),
                    res.find(c.resource), acts.find(c.activity), *c.low, c.per_unit, *c.high,
                    coefficient_stream("consumption", c.activity, c.resource));
        end_consumption_ = coefs_.size();
        for (const auto& s : v.support)
            if (s.low && s.high && *s.low != *s.high) {
                support_rows_.push_back(coefs_.size());
                add(coefficient_kind::support, pair_id(s.supplier, s.consumer),
                    acts.find(s.supplier), acts.find(s.consumer), *s.low, s.per_unit, *s.high,
                    coefficient_stream("support", s.supplier, s.consumer));
            }
        end_support_ = coefs_.size();
        for (const auto& r : v.resources)
            if (r.price_low && r.price_high && *r.price_low != *r.price_high)
                add(coefficient_kind::price, r.id, res.find(r.id), -1, r.price_low->to_double(),
                    r.price.to_double(), r.price_high->to_double(),
                    coefficient_stream("resource", r.id, "price"));
    }

    void prepare_support(int max_update_rank) {
        std::vector<int> slot(static_cast<std::size_t>(lm_.activities().size()), -1);
        for (auto i : support_rows_) {
            const int s = coefs_[i].row;
            if (slot[static_cast<std::size_t>(s)] < 0) {
                slot[static_cast<std::size_t>(s)] = static_cast<int>(suppliers_.size());
                suppliers_.push_back(s);
            }
            support_slot_.push_back(slot[static_cast<std::size_t>(s)]);
        }
        const Eigen::Index k = static_cast<Eigen::Index>(suppliers_.size());
        refactorise_ = k > max_update_rank;
        if (refactorise_) {
            // Where each uncertain entry sits among S's stored values.
            const auto& S = lm_.support();
            for (auto i : support_rows_) {
                const auto& c = coefs_[i];
                Eigen::Index at = -1;
                for (Eigen::Index e = S.outerIndexPtr()[c.column];
                     e < S.outerIndexPtr()[c.column + 1]; ++e)
                    if (S.innerIndexPtr()[e] == c.row) at = e;
                support_value_at_.push_back(at);
            }
            return;
        }
        const Eigen::Index na = x0_.size();
        Z_.resize(na, k);
        for (Eigen::Index t = 0; t < k; ++t) {
            dense_vector e = dense_vector::Zero(na);
            e[suppliers_[static_cast<std::size_t>(t)]] = 1.0;
            Z_.col(t) = lm_.support_solver().volumes(e);
        }
        // Row j of Z is U[j,:] + sum over j's consumers c of S0[j,c] Z[c,:]: zero unless j supplies
        // someone. Only those rows (the support activities) are kept, exactly zero elsewhere, so a
        // draw touches the update only for entries whose consumer is itself a support activity,
        // and only the support activities' volumes change.
        const auto& S = lm_.support();
        std::vector<char> live(static_cast<std::size_t>(na), 0);
        for (Eigen::Index e = 0; e < S.nonZeros(); ++e)
            if (S.valuePtr()[e] != 0.0) live[static_cast<std::size_t>(S.innerIndexPtr()[e])] = 1;
        for (int s : suppliers_) live[static_cast<std::size_t>(s)] = 1;
        for (Eigen::Index j = 0; j < na; ++j) {
            if (live[static_cast<std::size_t>(j)])
                live_rows_.push_back(j);
            else
                Z_.row(j).setZero();
        }
        for (auto i : support_rows_)
            consumer_live_.push_back(live[static_cast<std::size_t>(coefs_[i].column)]);
        CZ_ = lm_.consumption_by_resource() * Z_;
        if (!lm_.has_levels()) EZ_ = lm_.effects() * Z_;
    }

    // x (and xeff, the need and the projections) with the drawn support coefficients.
    void solve_drawn_support(std::span<const double> values, workspace& w,
                             double* projected) const {
        const Eigen::Index na = x0_.size();
        const auto& ids = lm_.activities().ids();
        if (refactorise_) {
            sparse_matrix S = lm_.support();
            for (std::size_t j = 0; j < support_rows_.size(); ++j) {
                const auto at = support_value_at_[j];
                if (at >= 0) S.valuePtr()[at] = values[support_rows_[j]];
            }
            const support_system sys(S, ids, lm_.options().support);
            const dense_vector x = sys.volumes(d_);
            w.x.assign(x.data(), x.data() + na);
        } else {
            const Eigen::Index k = Z_.cols();
            w.wx.assign(static_cast<std::size_t>(k), 0.0);
            w.update.setIdentity(k, k);
            for (std::size_t j = 0; j < support_rows_.size(); ++j) {
                const auto& c = coefs_[support_rows_[j]];
                const double delta = values[support_rows_[j]] - c.likely;
                const int t = support_slot_[j];
                w.wx[static_cast<std::size_t>(t)] += delta * x0_[c.column];
                if (!consumer_live_[j]) continue;  // Z's row of this consumer is zero
                double* row = w.update.data() + static_cast<Eigen::Index>(t) * k;
                const double* z = Z_.data() + static_cast<Eigen::Index>(c.column) * k;
                for (Eigen::Index i = 0; i < k; ++i) row[i] -= delta * z[i];
            }
            const Eigen::Map<const dense_vector> wx(w.wx.data(), k);
            const dense_vector y = w.update.partialPivLu().solve(wx);
            w.y.assign(y.data(), y.data() + k);
            w.x.assign(x0_.data(), x0_.data() + na);
            for (const Eigen::Index r : live_rows_)
                w.x[static_cast<std::size_t>(r)] += Z_.row(r).dot(y);
        }
        double largest = 0;
        for (double v : w.x) largest = std::max(largest, std::fabs(v));
        const bool amplified =
            largest > support_system::max_amplification * std::max(1.0, d_largest_);
        for (Eigen::Index a = 0; a < na; ++a) {
            const double v = w.x[static_cast<std::size_t>(a)];
            if (!std::isfinite(v) || v < -1e-9 * std::max(1.0, largest) || amplified)
                throw support_loop_error(
                    {ids[static_cast<std::size_t>(a)]},
                    "with the drawn support coefficients (I - S) x = d has no finite non-negative "
                    "solution: the support loop through this activity feeds itself");
            if (v < 0) w.x[static_cast<std::size_t>(a)] = 0;
        }
        const Eigen::Map<const dense_vector> x(w.x.data(), na);
        if (lm_.has_levels()) {
            const dense_vector xeff = lm_.effective_volumes(x);
            w.xeff.assign(xeff.data(), xeff.data() + na);
        } else {
            w.xeff = w.x;
        }
        const Eigen::Map<const dense_vector> xeff(w.xeff.data(), na);
        const std::size_t ng = static_cast<std::size_t>(lm_.goals().size());
        if (!refactorise_) {
            const Eigen::Map<const dense_vector> y(w.y.data(),
                                                   static_cast<Eigen::Index>(w.y.size()));
            const dense_vector need = need0_ + CZ_ * y;
            w.need.assign(need.data(), need.data() + need.size());
            if (!lm_.has_levels()) {
                const dense_vector p = projected0_ + EZ_ * y;
                std::copy(p.data(), p.data() + ng, projected);
                return;
            }
        } else {
            const dense_vector need = lm_.consumption_by_resource() * x;
            w.need.assign(need.data(), need.data() + need.size());
        }
        const dense_vector p = lm_.baselines() + lm_.effects() * xeff;
        std::copy(p.data(), p.data() + ng, projected);
    }

    linked_model lm_;
    range_shape shape_;
    double minor_ = 100, d_largest_ = 0;
    dense_vector d_, x0_, xeff0_, need0_, projected0_;
    std::vector<uncertain_coefficient> coefs_;
    // The same coefficients packed for the draws: rows, columns, ranges and streams, and where
    // each kind ends in coefs_.
    std::vector<int> rows_, columns_;
    std::vector<double> low_, likely_, high_;
    std::vector<std::uint64_t> streams_;
    std::size_t end_effects_ = 0, end_consumption_ = 0, end_support_ = 0;
    simd_level simd_ = simd_level::scalar;
    // Uncertain support: the coefficients' indices, their supplier's slot in the update, the
    // suppliers, and Z = (I - S0)^-1 U with C Z and E Z (or the stored positions in S).
    std::vector<std::size_t> support_rows_;
    std::vector<int> support_slot_, suppliers_;
    std::vector<Eigen::Index> support_value_at_;
    std::vector<Eigen::Index> live_rows_;  // activities that supply someone: Z's nonzero rows
    std::vector<char> consumer_live_;      // per uncertain support entry: its consumer is live
    bool refactorise_ = false;
    // Z by rows: a draw reads the rows of the consumers of its uncertain entries.
    Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> Z_;
    Eigen::MatrixXd CZ_, EZ_;
};

// ------------------------------------------------------------------------------------------------
// Statistics

/// Mean and nearest-rank percentiles of the total cost, exact.
struct money_statistics {
    money mean, p5, p50, p95;
};
/// Mean and nearest-rank percentiles of a projected indicator.
struct value_statistics {
    double mean = 0, p5 = 0, p50 = 0, p95 = 0;
};
/// One goal of one simulated model.
struct goal_simulation {
    std::string id;
    double baseline = 0, target = 0;
    double p_reach = 0;  ///< share of draws in which the goal is reached (zbb/goals.hpp)
    value_statistics projected;
};
/// One simulated model (the base or a variant).
struct variant_simulation {
    std::string name;
    money_statistics total;
    std::vector<goal_simulation> goals;
};
/// A simulation: the draws, seed and shape, and one entry per model, the base first.
struct simulation {
    std::uint64_t draws = 0, seed = 0;
    range_shape shape = range_shape::triangular;
    std::string currency = "EUR";
    int minor_digits = 2;
    std::vector<variant_simulation> variants;
    std::vector<simulation_column> columns;  ///< the per-draw results, one per entry
};

namespace detail {
/// The nearest-rank percentile position (0-based) of p percent of n sorted values: ceil(p n / 100)
/// - 1, at least 0.
inline std::size_t nearest_rank(std::size_t n, unsigned p) {
    const std::uint64_t r = (static_cast<std::uint64_t>(p) * n + 99) / 100;
    return r == 0 ? 0 : static_cast<std::size_t>(r - 1);
}
/// num / den (den > 0) rounded to an integer in `mode`, exactly.
inline int128 divide_rounded(const int128& num, const int128& den, rounding_mode mode) {
    int128 q = num / den, r = num % den;  // truncated toward zero
    if (r == 0) return q;
    if (r < 0) {  // floor division
        q -= 1;
        r += den;
    }
    const int128 twice = 2 * r;
    const bool above = twice > den, tie = twice == den;
    switch (mode) {
        case rounding_mode::floor:
            return q;
        case rounding_mode::ceiling:
            return q + 1;
        case rounding_mode::toward_zero:
            return q < 0 ? q + 1 : q;
        case rounding_mode::away_from_zero:
            return q < 0 ? q : q + 1;
        case rounding_mode::half_up:
            return above || (tie && q >= 0) ? q + 1 : q;
        case rounding_mode::half_down:
            return above || (tie && q < 0) ? q + 1 : q;
        case rounding_mode::half_even:
            return above || (tie && q % 2 != 0) ? q + 1 : q;
    }
    return q;
}
template <class T>
void percentiles(std::vector<T> v, T& p5, T& p50, T& p95) {
    const std::size_t n = v.size();
    std::sort(v.begin(), v.end());
    p5 = v[nearest_rank(n, 5)];
    p50 = v[nearest_rank(n, 50)];
    p95 = v[nearest_rank(n, 95)];
}
}  // namespace detail

/// The statistics of a column of `draws` draws: the mean cost rounded in `rounding`, quantiles by
/// the nearest-rank rule (the ceil(p N / 100)-th smallest), p_reach by progress_toward.
inline variant_simulation summarise_column(const simulation_column& c, rounding_mode rounding) {
    variant_simulation v;
    v.name = c.name;
    const std::size_t n = c.totals.size(), ng = c.goals.size();
    if (n == 0) throw std::invalid_argument("zbb: a simulation needs at least one draw");
    int128 sum = 0;
    for (auto t : c.totals) sum += t;
    v.total.mean = money::from_minor(detail::divide_rounded(sum, int128(n), rounding));
    std::int64_t p5 = 0, p50 = 0, p95 = 0;
    detail::percentiles(c.totals, p5, p50, p95);
    v.total.p5 = money::from_minor(p5);
    v.total.p50 = money::from_minor(p50);
    v.total.p95 = money::from_minor(p95);
    std::vector<double> values(n);
    for (std::size_t g = 0; g < ng; ++g) {
        goal_simulation gs;
        gs.id = c.goals[g];
        gs.baseline = c.baselines[g];
        gs.target = c.targets[g];
        double s = 0, comp = 0;
        std::uint64_t reached = 0;
        for (std::size_t k = 0; k < n; ++k) {
            const double p = c.projected[k * ng + g];
            values[k] = p;
            detail::neumaier_add(s, comp, p);
            if (progress_toward(gs.baseline, gs.target, p).reached) ++reached;
        }
        gs.projected.mean = (s + comp) / static_cast<double>(n);
        detail::percentiles(values, gs.projected.p5, gs.projected.p50, gs.projected.p95);
        gs.p_reach = static_cast<double>(reached) / static_cast<double>(n);
        v.goals.push_back(std::move(gs));
    }
    return v;
}

/// Joins the columns of a simulation made in pieces (chunks of draws, in any order) into one
/// simulation of `draws` draws: per name (in order of first appearance, the first named "base")
/// the chunks must tile draws 0..draws-1 exactly and agree on the goals. Throws model_error
/// otherwise.
inline simulation assemble_simulation(std::uint64_t draws, std::uint64_t seed, range_shape shape,
                                      std::vector<simulation_column> chunks,
                                      rounding_mode rounding) {
    using detail::fail;
    if (draws == 0) fail({"option", "", "draws"}, "must be at least 1");
    if (chunks.empty() || chunks.front().name != "base")
        fail({"simulation", "", "columns"}, "the first column must be the base model's, \"base\"");
    std::vector<std::string> names;
    for (const auto& c : chunks)
        if (std::find(names.begin(), names.end(), c.name) == names.end()) names.push_back(c.name);
    simulation s;
    s.draws = draws;
    s.seed = seed;
    s.shape = shape;
    s.currency = chunks.front().currency;
    s.minor_digits = chunks.front().minor_digits;
    for (const auto& name : names) {
        std::vector<simulation_column*> parts;
        for (auto& c : chunks)
            if (c.name == name) parts.push_back(&c);
        std::sort(parts.begin(), parts.end(),
                  [](const auto* a, const auto* b) { return a->first_draw < b->first_draw; });
        simulation_column whole;
        whole.name = name;
        whole.currency = parts.front()->currency;
        whole.minor_digits = parts.front()->minor_digits;
        whole.goals = parts.front()->goals;
        whole.baselines = parts.front()->baselines;
        whole.targets = parts.front()->targets;
        std::uint64_t next = 0;
        for (const auto* p : parts) {
            if (p->first_draw != next)
                fail({"simulation", name, "draws"},
                     "the chunks do not cover draws 0.." + std::to_string(draws - 1) +
                         " exactly once (draw " + std::to_string(next) + " is " +
                         (p->first_draw > next ? "missing" : "given twice") + ")");
            if (p->goals != whole.goals || p->baselines != whole.baselines ||
                p->targets != whole.targets || p->minor_digits != whole.minor_digits ||
                p->currency != whole.currency)
                fail({"simulation", name, "goals"}, "the chunks disagree on the goals");
            if (p->projected.size() != p->totals.size() * whole.goals.size())
                fail({"simulation", name, "projected"}, "a chunk has the wrong number of values");
            whole.totals.insert(whole.totals.end(), p->totals.begin(), p->totals.end());
            whole.projected.insert(whole.projected.end(), p->projected.begin(), p->projected.end());
            next += p->draws();
        }
        if (next != draws)
            fail({"simulation", name, "draws"}, "the chunks cover " + std::to_string(next) +
                                                    " draws, not " + std::to_string(draws));
        if (whole.minor_digits != s.minor_digits || whole.currency != s.currency)
            fail({"simulation", name, "currency"}, "the columns disagree on the currency");
        s.variants.push_back(summarise_column(whole, rounding));
        s.columns.push_back(std::move(whole));
    }
    return s;
}

/// The simulators of the base model and its variants, in order (names "base", then each
/// variant's). Each variant is applied to the base (apply_variant) and simulated under its own
/// plan. Names must be unique and never "base" (check_column_names).
inline std::vector<std::pair<std::string, simulator>> make_simulators(
    const linked_model& base, const std::vector<variant>& variants, const simulate_options& o) {
    detail::check_column_names(variants);
    std::vector<std::pair<std::string, simulator>> out;
    out.emplace_back("base", simulator(base, o.shape, o.max_update_rank));
    for (const auto& v : variants) {
        linked_model lm = apply_variant(base, v);
        try {
            out.emplace_back(v.name, simulator(std::move(lm), o.shape, o.max_update_rank));
        } catch (...) {
            rethrow_with_context("variant '" + v.name + "'");
        }
    }
    return out;
}

/// Monte Carlo of the base model and its variants (docs/simulate.md): options.draws draws of
/// every uncertain coefficient, the same draws for every model (common random numbers), each
/// model under its own plan. Bit-identical for the same seed whatever options.threads.
inline simulation simulate(const linked_model& base, const std::vector<variant>& variants,
                           const simulate_options& o) {
    if (o.draws == 0 || o.draws > max_simulation_draws)
        detail::fail({"option", "", "draws"}, "must be between 1 and " +
                                                  std::to_string(max_simulation_draws) + ", not " +
                                                  std::to_string(o.draws));
    if (o.seed > max_simulation_seed)
        detail::fail({"option", "", "seed"}, "must be at most 2^63 - 1");
    const auto sims = make_simulators(base, variants, o);
    std::vector<simulation_column> columns;
    const std::uint64_t all = o.draws * sims.size();
    for (std::size_t i = 0; i < sims.size(); ++i) {
        std::function<void(std::uint64_t, std::uint64_t)> step;
        if (o.progress)
            step = [&, i](std::uint64_t done, std::uint64_t) {
                o.progress(i * o.draws + done, all);
            };
        try {
            columns.push_back(
                sims[i].second.run(sims[i].first, o.seed, 0, o.draws, o.rounding, o.threads, step));
        } catch (...) {
            if (i == 0) throw;
            rethrow_with_context("variant '" + sims[i].first + "'");
        }
    }
    return assemble_simulation(o.draws, o.seed, o.shape, std::move(columns), o.rounding);
}

}  // namespace zbb
