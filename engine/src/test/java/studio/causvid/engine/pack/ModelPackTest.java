package studio.causvid.engine.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static studio.causvid.engine.ToyPack.editManifest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import studio.causvid.engine.ToyPack;

class ModelPackTest {
  @TempDir Path tmp;

  @Test
  void opensTheToyPackAndReadsItsNumbers() throws PackException {
    ModelPack pack = ModelPack.open(ToyPack.dir());
    Manifest m = pack.manifest();
    assertEquals("toy", m.name());
    assertEquals(16, m.video().width());
    assertEquals(8, m.video().fps());
    assertEquals(2, m.framesPerBlock());
    assertEquals(4, m.latent().tokensPerFrame());
    assertEquals(6, m.student().contextFrames());
    assertEquals(2, m.student().sinkFrames());
    assertEquals(java.util.List.of(1.0, 0.5), m.student().timesteps());
    assertEquals(4, m.teacher().clipFrames());
    assertEquals(
        0.0, m.teacher().frameCorrelation(), "a pack that does not say: independent frames");
    assertEquals(13, m.text().vocabulary().size());
    assertTrue(pack.hasTeacher());
    assertTrue(m.training().has("note"));
  }

  @Test
  void packWithoutTeacherIsValid() throws Exception {
    Path dir = ToyPack.copyTo(tmp.resolve("p"));
    editManifest(dir, s -> s.replaceFirst("\"teacher\": \\{\\s*\"clip_frames\"[^}]*},", ""));
    Files.delete(dir.resolve("teacher.onnx"));
    String json = Files.readString(dir.resolve("manifest.json"));
    Files.writeString(
        dir.resolve("manifest.json"),
        json.substring(0, json.indexOf(",\n    \"teacher\": {\n      \"file\""))
            + json.substring(json.indexOf("\n  },\n  \"training\"")));
    ModelPack pack = ModelPack.open(dir);
    assertFalse(pack.hasTeacher());
  }

  @Test
  void missingFolder() {
    var e = assertThrows(PackException.class, () -> ModelPack.open(tmp.resolve("nowhere")));
    assertTrue(e.getMessage().contains("nowhere") && e.getMessage().contains("does not exist"));
  }

