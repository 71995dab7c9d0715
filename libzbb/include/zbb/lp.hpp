// zbb/lp.hpp - deprecated path (kept for one release, ChangeLog.md): the linear-programming
// interface is an internal part of the optimiser component, zbb/optimize/lp.hpp.
#pragma once

#include "zbb/optimize/lp.hpp"
