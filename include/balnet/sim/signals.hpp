// SIGTERM and SIGUSR1 (SLURM's --signal): the run finishes its exchange interval, writes a
// checkpoint and exits with code 85 (docs/checkpoint.md). The handler only sets a flag; the
// simulation loop sends it to every rank with the next spike exchange.
#pragma once

namespace balnet {

// Installs the handlers (and ignores SIGXFSZ, so that a file-size limit makes a write fail
// with a clear error instead of killing the process).
void install_checkpoint_signals();
// The signal received since installation, or 0.
int pending_signal();
// For tests: forget a received signal.
void clear_pending_signal();

}  // namespace balnet
