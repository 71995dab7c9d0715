// The family of model structures that zbb is benchmarked and tested on (issue "zbb at national
// scale"). Every member is generated deterministically from a seed; sizes scale with the number of
// activities. Coefficients of S are uniform in [0.001, 0.12] unless stated, and every column of S
// is scaled to sum to at most 0.5 (member f excepted).
//
//   a  national: today's benchmark model (2% of the activities supply support, 10% of their rows
//      to other suppliers: small reciprocal loops).
//   b  web: one sixth of the activities are support; every primary activity is served by one
//      random support activity and every support activity by two others (one giant reciprocal
//      web).
//   c  block diagonal: municipalities of 300 activities, each with its own 20-activity
//      reciprocal overhead block (342 municipalities at 102,600 activities).
//   d  input-output table: every activity supplies every other (dense S, column sums up to 0.6).
//   e  deep chains: ten layers of support activities (one sixth of the activities), each layer
//      serving the layer below, the last layer serving the primary activities.
//   f  slow loop: one tenth of the activities form one support loop whose spectral radius is
//      0.999 (slow convergence of any iteration); they serve the other activities.
#pragma once

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "zbb/model.hpp"

namespace zbb_bench {

inline std::string make_id(char prefix, int n) {
    std::string s(1, prefix);
    s += std::to_string(n);
    return s;
}

/// Sizes of a family member. `activities` is the only one usually set; the others follow from it
/// unless given (0 = derived).
struct family_sizes {
    int activities = 100000;
    int resources = 0;  ///< default activities / 10 (at least 10)
    int goals = 0;      ///< default activities / 100 (at least 5)
    int partners = 50;
    int consumption_per_activity = 10;
};

namespace detail {

// Rounds v to a multiple of step (prices and coefficients stay short in the JSON text).
inline double quantize(double v, double step) {
    return std::round(v / step) * step;
}

struct builder {
    zbb::model m;
    std::mt19937_64 rng;
    std::uniform_real_distribution<double> u01{0.0, 1.0};
    int n_act, n_res, n_goals, n_part;

    builder(const family_sizes& s, unsigned seed, const char* name) : rng(seed) {
        n_act = s.activities;
        n_res = s.resources > 0 ? s.resources : std::max(10, s.activities / 10);
        n_goals = s.goals > 0 ? s.goals : std::max(5, s.activities / 100);
        n_part = std::max(2, s.partners);
        m.name = name;
        for (int p = 0; p < n_part; ++p) m.partners.push_back({make_id('P', p), ""});
        for (int g = 0; g < n_goals; ++g)
            m.goals.push_back({make_id('G', g), "", "", 100.0, 150.0, 1.0});
        m.activities.reserve(static_cast<std::size_t>(n_act));
        for (int a = 0; a < n_act; ++a) {
            zbb::activity act;
            act.id = make_id('A', a);
            act.partner = make_id('P', static_cast<int>(rng() % static_cast<unsigned>(n_part)));
            m.activities.push_back(std::move(act));
        }
        std::uniform_int_distribution<int> euros(1, 250), cents(10, 99);
        for (int r = 0; r < n_res; ++r) {
            zbb::resource res;
            res.id = make_id('R', r);
            res.price = zbb::decimal::parse(
                std::to_string(euros(rng)) + "." + std::to_string(cents(rng)), {});
            res.category = r % 3 == 0 ? "personnel" : (r % 3 == 1 ? "material" : "accommodation");
            m.resources.push_back(std::move(res));
        }
        // Consumption: distinct resources per activity (a stride walk from a random start).
        const int per = std::min(s.consumption_per_activity, n_res);
        m.consumption.reserve(static_cast<std::size_t>(n_act) * static_cast<std::size_t>(per));
        for (int a = 0; a < n_act; ++a) {
            const int start = static_cast<int>(rng() % static_cast<unsigned>(n_res));
            const int stride = n_res % 97 == 0 ? 89 : 97;
            for (int k = 0; k < per; ++k)
                m.consumption.push_back({m.activities[static_cast<std::size_t>(a)].id,
                                         make_id('R', (start + stride * k) % n_res),
                                         quantize(0.1 + 10 * u01(rng), 0.01)});
        }
        // Funding: every third activity is shared by two partners.
        for (int a = 0; a < n_act; a += 3) {
            const int p0 = static_cast<int>(rng() % static_cast<unsigned>(n_part));
            const int p1 = (p0 + 1) % n_part;
            m.funding.push_back({m.activities[static_cast<std::size_t>(a)].id, make_id('P', p0),
                                 zbb::decimal::parse("0.65", {})});
            m.funding.push_back({m.activities[static_cast<std::size_t>(a)].id, make_id('P', p1),
                                 zbb::decimal::parse("0.35", {})});
        }
    }

