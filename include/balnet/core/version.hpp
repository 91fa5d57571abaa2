// Version and build provenance compiled into the binary.
#pragma once

namespace balnet {

const char* version_string();   // e.g. "0.1.0"
const char* git_revision();     // short hash, "-dirty" if the tree had changes, or "unknown"
const char* build_flags();      // compiler and main options

}  // namespace balnet
