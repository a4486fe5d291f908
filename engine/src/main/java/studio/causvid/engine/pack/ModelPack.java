package studio.causvid.engine.pack;

import ai.onnxruntime.OrtException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An opened, validated model pack: its manifest and the paths of its graphs. Opening checks the
 * format version, every file, and every graph's real inputs and outputs against the manifest and
 * the contract in docs/model-pack.md, so that later code can trust them.
 */
public final class ModelPack {
  public static final String FORMAT = "causvid-pack";

  /**
   * Version 2 lets a vocabulary entry be two words, read before its words (a pack trained on the
   * phrase vocabulary); a pack of single words says 1.
   */
  public static final List<Integer> READABLE_VERSIONS = List.of(1, 2);

  /** The first version whose vocabulary may hold two-word entries. */
  public static final int PHRASE_VERSION = 2;

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
          .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
          .configure(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES, false);

  private final Path directory;
  private final Manifest manifest;

  private ModelPack(Path directory, Manifest manifest) {
    this.directory = directory;
    this.manifest = manifest;
  }

  /** Opens and fully validates the pack in {@code directory}. */
  public static ModelPack open(Path directory) throws PackException {
    Manifest manifest = readManifest(directory);
    checkNumbers(manifest, directory);
    Map<String, GraphContract.Signature> expected = GraphContract.expected(manifest);
    for (var entry : expected.entrySet()) {
      checkGraph(directory, manifest, entry.getKey(), entry.getValue());
    }
    return new ModelPack(directory, manifest);
  }

