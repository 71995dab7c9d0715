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
/// Dense vector of doubles (volumes, unit costs, indicators); named so that it never shadows
/// std::vector for code in or using namespace zbb.
using dense_vector = Eigen::VectorXd;

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
                   const support_options& options = {})
        : support_system(std::make_shared<const sparse_matrix>(support), activity_ids, options) {}
    /// The same, sharing S (compressed) instead of copying it.
    support_system(std::shared_ptr<const sparse_matrix> support,
                   const std::vector<std::string>& activity_ids,
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
    dense_vector volumes(const dense_vector& d) const;
    /// Full unit costs u from direct unit costs c: (I - S)^T u = c (the reciprocal method).
    dense_vector full_unit_costs(const dense_vector& c) const;

    /// Largest total volume per unit of direct volume that zbb accepts from a support loop.
    static constexpr double max_amplification = 1e12;

  private:
    // A direct factorisation made on first need, should an iteration not converge at solve time
    // (it converged on the same block at construction, so this is a safety net).
    struct fallback_state {
        std::once_flag once;
        detail::sparse_lu lu;
    };
    // An iterative block: its inside entries by rows and by columns in block-local indices,
    // 1 / (1 - S_ii), and its iteration budget at solve time.
    struct sweep_data {
        detail::csc_block rows, columns;
        std::vector<double> inverse_diagonal;
        int budget = 0;
        std::shared_ptr<fallback_state> fallback = std::make_shared<fallback_state>();
    };
    struct impl {
        int n = 0;
        std::vector<int> suppliers;                    // ascending activity indices
        std::shared_ptr<const sparse_matrix> support;  // S, non-zero in the supplier rows only
        int p = 0;
        std::vector<int> activity;    // block order index -> activity index
        std::vector<int> index_of;    // activity index -> block order index, -1 off the suppliers
        std::vector<int> target;      // per non-zero of S: its row's block order index
        std::vector<double> inverse;  // 1 / (1 - S_ii) per supplier, in block order
        // S_PP in block order, compressed rows without the diagonal; row i's entries in earlier
        // blocks are [row_start[i], row_split[i]), those inside its block [row_split[i], ...).
        std::vector<int> row_start, row_split, col;
        std::vector<double> val, diag;
        std::vector<int> block_start;  // K + 1
        std::vector<support_block_info> info;
        std::vector<int> slot;  // per block: its index in dense, sparse or sweeps (by solver)
        std::vector<detail::dense_lu> dense;  // dense blocks above dense_max (blocked, pivoting)
        std::vector<double> small;            // dense blocks up to dense_max, factorised in place
        std::vector<std::size_t> small_at;    // per small block slot: its offset in `small`
        std::vector<detail::sparse_lu> sparse;
        std::vector<sweep_data> sweeps;
        support_options options;
    };

    // Block operations, in place on the block's segment of a vector in block order.
    static void solve_block(const impl& m, std::size_t k, double* v, bool transposed,
                            std::vector<double>& work);
    static bool iterate(const impl& m, const sweep_data& sw, const double* rhs, double* x,
                        bool transposed, int budget, int* iterations, double* rate,
                        std::vector<double>& work, std::size_t k);
    static detail::csc_block inside(const impl& m, std::size_t k, bool with_identity);
    static void residual(const impl& m, std::size_t k, const double* rhs, const double* x,
                         bool transposed, double* out);
    static dense_vector solve_supplier_system(const impl& m, dense_vector rhs, bool transposed);

    std::shared_ptr<const impl> impl_;
};

// ------------------------------------------------------------------------------------------------

