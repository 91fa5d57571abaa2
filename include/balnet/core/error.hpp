// The one exception hierarchy of balnet; main() maps each class to an exit code.
#pragma once

#include <stdexcept>
#include <string>

namespace balnet {

// Exit codes, documented in docs/cli.md.
enum exit_code : int {
  exit_ok = 0,
  exit_internal = 1,    // a bug or an unexpected library failure
  exit_usage = 2,       // bad command line or configuration
  exit_io = 3,          // a file could not be read or written
  exit_stopped = 4,     // the rate checker stopped a runaway or silent network
  exit_checkpointed = 85,  // stopped on a signal after writing a checkpoint (issue 5)
};

class error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  virtual int code() const { return exit_internal; }
};

// A configuration file, a --set override or a command-line argument is invalid.
class config_error : public error {
 public:
  using error::error;
  int code() const override { return exit_usage; }
};

// A file could not be opened, read, written or renamed.
class io_error : public error {
 public:
  using error::error;
  int code() const override { return exit_io; }
};

// An MPI call failed.
class comm_error : public error {
 public:
  using error::error;
};

}  // namespace balnet
