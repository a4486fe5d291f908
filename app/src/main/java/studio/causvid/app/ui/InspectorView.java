package studio.causvid.app.ui;

import java.util.Random;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.util.StringConverter;
import org.kordamp.ikonli.materialdesign2.MaterialDesignD;
import org.kordamp.ikonli.materialdesign2.MaterialDesignF;
import studio.causvid.app.project.Document;
import studio.causvid.app.project.Source;
import studio.causvid.engine.generate.GenerationRequest.Sampler;
import studio.causvid.engine.runtime.Device;

/** Settings of the next generation: seed, length, quality, model pack and device. */
final class InspectorView extends GridPane {
  private final StudioModel model;
  private final StudioController controller;
  private final TextField seed = new TextField();
  private final Spinner<Double> length = new Spinner<>(0.25, 120, 2, 0.5);
  private final ChoiceBox<Sampler> quality = new ChoiceBox<>();
  private final Label source = new Label();
  private boolean syncing;

  InspectorView(StudioModel model, StudioController controller, Runnable choosePack) {
    this.model = model;
    this.controller = controller;
    getStyleClass().add("inspector");
    setId("inspector");
    setHgap(8);
    setVgap(8);
    setPadding(new Insets(10));
    ColumnConstraints c0 = new ColumnConstraints();
    // Field names never shrink to "…": the value column gives way instead.
    c0.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
    ColumnConstraints c1 = new ColumnConstraints();
    c1.setHgrow(Priority.ALWAYS);
    c1.setFillWidth(true);
    getColumnConstraints().addAll(c0, c1);

    Label title = new Label("Inspector");
    title.getStyleClass().add("section-title");
    add(title, 0, 0, 2, 1);

    seed.setId("seed");
    seed.setPrefColumnCount(8);
    seed.setTooltip(new Tooltip("Noise seed: the same seed, prompts and pack give the same clip"));
    seed.setOnAction(e -> commitSeed());
    seed.focusedProperty()
        .addListener(
            (o, a, b) -> {
              if (!b) commitSeed();
            });
    Button dice = Icons.decorate(new Button(), MaterialDesignD.DICE_5, "Pick a random seed");
    dice.setOnAction(e -> controller.setSeed(new Random().nextInt(1 << 30)));
    HBox seedRow = new HBox(4, seed, dice);
    HBox.setHgrow(seed, Priority.ALWAYS);
    row(1, "Seed", seedRow);

    length.setId("length");
    length.setEditable(true);
    length.setPrefWidth(110);
    length.setTooltip(new Tooltip("Seconds to generate (rounded up to whole blocks)"));
    length
        .valueProperty()
        .addListener(
            (o, a, b) -> {
              if (!syncing && b != null) controller.setLengthSeconds(b);
            });
    row(2, "Length (s)", length);

    quality.getItems().addAll(Sampler.STUDENT, Sampler.TEACHER);
    quality.setId("quality");
    quality.setConverter(
        new StringConverter<>() {
          @Override
          public String toString(Sampler s) {
            return s == null
                ? ""
                : s == Sampler.STUDENT ? "Student (live)" : "Teacher (final render)";
          }

          @Override
          public Sampler fromString(String s) {
            return null;
          }
        });
    quality.setTooltip(
        new Tooltip(
            "Student: fast, streams block by block. Teacher: slow, best quality, for a final render."));
    quality
        .valueProperty()
        .addListener(
            (o, a, b) -> {
              if (!syncing && b != null) controller.setSampler(b);
            });
    row(3, "Quality", quality);

    ChoiceBox<Device> device = new ChoiceBox<>();
    device.getItems().addAll(Device.AUTO, Device.CUDA, Device.CPU);
    device.setId("device");
    device.setConverter(
        new StringConverter<>() {
          @Override
          public String toString(Device d) {
            return d == null
                ? ""
                : switch (d) {
                  case AUTO -> "Auto (GPU if available)";
                  case CUDA -> "GPU (CUDA)";
                  case CPU -> "CPU";
                };
          }

          @Override
          public Device fromString(String s) {
            return null;
          }
        });
    device.setValue(model.device.get());
    device.setTooltip(new Tooltip("Where the model runs; changing it reloads the pack"));
    device
        .valueProperty()
        .addListener(
            (o, a, b) -> {
              model.device.set(b);
              if (model.packDir.get() != null) {
                controller.openPack(model.packDir.get());
              }
            });
    Label running = new Label();
    running.getStyleClass().add("dim");
    running
        .textProperty()
        .bind(javafx.beans.binding.Bindings.concat("running on ", model.deviceText));
    row(4, "Device", new javafx.scene.layout.VBox(2, device, running));

    Label pack = new Label();
    pack.setId("pack-name");
    pack.setWrapText(true);
    pack.textProperty()
        .bind(
            javafx.beans.binding.Bindings.createStringBinding(
                () ->
                    model.engine.get() == null
                        ? (model.loadingPack.get() ? "loading…" : "none loaded")
                        : model.engine.get().manifest().name() + "  (" + model.packDir.get() + ")",
                model.engine,
                model.packDir,
                model.loadingPack));
    Button openPack =
        Icons.decorate(
            new Button("Open…"), MaterialDesignF.FOLDER_OPEN, "Open another model pack folder");
    openPack.setOnAction(e -> choosePack.run());
    row(5, "Model pack", new javafx.scene.layout.VBox(4, pack, openPack));

    CheckBox smooth = new CheckBox("Smooth scaling");
    smooth.setId("smooth");
    smooth.selectedProperty().bindBidirectional(model.smoothScaling);
    smooth.setTooltip(
        new Tooltip("Off: crisp pixels (nearest neighbour). On: smooth interpolation."));
    CheckBox realTime = new CheckBox("Play in real time");
    realTime.setId("real-time");
    realTime.selectedProperty().bindBidirectional(model.realTime);
    realTime.setTooltip(
        new Tooltip(
            "On: the student's frames play at the clip's frame rate as they are made, so a"
                + " follow-up lands at the block after the one you see. Off: as fast as they are"
                + " made."));
    row(6, "Preview", new javafx.scene.layout.VBox(4, smooth, realTime));

    source.setWrapText(true);
    source.setId("source");
    row(7, "Starts from", source);

    model.document.addListener((o, a, b) -> sync());
    model.format.addListener((o, a, b) -> sync());
    sync();
  }