  /** Parses {@code manifest.json} without touching the graphs. */
  public static Manifest readManifest(Path directory) throws PackException {
    if (!Files.isDirectory(directory)) {
      throw new PackException("Model pack folder " + directory + " does not exist.");
    }
    Path file = directory.resolve("manifest.json");
    if (!Files.isRegularFile(file)) {
      throw new PackException("Model pack " + directory + " has no manifest.json.");
    }
    Manifest manifest;
    try {
      var tree = JSON.readTree(file.toFile());
      if (tree == null || !tree.isObject()) {
        throw new PackException(file + " is not a JSON object.");
      }
      String format = tree.path("format").asText(null);
      if (!FORMAT.equals(format)) {
        throw new PackException(
            file + " is not a CausVid model pack (format is " + quote(format) + ").");
      }
      if (!tree.path("format_version").canConvertToInt()) {
        throw new PackException(file + " has no format_version.");
      }
      int version = tree.path("format_version").asInt();
      if (!READABLE_VERSIONS.contains(version)) {
        throw new PackException(
            file
                + " uses pack format version "
                + version
                + "; this engine reads version(s) "
                + READABLE_VERSIONS
                + ".");
      }
      manifest = JSON.treeToValue(tree, Manifest.class);
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " (line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr()
                  + ")";
      throw new PackException(
          file + " is not valid JSON" + where + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new PackException("Cannot read " + file + ": " + e.getMessage(), e);
    }
    return manifest;
  }

  private static void checkNumbers(Manifest m, Path dir) throws PackException {
    String where = dir.resolve("manifest.json").toString();
    require(m.video() != null, where, "lacks \"video\"");
    require(m.latent() != null, where, "lacks \"latent\"");
    require(m.student() != null, where, "lacks \"student\"");
    require(m.text() != null, where, "lacks \"text\"");
    require(m.model() != null, where, "lacks \"model\"");
    require(m.graphs() != null, where, "lacks \"graphs\"");
    require(m.video().width() > 0 && m.video().height() > 0, where, "has no video size");
    require(m.video().fps() > 0, where, "has no video fps");
    require(
        m.latent().channels() > 0 && m.latent().height() > 0 && m.latent().width() > 0,
        where,
        "has no latent shape");
    require(m.latent().tokensPerFrame() > 0, where, "has no latent.tokens_per_frame");
    require(m.framesPerBlock() > 0, where, "has no frames_per_block");
    List<Double> ts = m.student().timesteps();
    require(ts != null && !ts.isEmpty(), where, "has no student.timesteps");
    for (int i = 0; i < ts.size(); i++) {
      double t = ts.get(i);
      require(
          t > 0 && t <= 1, where, "has student.timesteps[" + i + "] = " + t + " outside (0, 1]");
      require(i == 0 || t < ts.get(i - 1), where, "has student.timesteps that do not descend");
    }
    int f = m.framesPerBlock();
    int context = m.student().contextFrames();
    require(
        context >= f && context % f == 0,
        where,
        "has student.context_frames = " + context + ", not a positive multiple of " + f);
    require(
        m.student().sinkFrames() >= 0 && m.student().sinkFrames() <= context - f,
        where,
        "has student.sink_frames = " + m.student().sinkFrames() + ", more than the window allows");
    Manifest.SwitchGuidance guidance = m.student().switchGuidance();
    if (guidance != null) {
      require(
          Double.isFinite(guidance.scale()) && guidance.scale() >= 0,
          where,
          "has student.switch_guidance.scale = " + guidance.scale() + ", not a finite number >= 0");
      require(
          guidance.steps() >= 1 && guidance.steps() <= ts.size(),
          where,
          "has student.switch_guidance.steps = "
              + guidance.steps()
              + ", outside 1.."
              + ts.size()
              + " (the student's steps)");
      require(
          guidance.unguidedPhrases().stream()
              .noneMatch(phrase -> phrase == null || phrase.isBlank()),
          where,
          "has a blank phrase in student.switch_guidance.unguided_phrases");
    }
    Manifest.Text text = m.text();
    require(text.maxTokens() > 0, where, "has no text.max_tokens");
    require(text.vocabulary() != null && !text.vocabulary().isEmpty(), where, "has no vocabulary");
    int v = text.vocabulary().size();
    for (int id : new int[] {text.padId(), text.bosId(), text.unkId()}) {
      require(id >= 0 && id < v, where, "has a special token id " + id + " outside the vocabulary");
    }
    for (String entry : text.vocabulary()) {
      int words = entry.split(" ", -1).length;
      require(
          words == 1
              || (words == 2 && m.formatVersion() >= PHRASE_VERSION && !entry.contains("  ")),
          where,
          "has the vocabulary entry \""
              + entry
              + "\"; entries are one word, or two words from format version "
              + PHRASE_VERSION);
    }
    for (var alias : text.aliases().entrySet()) {
      require(
          text.vocabulary().contains(alias.getValue()),
          where,
          "reads \""
              + alias.getKey()
              + "\" as \""
              + alias.getValue()
              + "\", which is not in the vocabulary");
    }
    require(
        m.model().layers() > 0 && m.model().heads() > 0 && m.model().headDim() > 0,
        where,
        "has no model dimensions");
    require(m.model().textDim() > 0, where, "has no model.text_dim");
    if (m.teacher() != null) {
      require(
          m.teacher().clipFrames() >= 2 * f && m.teacher().clipFrames() % (2 * f) == 0,
          where,
          "has teacher.clip_frames = "
              + m.teacher().clipFrames()
              + ", not a multiple of two blocks");
      require(m.teacher().steps() > 0, where, "has no teacher.steps");
      double c = m.teacher().frameCorrelation();
      require(c >= 0 && c < 1, where, "has teacher.noise_correlation = " + c + ", not in [0, 1)");
    }
  }

  private static void checkGraph(
      Path dir, Manifest m, String graph, GraphContract.Signature expected) throws PackException {
    Manifest.Graph declared = m.graphs().get(graph);
    if (declared == null) {
      throw new PackException(
          "Model pack " + dir + ": manifest.json declares no \"" + graph + "\" graph.");
    }
    if (declared.file() == null || declared.file().isBlank()) {
      throw new PackException("Model pack " + dir + ": graph " + graph + " names no file.");
    }
    Path file = dir.resolve(declared.file());
    if (!Files.isRegularFile(file)) {
      throw new PackException(
          "Model pack " + dir + " is missing " + declared.file() + " (graph " + graph + ").");
    }
    String label = "graph " + graph + " (" + declared.file() + ")";
    List<TensorSpec> declaredIn = declared.inputs() == null ? List.of() : declared.inputs();
    List<TensorSpec> declaredOut = declared.outputs() == null ? List.of() : declared.outputs();
    compare(label, "input", "the contract requires", expected.inputs(), "manifest", declaredIn);
    compare(label, "output", "the contract requires", expected.outputs(), "manifest", declaredOut);
    OnnxSignature real;
    try {
      real = OnnxSignature.read(file);
    } catch (OrtException e) {
      throw new PackException(
          "Model pack "
              + dir
              + ": "
              + declared.file()
              + " is not a readable ONNX graph ("
              + firstLine(e.getMessage())
              + ").",
          e);
    }
    compare(label, "input", "the manifest declares", declaredIn, "graph", real.inputs());
    compare(label, "output", "the manifest declares", declaredOut, "graph", real.outputs());
  }

  /** Every tensor in {@code wanted} must appear in {@code actual} with its dtype and shape. */
  private static void compare(
      String label,
      String kind,
      String wantedBy,
      List<TensorSpec> wanted,
      String actualName,
      List<TensorSpec> actual)
      throws PackException {
    Map<String, TensorSpec> byName = new HashMap<>();
    for (TensorSpec spec : actual) {
      byName.put(spec.name(), spec);
    }
    for (TensorSpec want : wanted) {
      TensorSpec got = byName.get(want.name());
      if (got == null) {
        throw new PackException(
            label
                + ": "
                + wantedBy
                + " "
                + kind
                + " '"
                + want.name()
                + "' but the "
                + actualName
                + " has no such "
                + kind
                + ".");
      }
      if (!want.dtype().equals(got.dtype())) {
        throw new PackException(
            label
                + ": "
                + kind
                + " '"
                + want.name()
                + "' is "
                + got.dtype()
                + " in the "
                + actualName
                + " but "
                + wantedBy
                + " "
                + want.dtype()
                + ".");
      }
      if (got.shape() == null || !TensorSpec.compatible(want.dims(), got.dims())) {
        throw new PackException(
            label
                + ": "
                + kind
                + " '"
                + want.name()
                + "' has shape "
                + (got.shape() == null ? "none" : TensorSpec.format(got.dims()))
                + " in the "
                + actualName
                + " but "
                + wantedBy
                + " "
                + TensorSpec.format(want.dims())
                + ".");
      }
    }
  }

  private static void require(boolean ok, String where, String problem) throws PackException {
    if (!ok) {
      throw new PackException(where + " " + problem + ".");
    }
  }

  private static String quote(String s) {
    return s == null ? "missing" : "\"" + s + "\"";
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unknown error";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  public Path directory() {
    return directory;
  }

  public Manifest manifest() {
    return manifest;
  }

  /** Path of a graph's ONNX file, or empty when the pack lacks the (optional) graph. */
  public Optional<Path> graphFile(String graph) {
    Manifest.Graph g = manifest.graphs().get(graph);
    return g == null ? Optional.empty() : Optional.of(directory.resolve(g.file()));
  }

  /** Whether the pack carries the teacher graph ("best quality" mode). */
  public boolean hasTeacher() {
    return manifest.teacher() != null && manifest.graphs().containsKey(GraphContract.TEACHER);
  }

  @Override
  public String toString() {
    return manifest.name() + " (" + directory + ")";
  }
}
