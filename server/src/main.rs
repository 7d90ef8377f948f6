//! The `shopscore` binary.

/// mimalloc: a page render allocates thousands of small strings, and glibc's malloc spent a
/// third of the dashboard's CPU in its arenas and their locks (`perf` on `bench-load`). It keeps
/// more memory resident; `MIMALLOC_ARENA_EAGER_COMMIT=0 MIMALLOC_PURGE_DELAY=0` in the
/// environment trades a little speed for glibc's footprint (README, "Load and benchmarks").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    server::cli::main()
}
