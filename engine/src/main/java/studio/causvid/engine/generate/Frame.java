package studio.causvid.engine.generate;

/**
 * One decoded frame, handed to listeners as soon as its block is decoded.
 *
 * @param block global block index
 * @param index global frame index ({@code block · F + i})
 * @param time seconds from the clip start, {@code index / fps}
 * @param prompt the prompt this frame's block was generated under
 * @param argb pixels, row-major, {@code 0xAARRGGBB}
 * @param latent the frame's clean latent {@code (C,h,w)}, kept for regenerate and re-cache
 */
public record Frame(
    int block,
    long index,
    double time,
    String prompt,
    int[] argb,
    int width,
    int height,
    float[] latent) {}
