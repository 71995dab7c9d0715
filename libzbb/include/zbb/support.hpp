// zbb/support.hpp - the reciprocal support system (I - S) x = d and (I - S)^T u = c.
#pragma once

#include <Eigen/SparseCore>
#include <Eigen/SparseLU>
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "zbb/error.hpp"

namespace zbb {

/// Column-major sparse matrix of doubles with int indices, as used throughout zbb.
using sparse_matrix = Eigen::SparseMatrix<double, Eigen::ColMajor, int>;
using vector = Eigen::VectorXd;

/// Solves the support system of a model. S (activity x activity) holds in S(s, a) the units of
/// supplier s needed per unit of activity a. Only the rows of activities that supply support are
/// non-zero, so x = d outside the supplier set P, and only the P x P block needs a factorisation:
///   (I - S_PP) x_P = d_P + S_PN d_N,          x_N = d_N,
///   (I - S_PP)^T u_P = c_P,                   u_N = c_N + S_PN^T u_P.
/// The block is factorised once (sparse LU, never an inverse) and reused for x and u, with one step
/// of iterative refinement each. Construction refuses an S with a loop that feeds itself
/// (spectral radius of S >= 1), naming the activities in that loop.
class support_system {
  public:
    support_system() = default;

    /// `support` is n x n; `activity_ids` names the activities for error messages.
    support_system(const sparse_matrix& support, const std::vector<std::string>& activity_ids) {
        const int n = static_cast<int>(support.rows());
        n_ = n;
        // Supplier set P: rows with a non-zero entry.
        std::vector<char> is_supplier(static_cast<std::size_t>(n), 0);
        for (int k = 0; k < support.outerSize(); ++k)
            for (sparse_matrix::InnerIterator it(support, k); it; ++it)
                if (it.value() != 0.0) is_supplier[static_cast<std::size_t>(it.row())] = 1;
        pos_.assign(static_cast<std::size_t>(n), -1);
        for (int a = 0; a < n; ++a)
            if (is_supplier[static_cast<std::size_t>(a)]) {
                pos_[static_cast<std::size_t>(a)] = static_cast<int>(suppliers_.size());
                suppliers_.push_back(a);
            }
        const int p = static_cast<int>(suppliers_.size());
        if (p == 0) return;

        // S keeps its non-zeros in the supplier rows only, so S itself serves as S_P; the block
        // (I - S_PP) comes from the supplier columns.
        support_ = support;
        support_.makeCompressed();
        std::vector<Eigen::Triplet<double, int>> block;
        for (int k = 0; k < p; ++k) block.emplace_back(k, k, 1.0);
        for (int k = 0; k < p; ++k)
            for (sparse_matrix::InnerIterator it(support_, suppliers_[static_cast<std::size_t>(k)]);
                 it; ++it)
                if (it.value() != 0.0)
                    block.emplace_back(pos_[static_cast<std::size_t>(it.row())], k, -it.value());
        i_minus_s_pp_.resize(p, p);
        i_minus_s_pp_.setFromTriplets(block.begin(), block.end());
        i_minus_s_pp_.makeCompressed();

        auto lu = std::make_shared<lu_type>();
        lu->analyzePattern(i_minus_s_pp_);
        lu->factorize(i_minus_s_pp_);
        lu_ = std::move(lu);
        // (I - S_PP) y = 1 has a solution y >= 1 exactly when the spectral radius of S_PP is < 1.
        bool ok = lu_->info() == Eigen::Success;
        if (ok) {
            vector y = solve_block(vector::Ones(p), false);
            ok = y.allFinite() && y.minCoeff() >= 1.0 - 1e-9 && y.maxCoeff() <= max_amplification;
        }
        if (!ok) throw_loop(activity_ids);
    }

    int size() const noexcept { return n_; }
    /// Indices of the activities that supply support (the non-zero rows of S), ascending.
    const std::vector<int>& suppliers() const noexcept { return suppliers_; }

    /// Total volumes x from direct volumes d: (I - S) x = d.
    vector volumes(const vector& d) const {
        vector x = d;
        if (suppliers_.empty()) return x;
        vector d_outside = d;
        for (int a : suppliers_) d_outside[a] = 0.0;
        const vector s_d = support_ * d_outside;  // non-zero in the supplier rows only: S_PN d_N
        vector rhs(static_cast<int>(suppliers_.size()));
        for (std::size_t k = 0; k < suppliers_.size(); ++k)
            rhs[static_cast<int>(k)] = d[suppliers_[k]] + s_d[suppliers_[k]];
        const vector xp = solve_block(rhs, false);
        for (std::size_t k = 0; k < suppliers_.size(); ++k)
            x[suppliers_[k]] = xp[static_cast<int>(k)];
        return x;
    }

    /// Full unit costs u from direct unit costs c: (I - S)^T u = c (the reciprocal method).
    vector full_unit_costs(const vector& c) const {
        if (suppliers_.empty()) return c;
        vector cp(static_cast<int>(suppliers_.size()));
        for (std::size_t k = 0; k < suppliers_.size(); ++k)
            cp[static_cast<int>(k)] = c[suppliers_[k]];
        const vector up = solve_block(cp, true);
        vector u_p_only = vector::Zero(n_);
        for (std::size_t k = 0; k < suppliers_.size(); ++k)
            u_p_only[suppliers_[k]] = up[static_cast<int>(k)];
        vector u = c + support_.transpose() * u_p_only;  // u_N = c_N + S_PN^T u_P
        for (std::size_t k = 0; k < suppliers_.size(); ++k)
            u[suppliers_[k]] = up[static_cast<int>(k)];
        return u;
    }

