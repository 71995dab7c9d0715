// The support solver: every block solver against an exact rational solve on small members of the
// benchmark family, against an independent double-precision method at full size, and its loop
// checks.
#include <Eigen/SparseLU>
#include <boost/multiprecision/cpp_int.hpp>
#include <catch2/catch.hpp>
#include <map>
#include <random>

#include "family.hpp"
#include "zbb/budget.hpp"

namespace {

using rational = boost::multiprecision::cpp_rational;
using zbb::support_method;

// (I - S) x = d solved exactly (Gauss-Jordan over rationals on the supplier block; every double
// converts to a rational exactly), and (I - S)^T u = c.
struct exact_solution {
    std::vector<rational> x, u;
};

exact_solution exact_solve(const zbb::sparse_matrix& S, const zbb::dense_vector& d,
                           const zbb::dense_vector& c) {
    const int n = static_cast<int>(S.rows());
    std::vector<int> pos(static_cast<std::size_t>(n), -1), sup;
    for (int k = 0; k < S.outerSize(); ++k)
        for (zbb::sparse_matrix::InnerIterator it(S, k); it; ++it) pos[it.row()] = 0;
    for (int a = 0; a < n; ++a)
        if (pos[a] == 0) {
            pos[a] = static_cast<int>(sup.size());
            sup.push_back(a);
        }
    const auto p = sup.size();
    // A = I - S_PP, rhs = d_P + S_PN d_N; the transposed system for u.
    std::vector<std::vector<rational>> a(p, std::vector<rational>(p, 0)), at = a;
    std::vector<rational> bx(p), bu(p);
    for (std::size_t i = 0; i < p; ++i) {
        a[i][i] = at[i][i] = 1;
        bx[i] = rational(d[sup[i]]);
        bu[i] = rational(c[sup[i]]);
    }
    for (int col = 0; col < n; ++col)
        for (zbb::sparse_matrix::InnerIterator it(S, col); it; ++it) {
            const auto r = static_cast<std::size_t>(pos[it.row()]);
            if (pos[col] >= 0) {
                const auto cc = static_cast<std::size_t>(pos[col]);
                a[r][cc] -= rational(it.value());
                at[cc][r] -= rational(it.value());
            } else {
                bx[r] += rational(it.value()) * rational(d[col]);
            }
        }
    auto gauss = [p](std::vector<std::vector<rational>> m, std::vector<rational> b) {
        for (std::size_t k = 0; k < p; ++k) {
            std::size_t piv = k;
            while (m[piv][k] == 0) ++piv;
            std::swap(m[piv], m[k]);
            std::swap(b[piv], b[k]);
            for (std::size_t i = 0; i < p; ++i) {
                if (i == k || m[i][k] == 0) continue;
                const rational f = m[i][k] / m[k][k];
                for (std::size_t j = k; j < p; ++j) m[i][j] -= f * m[k][j];
                b[i] -= f * b[k];
            }
        }
        for (std::size_t k = 0; k < p; ++k) b[k] /= m[k][k];
        return b;
    };
    const auto xp = gauss(a, bx), up = gauss(at, bu);
    exact_solution out;
    out.x.resize(static_cast<std::size_t>(n));
    out.u.resize(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        out.x[i] = pos[i] >= 0 ? xp[static_cast<std::size_t>(pos[i])] : rational(d[i]);
        out.u[i] = rational(c[i]);
    }
    for (int col = 0; col < n; ++col) {
        if (pos[col] >= 0) {
            out.u[col] = up[static_cast<std::size_t>(pos[col])];
            continue;
        }
        for (zbb::sparse_matrix::InnerIterator it(S, col); it; ++it)
            out.u[col] += rational(it.value()) * up[static_cast<std::size_t>(pos[it.row()])];
    }
    return out;
}

double relative_error(const zbb::dense_vector& v, const std::vector<rational>& exact) {
    rational worst = 0, scale = 0;
    for (std::size_t i = 0; i < exact.size(); ++i) {
        rational e = rational(v[static_cast<Eigen::Index>(i)]) - exact[i];
        if (e < 0) e = -e;
        worst = std::max(worst, e);
        scale = std::max(scale, exact[i] < 0 ? rational(-exact[i]) : exact[i]);
    }
    return scale == 0 ? 0.0 : static_cast<double>(worst / scale);
}

zbb::linked_model family(char member, int activities,
                         support_method method = support_method::automatic, int dense_max = 64) {
    zbb_bench::family_sizes sizes;
    sizes.activities = activities;
    zbb::link_options options;
    options.support.method = method;
    options.support.dense_max = dense_max;
    return zbb::linked_model(zbb_bench::family_model(member, sizes, 7), options);
}

std::map<zbb::block_solver, int> solvers(const zbb::linked_model& lm) {
    std::map<zbb::block_solver, int> out;
    for (const auto& b : lm.support_solver().blocks()) ++out[b.solver];
    return out;
}

}  // namespace

