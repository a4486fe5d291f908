package studio.causvid.app.project;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Undo/redo as a stack of (name, before, after) documents. Documents are immutable values, so a
 * command is just the pair it moves between; every edit of the window goes through here.
 */
public final class UndoStack {
  /** One undoable edit. */
  public record Edit(String name, Document before, Document after) {}

  private static final int LIMIT = 200;
  private final Deque<Edit> undo = new ArrayDeque<>();
  private final Deque<Edit> redo = new ArrayDeque<>();

  public void push(Edit edit) {
    undo.push(edit);
    while (undo.size() > LIMIT) {
      undo.removeLast();
    }
    redo.clear();
  }

  /** The edit to undo (moved to the redo side), or null. */
  public Edit undo() {
    Edit e = undo.poll();
    if (e != null) {
      redo.push(e);
    }
    return e;
  }

  /** The edit to redo (moved back to the undo side), or null. */
  public Edit redo() {
    Edit e = redo.poll();
    if (e != null) {
      undo.push(e);
    }
    return e;
  }

  public String undoName() {
    return undo.isEmpty() ? null : undo.peek().name();
  }

  public String redoName() {
    return redo.isEmpty() ? null : redo.peek().name();
  }

  public void clear() {
    undo.clear();
    redo.clear();
  }
}
