#pragma once
// How the commands fail together: a phase that throws on some ranks ends with one message
// and the same exit code on every rank, never a hang.

#include <exception>
#include <string>

#include "balnet/comm/communicator.hpp"

namespace balnet {

// Collective. If any rank holds an exception, the lowest failing rank prints its message
// ("balnet: error: ...") to stderr and every rank returns the same non-zero exit code
// (the failing rank's balnet::error code; exit_internal for other exceptions). Returns 0
// when no rank failed.
int agree_on_failure(communicator& comm, const std::exception_ptr& err);

// Collective. Rank 0 reads the whole file at `path` and broadcasts its bytes, so every rank
// parses the same text; throws io_error on every rank when rank 0 cannot read it.
std::string read_config_text(communicator& comm, const std::string& path);

}  // namespace balnet