TEST_CASE("every block solver agrees with an exact rational solve on small family members",
          "[support]") {
    // Sizes chosen so that the supplier block stays small enough for exact arithmetic.
    const std::vector<std::pair<char, int>> members = {{'a', 400}, {'b', 300}, {'c', 600},
                                                       {'d', 24},  {'e', 240}, {'f', 300}};
    std::map<zbb::block_solver, int> used;
    for (const auto& [member, size] : members)
        for (auto method :
             {support_method::automatic, support_method::direct, support_method::iterative}) {
            INFO("member " << member << ", method " << zbb::to_string(method));
            // dense_max 4: the direct method factorises every block above 4 activities sparsely.
            const auto lm = family(member, size, method, method == support_method::direct ? 4 : 64);
            const auto b = zbb::compute_budget(lm);
            const auto exact = exact_solve(lm.support(), b.direct_volumes, b.unit_costs);
            // The iteration certifies tolerance x amplification; direct solves do better.
            CHECK(relative_error(b.volumes, exact.x) < 1e-12);
            CHECK(relative_error(b.full_unit_costs, exact.u) < 1e-12);
            if (method == support_method::iterative)
                for (const auto& blk : lm.support_solver().blocks())
                    CHECK((blk.size == 1 || blk.solver == zbb::block_solver::iterative));
            if (method == support_method::direct)
                for (const auto& blk : lm.support_solver().blocks())
                    CHECK(blk.solver != zbb::block_solver::iterative);
            for (const auto& blk : lm.support_solver().blocks()) ++used[blk.solver];
        }
    // Every solver was exercised.
    CHECK(used[zbb::block_solver::scalar] > 0);
    CHECK(used[zbb::block_solver::dense_lu] > 0);
    CHECK(used[zbb::block_solver::sparse_lu] > 0);
    CHECK(used[zbb::block_solver::iterative] > 0);
}

TEST_CASE("the automatic choice per structure", "[support]") {
    // A giant reciprocal web converges in a few iterations; its LU would fill in.
    CHECK(solvers(family('b', 6000))[zbb::block_solver::iterative] == 1);
    // Municipalities' overhead blocks are small: dense LU each.
    const auto c = solvers(family('c', 3000));
    CHECK(c.at(zbb::block_solver::dense_lu) >= 9);
    CHECK(c.count(zbb::block_solver::iterative) == 0);
    // Chains are blocks of one activity.
    const auto e = family('e', 3000);
    for (const auto& blk : e.support_solver().blocks()) CHECK(blk.size == 1);
    // A dense input-output table of moderate size: dense LU.
    CHECK(solvers(family('d', 200))[zbb::block_solver::dense_lu] == 1);
    // One long loop: a sparse LU with next to no fill.
    CHECK(solvers(family('f', 3000))[zbb::block_solver::sparse_lu] == 1);
}

