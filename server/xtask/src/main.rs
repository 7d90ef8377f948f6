//! `cargo xtask`: builds and serves the shopscore site without cargo-leptos, which takes half
//! an hour to install. It does what the site needs and nothing more: the `app` crate built for
//! `wasm32-unknown-unknown` with `hydrate`, its JS glue generated in-process by
//! `wasm-bindgen-cli-support` (pinned to Cargo.lock's `wasm-bindgen`), `wasm-opt` on release
//! builds, the stylesheet and the public assets copied into `target/site`, and the server
//! binary built with the same flags as `cargo test`, so nothing is compiled twice.
//!
//! ```text
//! cargo xtask build [--release]          # target/site + the shopscore binary
//! cargo xtask serve [--release] [ARGS]   # build, then `shopscore serve ARGS`
//! cargo xtask wasm-size                  # release bundle: raw and gzipped bytes
//! ```

use std::ffi::OsString;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{bail, Context, Result};

/// Leptos' output name: the `.js`, `.wasm` and `.css` under `pkg/` carry it, and the server
/// reads the same value at compile time (`.cargo/config.toml`).
const OUTPUT_NAME: &str = "shopscore";
const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// The profile of the release wasm (size-optimised, see the root Cargo.toml).
const WASM_RELEASE_PROFILE: &str = "wasm-release";

struct Paths {
    /// The workspace root.
    root: PathBuf,
    /// Cargo's target directory (`CARGO_TARGET_DIR` or `target/`).
    target: PathBuf,
    /// The site root served by the binary: `target/site` under the workspace root.
    site: PathBuf,
}

impl Paths {
    fn discover() -> Result<Paths> {
        // `cargo run` sets CARGO_MANIFEST_DIR for the checkout it runs in; the compile-time value
        // is only a fallback (one target directory may serve several checkouts, and their
        // `target/debug/xtask` is the same file).
        let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
        let root = manifest
            .ancestors()
            .nth(2)
            .context("the xtask crate lives two levels below the workspace root")?
            .to_path_buf();
        let target = match std::env::var_os("CARGO_TARGET_DIR") {
            Some(dir) if Path::new(&dir).is_absolute() => PathBuf::from(dir),
            Some(dir) => root.join(dir),
            None => root.join("target"),
        };
        let site = root.join("target").join("site");
        Ok(Paths { root, target, site })
    }
}

