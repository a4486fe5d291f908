package studio.causvid.app.ui;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import studio.causvid.app.project.ClipFormat;
import studio.causvid.app.project.Document;
import studio.causvid.app.project.PromptCue;
import studio.causvid.app.project.UndoStack;
import studio.causvid.engine.StudioEngine;
import studio.causvid.engine.generate.Frame;
import studio.causvid.engine.runtime.Device;

/**
 * The presentation model: every observable the views bind to, and the undo stack. Owned by the FX
 * thread; nothing else may touch it.
 */
public final class StudioModel {
  public final ObjectProperty<Document> document = new SimpleObjectProperty<>(Document.empty(1, 8));
  public final ObjectProperty<StudioEngine> engine = new SimpleObjectProperty<>();
  public final ObjectProperty<Path> packDir = new SimpleObjectProperty<>();
  public final ObjectProperty<Device> device = new SimpleObjectProperty<>(Device.AUTO);
  public final StringProperty deviceText = new SimpleStringProperty("no model");

  /** Why that device, and the engine thread's priority (the device label's tooltip). */
  public final StringProperty deviceDetail = new SimpleStringProperty("no model pack loaded");

  public final ObjectProperty<ClipFormat> format = new SimpleObjectProperty<>();
  public final BooleanProperty loadingPack = new SimpleBooleanProperty();

  public final BooleanProperty generating = new SimpleBooleanProperty();
  public final BooleanProperty generationPaused = new SimpleBooleanProperty();
  public final BooleanProperty playing = new SimpleBooleanProperty();
  public final BooleanProperty loop = new SimpleBooleanProperty(true);
  public final BooleanProperty smoothScaling = new SimpleBooleanProperty(false);

  /**
   * The student's stream plays at the clip's frame rate as it is made, one block of lead, so a
   * follow-up lands at the block after the one on screen; off, frames come as fast as they are made
   * (GenerationSession#paceToPlayback).
   */
  public final BooleanProperty realTime = new SimpleBooleanProperty(true);

  public final BooleanProperty darkTheme = new SimpleBooleanProperty(true);

  /**
   * Seconds one Extend adds: the last amount picked from its button's menu, two seconds (half a
   * typical clip) until then.
   */
  public final DoubleProperty extendSeconds = new SimpleDoubleProperty(2);

  /** The window's size and state, as last closed (restored at the next start). */
  public final ObjectProperty<StudioPreferences.Window> window =
      new SimpleObjectProperty<>(StudioPreferences.Window.DEFAULT);

  /** The frame under the playhead. */
  public final IntegerProperty playhead = new SimpleIntegerProperty();

  /** Selected prompt cue's block, or -1. */
  public final IntegerProperty selectedCue = new SimpleIntegerProperty(-1);

  /** Frames per second of the running (or last) generation. */
  public final DoubleProperty generationFps = new SimpleDoubleProperty();

  /** The running generation's share done, 0–1 (the status bar's progress bar); 0 when idle. */
  public final DoubleProperty generationProgress = new SimpleDoubleProperty();

  /**
   * How fast the live preview plays against the clip's frame rate: under 1 where the engine makes
   * frames more slowly than real time and the stream plays in slow motion.
   */
  public final DoubleProperty playbackSpeed = new SimpleDoubleProperty(1);

  /** Longest gap between two FX pulses while generating, in ms (goal: under 50). */
  public final LongProperty longestStallMs = new SimpleLongProperty();

  public final StringProperty unknownWords = new SimpleStringProperty("");

  /** The typed prompt's words past the text encoder's length, named; empty when it all fits. */
  public final StringProperty droppedWords = new SimpleStringProperty("");

  public final StringProperty status = new SimpleStringProperty("");
  public final ObjectProperty<Problem> problem = new SimpleObjectProperty<>();

  public final ObjectProperty<Path> projectPath = new SimpleObjectProperty<>();
  public final BooleanProperty dirty = new SimpleBooleanProperty();
  public final ObservableList<Path> recentProjects = FXCollections.observableArrayList();
  public final StringProperty undoName = new SimpleStringProperty();
  public final StringProperty redoName = new SimpleStringProperty();

  private final UndoStack undo = new UndoStack();

  public Document doc() {
    return document.get();
  }

  public List<Frame> frames() {
    return doc().frames();
  }

  /**
   * The project as the window's title and its questions name it: its folder's name, or Untitled.
   */
  public String projectName() {
    Path p = projectPath.get();
    return p == null ? "Untitled" : p.getFileName().toString();
  }

  /** What exports are named after: the project's name without its extension, else "clip". */
  public String clipName() {
    Path p = projectPath.get();
    return p == null ? "clip" : p.getFileName().toString().replaceAll("\\.causvid$", "");
  }

  /**
   * Changes since the last save that replacing the document would lose (an empty one has none). A
   * running generation counts: its frames become an edit only when it ends.
   */
  public boolean hasUnsavedWork() {
    return (dirty.get() || generating.get())
        && !(doc().frames().isEmpty() && doc().cues().isEmpty());
  }

  /** Applies an undoable edit; no-op edits are not recorded. */
  public void edit(String name, UnaryOperator<Document> change) {
    Document before = doc();
    Document after = change.apply(before);
    if (after.equals(before)) {
      return;
    }
    record(name, before, after);
    document.set(after);
  }

  /** Records an edit that already happened step by step (a generation), as one undo step. */
  public void record(String name, Document before, Document after) {
    undo.push(new UndoStack.Edit(name, before, after));
    dirty.set(true);
    refreshUndoNames();
  }

  /** Changes the document without an undo step (live frames of a running generation). */
  public void replace(Document doc) {
    document.set(doc);
  }

  public boolean undo() {
    UndoStack.Edit e = undo.undo();
    if (e == null) {
      return false;
    }
    document.set(e.before());
    dirty.set(true);
    clampPlayhead();
    refreshUndoNames();
    // The status bar would otherwise still report the edit that was just taken back.
    status.set("Undone: " + e.name());
    return true;
  }

  public boolean redo() {
    UndoStack.Edit e = undo.redo();
    if (e == null) {
      return false;
    }
    document.set(e.after());
    dirty.set(true);
    clampPlayhead();
    refreshUndoNames();
    status.set("Redone: " + e.name());
    return true;
  }

  /** A new document (new or opened project): history starts afresh. */
  public void reset(Document doc, Path path) {
    undo.clear();
    document.set(doc);
    projectPath.set(path);
    dirty.set(false);
    playhead.set(0);
    selectedCue.set(-1);
    refreshUndoNames();
  }

  public void clampPlayhead() {
    int n = frames().size();
    playhead.set(Math.max(0, Math.min(playhead.get(), n - 1)));
  }

  /**
   * Upserts a cue and drops later ones when {@code replaceLater} (a live prompt replaces the rest).
   */
  public static List<PromptCue> withCue(List<PromptCue> cues, PromptCue cue, boolean replaceLater) {
    List<PromptCue> out = new ArrayList<>();
    for (PromptCue c : cues) {
      if (c.block() < cue.block() || (!replaceLater && c.block() > cue.block())) {
        out.add(c);
      }
    }
    out.add(cue);
    return out;
  }

  private void refreshUndoNames() {
    undoName.set(undo.undoName());
    redoName.set(undo.redoName());
  }
}
