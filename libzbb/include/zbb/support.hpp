// zbb/support.hpp - the reciprocal support system (I - S) x = d and (I - S)^T u = c, solved block
// by block with a solver chosen for each block's structure.
#pragma once

#include <Eigen/SparseCore>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "zbb/error.hpp"
#include "zbb/support_lu.hpp"

namespace zbb {

/// Column-major sparse matrix of doubles with int indices, as used throughout zbb.
using sparse_matrix = Eigen::SparseMatrix<double, Eigen::ColMajor, int>;
using vector = Eigen::VectorXd;

/// Which solver the support system uses for its blocks (a named parameter, for testing and for
/// the rare model where the automatic choice is not the fastest).
enum class support_method {
    automatic,  ///< per block, from its size, density and measured convergence (the default)
    direct,     ///< dense or sparse LU for every block
    iterative,  ///< symmetric Gauss-Seidel for every block (a direct method where it stalls)
};

/// Name of a support method ("auto", "direct", "iterative") and its parser (throws model_error).
inline std::string_view to_string(support_method m) {
    return m == support_method::direct ? "direct"
                                       : (m == support_method::iterative ? "iterative" : "auto");
}
inline support_method parse_support_method(std::string_view name) {
    if (name == "auto" || name == "automatic") return support_method::automatic;
    if (name == "direct") return support_method::direct;
    if (name == "iterative") return support_method::iterative;
    detail::fail({"option", "", "support_solver"}, "unknown support solver \"" + std::string(name) +
                                                       "\"; use auto, direct or iterative");
}

/// Settings of the support solver (passed explicitly; see docs/concepts.md, "Solving the support
/// system").
struct support_options {
    support_method method = support_method::automatic;
    int dense_max = 64;          ///< blocks up to this size are factorised densely
    double tolerance = 1e-14;    ///< the iteration stops when ||r||_inf <= tolerance * ||x||_inf
    int max_iterations = 20000;  ///< iteration budget of a block before a direct method takes over
};

/// How one block of the support system is solved.
enum class block_solver { scalar, dense_lu, sparse_lu, iterative };

inline std::string_view to_string(block_solver s) {
    switch (s) {
        case block_solver::scalar:
            return "scalar";
        case block_solver::dense_lu:
            return "dense LU";
        case block_solver::sparse_lu:
            return "sparse LU";
        case block_solver::iterative:
            return "iterative";
    }
    return "scalar";
}

/// One strongly connected block of the supplier graph and how it is solved.
struct support_block_info {
    int size = 0;               ///< activities in the block
    std::int64_t nonzeros = 0;  ///< off-diagonal non-zeros of S inside the block
    block_solver solver = block_solver::scalar;
    int iterations = 0;        ///< symmetric Gauss-Seidel iterations (iterative blocks)
    double amplification = 1;  ///< max of (I - S_BB)^-1 1: total volume per unit of demand
};

/// Solves the support system of a model. S (activity x activity) holds in S(s, a) the units of
/// supplier s needed per unit of activity a. Only the rows of activities that supply support are
/// non-zero, so x = d outside the supplier set P, and only the P x P block needs solving:
///   (I - S_PP) x_P = d_P + S_PN d_N,          x_N = d_N,
///   (I - S_PP)^T u_P = c_P,                   u_N = c_N + S_PN^T u_P.
/// S_PP is split into its strongly connected blocks (block triangular form), solved in
/// topological order; each block gets its own solver: a division for a single activity, dense LU
/// for small or dense blocks, and for larger sparse blocks either symmetric Gauss-Seidel (when it
/// converges quickly, measured) or a sparse LU without pivoting in a minimum-degree ordering (when
/// its fill is affordable, estimated symbolically). An iteration stops only on a residual that
/// certifies the result: ||x - x*||_inf <= tolerance * amplification * ||x||_inf. Construction
/// refuses an S with a loop that feeds itself (spectral radius >= 1), naming its activities.
class support_system {
  public:
    support_system() = default;

    /// `support` is n x n; `activity_ids` names the activities for error messages.
    support_system(const sparse_matrix& support, const std::vector<std::string>& activity_ids,
                   const support_options& options = {});

