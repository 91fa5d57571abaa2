// `balnet rates CONFIG [options]`: the rate-network mode of project 3 (docs/rates.md).
#pragma once

#include "balnet/comm/communicator.hpp"

namespace balnet::rates {

// The command line entry point, called by main() for `balnet rates`; returns the exit code
// (the same on every rank).
int rates_main(int argc, char** argv, communicator& comm);

}  // namespace balnet::rates
