package studio.causvid.app.cli;

import studio.causvid.engine.pack.Manifest;

/**
 * An estimate of the student's arithmetic per block from the manifest's dimensions, assuming a
 * standard transformer block (self-attention over block + cache, cross-attention to the text, a 4×
 * MLP). Encoder and decoder are left out. It is an estimate: the pack does not state its FLOPs.
 */
final class StepFlops {
  private StepFlops() {}

  static double perBlock(Manifest m) {
    double q = (double) m.framesPerBlock() * m.latent().tokensPerFrame();
    double k = (double) m.student().contextFrames() * m.latent().tokensPerFrame();
    double d = (double) m.model().heads() * m.model().headDim();
    double l = m.text().maxTokens();
    double textDim = m.model().textDim();
    double perLayer =
        8 * q * d * d // q, k, v, o projections
            + 4 * q * (k + q) * d // scores and weighted values
            + 4 * q * d * d
            + 4 * l * textDim * d
            + 4 * q * l * d // cross-attention
            + 16 * q * d * d; // MLP, 4x
    int passes = m.student().timesteps().size() + 1; // denoising steps + clean pass
    return passes * m.model().layers() * perLayer;
  }
}