    int size() const noexcept { return impl_ ? impl_->n : 0; }
    /// Indices of the activities that supply support (the non-zero rows of S), ascending.
    const std::vector<int>& suppliers() const noexcept {
        static const std::vector<int> none;
        return impl_ ? impl_->suppliers : none;
    }
    /// The blocks in the order they are solved for volumes, and how each is solved.
    const std::vector<support_block_info>& blocks() const noexcept {
        static const std::vector<support_block_info> none;
        return impl_ ? impl_->info : none;
    }

    /// Total volumes x from direct volumes d: (I - S) x = d.
    vector volumes(const vector& d) const;
    /// Full unit costs u from direct unit costs c: (I - S)^T u = c (the reciprocal method).
    vector full_unit_costs(const vector& c) const;

    /// Largest total volume per unit of direct volume that zbb accepts from a support loop.
    static constexpr double max_amplification = 1e12;

  private:
    struct impl {
        int n = 0;
        std::vector<int> suppliers;  // ascending activity indices
        sparse_matrix s;             // S, non-zero in the supplier rows only
        int p = 0;
        std::vector<int> activity;  // block order index -> activity index
        // S_PP in block order, compressed rows without the diagonal; row i's entries in earlier
        // blocks are [row_start[i], row_split[i]), those inside its block [row_split[i], ...).
        std::vector<int> row_start, row_split, col;
        std::vector<double> val, diag;
        std::vector<int> block_start;  // K + 1
        std::vector<support_block_info> info;
        std::vector<detail::dense_lu> dense;     // per block (empty when unused)
        std::vector<detail::sparse_lu> sparse;   // per block
        std::vector<detail::csc_block> columns;  // per iterative block: inside entries by column
        std::vector<int> iteration_budget;       // per block
        support_options options;
        // A direct factorisation made on first need, should an iteration not converge at solve
        // time (it converged on the same block at construction, so this is a safety net).
        mutable std::vector<std::once_flag> fallback_once;
        mutable std::vector<detail::sparse_lu> fallback;
    };

    // Block operations, in place on the block's segment of a vector in block order.
    void solve_block(const impl& m, std::size_t k, double* v, bool transposed) const;
    static bool iterate(const impl& m, std::size_t k, const double* rhs, double* x, bool transposed,
                        int budget, int* iterations, double* rate);
    static detail::csc_block inside(const impl& m, std::size_t k, bool with_identity);
    static void residual(const impl& m, std::size_t k, const double* rhs, const double* x,
                         bool transposed, double* out);
    vector solve_supplier_system(const impl& m, vector rhs, bool transposed) const;

