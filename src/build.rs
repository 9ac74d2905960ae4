//! Build script: rebuild when anything under `assets/` changes, since those files are embedded
//! in the binary and a new file would otherwise go unnoticed.

fn main() {
    println!("cargo:rerun-if-changed=assets");
    // A release build may trust one more signing key (see `appliance::update::trusted_keys`).
    println!("cargo:rerun-if-env-changed=PRAKAT_EXTRA_RELEASE_KEY");
}