    /// Largest total volume per unit of direct volume that zbb accepts from a support loop.
    static constexpr double max_amplification = 1e12;

  private:
    vector solve_block(const vector& rhs, bool transposed) const {
        vector z = transposed ? vector(lu_->transpose().solve(rhs)) : vector(lu_->solve(rhs));
        // One step of iterative refinement.
        vector res = transposed ? vector(rhs - i_minus_s_pp_.transpose() * z)
                                : vector(rhs - i_minus_s_pp_ * z);
        z += transposed ? vector(lu_->transpose().solve(res)) : vector(lu_->solve(res));
        return z;
    }

    // Finds a strongly connected component of the supplier graph whose own block has spectral
    // radius >= 1 and throws support_loop_error naming its activities.
    [[noreturn]] void throw_loop(const std::vector<std::string>& ids) const {
        const int p = static_cast<int>(suppliers_.size());
        auto comps = strongly_connected_components();
        for (const auto& comp : comps) {
            bool cyclic = comp.size() > 1 || i_minus_s_pp_.coeff(comp[0], comp[0]) != 1.0;
            if (!cyclic) continue;
            std::vector<int> local(static_cast<std::size_t>(p), -1);
            for (std::size_t i = 0; i < comp.size(); ++i)
                local[static_cast<std::size_t>(comp[i])] = static_cast<int>(i);
            std::vector<Eigen::Triplet<double, int>> t;
            for (int c : comp)
                for (sparse_matrix::InnerIterator it(i_minus_s_pp_, c); it; ++it) {
                    int r = local[static_cast<std::size_t>(it.row())];
                    if (r >= 0) t.emplace_back(r, local[static_cast<std::size_t>(c)], it.value());
                }
            const int m = static_cast<int>(comp.size());
            sparse_matrix b(m, m);
            b.setFromTriplets(t.begin(), t.end());
            b.makeCompressed();
            Eigen::SparseLU<sparse_matrix> lu;
            lu.analyzePattern(b);
            lu.factorize(b);
            bool ok = lu.info() == Eigen::Success;
            if (ok) {
                vector y = lu.solve(vector::Ones(m));
                ok = y.allFinite() && y.minCoeff() >= 1.0 - 1e-9 &&
                     y.maxCoeff() <= max_amplification;
            }
            if (!ok) {
                std::vector<int> acts;
                for (int k : comp) acts.push_back(suppliers_[static_cast<std::size_t>(k)]);
                std::sort(acts.begin(), acts.end());
                std::vector<std::string> names;
                for (int a : acts) names.push_back(ids[static_cast<std::size_t>(a)]);
                throw support_loop_error(
                    names,
                    "support loop feeds itself: these activities need at least as much of "
                    "each other's output as they produce, so (I - S) x = d has no finite "
                    "non-negative solution");
            }
        }
        std::vector<std::string> names;
        for (int a : suppliers_) names.push_back(ids[static_cast<std::size_t>(a)]);
        throw support_loop_error(names,
                                 "support system is numerically singular: (I - S) x = d has "
                                 "no reliable finite non-negative solution");
    }

    // Iterative Tarjan over the P x P block (edges supplier -> consumer).
    std::vector<std::vector<int>> strongly_connected_components() const {
        const int p = static_cast<int>(suppliers_.size());
        // Adjacency by rows of S_PP: row r has entries (r, c) in column c, so build lists.
        std::vector<std::vector<int>> adj(static_cast<std::size_t>(p));
        for (int c = 0; c < p; ++c)
            for (sparse_matrix::InnerIterator it(i_minus_s_pp_, c); it; ++it)
                if (it.row() != c) adj[static_cast<std::size_t>(it.row())].push_back(c);
        std::vector<int> index(static_cast<std::size_t>(p), -1),
            low(static_cast<std::size_t>(p), 0);
        std::vector<char> on_stack(static_cast<std::size_t>(p), 0);
        std::vector<int> stack;
        std::vector<std::vector<int>> comps;
        int counter = 0;
        struct frame {
            int v;
            std::size_t next;
        };
        for (int root = 0; root < p; ++root) {
            if (index[static_cast<std::size_t>(root)] >= 0) continue;
            std::vector<frame> call{{root, 0}};
            index[static_cast<std::size_t>(root)] = low[static_cast<std::size_t>(root)] = counter++;
            stack.push_back(root);
            on_stack[static_cast<std::size_t>(root)] = 1;
            while (!call.empty()) {
                frame& f = call.back();
                const auto v = static_cast<std::size_t>(f.v);
                if (f.next < adj[v].size()) {
                    int w = adj[v][f.next++];
                    const auto wu = static_cast<std::size_t>(w);
                    if (index[wu] < 0) {
                        index[wu] = low[wu] = counter++;
                        stack.push_back(w);
                        on_stack[wu] = 1;
                        call.push_back({w, 0});
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
                        on_stack[static_cast<std::size_t>(w)] = 0;
                        comp.push_back(w);
                    } while (w != f.v);
                    comps.push_back(std::move(comp));
                }
                int child = f.v;
                call.pop_back();
                if (!call.empty()) {
                    auto parent = static_cast<std::size_t>(call.back().v);
                    low[parent] = std::min(low[parent], low[static_cast<std::size_t>(child)]);
                }
            }
        }
        return comps;
    }

    int n_ = 0;
    std::vector<int> suppliers_;
    std::vector<int> pos_;
    sparse_matrix support_;       // S, non-zero in the supplier rows only
    sparse_matrix i_minus_s_pp_;  // P x P
    using lu_type = Eigen::SparseLU<sparse_matrix>;
    std::shared_ptr<lu_type> lu_;  // never modified once built; shared by copies
};

}  // namespace zbb