  private void row(int r, String name, javafx.scene.Node node) {
    Label l = new Label(name);
    l.getStyleClass().add("field-name");
    add(l, 0, r);
    add(node, 1, r);
  }

  private void commitSeed() {
    if (syncing) {
      return;
    }
    try {
      controller.setSeed(Long.parseLong(seed.getText().trim()));
    } catch (NumberFormatException e) {
      model.problem.set(
          Problem.of("The seed must be a whole number, not \"" + seed.getText() + "\"."));
      seed.setText(Long.toString(model.doc().seed()));
    }
  }

  private void sync() {
    syncing = true;
    try {
      Document d = model.doc();
      // Only on a real change: setting a text field's text re-lays it out and repaints it, and the
      // document changes with every batch of frames while generating.
      String seedText = Long.toString(d.seed());
      if (!seedText.equals(seed.getText())) {
        seed.setText(seedText);
      }
      double seconds = controller.blockStart(d.blocks());
      if (length.getValue() == null || Math.abs(length.getValue() - seconds) > 1e-6) {
        length.getValueFactory().setValue(seconds);
      }
      quality.setValue(d.sampler());
      source.setText(
          d.source() == Source.NONE
              ? "noise (text to video)"
              : (d.source() == Source.PHOTO ? "photo " : "video ")
                  + (d.sourceFile() == null ? "" : d.sourceFile().getFileName()));
    } finally {
      syncing = false;
    }
  }
}
