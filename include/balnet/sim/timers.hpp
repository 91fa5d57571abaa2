// Wall-clock accumulators per simulation phase; every run writes them per rank.
#pragma once

#include <array>
#include <chrono>
#include <string>

namespace balnet {

enum class phase : int { build, deliver, update, exchange, wait, write, plasticity, other, count_ };

inline const char* phase_name(phase p) {
  static const char* names[] = {"build", "deliver", "update", "exchange",
                                "wait",  "write",   "plasticity", "other"};
  return names[static_cast<int>(p)];
}

class timers {
 public:
  using clock = std::chrono::steady_clock;
  static double now() {
    return std::chrono::duration<double>(clock::now().time_since_epoch()).count();
  }
  void add(phase p, double seconds) { t_[static_cast<std::size_t>(p)] += seconds; }
  double get(phase p) const { return t_[static_cast<std::size_t>(p)]; }

 private:
  std::array<double, static_cast<std::size_t>(phase::count_)> t_{};
};

// Adds the time between construction and destruction to one phase.
class scoped_timer {
 public:
  scoped_timer(timers& t, phase p) : t_(t), p_(p), start_(timers::now()) {}
  ~scoped_timer() { t_.add(p_, timers::now() - start_); }

 private:
  timers& t_;
  phase p_;
  double start_;
};

}  // namespace balnet