    const std::string& act(int a) const { return m.activities[static_cast<std::size_t>(a)].id; }

    // A plan row and two effects for activity a (a primary activity, or any activity in d).
    void plan_and_effects(int a) {
        const int g0 = static_cast<int>(rng() % static_cast<unsigned>(n_goals));
        for (int k = 0; k < 2 && k < n_goals; ++k)
            m.effects.push_back(
                {make_id('G', (g0 + 7 * k) % n_goals), act(a), quantize(u01(rng), 0.001) + 0.001});
        m.plan.rows.push_back({make_id('G', g0), act(a), quantize(1 + 100 * u01(rng), 0.5)});
    }

    double coefficient() { return quantize(0.001 + 0.119 * u01(rng), 1e-6); }

    // Support rows from (supplier, consumer, value) triples; every consumer column is scaled to
    // sum to at most `column_cap` (values floored to 1e-9 so that the cap holds exactly).
    struct entry {
        int supplier, consumer;
        double value;
    };
    void add_support(std::vector<entry> rows, double column_cap) {
        std::sort(rows.begin(), rows.end(), [](const entry& x, const entry& y) {
            return x.consumer != y.consumer ? x.consumer < y.consumer : x.supplier < y.supplier;
        });
        rows.erase(std::unique(rows.begin(), rows.end(),
                               [](const entry& x, const entry& y) {
                                   return x.consumer == y.consumer && x.supplier == y.supplier;
                               }),
                   rows.end());
        std::size_t i = 0;
        while (i < rows.size()) {
            std::size_t j = i;
            double sum = 0;
            while (j < rows.size() && rows[j].consumer == rows[i].consumer) sum += rows[j++].value;
            if (sum > column_cap)
                for (std::size_t k = i; k < j; ++k)
                    rows[k].value = std::floor(rows[k].value * column_cap / sum * 1e9) / 1e9;
            i = j;
        }
        m.support.reserve(m.support.size() + rows.size());
        for (const auto& e : rows)
            if (e.value > 0) m.support.push_back({act(e.supplier), act(e.consumer), e.value});
    }
    int below(int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); }
};

}  // namespace detail

/// The names of the family members, for benchmark and test loops.
inline const char* family_members() {
    return "abcdef";
}

