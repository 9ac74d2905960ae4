//! Build script: rebuild when anything under `assets/` changes, since those files are embedded
//! in the binary and a new file would otherwise go unnoticed.

fn main() {
    println!("cargo:rerun-if-changed=assets");
}
