// Where an input's events land: one receptor of a group, in double or single precision,
// following neuron_group's contract (add weight * receptor_scale to receptor_input).
#pragma once

#include <cstddef>

#include "balnet/core/types.hpp"
#include "balnet/model/neuron_group.hpp"

namespace balnet {

struct receptor_sink {
  double* d = nullptr;
  float* f = nullptr;
  double scale = 1.0;

  receptor_sink() = default;
  receptor_sink(neuron_group& g, std::size_t r)
      : d(g.receptor_input(r)), f(d ? nullptr : g.receptor_input_single(r)), scale(g.receptor_scale(r)) {}

  // Adds an event of weight w (the receptor's weight unit) to local neuron i.
  void add(index_t i, double w) const { add_state(i, w * scale); }
  // Adds v to the quantity input() holds (for exponential kernels: I or g itself).
  void add_state(index_t i, double v) const {
    if (d) {
      d[i] += v;
    } else {
      f[i] += static_cast<float>(v);
    }
  }
};

}  // namespace balnet
