package studio.causvid.engine.generate;

import java.util.HashMap;
import java.util.Map;
import studio.causvid.engine.runtime.PackGraphs;
import studio.causvid.engine.text.TokenizedPrompt;
import studio.causvid.engine.text.Tokenizer;

/** Tokenizes and encodes prompts, remembering each so a schedule encodes every text once. */
final class PromptEncoder {
  /** A prompt ready for the step graph: {@code text (1,L,D)} and {@code text_mask (1,L)}. */
  record EncodedPrompt(TokenizedPrompt tokens, float[] embedding) {
    String text() {
      return tokens.text();
    }

    float[] mask() {
      return tokens.mask();
    }
  }

  private final Tokenizer tokenizer;
  private final PackGraphs graphs;
  private final Map<String, EncodedPrompt> encoded = new HashMap<>();

  PromptEncoder(Tokenizer tokenizer, PackGraphs graphs) {
    this.tokenizer = tokenizer;
    this.graphs = graphs;
  }

  EncodedPrompt encode(String prompt) {
    return encoded.computeIfAbsent(
        prompt,
        p -> {
          TokenizedPrompt tokens = tokenizer.tokenize(p);
          return new EncodedPrompt(tokens, graphs.encodeText(tokens.ids()));
        });
  }
}
