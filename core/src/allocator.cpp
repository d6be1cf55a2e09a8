#include "nas/allocator.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace nas {

void keep_freed_memory_in_heap() {
#if defined(__GLIBC__)
  // 32 MiB is the largest threshold glibc accepts on 64-bit (half its
  // per-arena heap size); larger values are ignored.
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

}  // namespace nas