  @Test
  void missingManifest() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("empty"));
    var e = assertThrows(PackException.class, () -> ModelPack.open(dir));
    assertTrue(e.getMessage().contains("has no manifest.json"), e.getMessage());
  }

  @Test
  void missingGraphFile() throws IOException {
    Path dir = ToyPack.copyTo(tmp.resolve("p"));
    Files.delete(dir.resolve("student_step.onnx"));
    var e = assertThrows(PackException.class, () -> ModelPack.open(dir));
    assertTrue(e.getMessage().contains("is missing student_step.onnx"), e.getMessage());
    assertTrue(e.getMessage().contains("graph student_step"), e.getMessage());
  }

  @Test
  void unknownVersionNamesFoundAndReadable() throws IOException {
    Path dir = ToyPack.copyTo(tmp.resolve("p"));
    editManifest(dir, s -> s.replace("\"format_version\": 1", "\"format_version\": 7"));
    var e = assertThrows(PackException.class, () -> ModelPack.open(dir));
    assertTrue(e.getMessage().contains("version 7"), e.getMessage());
    assertTrue(e.getMessage().contains("[1, 2]"), e.getMessage());
  }

  @Test
  void aTwoWordEntryNeedsVersionTwo() throws IOException, PackException {
    Path dir = ToyPack.copyTo(tmp.resolve("p"));
    editManifest(dir, s -> s.replace("\"snow\"", "\"snow\", \"in snow\""));
    var e = assertThrows(PackException.class, () -> ModelPack.open(dir));
    assertTrue(e.getMessage().contains("\"in snow\""), e.getMessage());
    assertTrue(e.getMessage().contains("two words from format version 2"), e.getMessage());

    editManifest(dir, s -> s.replace("\"format_version\": 1", "\"format_version\": 2"));
    assertEquals("in snow", ModelPack.open(dir).manifest().text().vocabulary().get(13));

    editManifest(dir, s -> s.replace("\"in snow\"", "\"in the snow\""));
    assertThrows(PackException.class, () -> ModelPack.open(dir), "three words");
  }

  @Test
  void anAliasMustNameAVocabularyWord() throws IOException {
    Path dir = ToyPack.copyTo(tmp.resolve("p"));
    editManifest(dir, s -> s.replace("\"an\": \"a\"", "\"an\": \"zebra\""));
    var e = assertThrows(PackException.class, () -> ModelPack.open(dir));
    assertTrue(
        e.getMessage().contains("\"zebra\", which is not in the vocabulary"), e.getMessage());
  }

  @Test
  void aManifestWithoutAliasesReadsNone() throws IOException, PackException {
    Path dir = ToyPack.copyTo(tmp.resolve("p"));
    editManifest(dir, s -> s.replaceFirst(",\\s*\"aliases\": \\{[^}]*}", ""));
    assertFalse(Files.readString(dir.resolve("manifest.json")).contains("aliases"));
    assertEquals(java.util.Map.of(), ModelPack.open(dir).manifest().text().aliases());
  }

  @Test
  void notAPack() throws IOException {
    Path dir = ToyPack.copyTo(tmp.resolve("p"));
    editManifest(dir, s -> s.replace("\"causvid-pack\"", "\"something-else\""));
    var e = assertThrows(PackException.class, () -> ModelPack.open(dir));
    assertTrue(e.getMessage().contains("not a CausVid model pack"), e.getMessage());
  }

  @Test
  void corruptJsonNamesFileAndLine() throws IOException {
    Path dir = ToyPack.copyTo(tmp.resolve("p"));
    editManifest(dir, s -> s.substring(0, s.length() / 2));
    var e = assertThrows(PackException.class, () -> ModelPack.open(dir));
    assertTrue(e.getMessage().contains("manifest.json is not valid JSON"), e.getMessage());
    assertTrue(e.getMessage().contains("line"), e.getMessage());
  }

  @Test
  void manifestShapeDisagreesWithContract() throws IOException {
    Path dir = ToyPack.copyTo(tmp.resolve("p"));
    // 24 cached tokens (6 frames x 4) become 20 in the declared kv_cache shape.
    editManifest(
        dir,
        s ->
            s.replace(
                "1,\n            2,\n            24,", "1,\n            2,\n            20,"));
    var e = assertThrows(PackException.class, () -> ModelPack.open(dir));
    assertTrue(e.getMessage().contains("graph student_step"), e.getMessage());
    assertTrue(e.getMessage().contains("'kv_cache'"), e.getMessage());
    assertTrue(e.getMessage().contains("(1, 2, 1, 2, 24, 4)"), e.getMessage());
  }

  @Test
  void graphShapeDisagreesWithManifest() throws IOException {
    Path dir = ToyPack.copyTo(tmp.resolve("p"));
    // The manifest now says 7 text tokens everywhere; the graphs were exported with 6.
    editManifest(
        dir,
        s ->
            s.replace("\"max_tokens\": 6", "\"max_tokens\": 7")
                .replaceAll(
                    "(\"tokens\",\\s*\"dtype\": \"int64\",\\s*\"shape\": \\[\\s*1,\\s*)6", "$17")
                .replaceAll(
                    "(\"text\",\\s*\"dtype\": \"float32\",\\s*\"shape\": \\[\\s*1,\\s*)6", "$17"));
    var e = assertThrows(PackException.class, () -> ModelPack.open(dir));
    assertTrue(e.getMessage().contains("graph text_encoder (text_encoder.onnx)"), e.getMessage());
    assertTrue(e.getMessage().contains("'tokens' has shape (1, 6) in the graph"), e.getMessage());
  }

  @Test
  void graphWithWrongTensors() throws IOException {
    Path dir = ToyPack.copyTo(tmp.resolve("p"));
    Files.copy(
        dir.resolve("frame_encoder.onnx"),
        dir.resolve("frame_decoder.onnx"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    var e = assertThrows(PackException.class, () -> ModelPack.open(dir));
    assertTrue(e.getMessage().contains("graph frame_decoder"), e.getMessage());
    assertTrue(e.getMessage().contains("input 'latent'"), e.getMessage());
  }

  @Test
  void corruptOnnxFile() throws IOException {
    Path dir = ToyPack.copyTo(tmp.resolve("p"));
    Files.write(dir.resolve("teacher.onnx"), new byte[] {1, 2, 3, 4, 5, 6, 7});
    var e = assertThrows(PackException.class, () -> ModelPack.open(dir));
    assertTrue(
        e.getMessage().contains("teacher.onnx is not a readable ONNX graph"), e.getMessage());
  }

  @Test
  void badScheduleIsRefused() throws IOException {
    Path dir = ToyPack.copyTo(tmp.resolve("p"));
    editManifest(
        dir,
        s ->
            s.replace(
                "\"timesteps\": [\n      1.0,\n      0.5\n    ]", "\"timesteps\": [0.5, 1.0]"));
    var e = assertThrows(PackException.class, () -> ModelPack.open(dir));
    assertTrue(e.getMessage().contains("timesteps that do not descend"), e.getMessage());
  }

  @Test
  void teacherNoiseCorrelationIsReadAndMustBeBelowOne() throws Exception {
    Path dir = ToyPack.copyTo(tmp.resolve("p"));
    editManifest(
        dir,
        s -> s.replace("\"guidance\": 2.0", "\"guidance\": 2.0,\n    \"noise_correlation\": 0.9"));
    assertEquals(0.9, ModelPack.open(dir).manifest().teacher().frameCorrelation());
    editManifest(dir, s -> s.replace("\"noise_correlation\": 0.9", "\"noise_correlation\": 1.0"));
    var e = assertThrows(PackException.class, () -> ModelPack.open(dir));
    assertTrue(e.getMessage().contains("teacher.noise_correlation"), e.getMessage());
  }

  @Test
  void switchGuidanceIsOptionalAndMustFitTheSchedule() throws Exception {
    assertFalse(ModelPack.open(ToyPack.dir()).manifest().student().guidesSwitches());
    Path dir = ToyPack.copyTo(tmp.resolve("p"));
    ToyPack.addSwitchGuidance(dir, "{\"scale\": 3.0, \"steps\": 2}");
    Manifest.Student student = ModelPack.open(dir).manifest().student();
    assertEquals(new Manifest.SwitchGuidance(3.0, 2, List.of()), student.switchGuidance());
    assertTrue(student.guidesSwitches());
    editManifest(dir, s -> s.replace("\"steps\": 2}", "\"steps\": 3}"));
    var e = assertThrows(PackException.class, () -> ModelPack.open(dir));
    assertTrue(e.getMessage().contains("switch_guidance.steps = 3, outside 1..2"), e.getMessage());
    editManifest(
        dir, s -> s.replace("\"scale\": 3.0, \"steps\": 3}", "\"scale\": -1.0, \"steps\": 1}"));
    e = assertThrows(PackException.class, () -> ModelPack.open(dir));
    assertTrue(e.getMessage().contains("switch_guidance.scale = -1.0"), e.getMessage());
  }

  @Test
  void aSwitchOfUnguidedPhrasesOnlyIsNotGuided() throws Exception {
    Path dir = ToyPack.copyTo(tmp.resolve("p"));
    ToyPack.addSwitchGuidance(
        dir,
        "{\"scale\": 3.0, \"steps\": 2, "
            + "\"unguided_phrases\": [\"in a studio\", \"on the grass\", \"in the sky\"]}");
    Manifest.Student student = ModelPack.open(dir).manifest().student();
    assertEquals(
        List.of("in a studio", "on the grass", "in the sky"),
        student.switchGuidance().unguidedPhrases());
    // The same cases as the Python reference sampler's test (training/tests/test_sampler.py).
    assertFalse(
        student.guidesSwitch(
            "a red ball standing still on the grass", "a red ball standing still in a studio"));
    assertFalse(
        student.guidesSwitch(
            "A red ball on the grass, the camera pans left",
            "a red  ball in the sky,the camera pans left"));
    assertTrue(student.guidesSwitch("a red ball on the grass", "a blue ball on the grass"));
    assertTrue(student.guidesSwitch("a red ball on the grass", "a blue ball in a studio"));
    assertTrue(
        student.guidesSwitch(
            "a red ball on the grass", "a red ball on the grass, the camera pans left"));
    editManifest(dir, s -> s.replace("\"on the grass\"", "\" \""));
    var e = assertThrows(PackException.class, () -> ModelPack.open(dir));
    assertTrue(e.getMessage().contains("blank phrase"), e.getMessage());
  }
}