/// Family member `member` ('a' .. 'f') with the given sizes; deterministic for (member, sizes,
/// seed).
inline zbb::model family_model(char member, const family_sizes& sizes = {}, unsigned seed = 2026) {
    using E = detail::builder::entry;
    const int n = sizes.activities;
    if (n < 20) throw std::invalid_argument("family_model: at least 20 activities");
    detail::builder b(sizes, seed, "");
    std::vector<E> rows;
    switch (member) {
        case 'a': {  // national: 2% suppliers, 50 rows each, 10% of them to other suppliers
            b.m.name = "family a: national";
            const int ns = std::max(4, n / 50), first = n - ns;
            const int per = std::max(10, n / ns);
            for (int s = 0; s < ns; ++s) {
                const int start = b.below(first);
                for (int k = 0; k < per; ++k) {
                    if (k < per / 10)
                        rows.push_back({first + s, first + (s + 1 + k * 37) % ns,
                                        detail::quantize(0.002 * b.u01(b.rng), 1e-5)});
                    else
                        rows.push_back({first + s, (start + 131 * k) % first,
                                        detail::quantize(0.05 * b.u01(b.rng), 1e-4)});
                }
            }
            b.add_support(std::move(rows), 0.5);
            for (int a = 0; a < first; ++a) b.plan_and_effects(a);
            break;
        }
        case 'b': {  // web: one sixth support, primaries served once, supports twice
            b.m.name = "family b: reciprocal web";
            const int ns = n / 6, first = n - ns;
            for (int a = 0; a < first; ++a)
                rows.push_back({first + b.below(ns), a, b.coefficient()});
            for (int s = 0; s < ns; ++s)
                for (int k = 0; k < 2; ++k) {
                    int t = b.below(ns - 1);
                    if (t >= s) ++t;  // no self-service
                    rows.push_back({first + t, first + s, b.coefficient()});
                }
            b.add_support(std::move(rows), 0.5);
            for (int a = 0; a < first; ++a) b.plan_and_effects(a);
            break;
        }
        case 'c': {  // block diagonal: municipalities of 300 with a 20-activity overhead block
            b.m.name = "family c: block diagonal";
            const int block = 300, overhead = 20;
            for (int base = 0; base + block <= n; base += block) {
                const int first = base + block - overhead;
                for (int a = base; a < first; ++a) {
                    rows.push_back({first + b.below(overhead), a, b.coefficient()});
                    b.plan_and_effects(a);
                }
                for (int s = 0; s < overhead; ++s)
                    for (int k = 0; k < 3; ++k) {
                        int t = b.below(overhead - 1);
                        if (t >= s) ++t;
                        rows.push_back({first + t, first + s, b.coefficient()});
                    }
            }
            for (int a = (n / block) * block; a < n; ++a) b.plan_and_effects(a);
            b.add_support(std::move(rows), 0.5);
            break;
        }
        case 'd': {  // input-output table: dense S, column sums up to 0.6
            b.m.name = "family d: input-output table";
            rows.reserve(static_cast<std::size_t>(n) * static_cast<std::size_t>(n - 1));
            for (int c = 0; c < n; ++c) {
                const double cap = 0.6 * b.u01(b.rng);
                double sum = 0;
                const std::size_t at = rows.size();
                for (int s = 0; s < n; ++s)
                    if (s != c) {
                        const double v = b.u01(b.rng);
                        rows.push_back({s, c, v});
                        sum += v;
                    }
                for (std::size_t k = at; k < rows.size(); ++k)
                    rows[k].value = std::floor(rows[k].value * cap / sum * 1e9) / 1e9;
                b.plan_and_effects(c);
            }
            b.add_support(std::move(rows), 0.6);
            break;
        }
        case 'e': {  // deep chains: ten layers, each serving the layer below
            b.m.name = "family e: deep chains";
            const int layers = 10, width = std::max(1, n / 60), first = n - layers * width;
            for (int a = 0; a < first; ++a) {
                rows.push_back({first + (layers - 1) * width + b.below(width), a, b.coefficient()});
                b.plan_and_effects(a);
            }
            for (int l = 1; l < layers; ++l)
                for (int s = 0; s < width; ++s)
                    for (int k = 0; k < 2; ++k)
                        rows.push_back({first + (l - 1) * width + b.below(width),
                                        first + l * width + s, b.coefficient()});
            b.add_support(std::move(rows), 0.5);
            break;
        }
        case 'f': {  // one loop with spectral radius 0.999
            b.m.name = "family f: slow loop";
            const int ns = n / 10, first = n - ns;
            for (int a = 0; a < first; ++a) {
                rows.push_back({first + b.below(ns), a, b.coefficient()});
                b.plan_and_effects(a);
            }
            for (int s = 0; s < ns; ++s) rows.push_back({first + (s + 1) % ns, first + s, 0.999});
            b.add_support(std::move(rows), 1.0);
            break;
        }
        default:
            throw std::invalid_argument(std::string("family_model: unknown member '") + member +
                                        "'");
    }
    return std::move(b.m);
}

}  // namespace zbb_bench
