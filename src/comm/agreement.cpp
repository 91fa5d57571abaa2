#include "balnet/comm/agreement.hpp"

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <new>
#include <span>
#include <sstream>

#include "balnet/core/error.hpp"

namespace balnet {

int agree_on_failure(communicator& comm, const std::exception_ptr& err) {
  int code = 0;
  std::string msg;
  if (err) {
    try {
      std::rethrow_exception(err);
    } catch (const balnet::error& e) {
      code = e.code();
      msg = e.what();
    } catch (const std::bad_alloc&) {
      code = exit_internal;
      msg = "out of memory";
    } catch (const std::exception& e) {
      code = exit_internal;
      msg = std::string("internal error: ") + e.what();
    }
  }
  std::int64_t v[2] = {err ? comm.rank() : comm.size(), -code};
  comm.allreduce_min(std::span<std::int64_t>(v, 2));
  if (v[0] == comm.size()) return 0;
  if (v[0] == comm.rank()) {
    const std::string prefix = comm.size() > 1 && comm.rank() != 0
                                   ? "balnet: rank " + std::to_string(comm.rank()) + ": error: "
                                   : "balnet: error: ";
    std::fprintf(stderr, "%s%s\n", prefix.c_str(), msg.c_str());
    std::fflush(stderr);
  }
  return static_cast<int>(-v[1]);
}

std::string read_config_text(communicator& comm, const std::string& path) {
  std::string text, failure;
  if (comm.rank() == 0) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      failure = path + ": cannot open the configuration file (does it exist and is it readable?)";
    } else {
      std::ostringstream s;
      s << in.rdbuf();
      text = s.str();
    }
  }
  comm.broadcast(failure, 0);
  if (!failure.empty()) throw io_error(failure);
  comm.broadcast(text, 0);
  return text;
}

}  // namespace balnet
