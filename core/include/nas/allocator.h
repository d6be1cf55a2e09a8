// Heap settings for scoring networks on the CPU.
//
// glibc serves every allocation above its mmap threshold (dynamic, from
// 128 KiB) with a fresh mmap and gives it back with munmap, and trims the
// heap top back to the kernel above 128 KiB: a forward and backward of a
// batch-64 network allocate and free thousands of 0.1-4 MiB activations, so
// each one came back as fresh pages the kernel had to fault in and zero.
// Keeping them in the heap made grasp (the allocation-heaviest proxy) 2.3x
// faster on the fixtures' 25 archs at one thread (bench_proxies --proxies
// grasp --fixture-archs --init hash: 3.38 -> 1.48 s/arch), at the price of
// the process keeping its peak heap until it exits.
#pragma once

namespace nas {

/// Raises glibc's mmap threshold to its maximum (32 MiB) and stops heap
/// trimming. Call once at the start of main(); a no-op without glibc.
void keep_freed_memory_in_heap();

}  // namespace nas