namespace detail {

// The strongly connected components of a graph in compressed rows (edges i -> col[k], no self
// edges). Fills `order` with the nodes component by component, and `starts` with where each
// component begins (and a final n), in an order where every component comes after all components
// it reaches. Nodes outside every cycle that no cycle reaches are peeled off first in linear time
// (repeatedly: a node with no edge into it from a node not yet peeled; they go last, in reverse);
// Tarjan's algorithm (iterative) orders the rest.
inline void strong_components(int n, const std::vector<int>& start, const std::vector<int>& col,
                              std::vector<int>& order, std::vector<int>& starts) {
    const auto N = static_cast<std::size_t>(n);
    order.clear();
    order.reserve(N);
    starts.assign(1, 0);
    starts.reserve(N + 1);
    std::vector<int> in(N, 0), peeled;
    for (int w : col) ++in[w];
    peeled.reserve(N);
    for (int v = 0; v < n; ++v)
        if (in[v] == 0) peeled.push_back(v);
    for (std::size_t head = 0; head < peeled.size(); ++head) {
        const int v = peeled[head];
        for (int e = start[v]; e < start[v + 1]; ++e)
            if (--in[col[e]] == 0) peeled.push_back(col[e]);
    }
    auto finish = [&] {  // the peeled nodes, last peeled first, one component each
        for (std::size_t k = peeled.size(); k-- > 0;) {
            order.push_back(peeled[k]);
            starts.push_back(static_cast<int>(order.size()));
        }
    };
    if (peeled.size() == N) {
        finish();
        return;
    }
    // Tarjan on the rest; peeled nodes count as visited and finished (no edge of the rest leads
    // to them).
    std::vector<int> index(N, -1), low(N, 0);
    std::vector<char> on_stack(N, 0);
    for (int v : peeled) index[v] = 0;
    std::vector<int> stack;
    stack.reserve(N - peeled.size());
    int counter = 1;
    struct frame {
        int v;
        int next;
    };
    std::vector<frame> call;
    call.reserve(N - peeled.size());
    for (int root = 0; root < n; ++root) {
        if (index[root] >= 0) continue;
        call.push_back({root, start[root]});
        index[root] = low[root] = counter++;
        stack.push_back(root);
        on_stack[root] = 1;
        while (!call.empty()) {
            frame& f = call.back();
            const int v = f.v;
            if (f.next < start[v + 1]) {
                const int w = col[f.next++];
                if (index[w] < 0) {
                    index[w] = low[w] = counter++;
                    stack.push_back(w);
                    on_stack[w] = 1;
                    call.push_back({w, start[w]});
                } else if (on_stack[w]) {
                    low[v] = std::min(low[v], index[w]);
                }
                continue;
            }
            if (low[v] == index[v]) {
                int w;
                do {
                    w = stack.back();
                    stack.pop_back();
                    on_stack[w] = 0;
                    order.push_back(w);
                } while (w != v);
                starts.push_back(static_cast<int>(order.size()));
            }
            call.pop_back();
            if (!call.empty()) {
                const int parent = call.back().v;
                low[parent] = std::min(low[parent], low[v]);
            }
        }
    }
    finish();
}

[[noreturn]] inline void throw_support_loop(std::vector<int> acts,
                                            const std::vector<std::string>& ids) {
    std::sort(acts.begin(), acts.end());
    std::vector<std::string> names;
    names.reserve(acts.size());
    for (int a : acts) names.push_back(ids[static_cast<std::size_t>(a)]);
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
        for (int e = m.row_split[i]; e < m.row_start[i + 1]; ++e) ++c.start[m.col[e] - b0 + 1];
        if (with_identity) ++c.start[i - b0 + 1];
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
            if (transposed)
                out[j] += m.val[e] * x[i - b0];
            else
                out[i - b0] += m.val[e] * x[j];
        }
}

