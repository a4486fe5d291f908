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
  void splitsOnDigitsAndPunctuationAndCutsToMaxTokens() {
    TokenizedPrompt p = new Tokenizer(spec).tokenize("red2cat--dog_snow in the a");
    assertArrayEquals(new long[] {1, 4, 6, 7, 12, 10}, p.ids());
  }
}
