#include "balnet/sim/signals.hpp"

#include <csignal>

namespace balnet {

namespace {

volatile std::sig_atomic_t received = 0;

extern "C" void on_signal(int sig) { received = sig; }

}  // namespace

void install_checkpoint_signals() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGUSR1, &sa, nullptr);
  std::signal(SIGXFSZ, SIG_IGN);
}

int pending_signal() { return received; }

void clear_pending_signal() { received = 0; }

}  // namespace balnet
