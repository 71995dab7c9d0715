// zbb/zbb.hpp - umbrella header: everything in zbb that needs no solver (target zbb::zbb). The
// optimiser and decision packages (zbb/optimize.hpp, zbb/packages.hpp) need zbb::optimize.
#pragma once

#include "zbb/budget.hpp"
#include "zbb/decimal.hpp"
#include "zbb/error.hpp"
#include "zbb/goals.hpp"
#include "zbb/io.hpp"
#include "zbb/linked_model.hpp"
#include "zbb/model.hpp"
#include "zbb/money.hpp"
#include "zbb/numeric_range.hpp"
#include "zbb/report.hpp"
#include "zbb/scenario.hpp"
#include "zbb/support.hpp"
#include "zbb/version.hpp"
