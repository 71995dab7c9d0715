// Exact decimals, money, rounding modes and allocation.
#include <catch2/catch.hpp>
#include <random>

#include "zbb/decimal.hpp"
#include "zbb/money.hpp"

using zbb::decimal;
using zbb::int128;
using zbb::money;
using zbb::rounding_mode;

TEST_CASE("decimal parses exact text without binary floats", "[decimal]") {
    auto d = decimal::parse("78.40", {});
    CHECK(d.units() == 7840);
    CHECK(d.scale() == 2);
    CHECK(d.text() == "78.40");
    CHECK(decimal::parse("0.1", {}).units_at_scale(3) == 100);
    CHECK(decimal::parse("0.75", {}) == decimal::parse("0.750", {}));
    CHECK(decimal::parse("1", {}) > decimal::parse("0.9999", {}));
    // 30 significant digits fit; the value is exact (no rounding to a double).
    auto big = decimal::parse("123456789012345678901234567890", {});
    CHECK(big.units() == int128("123456789012345678901234567890"));
    CHECK(decimal::parse("0.000000000000000000000000000001", {}).units() == 1);
}

TEST_CASE("decimal refuses malformed text and names the field", "[decimal][errors]") {
    const zbb::error_location where{"resource", "R-x", "price"};
    for (const char* bad :
         {"", "7,50", "1e3", "5.", ".5", " 5", "5 ", "abc", "+5", "1.2.3", "0x10"}) {
        INFO(bad);
        CHECK_THROWS_AS(decimal::parse(bad, where), zbb::model_error);
    }
    CHECK_THROWS_WITH(
        decimal::parse("7,50", where),
        Catch::Contains("resource 'R-x', field 'price'") && Catch::Contains("malformed"));
    CHECK_THROWS_WITH(decimal::parse("-5.00", where), Catch::Contains("must not be negative"));
    CHECK_THROWS_AS(decimal::parse("1234567890123456789012345678901", where), zbb::money_overflow);
}

TEST_CASE("money formats in minor units and never wraps", "[money]") {
    CHECK(money::from_minor(95800000).to_string(2) == "958000.00");
    CHECK(money::from_minor(5).to_string(2) == "0.05");
    CHECK(money::from_minor(-5).to_string(2) == "-0.05");
    CHECK(money::from_minor(0).to_string(2) == "0.00");
    CHECK(money::from_minor(1234).to_string(0) == "1234");
    CHECK(money::from_minor(1234).to_string(3) == "1.234");
    CHECK(money::parse("1250000.00", 2, {}).minor_units() == 125000000);
    CHECK(money::parse("-3.5", 2, {}).minor_units() == -350);
    CHECK_THROWS_AS(money::parse("1.005", 2, {}), zbb::model_error);
    money max = money::from_minor(std::numeric_limits<int128>::max());
    CHECK_THROWS_AS(max + money::from_minor(1), zbb::money_overflow);
    CHECK_THROWS_AS(max + money::from_minor(1), std::overflow_error);
}

TEST_CASE("rounding modes", "[money][rounding]") {
    auto r = [](double v, rounding_mode m) {
        return static_cast<long long>(zbb::round_to_money(v, m).minor_units());
    };
    using M = rounding_mode;
    CHECK(r(2.5, M::half_even) == 2);
    CHECK(r(3.5, M::half_even) == 4);
    CHECK(r(-2.5, M::half_even) == -2);
    CHECK(r(2.5, M::half_up) == 3);
    CHECK(r(-2.5, M::half_up) == -3);
    CHECK(r(2.5, M::half_down) == 2);
    CHECK(r(2.4, M::half_up) == 2);
    CHECK(r(2.6, M::half_down) == 3);
    CHECK(r(2.1, M::ceiling) == 3);
    CHECK(r(-2.1, M::ceiling) == -2);
    CHECK(r(2.9, M::floor) == 2);
    CHECK(r(-2.1, M::floor) == -3);
    CHECK(r(2.9, M::toward_zero) == 2);
    CHECK(r(-2.9, M::toward_zero) == -2);
    CHECK(r(2.1, M::away_from_zero) == 3);
    CHECK(r(-2.1, M::away_from_zero) == -3);
    // A tie computed with floating-point noise still counts as a tie: 0.1 * 3 * 10
    // = 3.0000000000000004
    CHECK(r(0.1 * 3 * 10 + 0.5 - 1.0, M::half_even) == 2);  // 2.5000000000000004 -> 2
    CHECK(r(3.0000000000000004, M::ceiling) == 3);
    CHECK(zbb::parse_rounding_mode("half_up") == M::half_up);
    CHECK(zbb::parse_rounding_mode("toward-zero") == M::toward_zero);
    CHECK_THROWS_WITH(zbb::parse_rounding_mode("bankers"), Catch::Contains("field 'rounding'"));
}