TEST_CASE("at full size every member agrees with an independent double-precision solve",
          "[support][full]") {
    const std::vector<std::pair<char, int>> members = {{'a', 100000}, {'b', 100000}, {'c', 102600},
                                                       {'d', 2000},   {'e', 60000},  {'f', 50000}};
    for (const auto& [member, size] : members) {
        INFO("member " << member);
        const auto lm = family(member, size);
        const auto b = zbb::compute_budget(lm);
        const zbb::sparse_matrix& S = lm.support();
        // Independent: Jacobi on the whole (I - S) x = d where it converges fast (column sums of S
        // at most 0.6), else Eigen's SparseLU of the whole I - S.
        zbb::dense_vector x, u;
        if (member == 'b' || member == 'd' || member == 'a' || member == 'c' || member == 'e') {
            x = b.direct_volumes;
            u = b.unit_costs;
            const zbb::sparse_matrix St = S.transpose();
            for (int it = 0; it < 200; ++it) {
                x = b.direct_volumes + S * x;
                u = b.unit_costs + St * u;
            }
        } else {
            zbb::sparse_matrix a(S.rows(), S.cols());
            a.setIdentity();
            a -= S;
            Eigen::SparseLU<zbb::sparse_matrix> lu(a);
            REQUIRE(lu.info() == Eigen::Success);
            x = lu.solve(b.direct_volumes);
            const zbb::sparse_matrix at = a.transpose();
            Eigen::SparseLU<zbb::sparse_matrix> lut(at);
            u = lut.solve(b.unit_costs);
        }
        CHECK((x - b.volumes).cwiseAbs().maxCoeff() <= 1e-12 * x.cwiseAbs().maxCoeff());
        CHECK((u - b.full_unit_costs).cwiseAbs().maxCoeff() <= 1e-12 * u.cwiseAbs().maxCoeff());
        // The money cross-foots whatever the solver.
        zbb::money sum;
        for (const auto& m : b.by_goal.amounts) sum += m;
        CHECK(sum == b.total);
    }
}

namespace {
// A ring of n support activities, each serving the next with `weight`, serving one primary each.
zbb::model ring(int n, double weight) {
    zbb::model m;
    m.partners = {{"P", ""}};
    m.goals = {{"G", "", "", 0, 1, 1}};
    zbb::resource r;
    r.id = "R";
    r.price = zbb::decimal::parse("1", {});
    m.resources = {r};
    for (int i = 0; i < 2 * n; ++i) {
        zbb::activity a;
        a.id = zbb_bench::make_id('A', i);
        a.partner = "P";
        m.activities.push_back(a);
        m.consumption.push_back({a.id, "R", 1});
    }
    for (int i = 0; i < n; ++i) {
        m.support.push_back(
            {zbb_bench::make_id('A', (i + 1) % n), zbb_bench::make_id('A', i), weight});
        m.support.push_back({zbb_bench::make_id('A', i), zbb_bench::make_id('A', n + i), 0.1});
        m.plan.rows.push_back({"G", zbb_bench::make_id('A', n + i), 1});
    }
    return m;
}
}  // namespace

TEST_CASE("loops are checked by every solver", "[support][errors]") {
    for (auto method :
         {support_method::automatic, support_method::direct, support_method::iterative}) {
        INFO("method " << zbb::to_string(method));
        zbb::link_options o;
        o.support.method = method;
        for (int n :
             {2, 40, 300}) {  // scalar-free blocks small (dense) and large (sparse/iterative)
            INFO("ring of " << n);
            // A loop at spectral radius exactly 1 feeds itself: refused, naming every activity of
            // the loop (and only those).
            try {
                zbb::linked_model lm(ring(n, 1.0), o);
                FAIL("a loop at spectral radius 1 was accepted");
            } catch (const zbb::support_loop_error& e) {
                CHECK(e.activities().size() == static_cast<std::size_t>(n));
                CHECK(e.activities().front() == "A0");
            }
            CHECK_THROWS_AS(zbb::linked_model(ring(n, 1.5), o), zbb::support_loop_error);
            // Just below 1 the loop amplifies (about 1 / (1 - 0.999^n)) but is valid; every
            // solver gives the same volumes.
            const zbb::linked_model lm(ring(n, 0.999), o);
            const auto b = zbb::compute_budget(lm);
            const zbb::linked_model reference(ring(n, 0.999), {});
            const auto r = zbb::compute_budget(reference);
            // Within the documented bound: tolerance (1e-14, up to 100x where rounding stalls the
            // residual) times the loop's amplification.
            const double amplification = lm.support_solver().blocks().back().amplification;
            CHECK((b.volumes - r.volumes).cwiseAbs().maxCoeff() <=
                  1e-12 * amplification * r.volumes.cwiseAbs().maxCoeff());
            CHECK(std::fabs(static_cast<double>(b.total.minor_units() - r.total.minor_units())) <=
                  1);
        }
        // A self-loop of 1 or more: refused, naming the activity.
        zbb::model self = ring(1, 0.5);
        self.support[0] = {"A0", "A0", 1.0};
        try {
            zbb::linked_model lm(self, o);
            FAIL("a self-loop of 1 was accepted");
        } catch (const zbb::support_loop_error& e) {
            CHECK(e.activities() == std::vector<std::string>{"A0"});
        }
    }
}

