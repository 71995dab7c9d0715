// zbb/zbb.hpp - umbrella header: everything in zbb that needs no solver (target zbb::zbb). The
// optimiser and decision packages are the component zbb::optimize, included by zbb/optimize.hpp.
#pragma once

#include "zbb/budget.hpp"
#include "zbb/compare.hpp"
#include "zbb/decimal.hpp"
#include "zbb/error.hpp"
#include "zbb/goal_tables.hpp"
#include "zbb/goals.hpp"
#include "zbb/io.hpp"
#include "zbb/levels.hpp"
#include "zbb/linked_model.hpp"
#include "zbb/model.hpp"
#include "zbb/money.hpp"
#include "zbb/numeric_range.hpp"
#include "zbb/prior.hpp"
#include "zbb/prior_report.hpp"
#include "zbb/report.hpp"
#include "zbb/scenario.hpp"
#include "zbb/support.hpp"
#include "zbb/text_table.hpp"
#include "zbb/variant.hpp"
#include "zbb/version.hpp"
