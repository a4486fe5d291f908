package studio.causvid.app.ui;

/**
 * Something the user must know, shown in the window's notification bar: what went wrong and what to
 * do, with an optional action button (e.g. "Open pack folder…").
 */
public record Problem(String text, String actionLabel, Runnable action) {
  public static Problem of(String text) {
    return new Problem(text, null, null);
  }
}