// Symmetric Gauss-Seidel on (I - S_BB) x = rhs (or its transpose), from the first Jacobi step,
// until the residual certifies ||r||_inf <= tolerance ||x||_inf; false when the budget runs out or
// the iterates stop being finite. `rate` receives the observed reduction of the update per
// iteration.
inline bool support_system::iterate(const impl& m, const sweep_data& sw, const double* rhs,
                                    double* x, bool transposed, int budget, int* iterations,
                                    double* rate, std::vector<double>& work, std::size_t k) {
    const int n = sw.rows.n;
    const double tol = m.options.tolerance;
    // x_i = (rhs_i + sum_j A_ij x_j) / (1 - S_ii) with A the block's off-diagonal entries by rows
    // (volumes) or by columns (unit costs).
    const auto& a = transposed ? sw.columns : sw.rows;
    const int* start = a.start.data();
    const int* index = a.row.data();
    const double* value = a.value.data();
    const double* inv = sw.inverse_diagonal.data();
    double xmax = 0;
    for (int i = 0; i < n; ++i) {
        x[i] = rhs[i] * inv[i];
        xmax = std::max(xmax, std::fabs(x[i]));
    }
    if (iterations) *iterations = 0;
    if (xmax == 0) return true;
    auto update = [&](int i) {
        double s = rhs[i];
        for (int e = start[i]; e < start[i + 1]; ++e) s += value[e] * x[index[e]];
        s *= inv[i];
        const double delta = std::fabs(s - x[i]);
        x[i] = s;
        return delta;
    };
    double previous = 0, best_residual = std::numeric_limits<double>::infinity();
    int stalled = 0;
    for (int it = 1; it <= budget; ++it) {
        for (int i = 0; i < n; ++i) update(i);
        double delta = 0;
        xmax = 0;
        for (int i = n - 1; i >= 0; --i) {
            delta = std::max(delta, update(i));
            xmax = std::max(xmax, std::fabs(x[i]));
        }
        if (!std::isfinite(xmax) || !std::isfinite(delta)) return false;
        if (rate && previous > 0) *rate = delta / previous;
        previous = delta;
        if (iterations) *iterations = it;
        if (delta > 16 * tol * xmax) continue;
        work.resize(static_cast<std::size_t>(n));
        residual(m, k, rhs, x, transposed, work.data());
        double rmax = 0;
        for (int i = 0; i < n; ++i) rmax = std::max(rmax, std::fabs(work[i]));
        if (rmax <= tol * xmax) return true;
        // Rounding can keep the residual a little above the tolerance: accept up to 100x it
        // (still within 1e-12 of the amplification) once it has stopped decreasing.
        if (rmax < best_residual) {
            best_residual = rmax;
            stalled = 0;
        } else if (++stalled >= 3) {
            return best_residual <= 100 * tol * xmax;
        }
    }
    return false;
}

inline void support_system::solve_block(const impl& m, std::size_t k, double* v, bool transposed,
                                        std::vector<double>& work) {
    const int n = m.block_start[k + 1] - m.block_start[k];
    const block_solver solver = m.info[k].solver;
    if (solver == block_solver::scalar) {
        v[0] *= m.inverse[m.block_start[k]];
        return;
    }
    // work: [0, n) the right-hand side, [n, 2n) the residual, [2n, 3n) the solvers' own.
    work.resize(3 * static_cast<std::size_t>(n));
    std::vector<double> rest;
    double* rhs = work.data();
    double* r = work.data() + n;
    std::copy(v, v + n, rhs);
    if (solver == block_solver::iterative) {
        const auto& sw = m.sweeps[static_cast<std::size_t>(m.slot[k])];
        if (iterate(m, sw, rhs, v, transposed, sw.budget, nullptr, nullptr, rest, k)) return;
        std::call_once(sw.fallback->once, [&] {
            const auto a = inside(m, k, true);
            sw.fallback->lu = detail::sparse_lu(a, detail::fill_reducing_order(a));
        });
        std::copy(rhs, rhs + n, v);
        transposed ? sw.fallback->lu.solve_transposed(v, rest) : sw.fallback->lu.solve(v, rest);
        return;
    }
    // Direct: solve, then one step of iterative refinement.
    auto direct = [&](double* b) {
        const auto at = static_cast<std::size_t>(m.slot[k]);
        if (solver == block_solver::dense_lu && n <= m.options.dense_max) {
            const double* lu = m.small.data() + m.small_at[at];
            transposed ? detail::small_lu_solve_transposed(lu, n, b)
                       : detail::small_lu_solve(lu, n, b);
        } else if (solver == block_solver::dense_lu) {
            Eigen::Map<Eigen::VectorXd> seg(b, n);
            transposed ? m.dense[at].solve_transposed(seg) : m.dense[at].solve(seg);
        } else {
            transposed ? m.sparse[at].solve_transposed(b, rest) : m.sparse[at].solve(b, rest);
        }
    };
    direct(v);
    residual(m, k, rhs, v, transposed, r);
    direct(r);
    for (int i = 0; i < n; ++i) v[i] += r[i];
}

