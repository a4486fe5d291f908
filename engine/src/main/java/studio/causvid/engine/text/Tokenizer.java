package studio.causvid.engine.text;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import studio.causvid.engine.pack.Manifest;
import studio.causvid.engine.pack.PromptWords;

/**
 * The word-level tokenizer of docs/model-pack.md: lower-case, split on non-letters, read aliases as
 * their word, look up, a two-word vocabulary entry (such as "pans left", format version 2) before
 * its words.
 */
public final class Tokenizer {
  private final Manifest.Text spec;
  private final Map<String, Integer> ids = new HashMap<>();

  public Tokenizer(Manifest.Text spec) {
    this.spec = spec;
    List<String> vocabulary = spec.vocabulary();
    for (int i = 0; i < vocabulary.size(); i++) {
      ids.putIfAbsent(vocabulary.get(i), i);
    }
  }

  public TokenizedPrompt tokenize(String prompt) {
    String text = prompt == null ? "" : prompt;
    List<Long> tokens = new ArrayList<>();
    // The words each token stands for, as typed (BOS for none): what names the words a cut drops.
    List<String> sources = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    tokens.add((long) spec.bosId());
    sources.add("");
    List<String> words = new ArrayList<>();
    List<String> typed = new ArrayList<>();
    for (String word : PromptWords.of(text)) {
      words.add(spec.aliases().getOrDefault(word, word));
      typed.add(word);
    }
    for (int i = 0; i < words.size(); i++) {
      String word = words.get(i);
      Integer pair = i + 1 < words.size() ? ids.get(word + " " + words.get(i + 1)) : null;
      if (pair != null) {
        tokens.add((long) pair);
        sources.add(typed.get(i) + " " + typed.get(i + 1));
        i++;
        continue;
      }
      Integer id = ids.get(word);
      if (id == null) {
        unknown.add(word);
        tokens.add((long) spec.unkId());
      } else {
        tokens.add((long) id);
      }
      sources.add(typed.get(i));
    }
    int max = spec.maxTokens();
    long[] out = new long[max];
    float[] mask = new float[max];
    for (int i = 0; i < max; i++) {
      boolean real = i < tokens.size();
      out[i] = real ? tokens.get(i) : spec.padId();
      mask[i] = real ? 1f : 0f;
    }
    List<String> dropped =
        tokens.size() > max ? List.copyOf(sources.subList(max, tokens.size())) : List.of();
    return new TokenizedPrompt(text, out, mask, List.copyOf(unknown), dropped);
  }
}
