// zbb/packages.hpp - deprecated path (kept for one release, ChangeLog.md): decision packages are
// part of the optimiser component now; include zbb/optimize.hpp (or zbb/optimize/packages.hpp and
// zbb/optimize/packages_report.hpp).
#pragma once

#include "zbb/optimize/packages.hpp"
#include "zbb/optimize/packages_report.hpp"