// Solves the supplier system in block order; rhs is indexed in block order.
inline dense_vector support_system::solve_supplier_system(const impl& m, dense_vector x,
                                                          bool transposed) {
    const std::size_t blocks = m.info.size();
    std::vector<double> work;
    const int* rs = m.row_start.data();
    const int* split = m.row_split.data();
    const int* col = m.col.data();
    const double* val = m.val.data();
    if (!transposed) {
        for (std::size_t k = 0; k < blocks; ++k) {
            const int b0 = m.block_start[k], b1 = m.block_start[k + 1];
            for (int i = b0; i < b1; ++i) {
                double s = x[i];
                for (int e = rs[i]; e < split[i]; ++e) s += val[e] * x[col[e]];
                x[i] = s;
            }
            if (b1 - b0 == 1)
                x[b0] *= m.inverse[b0];
            else
                solve_block(m, k, x.data() + b0, false, work);
        }
    } else {
        for (std::size_t k = blocks; k-- > 0;) {
            const int b0 = m.block_start[k], b1 = m.block_start[k + 1];
            if (b1 - b0 == 1)
                x[b0] *= m.inverse[b0];
            else
                solve_block(m, k, x.data() + b0, true, work);
            for (int i = b0; i < b1; ++i) {
                const double ui = x[i];
                if (ui == 0.0) continue;
                for (int e = rs[i]; e < split[i]; ++e) x[col[e]] += val[e] * ui;
            }
        }
    }
    return x;
}

