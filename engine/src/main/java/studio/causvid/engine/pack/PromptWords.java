package studio.causvid.engine.pack;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How the pack contract reads a prompt's words (docs/model-pack.md, *Tokenizer*): lower-cased and
 * split on anything that is not a letter. The tokenizer maps these words to ids; switch guidance
 * compares them.
 */
public final class PromptWords {
  private static final Pattern NON_LETTERS = Pattern.compile("[^\\p{L}]+");

  private PromptWords() {}

  /** The prompt's words in order, none empty; none for null. */
  public static List<String> of(String prompt) {
    List<String> words = new ArrayList<>();
    if (prompt == null) {
      return words;
    }
    for (String word : NON_LETTERS.split(prompt.toLowerCase(Locale.ROOT))) {
      if (!word.isEmpty()) {
        words.add(word);
      }
    }
    return words;
  }
}
