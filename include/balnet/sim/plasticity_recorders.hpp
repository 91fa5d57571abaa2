// Recorders for plastic networks (docs/plasticity.md, "Recording"): weight time series of a
// random sample of synapses, weight statistics per projection over time, full weight
// snapshots at chosen times, and synaptic currents/conductances of sampled neurons (the E/I
// balance check). Each is a row of src/sim/recorder_registry.cpp.
#pragma once

#include "balnet/sim/recorder.hpp"

namespace balnet {

recorder_entry weights_recorder_entry();          // type = weights
recorder_entry weight_stats_recorder_entry();     // type = weight_stats
recorder_entry weight_snapshot_recorder_entry();  // type = weight_snapshot
recorder_entry synaptic_recorder_entry();         // type = synaptic

}  // namespace balnet