inline support_system::support_system(std::shared_ptr<const sparse_matrix> shared,
                                      const std::vector<std::string>& activity_ids,
                                      const support_options& options) {
    if (!shared->isCompressed()) {
        auto compressed = std::make_shared<sparse_matrix>(*shared);
        compressed->makeCompressed();
        shared = std::move(compressed);
    }
    const sparse_matrix& support = *shared;
    auto m = std::make_shared<impl>();
    const int n = static_cast<int>(support.rows());
    m->n = n;
    m->options = options;
    // Supplier set P: rows with a non-zero entry.
    std::vector<int> pos(static_cast<std::size_t>(n), -1);
    {
        const int* row = support.innerIndexPtr();
        const double* value = support.valuePtr();
        const auto nnz = static_cast<std::size_t>(support.nonZeros());
        for (std::size_t e = 0; e < nnz; ++e)
            if (value[e] != 0.0) pos[row[e]] = 0;
    }
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
    m->support = std::move(shared);

    // S_PP by rows (supplier -> the suppliers it serves), diagonal apart.
    std::vector<int> start(static_cast<std::size_t>(p) + 1, 0);
    std::vector<double> self(static_cast<std::size_t>(p), 0.0);
    for (int kc = 0; kc < p; ++kc)
        for (sparse_matrix::InnerIterator it(support, m->suppliers[kc]); it; ++it)
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
            for (sparse_matrix::InnerIterator it(support, m->suppliers[kc]); it; ++it) {
                const int ks = pos[it.row()];
                if (it.value() == 0.0 || ks == kc) continue;
                const auto at = static_cast<std::size_t>(next[ks]++);
                col[at] = kc;
                val[at] = it.value();
            }
    }

    // Strongly connected blocks; a block completes after every block it serves, which is the
    // order in which volumes are solved (a supplier's volume needs its consumers' volumes).
    std::vector<int> order;  // block order index -> supplier index
    detail::strong_components(p, start, col, order, m->block_start);
    const std::size_t blocks = m->block_start.size() - 1;
    std::vector<int> new_of(static_cast<std::size_t>(p));
    for (int i = 0; i < p; ++i) new_of[order[i]] = i;
    m->index_of.assign(static_cast<std::size_t>(n), -1);
    for (int i = 0; i < p; ++i) m->index_of[m->suppliers[order[i]]] = i;
    {
        const int* row = support.innerIndexPtr();
        m->target.resize(static_cast<std::size_t>(support.nonZeros()));
        for (std::size_t e = 0; e < m->target.size(); ++e) m->target[e] = m->index_of[row[e]];
    }
    m->activity.resize(static_cast<std::size_t>(p));
    m->diag.resize(static_cast<std::size_t>(p));
    m->inverse.resize(static_cast<std::size_t>(p));
    m->row_start.assign(static_cast<std::size_t>(p) + 1, 0);
    m->row_split.resize(static_cast<std::size_t>(p));
    m->col.resize(col.size());
    m->val.resize(col.size());
    // Row i in block k serves only blocks up to k: its entries in earlier blocks first, then the
    // ones inside its own block (where row_split[i] points).
    int at = 0;
    for (std::size_t k = 0; k < blocks; ++k)
        for (int i = m->block_start[k]; i < m->block_start[k + 1]; ++i) {
            const int old = order[i];
            m->activity[i] = m->suppliers[old];
            m->diag[i] = self[old];
            m->inverse[i] = 1.0 / (1.0 - self[old]);
            m->row_start[i] = at;
            for (int e = start[old]; e < start[old + 1]; ++e)
                if (new_of[col[e]] < m->block_start[k]) {
                    m->col[at] = new_of[col[e]];
                    m->val[at++] = val[e];
                }
            m->row_split[i] = at;
            for (int e = start[old]; e < start[old + 1]; ++e)
                if (new_of[col[e]] >= m->block_start[k]) {
                    m->col[at] = new_of[col[e]];
                    m->val[at++] = val[e];
                }
            m->row_start[i + 1] = at;
        }

    m->info.resize(blocks);
    m->slot.assign(blocks, -1);

    auto block_activities = [&](std::size_t k) {
        std::vector<int> acts;
        for (int i = m->block_start[k]; i < m->block_start[k + 1]; ++i)
            acts.push_back(m->activity[i]);
        return acts;
    };
    std::vector<double> y, rhs, work;
    // The whole supplier system's amplification y = (I - S_PP)^-1 1, block by block as the blocks
    // are factorised (loops in series multiply).
    dense_vector yall(p);
    auto global_amplification = [&](std::size_t k, bool local_is_global) {
        const int b0 = m->block_start[k], b1 = m->block_start[k + 1];
        bool external = false;
        for (int i = b0; i < b1; ++i) {
            double v = 1.0;
            for (int e = m->row_start[i]; e < m->row_split[i]; ++e)
                v += m->val[e] * yall[m->col[e]];
            external = external || m->row_split[i] > m->row_start[i];
            yall[i] = v;
        }
        if (b1 - b0 == 1)
            yall[b0] *= m->inverse[b0];
        else if (!external && local_is_global)
            std::copy(y.begin(), y.end(), yall.data() + b0);
        else
            solve_block(*m, k, yall.data() + b0, false, work);
    };
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
            global_amplification(k, false);
            continue;
        }
        const double density =
            static_cast<double>(info.nonzeros + size) / (static_cast<double>(size) * size);
        auto make_dense = [&] {
            info.solver = block_solver::dense_lu;
            if (size <= options.dense_max) {  // in place, no pivoting (an M-matrix)
                const std::size_t offset = m->small.size();
                m->small.resize(offset + static_cast<std::size_t>(size) * size, 0.0);
                double* a = m->small.data() + offset;
                for (int i = b0; i < b1; ++i) {
                    a[(i - b0) + (i - b0) * size] = 1.0 - m->diag[i];
                    for (int e = m->row_split[i]; e < m->row_start[i + 1]; ++e)
                        a[(i - b0) + (m->col[e] - b0) * size] -= m->val[e];
                }
                if (!detail::small_lu_factor(a, size))
                    detail::throw_support_loop(block_activities(k), activity_ids);
                m->slot[k] = static_cast<int>(m->small_at.size());
                m->small_at.push_back(offset);
                return;
            }
            Eigen::MatrixXd a = Eigen::MatrixXd::Zero(size, size);
            for (int i = b0; i < b1; ++i) {
                a(i - b0, i - b0) = 1.0 - m->diag[i];
                for (int e = m->row_split[i]; e < m->row_start[i + 1]; ++e)
                    a(i - b0, m->col[e] - b0) -= m->val[e];
            }
            m->slot[k] = static_cast<int>(m->dense.size());
            m->dense.emplace_back(a);
        };
        auto make_sparse = [&](const detail::csc_block& a, std::vector<int> q) {
            detail::sparse_lu lu(a, std::move(q));
            if (!lu.ok()) detail::throw_support_loop(block_activities(k), activity_ids);
            m->slot[k] = static_cast<int>(m->sparse.size());
            m->sparse.push_back(std::move(lu));
            info.solver = block_solver::sparse_lu;
        };
        auto factorise_sparse = [&] {
            const auto a = inside(*m, k, true);
            make_sparse(a, detail::fill_reducing_order(a));
        };
        rhs.assign(static_cast<std::size_t>(size), 1.0);
        y.assign(static_cast<std::size_t>(size), 0.0);
        // The iteration on (I - S_BB) y = 1 (the loop check needs y anyway), then on its
        // transpose: converged on both within the budget = iterative. `rate` receives the
        // observed reduction per iteration.
        int sweep_slot = -1;
        auto try_iterative = [&](int budget, double* rate) {
            if (sweep_slot < 0) {
                sweep_data sw;
                sw.columns = inside(*m, k, false);
                sw.rows = detail::transpose(sw.columns);
                sw.inverse_diagonal.resize(static_cast<std::size_t>(size));
                for (int i = 0; i < size; ++i)
                    sw.inverse_diagonal[i] = 1.0 / (1.0 - m->diag[b0 + i]);
                sweep_slot = static_cast<int>(m->sweeps.size());
                m->sweeps.push_back(std::move(sw));
            }
            auto& sw = m->sweeps[static_cast<std::size_t>(sweep_slot)];
            int its = 0, its_t = 0;
            if (!iterate(*m, sw, rhs.data(), y.data(), false, budget, &its, rate, work, k))
                return false;
            std::vector<double> z(static_cast<std::size_t>(size));
            if (!iterate(*m, sw, rhs.data(), z.data(), true, std::max(budget, 4 * its + 32), &its_t,
                         nullptr, work, k))
                return false;
            info.solver = block_solver::iterative;
            info.iterations = std::max(its, its_t);
            sw.budget = std::min(options.max_iterations, 4 * info.iterations + 64);
            m->slot[k] = sweep_slot;
            return true;
        };
        const bool small_or_dense = size <= options.dense_max || (density >= 0.1 && size <= 4096);
        double rate = 1;
        if (options.method == support_method::iterative) {
            if (!try_iterative(options.max_iterations, &rate)) factorise_sparse();
        } else if (small_or_dense) {
            make_dense();
        } else if (options.method == support_method::direct) {
            factorise_sparse();
        } else {
            // Automatic. A block whose LU in its own (topological) order has little fill (chains,
            // trees, single loops) is factorised directly: a symbolic count capped at a few times
            // its non-zeros tells, at the cost of that cap. Otherwise a quick probe of the
            // iteration (32 iterations); if it does not converge, the symbolic fill in a
            // minimum-degree order decides, capped at the work the iteration would still need;
            // failing both, a longer iteration, and the direct method last.
            const double per = static_cast<double>(info.nonzeros + size);
            const auto a = inside(*m, k, true);
            std::vector<int> natural(static_cast<std::size_t>(size));
            for (int i = 0; i < size; ++i) natural[i] = i;
            const auto cheap =
                detail::estimate_fill(a, natural, static_cast<std::int64_t>(4 * per));
            if (!cheap.exceeded) {
                make_sparse(a, std::move(natural));
            } else if (!try_iterative(32, &rate)) {
                double predicted = options.max_iterations;
                if (rate > 0 && rate < 1)
                    predicted = std::min<double>(options.max_iterations,
                                                 32 + std::log(1e-16) / std::log(rate));
                auto q = detail::fill_reducing_order(a);
                const auto cap = static_cast<std::int64_t>(std::max(8.0 * per, predicted * per));
                const auto fill = detail::estimate_fill(a, q, cap);
                // A cheap factorisation is taken at once; otherwise iterations get a longer try
                // first, and the factorisation is the fallback.
                const bool cheap_enough = !fill.exceeded && fill.flops <= 100.0 * predicted * per;
                if (cheap_enough ||
                    !try_iterative(static_cast<int>(std::min<double>(options.max_iterations,
                                                                     4 * predicted + 100)),
                                   &rate))
                    make_sparse(a, std::move(q));
            }
        }
        // The block's amplification y = (I - S_BB)^-1 1: y >= 1 exactly when its loop does not
        // feed itself.
        if (info.solver != block_solver::iterative) {
            std::copy(rhs.begin(), rhs.end(), y.begin());
            solve_block(*m, k, y.data(), false, work);
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
        global_amplification(k, true);
    }
    if (!yall.allFinite() || yall.minCoeff() < 1.0 - 1e-9 || yall.maxCoeff() > max_amplification) {
        std::vector<std::string> names;
        for (int a : m->suppliers) names.push_back(activity_ids[static_cast<std::size_t>(a)]);
        throw support_loop_error(names,
                                 "support system is numerically singular: (I - S) x = d has "
                                 "no reliable finite non-negative solution");
    }
    impl_ = std::move(m);
}