TEST_CASE("computed amounts out of range are refused", "[money][errors]") {
    CHECK_THROWS_AS(zbb::round_to_money(std::nan(""), rounding_mode::half_even),
                    zbb::money_overflow);
    CHECK_THROWS_AS(zbb::round_to_money(1e300, rounding_mode::half_even), zbb::money_overflow);
    CHECK_THROWS_WITH(zbb::round_to_money(1e17, rounding_mode::half_even, {"goal", "G-1", "cost"}),
                      Catch::Contains("goal 'G-1', field 'cost'"));
    CHECK(zbb::round_to_money(9e15, rounding_mode::half_even).minor_units() ==
          int128(9000000000000000LL));
}

TEST_CASE("largest remainder: hand-computed split", "[money][allocation]") {
    // 100 cents over three equal thirds: 33.33.. each; one remainder cent goes to the first part.
    std::vector<double> v{100.0 / 3, 100.0 / 3, 100.0 / 3};
    auto parts = zbb::allocate_largest_remainder(money::from_minor(100), v);
    CHECK(parts[0].minor_units() == 34);
    CHECK(parts[1].minor_units() == 33);
    CHECK(parts[2].minor_units() == 33);
    // Remainders .6, .3, .1 with total 11 = 1.6 + 4.3 + 5.1: the largest remainder gets the cent.
    std::vector<double> w{1.6, 4.3, 5.1};
    auto p2 = zbb::allocate_largest_remainder(money::from_minor(11), w);
    CHECK(p2[0].minor_units() == 2);
    CHECK(p2[1].minor_units() == 4);
    CHECK(p2[2].minor_units() == 5);
}

TEST_CASE("largest remainder: equal remainders go to the larger value, then the earlier part",
          "[money][allocation]") {
    std::vector<double> v{0.5, 1.5, 0.5, 0.5};
    auto parts = zbb::allocate_largest_remainder(money::from_minor(4), v);
    CHECK(parts[0].minor_units() == 1);
    CHECK(parts[1].minor_units() == 2);
    CHECK(parts[2].minor_units() == 1);
    CHECK(parts[3].minor_units() == 0);
    // Values that do not sum to the total are rescaled first.
    std::vector<double> w{1.0, 3.0};
    auto p2 = zbb::allocate_largest_remainder(money::from_minor(100), w);
    CHECK(p2[0].minor_units() == 25);
    CHECK(p2[1].minor_units() == 75);
}

TEST_CASE("largest remainder: parts sum exactly and stay within one unit",
          "[money][allocation][property]") {
    std::mt19937_64 rng(42);
    std::uniform_real_distribution<double> u(0.0, 1e6);
    std::uniform_int_distribution<int> len(1, 200);
    for (int trial = 0; trial < 300; ++trial) {
        std::vector<double> v(static_cast<std::size_t>(len(rng)));
        double sum = 0;
        for (auto& x : v) {
            x = trial % 3 == 0 ? std::floor(u(rng)) / 7.0 : u(rng);
            sum += x;
        }
        auto total = zbb::round_to_money(sum, rounding_mode::half_even);
        auto parts = zbb::allocate_largest_remainder(total, v);
        money s;
        for (std::size_t i = 0; i < v.size(); ++i) {
            s += parts[i];
            double p = static_cast<double>(parts[i].minor_units());
            REQUIRE(std::fabs(p - v[i]) < 1.0 + 1e-9);
        }
        REQUIRE(s == total);
    }
}

TEST_CASE("exact allocation by integer weights", "[money][allocation]") {
    std::vector<int128> w{75, 25};
    auto parts = zbb::allocate_exact(money::from_minor(1001), w);
    CHECK(parts[0].minor_units() == 751);  // 750.75 -> remainder .75 wins
    CHECK(parts[1].minor_units() == 250);
    std::vector<int128> thirds{1, 1, 1};
    auto p = zbb::allocate_exact(money::from_minor(-100), thirds);
    CHECK(p[0].minor_units() == -34);
    CHECK((p[0] + p[1] + p[2]).minor_units() == -100);
    std::vector<int128> zero{0, 0};
    CHECK_THROWS_AS(zbb::allocate_exact(money::from_minor(1), zero), std::invalid_argument);
}

TEST_CASE("currencies", "[money]") {
    CHECK(zbb::currency_for("EUR").minor_digits == 2);
    CHECK(zbb::currency_for("JPY").minor_digits == 0);
    CHECK(zbb::currency_for("XAU", 4).minor_digits == 4);
    CHECK_THROWS_WITH(zbb::currency_for("XXX"), Catch::Contains("field 'currency'"));
    CHECK_THROWS_WITH(zbb::currency_for("euro"), Catch::Contains("field 'currency'"));
}
