package studio.causvid.app.project;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import studio.causvid.engine.generate.Frame;
import studio.causvid.engine.generate.GenerationRequest.Sampler;
import studio.causvid.engine.media.AtomicTarget;
import studio.causvid.engine.media.DiskSpace;

/**
 * Reads and writes a project folder {@code <name>.causvid/} (docs/project-format.md): {@code
 * project.json}, {@code frames/frame_NNNNN.png} and {@code latents.f32}. Saving builds a new folder
 * beside the target and swaps it in, so a failed save never damages the previous one.
 */
public final class ProjectFile {
  public static final String FORMAT = "causvid-project";
  public static final int VERSION = 1;
  public static final String EXTENSION = ".causvid";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** A project as read from disk. */
  public record Loaded(Document document, ClipFormat format, String modelName, Path modelPath) {}

  private ProjectFile() {}

  /** {@code name} with the {@code .causvid} extension added if missing. */
  public static Path withExtension(Path path) {
    String name = path.getFileName().toString();
    return name.toLowerCase(Locale.ROOT).endsWith(EXTENSION)
        ? path
        : path.resolveSibling(name + EXTENSION);
  }

  public static void write(
      Path target, Document doc, ClipFormat format, String modelName, Path modelPath)
      throws ProjectException {
    Path dir = withExtension(target).toAbsolutePath();
    Path parent = dir.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new ProjectException("Cannot save " + dir + ": folder " + parent + " does not exist.");
    }
    refuseToReplaceOtherFiles(dir);
    Path temp = AtomicTarget.temporarySibling(dir, "saving");
    try {
      Files.createDirectories(temp.resolve("frames"));
      writeFrames(temp, doc.frames(), format);
      JSON.writeValue(
          temp.resolve("project.json").toFile(), toJson(doc, format, modelName, modelPath));
      AtomicTarget.publishFolder(temp, dir);
    } catch (IOException | RuntimeException e) {
      AtomicTarget.deleteQuietly(temp);
      throw new ProjectException(
          "Cannot save " + dir + ": " + describe(e) + DiskSpace.fullDiskHint(parent), e);
    }
  }

  /**
   * A save replaces the project folder whole, so a folder already at {@code dir} is replaced only
   * when it is a project (it has a project.json) or empty; anything else there is left alone.
   */
  private static void refuseToReplaceOtherFiles(Path dir) throws ProjectException {
    if (!Files.exists(dir) || Files.isRegularFile(dir.resolve("project.json"))) {
      return;
    }
    String why = "a file of that name is there";
    if (Files.isDirectory(dir)) {
      try (Stream<Path> entries = Files.list(dir)) {
        if (entries.findAny().isEmpty()) {
          return;
        }
      } catch (IOException e) {
        throw new ProjectException("Cannot save " + dir + ": " + describe(e), e);
      }
      why = "that folder holds other files and is not a CausVid project";
    }
    throw new ProjectException(
        "Cannot save " + dir + ": " + why + ". Choose another name; nothing was changed there.");
  }

  public static Loaded read(Path path) throws ProjectException {
    Path dir = path;
    if (Files.isRegularFile(path) && path.getFileName().toString().equals("project.json")) {
      dir = path.getParent();
    }
    Path json = dir.resolve("project.json");
    if (!Files.isRegularFile(json)) {
      throw new ProjectException(dir + " is not a CausVid project: it has no project.json.");
    }
    try {
      JsonNode root = JSON.readTree(json.toFile());
      if (root == null || !FORMAT.equals(root.path("format").asText())) {
        throw new ProjectException(
            json + " is not a CausVid project file (format is not \"" + FORMAT + "\").");
      }
      int version = root.path("format_version").asInt(-1);
      if (version != VERSION) {
        throw new ProjectException(
            json
                + " has format_version "
                + version
                + "; this studio reads version "
                + VERSION
                + ".");
      }
      JsonNode v = required(root, "video", json);
      ClipFormat format =
          new ClipFormat(
              v.path("width").asInt(),
              v.path("height").asInt(),
              v.path("fps").asInt(),
              v.path("frames_per_block").asInt(),
              root.path("frames").path("latent_size").asInt());
      if (format.width() <= 0
          || format.height() <= 0
          || format.fps() <= 0
          || format.framesPerBlock() <= 0) {
        throw new ProjectException(json + " has an invalid \"video\" section.");
      }
      List<PromptCue> cues = new ArrayList<>();
      for (JsonNode p : root.path("prompts")) {
        cues.add(new PromptCue(p.path("block").asInt(), p.path("text").asText()));
      }
      JsonNode src = root.path("source");
      Source source = Source.valueOf(src.path("kind").asText("none").toUpperCase(Locale.ROOT));
      Path sourceFile = src.hasNonNull("file") ? Path.of(src.path("file").asText()) : null;
      int sourceFrames = src.path("frames").asInt(0);
      JsonNode fr = root.path("frames");
      int count = fr.path("count").asInt(0);
      List<String> blockPrompts = new ArrayList<>();
      for (JsonNode p : fr.path("block_prompts")) {
        blockPrompts.add(p.asText());
      }
      List<Frame> frames = readFrames(dir, count, format, blockPrompts);
      Sampler sampler =
          Sampler.valueOf(root.path("sampler").asText("student").toUpperCase(Locale.ROOT));
      Document doc =
          new Document(
              cues,
              root.path("seed").asLong(),
              root.path("blocks").asInt(1),
              sampler,
              source,
              sourceFile,
              sourceFrames,
              frames);
      JsonNode model = root.path("model");
      return new Loaded(
          doc,
          format,
          model.path("name").asText(""),
          model.hasNonNull("path") ? Path.of(model.path("path").asText()) : null);
    } catch (ProjectException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new ProjectException("Cannot open " + dir + ": " + describe(e), e);
    }
  }

  private static ObjectNode toJson(Document doc, ClipFormat f, String modelName, Path modelPath) {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("format_version", VERSION);
    ObjectNode model = root.putObject("model");
    model.put("name", modelName);
    model.put("path", modelPath == null ? null : modelPath.toAbsolutePath().toString());
    ObjectNode video = root.putObject("video");
    video.put("width", f.width());
    video.put("height", f.height());
    video.put("fps", f.fps());
    video.put("frames_per_block", f.framesPerBlock());
    root.put("seed", doc.seed());
    root.put("blocks", doc.blocks());
    root.put("sampler", doc.sampler().name().toLowerCase(Locale.ROOT));
    ArrayNode prompts = root.putArray("prompts");
    for (PromptCue c : doc.cues()) {
      ObjectNode p = prompts.addObject();
      p.put("block", c.block());
      p.put("seconds", f.blockStart(c.block()));
      p.put("text", c.text());
    }
    ObjectNode src = root.putObject("source");
    src.put("kind", doc.source().name().toLowerCase(Locale.ROOT));
    src.put("file", doc.sourceFile() == null ? null : doc.sourceFile().toString());
    src.put("frames", doc.sourceFrames());
    ObjectNode frames = root.putObject("frames");
    frames.put("count", doc.frames().size());
    frames.put("folder", "frames");
    frames.put("pattern", "frame_%05d.png");
    frames.put("latents", "latents.f32");
    frames.put("latent_size", f.latentSize());
    ArrayNode blockPrompts = frames.putArray("block_prompts");
    int blocks = (doc.frames().size() + f.framesPerBlock() - 1) / f.framesPerBlock();
    for (int b = 0; b < blocks; b++) {
      blockPrompts.add(doc.frames().get(b * f.framesPerBlock()).prompt());
    }
    return root;
  }

  private static void writeFrames(Path dir, List<Frame> frames, ClipFormat f) throws IOException {
    ByteBuffer buf =
        ByteBuffer.allocate(Math.max(4, f.latentSize() * 4)).order(ByteOrder.LITTLE_ENDIAN);
    try (OutputStream latents =
        new BufferedOutputStream(Files.newOutputStream(dir.resolve("latents.f32")))) {
      for (int i = 0; i < frames.size(); i++) {
        Frame fr = frames.get(i);
        BufferedImage image =
            new BufferedImage(fr.width(), fr.height(), BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, fr.width(), fr.height(), fr.argb(), 0, fr.width());
        ImageIO.write(
            image,
            "png",
            dir.resolve("frames").resolve(String.format("frame_%05d.png", i)).toFile());
        buf.clear();
        for (int k = 0; k < f.latentSize(); k++) {
          buf.putFloat(fr.latent() != null && k < fr.latent().length ? fr.latent()[k] : 0f);
        }
        latents.write(buf.array(), 0, f.latentSize() * 4);
      }
    }
  }

  private static List<Frame> readFrames(
      Path dir, int count, ClipFormat f, List<String> blockPrompts)
      throws IOException, ProjectException {
    List<Frame> frames = new ArrayList<>(count);
    Path latentFile = dir.resolve("latents.f32");
    long expected = (long) count * f.latentSize() * 4;
    if (count > 0 && (!Files.isRegularFile(latentFile) || Files.size(latentFile) != expected)) {
      throw new ProjectException(
          latentFile + " is missing or has the wrong size (expected " + expected + " bytes).");
    }
    byte[] bytes = new byte[f.latentSize() * 4];
    try (InputStream in =
        count == 0
            ? InputStream.nullInputStream()
            : new BufferedInputStream(Files.newInputStream(latentFile))) {
      DataInputStream data = new DataInputStream(in);
      for (int i = 0; i < count; i++) {
        Path png = dir.resolve("frames").resolve(String.format("frame_%05d.png", i));
        BufferedImage image = Files.isRegularFile(png) ? ImageIO.read(png.toFile()) : null;
        if (image == null) {
          throw new ProjectException(png + " is missing or not a PNG picture.");
        }
        if (image.getWidth() != f.width() || image.getHeight() != f.height()) {
          throw new ProjectException(
              png
                  + " is "
                  + image.getWidth()
                  + "x"
                  + image.getHeight()
                  + ", the project's frames are "
                  + f.width()
                  + "x"
                  + f.height()
                  + ".");
        }
        int[] argb = image.getRGB(0, 0, f.width(), f.height(), null, 0, f.width());
        data.readFully(bytes);
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float[] latent = new float[f.latentSize()];
        bb.asFloatBuffer().get(latent);
        int block = i / f.framesPerBlock();
        String prompt = block < blockPrompts.size() ? blockPrompts.get(block) : "";
        frames.add(
            new Frame(block, i, (double) i / f.fps(), prompt, argb, f.width(), f.height(), latent));
      }
    }
    return frames;
  }

  private static JsonNode required(JsonNode root, String field, Path file) throws ProjectException {
    JsonNode n = root.get(field);
    if (n == null || !n.isObject()) {
      throw new ProjectException(file + " has no \"" + field + "\" section.");
    }
    return n;
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }
}
