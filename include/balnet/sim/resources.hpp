// Process resource readings for provenance (peak resident memory, host name).
#pragma once

#include <cstdint>
#include <string>

namespace balnet {

std::uint64_t peak_rss_bytes();  // VmHWM of this process, 0 if unknown
std::string host_name();
std::string iso_time_now();

}  // namespace balnet
