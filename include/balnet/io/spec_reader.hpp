// Turns a configuration into a validated network_spec (docs/config.md lists every key).
#pragma once

#include "balnet/io/config.hpp"
#include "balnet/network/spec.hpp"

namespace balnet {

// Throws config_error naming the file, the key and what is allowed for any bad value,
// unknown section or unknown key.
network_spec read_network_spec(const config& cfg);

}  // namespace balnet
