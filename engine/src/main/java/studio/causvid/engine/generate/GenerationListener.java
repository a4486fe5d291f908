package studio.causvid.engine.generate;

/** Receives a generation's events on its own delivery thread, in order. */
@FunctionalInterface
public interface GenerationListener {
  void onEvent(GenerationEvent event);
}