TEST_CASE("loops in series that together amplify beyond 1e12 are refused", "[support][errors]") {
    // Each of 4 two-activity loops amplifies about 2,000 times (spectral radius 0.9995); in series
    // they amplify about 1.6e13.
    zbb::model m = ring(1, 0.5);
    m.support.clear();
    m.activities.clear();
    m.consumption.clear();
    m.plan.rows.clear();
    for (int i = 0; i < 10; ++i) {
        zbb::activity a;
        a.id = zbb_bench::make_id('A', i);
        a.partner = m.partners.front().id;
        m.activities.push_back(a);
    }
    for (int k = 0; k < 4; ++k) {
        const auto a = zbb_bench::make_id('A', 2 * k), b = zbb_bench::make_id('A', 2 * k + 1);
        m.support.push_back({a, b, 0.9995});
        m.support.push_back({b, a, 1.0});
        m.support.push_back(
            {zbb_bench::make_id('A', 2 * k + 2), a, 1.0});  // the next loop serves it
    }
    CHECK_THROWS_WITH(zbb::linked_model(m), Catch::Contains("numerically singular"));
}

TEST_CASE("support options: parsing and names", "[support]") {
    CHECK(zbb::parse_support_method("auto") == support_method::automatic);
    CHECK(zbb::parse_support_method("direct") == support_method::direct);
    CHECK(zbb::parse_support_method("iterative") == support_method::iterative);
    CHECK_THROWS_WITH(zbb::parse_support_method("fast"),
                      Catch::Contains("field 'support_solver'") && Catch::Contains("fast"));
    CHECK(zbb::to_string(support_method::iterative) == "iterative");
}

TEST_CASE("a budget is the same to the bit with one thread or two, errors included",
          "[budget][threads]") {
    for (char member : {'a', 'b', 'c', 'e'}) {
        CAPTURE(member);
        const auto lm = family(member, 3000);
        zbb::budget_options one, two;
        one.threads = 1;
        two.threads = 2;
        const auto x = zbb::compute_budget(lm, one);
        const auto y = zbb::compute_budget(lm, two);
        CHECK(x.total == y.total);
        CHECK(x.total_value == y.total_value);
        for (auto part :
             {&zbb::budget::by_goal, &zbb::budget::by_activity, &zbb::budget::by_resource,
              &zbb::budget::by_partner, &zbb::budget::by_category}) {
            CHECK((x.*part).amounts == (y.*part).amounts);
            CHECK((x.*part).values == (y.*part).values);
        }
        for (auto v : {&zbb::budget::volumes, &zbb::budget::full_unit_costs,
                       &zbb::budget::resource_needs, &zbb::budget::projected})
            CHECK((x.*v) == (y.*v));
        CHECK(x.warnings == y.warnings);
    }
    // Two lines overflow at once (an activity and, through it, its resource): the error is the
    // one a single thread names first, whichever thread finds its own first.
    zbb_bench::family_sizes sizes;
    sizes.activities = 600;
    auto m = zbb_bench::family_model('c', sizes, 7);
    m.resources[0].price = zbb::decimal::parse("90071992547409.91", {});  // the largest
    const zbb::linked_model lm(m);
    auto message = [&](unsigned threads) {
        zbb::budget_options o;
        o.threads = threads;
        try {
            (void)zbb::compute_budget(lm, o);
        } catch (const zbb::money_overflow& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    const std::string first = message(1);
    CHECK(first != "no error");
    CHECK(message(2) == first);
}
