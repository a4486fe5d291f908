package studio.causvid.engine.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import studio.causvid.engine.ToyPack;
import studio.causvid.engine.pack.Manifest;
import studio.causvid.engine.pack.ModelPack;

class TokenizerTest {
  private final Manifest.Text spec;

  TokenizerTest() throws Exception {
    spec = ModelPack.readManifest(ToyPack.dir()).text();
  }

  /** A format-2 vocabulary with one two-word entry, "pans left", and the alias "an" for "the". */
  private static Manifest.Text phraseVocabulary(int maxTokens) {
    return new Manifest.Text(
        maxTokens,
        0,
        1,
        2,
        List.of("<pad>", "<bos>", "<unk>", "the", "pans", "left", "pans left"),
        java.util.Map.of("an", "the"));
  }

  @Test
  void matchesTheReferenceTokenizer() {
    Tokenizer tokenizer = new Tokenizer(spec);
    for (JsonNode example : ToyPack.golden().get("tokens")) {
      long[] expected = new long[example.get("ids").size()];
      for (int i = 0; i < expected.length; i++) {
        expected[i] = example.get("ids").get(i).asLong();
      }
      String prompt = example.get("prompt").asText();
      assertArrayEquals(expected, tokenizer.tokenize(prompt).ids(), prompt);
    }
  }

  @Test
  void emptyPromptIsBosOnly() {
    TokenizedPrompt p = new Tokenizer(spec).tokenize("");
    assertArrayEquals(new long[] {1, 0, 0, 0, 0, 0}, p.ids());
    assertArrayEquals(new float[] {1, 0, 0, 0, 0, 0}, p.mask());
  }

  @Test
  void reportsUnknownWordsAndMasksRealTokens() {
    TokenizedPrompt p = new Tokenizer(spec).tokenize("A zebra, a RED giraffe!");
    assertEquals(List.of("zebra", "giraffe"), p.unknownWords());
    assertArrayEquals(new long[] {1, 3, 2, 3, 4, 2}, p.ids());
    assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, p.mask());
  }

  @Test
  void readsAnAliasAsItsWordWithoutReportingIt() {
    TokenizedPrompt an = new Tokenizer(spec).tokenize("An red cat");
    assertEquals(List.of(), an.unknownWords());
    assertArrayEquals(new Tokenizer(spec).tokenize("a red cat").ids(), an.ids());
  }

  @Test
  void readsATwoWordEntryBeforeItsWordsAndOnlyInItsOrder() {
    // As causvid.prompts.tokenize reads the phrase vocabulary (training/tests/test_export.py).
    Tokenizer tokenizer = new Tokenizer(phraseVocabulary(6));
    assertArrayEquals(
        new long[] {1, 3, 2, 6, 0, 0}, tokenizer.tokenize("the camera pans left").ids());
    assertArrayEquals(new long[] {1, 6, 0, 0, 0, 0}, tokenizer.tokenize("Pans  LEFT!").ids());
    assertArrayEquals(new long[] {1, 5, 4, 0, 0, 0}, tokenizer.tokenize("left pans").ids());
    assertArrayEquals(new long[] {1, 4, 0, 0, 0, 0}, tokenizer.tokenize("pans").ids());
    assertArrayEquals(new long[] {1, 3, 6, 5, 0, 0}, tokenizer.tokenize("an pans left left").ids());
    assertEquals(List.of("camera"), tokenizer.tokenize("the camera pans left").unknownWords());
  }

  @Test
  void splitsOnDigitsAndPunctuationAndCutsToMaxTokens() {
    TokenizedPrompt p = new Tokenizer(spec).tokenize("red2cat--dog_snow in the a");
    assertArrayEquals(new long[] {1, 4, 6, 7, 12, 10}, p.ids());
    assertEquals(List.of("the", "a"), p.droppedWords());
  }

  @Test
  void namesTheWordsACutLeavesOutAsTyped() {
    Tokenizer tokenizer = new Tokenizer(phraseVocabulary(4));
    assertEquals(List.of(), tokenizer.tokenize("the pans left").droppedWords());
    assertEquals(
        List.of("an", "pans left"),
        tokenizer.tokenize("the the pans left an PANS left").droppedWords());
    assertEquals(List.of("zebra"), tokenizer.tokenize("the the the zebra").droppedWords());
    assertEquals(List.of("zebra"), tokenizer.tokenize("the the the zebra").unknownWords());
  }
}