fn main() -> ExitCode {
    let mut args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let command = if args.is_empty() {
        String::from("help")
    } else {
        args.remove(0).to_string_lossy().into_owned()
    };
    let release = take_flag(&mut args, "--release");
    let result = Paths::discover().and_then(|paths| match command.as_str() {
        "build" => build(&paths, release).map(|_| ()),
        "serve" => build(&paths, release).and_then(|bin| serve(&paths, &bin, &args)),
        "wasm-size" => wasm_size(&paths),
        _ => {
            eprintln!(
                "usage: cargo xtask build [--release] | serve [--release] [ARGS…] | wasm-size"
            );
            Ok(())
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn take_flag(args: &mut Vec<OsString>, flag: &str) -> bool {
    let before = args.len();
    args.retain(|a| a != flag);
    args.len() != before
}

fn say(text: &str) {
    println!("\x1b[1m==> {text}\x1b[0m");
}

/// Builds the site and the server; returns the server binary's path.
fn build(paths: &Paths, release: bool) -> Result<PathBuf> {
    let wasm = build_wasm(paths, release)?;
    let pkg = paths.site.join("pkg");
    fs::create_dir_all(&pkg).with_context(|| format!("creating {}", pkg.display()))?;
    bindgen(&wasm, &pkg, release)?;
    if release {
        optimise(paths, &pkg.join(format!("{OUTPUT_NAME}.wasm")))?;
    }
    fs::copy(
        paths.root.join("style/main.css"),
        pkg.join(format!("{OUTPUT_NAME}.css")),
    )
    .context("copying style/main.css")?;
    copy_dir(&paths.root.join("public"), &paths.site)?;
    build_server(paths, release)
}

fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

fn run(mut command: Command, what: &str) -> Result<()> {
    let status = command
        .status()
        .with_context(|| format!("cannot start {what}"))?;
    if !status.success() {
        bail!("{what} failed ({status})");
    }
    Ok(())
}

fn build_wasm(paths: &Paths, release: bool) -> Result<PathBuf> {
    say(&format!(
        "building the hydrate bundle ({})",
        if release { "release" } else { "debug" }
    ));
    let mut command = cargo();
    command.current_dir(&paths.root).args([
        "build",
        "--locked",
        "-p",
        "app",
        "--lib",
        "--target",
        WASM_TARGET,
        "--no-default-features",
        "--features",
        "hydrate",
    ]);
    if release {
        command.args(["--profile", WASM_RELEASE_PROFILE]);
    }
    run(command, "cargo build (wasm)")?;
    let profile_dir = if release {
        WASM_RELEASE_PROFILE
    } else {
        "debug"
    };
    Ok(paths
        .target
        .join(WASM_TARGET)
        .join(profile_dir)
        .join("app.wasm"))
}

/// Generates the JS glue and the final wasm, named as Leptos' hydration script expects them.
fn bindgen(wasm: &Path, pkg: &Path, release: bool) -> Result<()> {
    say("generating the JS glue (wasm-bindgen)");
    let mut bindgen = wasm_bindgen_cli_support::Bindgen::new();
    bindgen
        .input_path(wasm)
        .out_name(OUTPUT_NAME)
        .web(true)
        .context("wasm-bindgen --target web")?
        .typescript(false)
        .debug(!release)
        .keep_debug(!release);
    bindgen
        .generate(pkg)
        .with_context(|| format!("wasm-bindgen on {}", wasm.display()))?;
    let generated = pkg.join(format!("{OUTPUT_NAME}_bg.wasm"));
    fs::rename(&generated, pkg.join(format!("{OUTPUT_NAME}.wasm")))
        .with_context(|| format!("renaming {}", generated.display()))?;
    Ok(())
}

/// Runs binaryen's `wasm-opt -Oz` (from `end2end/node_modules/.bin` or `PATH`), if present.
fn optimise(paths: &Paths, wasm: &Path) -> Result<()> {
    let local = paths.root.join("end2end/node_modules/.bin/wasm-opt");
    let program = if local.exists() {
        local
    } else {
        PathBuf::from("wasm-opt")
    };
    say("optimising the bundle (wasm-opt -Oz)");
    let mut command = Command::new(&program);
    command
        .arg("-Oz")
        .arg("--enable-bulk-memory")
        .arg("--enable-nontrapping-float-to-int")
        .arg("--enable-sign-ext")
        .arg("--enable-mutable-globals")
        .arg("--enable-reference-types")
        .arg("--enable-multivalue")
        .arg(wasm)
        .arg("-o")
        .arg(wasm);
    match command.status() {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => bail!("wasm-opt failed ({status})"),
        Err(_) => {
            println!(
                "wasm-opt not found (npm's binaryen in end2end/ provides it): the bundle is not optimised"
            );
            Ok(())
        }
    }
}

fn build_server(paths: &Paths, release: bool) -> Result<PathBuf> {
    say(&format!(
        "building the server ({})",
        if release { "release" } else { "debug" }
    ));
    let mut command = cargo();
    command.current_dir(&paths.root).args([
        "build",
        "--locked",
        "-p",
        "server",
        "--bin",
        "shopscore",
    ]);
    if release {
        command.arg("--release");
    }
    run(command, "cargo build (server)")?;
    Ok(paths
        .target
        .join(if release { "release" } else { "debug" })
        .join("shopscore"))
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
    for entry in fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let dest = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &dest)?;
        } else {
            fs::copy(entry.path(), &dest)
                .with_context(|| format!("copying {}", entry.path().display()))?;
        }
    }
    Ok(())
}

fn serve(paths: &Paths, bin: &Path, args: &[OsString]) -> Result<()> {
    say(&format!("serving ({} serve)", bin.display()));
    let mut command = Command::new(bin);
    command
        .current_dir(&paths.root)
        .arg("serve")
        .args(args)
        .env("LEPTOS_SITE_ROOT", &paths.site)
        .env("LEPTOS_OUTPUT_NAME", OUTPUT_NAME);
    exec(command)
}

#[cfg(unix)]
fn exec(mut command: Command) -> Result<()> {
    use std::os::unix::process::CommandExt;
    Err(command.exec()).context("cannot start the server")
}

#[cfg(not(unix))]
fn exec(command: Command) -> Result<()> {
    run(command, "the server")
}

/// Builds the release bundle and prints its size, raw and gzipped (what a browser downloads).
fn wasm_size(paths: &Paths) -> Result<()> {
    let wasm = build_wasm(paths, true)?;
    let pkg = paths.site.join("pkg");
    fs::create_dir_all(&pkg)?;
    bindgen(&wasm, &pkg, true)?;
    let out = pkg.join(format!("{OUTPUT_NAME}.wasm"));
    optimise(paths, &out)?;
    let bytes = fs::read(&out)?;
    let js = fs::read(pkg.join(format!("{OUTPUT_NAME}.js")))?;
    let gz = |data: &[u8]| -> Result<usize> {
        let mut child = Command::new("gzip")
            .arg("-9")
            .arg("-c")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .context("gzip")?;
        // Feed gzip from another thread: writing everything before reading its output would
        // deadlock once both pipes are full.
        let mut stdin = child.stdin.take().context("gzip stdin")?;
        let input = data.to_vec();
        let writer = std::thread::spawn(move || stdin.write_all(&input));
        let output = child.wait_with_output()?;
        writer
            .join()
            .map_err(|_| anyhow::anyhow!("the gzip writer panicked"))??;
        Ok(output.stdout.len())
    };
    println!(
        "wasm {} bytes raw, {} bytes gzipped; js {} bytes raw, {} bytes gzipped",
        bytes.len(),
        gz(&bytes)?,
        js.len(),
        gz(&js)?
    );
    Ok(())
}
