// `balnet check`: what a configuration will build, per population, projection and rank.
#pragma once

#include <ostream>

#include "balnet/io/config.hpp"
#include "balnet/network/spec.hpp"

namespace balnet {

// Prints the plan for a job of `ranks` ranks (expected synapses and memory per rank).
void print_plan(std::ostream& os, const config& cfg, const network_spec& net, int ranks);

}  // namespace balnet
