// zbb/support_lu.hpp - direct factorisations of one block of the support system, I - S_BB.
//
// I - S_BB is a non-singular M-matrix whenever the support loop does not feed itself (spectral
// radius of S_BB below 1). An M-matrix has an LU factorisation without pivoting in every
// symmetric ordering, with positive pivots, and the factorisation is stable (its factors are
// M-matrices too). So both factorisations here keep the diagonal as pivot, choose the ordering
// for fill only (approximate minimum degree on the pattern of A + A^T), and report a pivot that
// is not positive: the sign that the block's loop feeds itself.
#pragma once

#include <Eigen/Core>
#include <Eigen/LU>
#include <Eigen/OrderingMethods>
#include <Eigen/SparseCore>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace zbb::detail {

/// Dense LU of a block (partial pivoting, blocked: Eigen's PartialPivLU). Whether the block's loop
/// feeds itself is decided by the caller from the amplification y = A^-1 1 (y >= 1 exactly when
/// the spectral radius of S_BB is below 1).
class dense_lu {
  public:
    dense_lu() = default;
    explicit dense_lu(const Eigen::MatrixXd& a) : lu_(a) {}
    /// b := A^-1 b.
    void solve(Eigen::Ref<Eigen::VectorXd> b) const { b = lu_.solve(b); }
    /// b := A^-T b.
    void solve_transposed(Eigen::Ref<Eigen::VectorXd> b) const { b = lu_.transpose().solve(b); }

  private:
    Eigen::PartialPivLU<Eigen::MatrixXd> lu_;
};

/// A small dense block, column-major n x n at `a`, factorised in place without pivoting (L unit
/// lower, U upper); false when a pivot is not positive (the block's loop feeds itself).
inline bool small_lu_factor(double* a, int n) {
    for (int k = 0; k < n; ++k) {
        const double pivot = a[k + k * n];
        if (!(pivot > 1e-300) || !std::isfinite(pivot)) return false;
        for (int i = k + 1; i < n; ++i) a[i + k * n] /= pivot;
        for (int j = k + 1; j < n; ++j) {
            const double ukj = a[k + j * n];
            if (ukj == 0.0) continue;
            double* col = a + static_cast<std::ptrdiff_t>(j) * n;
            const double* l = a + static_cast<std::ptrdiff_t>(k) * n;
            for (int i = k + 1; i < n; ++i) col[i] -= l[i] * ukj;
        }
    }
    return true;
}
/// b := A^-1 b with the factors of small_lu_factor.
inline void small_lu_solve(const double* lu, int n, double* b) {
    for (int j = 0; j < n; ++j)  // L y = b
        for (int i = j + 1; i < n; ++i) b[i] -= lu[i + j * n] * b[j];
    for (int j = n - 1; j >= 0; --j) {  // U x = y
        b[j] /= lu[j + j * n];
        for (int i = 0; i < j; ++i) b[i] -= lu[i + j * n] * b[j];
    }
}
/// b := A^-T b with the factors of small_lu_factor.
inline void small_lu_solve_transposed(const double* lu, int n, double* b) {
    for (int j = 0; j < n; ++j) {  // U^T y = b
        double s = b[j];
        for (int i = 0; i < j; ++i) s -= lu[i + j * n] * b[i];
        b[j] = s / lu[j + j * n];
    }
    for (int j = n - 1; j >= 0; --j) {  // L^T x = y
        double s = b[j];
        for (int i = j + 1; i < n; ++i) s -= lu[i + j * n] * b[i];
        b[j] = s;
    }
}

/// Compressed columns of an n x n block: column j holds (row[k], value[k]) for k in
/// [start[j], start[j + 1]).
struct csc_block {
    int n = 0;
    std::vector<int> start, row;
    std::vector<double> value;
    std::size_t nonzeros() const noexcept { return row.size(); }
};

/// The transpose of a block (its rows as compressed columns).
inline csc_block transpose(const csc_block& a) {
    csc_block t;
    t.n = a.n;
    t.start.assign(static_cast<std::size_t>(a.n) + 1, 0);
    for (int r : a.row) ++t.start[r + 1];
    for (int i = 0; i < a.n; ++i) t.start[i + 1] += t.start[i];
    t.row.resize(a.row.size());
    t.value.resize(a.row.size());
    std::vector<int> next(t.start.begin(), t.start.end() - 1);
    for (int j = 0; j < a.n; ++j)
        for (int e = a.start[j]; e < a.start[j + 1]; ++e) {
            const auto at = static_cast<std::size_t>(next[a.row[e]]++);
            t.row[at] = j;
            t.value[at] = a.value[e];
        }
    return t;
}