    std::shared_ptr<const impl> impl_;
};

// ------------------------------------------------------------------------------------------------

namespace detail {

// Iterative Tarjan over a graph in compressed rows (edges i -> col[k]); components in the order
// they complete: every component after all components it reaches.
inline std::vector<std::vector<int>> strong_components(int n, const std::vector<int>& start,
                                                       const std::vector<int>& col) {
    std::vector<int> index(static_cast<std::size_t>(n), -1), low(static_cast<std::size_t>(n), 0);
    std::vector<char> on_stack(static_cast<std::size_t>(n), 0);
    std::vector<int> stack;
    std::vector<std::vector<int>> comps;
    int counter = 0;
    struct frame {
        int v;
        int next;
    };
    std::vector<frame> call;
    for (int root = 0; root < n; ++root) {
        if (index[root] >= 0) continue;
        call.push_back({root, start[root]});
        index[root] = low[root] = counter++;
        stack.push_back(root);
        on_stack[root] = 1;
        while (!call.empty()) {
            frame& f = call.back();
            const auto v = static_cast<std::size_t>(f.v);
            if (f.next < start[v + 1]) {
                const int w = col[f.next++];
                const auto wu = static_cast<std::size_t>(w);
                if (index[wu] < 0) {
                    index[wu] = low[wu] = counter++;
                    stack.push_back(w);
                    on_stack[wu] = 1;
                    call.push_back({w, start[wu]});
                } else if (on_stack[wu]) {
                    low[v] = std::min(low[v], index[wu]);
                }
                continue;
            }
            if (low[v] == index[v]) {
                std::vector<int> comp;
                int w;
                do {
                    w = stack.back();
                    stack.pop_back();
                    on_stack[w] = 0;
                    comp.push_back(w);
                } while (w != f.v);
                comps.push_back(std::move(comp));
            }
            const int child = f.v;
            call.pop_back();
            if (!call.empty()) {
                const auto parent = static_cast<std::size_t>(call.back().v);
                low[parent] = std::min(low[parent], low[child]);
            }
        }
    }
    return comps;
}

[[noreturn]] inline void throw_support_loop(std::vector<int> acts,
                                            const std::vector<std::string>& ids) {
    std::sort(acts.begin(), acts.end());
    std::vector<std::string> names;
    names.reserve(acts.size());
    for (int a : acts) names.push_back(ids[a]);
    throw support_loop_error(names,
                             "support loop feeds itself: these activities need at least as much "
                             "of each other's output as they produce, so (I - S) x = d has no "
                             "finite non-negative solution");
}

}  // namespace detail

inline detail::csc_block support_system::inside(const impl& m, std::size_t k, bool with_identity) {
    const int b0 = m.block_start[k], b1 = m.block_start[k + 1], n = b1 - b0;
    detail::csc_block c;
    c.n = n;
    c.start.assign(static_cast<std::size_t>(n) + 1, 0);
    for (int i = b0; i < b1; ++i) {
        for (int e = m.row_split[i]; e < m.row_start[i + 1]; ++e)
            ++c.start[static_cast<std::size_t>(m.col[e] - b0) + 1];
        if (with_identity) ++c.start[static_cast<std::size_t>(i - b0) + 1];
    }
    for (int j = 0; j < n; ++j) c.start[j + 1] += c.start[j];
    c.row.resize(static_cast<std::size_t>(c.start[n]));
    c.value.resize(c.row.size());
    std::vector<int> next(c.start.begin(), c.start.end() - 1);
    for (int i = b0; i < b1; ++i) {
        if (with_identity) {
            const auto at = static_cast<std::size_t>(next[i - b0]++);
            c.row[at] = i - b0;
            c.value[at] = 1.0 - m.diag[i];
        }
        for (int e = m.row_split[i]; e < m.row_start[i + 1]; ++e) {
            const int j = m.col[e] - b0;
            const auto at = static_cast<std::size_t>(next[j]++);
            c.row[at] = i - b0;
            c.value[at] = with_identity ? -m.val[e] : m.val[e];
        }
    }
    return c;
}

// r = rhs - (I - S_BB) x   (or with (I - S_BB)^T), on the block's segment.
inline void support_system::residual(const impl& m, std::size_t k, const double* rhs,
                                     const double* x, bool transposed, double* out) {
    const int b0 = m.block_start[k], b1 = m.block_start[k + 1];
    for (int i = b0; i < b1; ++i) out[i - b0] = rhs[i - b0] - (1.0 - m.diag[i]) * x[i - b0];
    for (int i = b0; i < b1; ++i)
        for (int e = m.row_split[i]; e < m.row_start[i + 1]; ++e) {
            const int j = m.col[e] - b0;
            const double v = m.val[e];
            if (transposed)
                out[j] += v * x[i - b0];
            else
                out[i - b0] += v * x[j];
        }
}

// Symmetric Gauss-Seidel on (I - S_BB) x = rhs (or its transpose), from x = rhs, until the
// residual certifies ||r||_inf <= tolerance ||x||_inf; false when the budget runs out or the
// iterates stop being finite. `rate` receives the observed reduction of the update per iteration.
inline bool support_system::iterate(const impl& m, std::size_t k, const double* rhs, double* x,
                                    bool transposed, int budget, int* iterations, double* rate) {
    const int b0 = m.block_start[k], b1 = m.block_start[k + 1], n = b1 - b0;
    const double tol = m.options.tolerance;
    const auto& cols = m.columns[k];
    double xmax = 0;
    for (int i = 0; i < n; ++i) {
        x[i] = rhs[i] / (1.0 - m.diag[b0 + i]);
        xmax = std::max(xmax, std::fabs(x[i]));
    }
    if (xmax == 0) {
        if (iterations) *iterations = 0;
        return true;
    }
    auto update = [&](int i) {
        double s = rhs[i];
        if (transposed) {
            for (int e = cols.start[i]; e < cols.start[i + 1]; ++e)
                s += cols.value[e] * x[cols.row[e]];
        } else {
            for (int e = m.row_split[b0 + i]; e < m.row_start[static_cast<std::size_t>(b0 + i) + 1];
                 ++e)
                s += m.val[e] * x[m.col[e] - b0];
        }
        s /= 1.0 - m.diag[b0 + i];
        const double delta = std::fabs(s - x[i]);
        x[i] = s;
        return delta;
    };
    std::vector<double> r(static_cast<std::size_t>(n));
    double previous = 0, best_residual = std::numeric_limits<double>::infinity();
    int stalled = 0;
    for (int it = 1; it <= budget; ++it) {
        double delta = 0;
        for (int i = 0; i < n; ++i) delta = std::max(delta, update(i));
        for (int i = n - 1; i >= 0; --i) delta = std::max(delta, update(i));
        xmax = 0;
        for (int i = 0; i < n; ++i) xmax = std::max(xmax, std::fabs(x[i]));
        if (!std::isfinite(xmax) || !std::isfinite(delta)) return false;
        if (rate && previous > 0) *rate = delta / previous;
        previous = delta;
        if (iterations) *iterations = it;
        if (delta > 16 * tol * xmax) continue;
        residual(m, k, rhs, x, transposed, r.data());
        double rmax = 0;
        for (double v : r) rmax = std::max(rmax, std::fabs(v));
        if (rmax <= tol * xmax) return true;
        // Rounding can keep the residual a little above the tolerance: accept up to 100x it
        // (still within 1e-12 of the amplification) once it no longer decreases.
        if (rmax < best_residual * 0.5) {
            best_residual = rmax;
            stalled = 0;
        } else if (++stalled >= 3) {
            return rmax <= 100 * tol * xmax;
        }
    }
    return false;
}

inline void support_system::solve_block(const impl& m, std::size_t k, double* v,
                                        bool transposed) const {
    const int b0 = m.block_start[k], b1 = m.block_start[k + 1], n = b1 - b0;
    const auto& info = m.info[k];
    if (info.solver == block_solver::scalar) {
        v[0] /= 1.0 - m.diag[b0];
        return;
    }
    std::vector<double> rhs(v, v + n);
    if (info.solver == block_solver::iterative) {
        if (iterate(m, k, rhs.data(), v, transposed, m.iteration_budget[k], nullptr, nullptr))
            return;
        // Safety net: factorise the block directly, once.
        std::call_once(m.fallback_once[k], [&] {
            const auto a = inside(m, k, true);
            m.fallback[k] = detail::sparse_lu(a, detail::fill_reducing_order(a));
        });
        std::copy(rhs.begin(), rhs.end(), v);
        std::vector<double> work;
        transposed ? m.fallback[k].solve_transposed(v, work) : m.fallback[k].solve(v, work);
        return;
    }
    // Direct: solve, then one step of iterative refinement.
    std::vector<double> work, r(static_cast<std::size_t>(n));
    auto direct = [&](double* b) {
        if (info.solver == block_solver::dense_lu) {
            Eigen::Map<Eigen::VectorXd> seg(b, n);
            transposed ? m.dense[k].solve_transposed(seg) : m.dense[k].solve(seg);
        } else {
            transposed ? m.sparse[k].solve_transposed(b, work) : m.sparse[k].solve(b, work);
        }
    };
    direct(v);
    residual(m, k, rhs.data(), v, transposed, r.data());
    direct(r.data());
    for (int i = 0; i < n; ++i) v[i] += r[i];
}

// Solves the supplier system in block order; rhs is indexed in block order.
inline vector support_system::solve_supplier_system(const impl& m, vector x,
                                                    bool transposed) const {
    const std::size_t blocks = m.info.size();
    if (!transposed) {
        for (std::size_t k = 0; k < blocks; ++k) {
            const int b0 = m.block_start[k], b1 = m.block_start[k + 1];
            for (int i = b0; i < b1; ++i) {
                double s = x[i];
                for (int e = m.row_start[i]; e < m.row_split[i]; ++e) s += m.val[e] * x[m.col[e]];
                x[i] = s;
            }
            solve_block(m, k, x.data() + b0, false);
        }
    } else {
        for (std::size_t k = blocks; k-- > 0;) {
            const int b0 = m.block_start[k], b1 = m.block_start[k + 1];
            solve_block(m, k, x.data() + b0, true);
            for (int i = b0; i < b1; ++i) {
                const double ui = x[i];
                if (ui == 0.0) continue;
                for (int e = m.row_start[i]; e < m.row_split[i]; ++e) x[m.col[e]] += m.val[e] * ui;
            }
        }
    }
    return x;
}

inline support_system::support_system(const sparse_matrix& support,
                                      const std::vector<std::string>& activity_ids,
                                      const support_options& options) {
    auto m = std::make_shared<impl>();
    const int n = static_cast<int>(support.rows());
    m->n = n;
    m->options = options;
    // Supplier set P: rows with a non-zero entry.
    std::vector<int> pos(static_cast<std::size_t>(n), -1);
    for (int k = 0; k < support.outerSize(); ++k)
        for (sparse_matrix::InnerIterator it(support, k); it; ++it)
            if (it.value() != 0.0) pos[it.row()] = 0;
    for (int a = 0; a < n; ++a)
        if (pos[a] == 0) {
            pos[a] = static_cast<int>(m->suppliers.size());
            m->suppliers.push_back(a);
        }
    const int p = static_cast<int>(m->suppliers.size());
    m->p = p;
    if (p == 0) {
        impl_ = std::move(m);
        return;
    }
    m->s = support;
    m->s.makeCompressed();

    // S_PP by rows (supplier -> the suppliers it serves), diagonal apart.
    std::vector<int> start(static_cast<std::size_t>(p) + 1, 0);
    std::vector<double> self(static_cast<std::size_t>(p), 0.0);
    for (int kc = 0; kc < p; ++kc)
        for (sparse_matrix::InnerIterator it(m->s, m->suppliers[kc]); it; ++it)
            if (it.value() != 0.0) {
                const int ks = pos[it.row()];
                if (ks == kc)
                    self[kc] = it.value();
                else
                    ++start[ks + 1];
            }
    for (int i = 0; i < p; ++i) start[i + 1] += start[i];
    std::vector<int> col(static_cast<std::size_t>(start[p]));
    std::vector<double> val(col.size());
    {
        std::vector<int> next(start.begin(), start.end() - 1);
        for (int kc = 0; kc < p; ++kc)
            for (sparse_matrix::InnerIterator it(m->s, m->suppliers[kc]); it; ++it) {
                const int ks = pos[it.row()];
                if (it.value() == 0.0 || ks == kc) continue;
                const auto at = static_cast<std::size_t>(next[ks]++);
                col[at] = kc;
                val[at] = it.value();
            }
    }

    // Strongly connected blocks; a block completes after every block it serves, which is the
    // order in which volumes are solved (a supplier's volume needs its consumers' volumes).
    const auto comps = detail::strong_components(p, start, col);
    std::vector<int> order;  // block order index -> supplier index
    order.reserve(static_cast<std::size_t>(p));
    m->block_start.push_back(0);
    for (const auto& c : comps) {
        for (int v : c) order.push_back(v);
        m->block_start.push_back(static_cast<int>(order.size()));
    }
    std::vector<int> new_of(static_cast<std::size_t>(p));
    for (int i = 0; i < p; ++i) new_of[order[i]] = i;
    m->activity.resize(static_cast<std::size_t>(p));
    m->diag.resize(static_cast<std::size_t>(p));
    m->row_start.assign(static_cast<std::size_t>(p) + 1, 0);
    m->row_split.resize(static_cast<std::size_t>(p));
    m->col.reserve(col.size());
    m->val.reserve(col.size());
    std::vector<std::pair<int, double>> row;
    for (int i = 0; i < p; ++i) {
        const int old = order[i];
        m->activity[i] = m->suppliers[old];
        m->diag[i] = self[old];
        row.clear();
        for (int e = start[old]; e < start[old + 1]; ++e) row.emplace_back(new_of[col[e]], val[e]);
        std::sort(row.begin(), row.end());
        m->row_start[i] = static_cast<int>(m->col.size());
        for (const auto& [j, v] : row) {
            m->col.push_back(j);
            m->val.push_back(v);
        }
        m->row_start[i + 1] = static_cast<int>(m->col.size());
    }
    // Entries inside a row's own block come last (columns are sorted, earlier blocks first).
    const std::size_t blocks = comps.size();
    for (std::size_t k = 0; k < blocks; ++k)
        for (int i = m->block_start[k]; i < m->block_start[k + 1]; ++i) {
            int e = m->row_start[i];
            while (e < m->row_start[i + 1] && m->col[e] < m->block_start[k]) ++e;
            m->row_split[i] = e;
        }

    m->info.resize(blocks);
    m->dense.resize(blocks);
    m->sparse.resize(blocks);
    m->columns.resize(blocks);
    m->iteration_budget.assign(blocks, 0);
    m->fallback_once = std::vector<std::once_flag>(blocks);
    m->fallback.resize(blocks);

    auto block_activities = [&](std::size_t k) {
        std::vector<int> acts;
        for (int i = m->block_start[k]; i < m->block_start[k + 1]; ++i)
            acts.push_back(m->activity[i]);
        return acts;
    };
    std::vector<double> y, rhs;
    for (std::size_t k = 0; k < blocks; ++k) {
        const int b0 = m->block_start[k], b1 = m->block_start[k + 1], size = b1 - b0;
        auto& info = m->info[k];
        info.size = size;
        for (int i = b0; i < b1; ++i) {
            info.nonzeros += m->row_start[i + 1] - m->row_split[i];
            if (!(m->diag[i] < 1.0))  // serves itself at least fully
                detail::throw_support_loop(block_activities(k), activity_ids);
        }
        if (size == 1) {
            info.solver = block_solver::scalar;
            info.amplification = 1.0 / (1.0 - m->diag[b0]);
            if (!(info.amplification <= max_amplification))
                detail::throw_support_loop(block_activities(k), activity_ids);
            continue;
        }
        const double density =
            static_cast<double>(info.nonzeros + size) / (static_cast<double>(size) * size);
        auto make_dense = [&] {
            Eigen::MatrixXd a = Eigen::MatrixXd::Zero(size, size);
            for (int i = b0; i < b1; ++i) {
                a(i - b0, i - b0) = 1.0 - m->diag[i];
                for (int e = m->row_split[i]; e < m->row_start[i + 1]; ++e)
                    a(i - b0, m->col[e] - b0) -= m->val[e];
            }
            m->dense[k] = detail::dense_lu(a);
            info.solver = block_solver::dense_lu;
        };
        auto make_sparse = [&](const detail::csc_block& a, std::vector<int> q) {
            m->sparse[k] = detail::sparse_lu(a, std::move(q));
            if (!m->sparse[k].ok()) detail::throw_support_loop(block_activities(k), activity_ids);
            info.solver = block_solver::sparse_lu;
        };
        rhs.assign(static_cast<std::size_t>(size), 1.0);
        y.assign(static_cast<std::size_t>(size), 0.0);
        // The iteration on (I - S_BB) y = 1 (the loop check needs y anyway), then on its
        // transpose: converged on both within the budget = iterative. `rate` receives the
        // observed reduction per iteration.
        auto try_iterative = [&](int budget, double* rate) {
            if (m->columns[k].n == 0) m->columns[k] = inside(*m, k, false);
            int its = 0, its_t = 0;
            if (!iterate(*m, k, rhs.data(), y.data(), false, budget, &its, rate)) return false;
            std::vector<double> z(static_cast<std::size_t>(size));
            if (!iterate(*m, k, rhs.data(), z.data(), true, std::max(budget, 4 * its + 32), &its_t,
                         nullptr))
                return false;
            info.solver = block_solver::iterative;
            info.iterations = std::max(its, its_t);
            m->iteration_budget[k] = std::min(options.max_iterations, 4 * info.iterations + 64);
            return true;
        };
        auto factorise_sparse = [&] {
            const auto a = inside(*m, k, true);
            make_sparse(a, detail::fill_reducing_order(a));
        };
        const bool small_or_dense = size <= options.dense_max || (density >= 0.1 && size <= 4096);
        double rate = 1;
        if (options.method == support_method::iterative) {
            if (!try_iterative(options.max_iterations, &rate)) factorise_sparse();
        } else if (small_or_dense) {
            make_dense();
        } else if (options.method == support_method::direct) {
            factorise_sparse();
        } else if (!try_iterative(32, &rate)) {
            // Automatic: the iteration did not finish in 32 iterations. The symbolic fill of a
            // direct factorisation decides, capped at the work the iteration would still need;
            // failing both, a longer iteration, and the direct method last.
            const double per = static_cast<double>(info.nonzeros + size);
            double predicted = options.max_iterations;
            if (rate > 0 && rate < 1)
                predicted =
                    std::min<double>(options.max_iterations, 32 + std::log(1e-16) / std::log(rate));
            const auto a = inside(*m, k, true);
            auto q = detail::fill_reducing_order(a);
            const auto cap = static_cast<std::int64_t>(std::max(8.0 * per, predicted * per));
            const auto fill = detail::estimate_fill(a, q, cap);
            if (!fill.exceeded && fill.flops <= 100.0 * predicted * per)
                make_sparse(a, std::move(q));
            else if (!try_iterative(static_cast<int>(std::min<double>(options.max_iterations,
                                                                      4 * predicted + 100)),
                                    &rate))
                make_sparse(a, std::move(q));
        }
        // The block's amplification y = (I - S_BB)^-1 1: y >= 1 exactly when its loop does not
        // feed itself.
        if (info.solver != block_solver::iterative) {
            std::copy(rhs.begin(), rhs.end(), y.begin());
            solve_block(*m, k, y.data(), false);
        }
        double lo = std::numeric_limits<double>::infinity(), hi = 0;
        bool finite = true;
        for (double v : y) {
            finite = finite && std::isfinite(v);
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
        info.amplification = hi;
        if (!finite || lo < 1.0 - 1e-9 || hi > max_amplification)
            detail::throw_support_loop(block_activities(k), activity_ids);
    }
    // The whole supplier system's amplification (loops in series multiply).
    const vector ones = vector::Ones(p);
    const vector yall = solve_supplier_system(*m, ones, false);
    if (!yall.allFinite() || yall.minCoeff() < 1.0 - 1e-9 || yall.maxCoeff() > max_amplification) {
        std::vector<std::string> names;
        for (int a : m->suppliers) names.push_back(activity_ids[a]);
        throw support_loop_error(names,
                                 "support system is numerically singular: (I - S) x = d has "
                                 "no reliable finite non-negative solution");
    }
    impl_ = std::move(m);
}

inline vector support_system::volumes(const vector& d) const {
    if (!impl_ || impl_->p == 0) return d;
    const impl& m = *impl_;
    vector d_outside = d;
    for (int a : m.suppliers) d_outside[a] = 0.0;
    const vector s_d = m.s * d_outside;  // non-zero in the supplier rows only: S_PN d_N
    vector rhs(m.p);
    for (int i = 0; i < m.p; ++i) {
        const int a = m.activity[i];
        rhs[i] = d[a] + s_d[a];
    }
    const vector xp = solve_supplier_system(m, std::move(rhs), false);
    vector x = d;
    for (int i = 0; i < m.p; ++i) x[m.activity[i]] = xp[i];
    return x;
}

inline vector support_system::full_unit_costs(const vector& c) const {
    if (!impl_ || impl_->p == 0) return c;
    const impl& m = *impl_;
    vector cp(m.p);
    for (int i = 0; i < m.p; ++i) cp[i] = c[m.activity[i]];
    const vector up = solve_supplier_system(m, std::move(cp), true);
    vector u_p_only = vector::Zero(m.n);
    for (int i = 0; i < m.p; ++i) u_p_only[m.activity[i]] = up[i];
    vector u = c + m.s.transpose() * u_p_only;  // u_N = c_N + S_PN^T u_P
    for (int i = 0; i < m.p; ++i) u[m.activity[i]] = up[i];
    return u;
}

}  // namespace zbb