inline dense_vector support_system::volumes(const dense_vector& d) const {
    if (!impl_ || impl_->p == 0) return d;
    const impl& m = *impl_;
    const int* outer = m.support->outerIndexPtr();
    const int* target = m.target.data();
    const double* value = m.support->valuePtr();
    // rhs = d_P + S_PN d_N: the supplier rows of S times d outside the suppliers.
    dense_vector rhs(m.p);
    for (int i = 0; i < m.p; ++i) rhs[i] = d[m.activity[i]];
    for (int a = 0; a < m.n; ++a) {
        const double da = d[a];
        if (da == 0.0 || m.index_of[a] >= 0) continue;
        for (int e = outer[a]; e < outer[a + 1]; ++e) rhs[target[e]] += value[e] * da;
    }
    const dense_vector xp = solve_supplier_system(m, std::move(rhs), false);
    dense_vector x = d;
    for (int i = 0; i < m.p; ++i) x[m.activity[i]] = xp[i];
    return x;
}

inline dense_vector support_system::full_unit_costs(const dense_vector& c) const {
    if (!impl_ || impl_->p == 0) return c;
    const impl& m = *impl_;
    const int* outer = m.support->outerIndexPtr();
    const int* target = m.target.data();
    const double* value = m.support->valuePtr();
    dense_vector cp(m.p);
    for (int i = 0; i < m.p; ++i) cp[i] = c[m.activity[i]];
    const dense_vector up = solve_supplier_system(m, std::move(cp), true);
    dense_vector u(m.n);  // u_N = c_N + S_PN^T u_P, u_P from the supplier system
    for (int a = 0; a < m.n; ++a) {
        const int i = m.index_of[a];
        if (i >= 0) {
            u[a] = up[i];
            continue;
        }
        double s = c[a];
        for (int e = outer[a]; e < outer[a + 1]; ++e) s += value[e] * up[target[e]];
        u[a] = s;
    }
    return u;
}

}  // namespace zbb