/// Symbolic cost of a factorisation without pivoting in the ordering `q` (new -> old), from the
/// Cholesky structure of the pattern of A + A^T (which contains the structure of L + U): the
/// number of non-zeros of L and the multiplications of the factorisation. Stops early, with
/// `exceeded` set, once L would have more than `cap` non-zeros, so a block whose fill explodes
/// costs no more than `cap` steps to recognise.
struct fill_estimate {
    std::int64_t nonzeros_l = 0;
    double flops = 0;
    bool exceeded = false;
};

inline fill_estimate estimate_fill(const csc_block& a, const std::vector<int>& q,
                                   std::int64_t cap) {
    const int n = a.n;
    std::vector<int> inv(static_cast<std::size_t>(n));
    for (int k = 0; k < n; ++k) inv[q[k]] = k;
    // Upper pattern of P (A + A^T) P^T by columns: for each entry (i, j), i != j, the pair
    // (min, max) of the new indices goes to column max.
    std::vector<int> count(static_cast<std::size_t>(n) + 1, 0);
    for (int j = 0; j < n; ++j)
        for (int k = a.start[j]; k < a.start[j + 1]; ++k) {
            const int i = a.row[k];
            if (i == j) continue;
            ++count[std::max(inv[i], inv[j]) + 1];
        }
    for (int j = 0; j < n; ++j) count[j + 1] += count[j];
    std::vector<int> upper(static_cast<std::size_t>(count[n]));
    {
        std::vector<int> next(count.begin(), count.end() - 1);
        for (int j = 0; j < n; ++j)
            for (int k = a.start[j]; k < a.start[j + 1]; ++k) {
                const int i = a.row[k];
                if (i == j) continue;
                const int ni = inv[i], nj = inv[j];
                upper[next[std::max(ni, nj)]++] = std::min(ni, nj);
            }
    }
    // Elimination tree (Liu, with path compression), then the row subtrees: row k of L has an
    // entry in every column on the paths from its pattern up to k.
    std::vector<int> parent(static_cast<std::size_t>(n), -1),
        ancestor(static_cast<std::size_t>(n), -1);
    for (int k = 0; k < n; ++k)
        for (int p = count[k]; p < count[k + 1]; ++p) {
            int i = upper[p];
            while (i != -1 && i < k) {
                const int up = ancestor[i];
                ancestor[i] = k;
                if (up == -1) {
                    parent[i] = k;
                    break;
                }
                i = up;
            }
        }
    fill_estimate out;
    std::vector<int> mark(static_cast<std::size_t>(n), -1);
    std::vector<std::int64_t> column(static_cast<std::size_t>(n), 1);
    out.nonzeros_l = n;
    for (int k = 0; k < n; ++k) {
        mark[k] = k;
        for (int p = count[k]; p < count[k + 1]; ++p)
            for (int i = upper[p]; i != -1 && mark[i] != k; i = parent[i]) {
                mark[i] = k;
                ++column[i];
                if (++out.nonzeros_l > cap) {
                    out.exceeded = true;
                    return out;
                }
            }
    }
    for (auto c : column) out.flops += static_cast<double>(c) * static_cast<double>(c);
    return out;
}

/// Approximate minimum degree ordering (new -> old) of the pattern of A + A^T.
inline std::vector<int> fill_reducing_order(const csc_block& a) {
    Eigen::SparseMatrix<double, Eigen::ColMajor, int> m(a.n, a.n);
    std::vector<Eigen::Triplet<double, int>> t;
    t.reserve(a.nonzeros());
    for (int j = 0; j < a.n; ++j)
        for (int k = a.start[j]; k < a.start[j + 1]; ++k) t.emplace_back(a.row[k], j, 1.0);
    m.setFromTriplets(t.begin(), t.end());
    Eigen::AMDOrdering<int> amd;
    Eigen::PermutationMatrix<Eigen::Dynamic, Eigen::Dynamic, int> perm;
    amd(m, perm);
    return {perm.indices().data(), perm.indices().data() + perm.indices().size()};
}

/// Sparse LU without pivoting (left-looking, Gilbert-Peierls) of a block in a fill-reducing
/// symmetric ordering. L is unit lower, U upper with its diagonal stored last in each column.
class sparse_lu {
  public:
    sparse_lu() = default;
    /// Factorises A(q, q); ok() is false when a pivot is not positive.
    sparse_lu(const csc_block& a, std::vector<int> q) : n_(a.n), q_(std::move(q)) {
        const int n = n_;
        const auto N = static_cast<std::size_t>(n);
        std::vector<int> inv(N);
        for (int k = 0; k < n; ++k) inv[q_[k]] = k;
        lp_.assign(N + 1, 0);
        up_.assign(N + 1, 0);
        std::vector<double> x(N, 0.0);
        std::vector<int> stack(N), pstack(N), pattern(N);
        std::vector<int> mark(N, -1);
        for (int k = 0; k < n; ++k) {
            const int old = q_[k];
            // Reach of column k of A(q, q) in the graph of L(:, 0..k-1): topological order.
            int top = n;
            for (int p = a.start[old]; p < a.start[old + 1]; ++p) {
                const int i = inv[a.row[p]];
                if (mark[i] == k) continue;
                // Depth-first search from i through columns of L (only columns < k exist).
                int head = 0;
                stack[0] = i;
                while (head >= 0) {
                    const int j = stack[head];
                    if (mark[j] != k) {
                        mark[j] = k;
                        pstack[head] = j < k ? lp_[j] : 0;
                    }
                    bool done = true;
                    if (j < k) {
                        const int end = lp_[j + 1];
                        for (int pp = pstack[head]; pp < end; ++pp) {
                            const int r = li_[pp];
                            if (mark[r] == k) continue;
                            pstack[head] = pp + 1;
                            stack[++head] = r;
                            done = false;
                            break;
                        }
                    }
                    if (done) {
                        --head;
                        pattern[--top] = j;
                    }
                }
            }
            for (int p = top; p < n; ++p) x[pattern[p]] = 0;
            for (int p = a.start[old]; p < a.start[old + 1]; ++p) x[inv[a.row[p]]] = a.value[p];
            // Sparse triangular solve with L in topological order.
            for (int p = top; p < n; ++p) {
                const int j = pattern[p];
                if (j >= k) continue;
                const double xj = x[j];
                for (int pp = lp_[j]; pp < lp_[j + 1]; ++pp) x[li_[pp]] -= lv_[pp] * xj;
            }
            const double pivot = x[k];
            if (!(pivot > 1e-300) || !std::isfinite(pivot)) {
                ok_ = false;
                return;
            }
            for (int p = top; p < n; ++p) {
                const int i = pattern[p];
                const double v = x[i];
                if (i < k) {
                    ui_.push_back(i);
                    uv_.push_back(v);
                } else if (i > k && v != 0.0) {
                    li_.push_back(i);
                    lv_.push_back(v / pivot);
                }
            }
            ui_.push_back(k);
            uv_.push_back(pivot);
            lp_[k + 1] = static_cast<int>(li_.size());
            up_[k + 1] = static_cast<int>(ui_.size());
        }
        ok_ = true;
    }
    bool ok() const noexcept { return ok_; }
    std::size_t nonzeros() const noexcept { return li_.size() + ui_.size(); }

    /// b := A^-1 b (b in the block's own order); `work` has room for n doubles.
    void solve(double* b, std::vector<double>& work) const {
        work.resize(static_cast<std::size_t>(n_));
        double* y = work.data();
        for (int k = 0; k < n_; ++k) y[k] = b[q_[k]];
        for (int j = 0; j < n_; ++j) {  // L y = b
            const double yj = y[j];
            if (yj != 0.0)
                for (int p = lp_[j]; p < lp_[j + 1]; ++p) y[li_[p]] -= lv_[p] * yj;
        }
        for (int j = n_ - 1; j >= 0; --j) {  // U x = y (diagonal last in each column)
            const int last = up_[j + 1] - 1;
            const double xj = y[j] / uv_[last];
            y[j] = xj;
            if (xj != 0.0)
                for (int p = up_[j]; p < last; ++p) y[ui_[p]] -= uv_[p] * xj;
        }
        for (int k = 0; k < n_; ++k) b[q_[k]] = y[k];
    }
    /// b := A^-T b.
    void solve_transposed(double* b, std::vector<double>& work) const {
        work.resize(static_cast<std::size_t>(n_));
        double* y = work.data();
        for (int k = 0; k < n_; ++k) y[k] = b[q_[k]];
        for (int j = 0; j < n_; ++j) {  // U^T z = b
            const int last = up_[j + 1] - 1;
            double s = y[j];
            for (int p = up_[j]; p < last; ++p) s -= uv_[p] * y[ui_[p]];
            y[j] = s / uv_[last];
        }
        for (int j = n_ - 1; j >= 0; --j) {  // L^T x = z
            double s = y[j];
            for (int p = lp_[j]; p < lp_[j + 1]; ++p) s -= lv_[p] * y[li_[p]];
            y[j] = s;
        }
        for (int k = 0; k < n_; ++k) b[q_[k]] = y[k];
    }

  private:
    int n_ = 0;
    std::vector<int> q_;
    std::vector<int> lp_, li_, up_, ui_;
    std::vector<double> lv_, uv_;
    bool ok_ = false;
};

}  // namespace zbb::detail
